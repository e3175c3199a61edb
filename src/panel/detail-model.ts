import type { Diagnosis, Evidence, Exchange, FixPlan, ObservedResponse, PlannedHeader, ResponseKind } from '../engine/types.ts';
import { formatDuration } from './model.ts';

/** Pure pieces of the detail view: the "asked vs allowed" table, the timeline, plain-HTTP headers. */

export interface AskedAllowedRow {
  /** Lower-case response header (or `:status`, `location`); stable for tests. */
  key: string;
  label: string;
  stage: Evidence['stage'];
  asked: string;
  seen: string | null;
  needed: string | undefined;
  ok: boolean;
}

const LABELS: Record<string, string> = {
  ':status': 'Status',
  'access-control-allow-origin': 'Origin',
  'access-control-allow-credentials': 'Credentials',
  'access-control-allow-methods': 'Method',
  'access-control-allow-headers': 'Headers',
  'access-control-max-age': 'Cache (max-age)',
  location: 'Redirect to',
};

/** Which request fact each response header answers. */
const ASKED_BY: Record<string, string> = {
  'access-control-allow-origin': 'origin',
  'access-control-allow-methods': 'access-control-request-method',
  'access-control-allow-headers': 'access-control-request-headers',
};

export function askedAllowed(exchange: Exchange, diagnosis: Diagnosis): AskedAllowedRow[] {
  const asked = new Map<string, string>();
  for (const e of diagnosis.evidence) if (e.stage === 'request' && e.seen !== null) asked.set(e.header.toLowerCase(), e.seen);
  if (!asked.has('origin')) asked.set('origin', exchange.initiatorOrigin);
  if (!asked.has('access-control-request-method')) asked.set('access-control-request-method', exchange.method);
  const credentials =
    diagnosis.credentialsAssumed === 'include' ? 'include (cookies / HTTP auth)' : diagnosis.credentialsAssumed === 'omit' ? 'omit' : 'same-origin';

  const rows: AskedAllowedRow[] = [];
  const answered = new Set<string>();
  for (const e of diagnosis.evidence) {
    if (e.stage === 'request') {
      // The page's side shows up in the "asked" column of the row that answers it.
      continue;
    }
    const key = e.header.toLowerCase();
    const askedKey = ASKED_BY[key];
    if (askedKey) answered.add(askedKey);
    let askedText = '';
    if (askedKey) askedText = asked.get(askedKey) ?? (askedKey === 'access-control-request-headers' ? '(none)' : '');
    else if (key === 'access-control-allow-credentials') askedText = credentials;
    else if (key === ':status') askedText = e.stage === 'preflight' ? 'OPTIONS' : exchange.method;
    rows.push({ key, label: LABELS[key] ?? e.header, stage: e.stage, asked: askedText, seen: e.seen, needed: e.needed, ok: e.ok });
  }
  // What the page asked that nothing answered (e.g. the actual request never got a response).
  for (const [key, value] of asked) {
    if (answered.has(key)) continue;
    const responseKey = Object.entries(ASKED_BY).find(([, v]) => v === key)?.[0];
    if (!responseKey) continue;
    if (key === 'access-control-request-method' && !diagnosis.evidence.some((e) => e.header.toLowerCase() === key)) continue;
    rows.push({ key: responseKey, label: LABELS[responseKey] ?? responseKey, stage: 'request', asked: value, seen: null, needed: undefined, ok: true });
  }
  return rows;
}

export interface TimelineStep {
  kind: 'preflight' | 'preflight-cached' | 'hop' | 'not-sent';
  method: string;
  url: string;
  /** `204`, `no response`, `net::ERR_FAILED`... */
  result: string;
  duration: string;
  /** The step where the browser said no. */
  failed: boolean;
  note?: string;
}

export function timeline(exchange: Exchange, diagnosis: Diagnosis): TimelineStep[] {
  const steps: TimelineStep[] = [];
  const stage = diagnosis.stage;
  const pf = exchange.preflight;
  const blocked = diagnosis.status === 'blocked';
  if (pf.kind === 'sent') {
    steps.push({
      kind: 'preflight',
      method: 'OPTIONS',
      url: pf.url,
      result: pf.response ? statusOf(pf.response) : (pf.error ?? 'no response'),
      duration: formatDuration(pf.durationMs),
      failed: blocked && stage.kind === 'preflight',
      note: 'preflight',
    });
  } else if (pf.kind === 'cached') {
    steps.push({ kind: 'preflight-cached', method: 'OPTIONS', url: exchange.hops[0]?.url ?? '', result: 'from preflight cache', duration: '', failed: false });
  } else if (blocked && stage.kind === 'preflight') {
    steps.push({ kind: 'preflight', method: 'OPTIONS', url: exchange.hops[0]?.url ?? '', result: 'not captured', duration: '', failed: true, note: 'preflight' });
  }
  const preflightFailed = blocked && stage.kind === 'preflight';
  const lastWithResponse = exchange.hops.reduce((acc, h, i) => (h.response ? i : acc), -1);
  exchange.hops.forEach((hop, i) => {
    if (preflightFailed && !hop.response) {
      steps.push({ kind: 'not-sent', method: exchange.method, url: hop.url, result: 'never sent', duration: '', failed: false, note: 'request' });
      return;
    }
    const status = hop.response?.status;
    const isRedirect = status !== undefined && status >= 300 && status < 400 && i < exchange.hops.length - 1;
    const last = i === exchange.hops.length - 1;
    let result = hop.response ? statusOf(hop.response) : exchange.outcome.kind === 'failed' ? exchange.outcome.error : exchange.outcome.kind === 'unobserved' ? 'not captured' : 'no response';
    if (hop.response?.fromCache) result += ' (cache)';
    let failed = false;
    if (blocked) {
      if (stage.kind === 'redirect') failed = stage.hop === i;
      else if (stage.kind === 'actual') failed = i === (lastWithResponse >= 0 ? lastWithResponse : exchange.hops.length - 1);
      else if (stage.kind === 'mode' || stage.kind === 'none') failed = last && !preflightFailed;
    }
    steps.push({
      kind: 'hop',
      method: exchange.method,
      url: hop.url,
      result,
      duration: last ? formatDuration(exchange.durationMs) : '',
      failed,
      note: isRedirect ? 'redirect' : i > 0 ? `hop ${i + 1}` : 'request',
    });
  });
  return steps;
}

const ON_LABEL: Record<ResponseKind, string> = {
  preflight: 'Preflight response (OPTIONS)',
  actual: 'Actual response',
  error: 'Error responses (4xx/5xx) too',
};

/** The plan's headers as plain HTTP, grouped by where they must be sent. */
export function planAsHttp(plan: FixPlan): string {
  const groups: string[] = [];
  for (const on of ['preflight', 'actual', 'error'] as const) {
    const lines = plan.headers.filter((h: PlannedHeader) => h.on.includes(on)).map((h) => `${h.name}: ${h.value}`);
    if (lines.length > 0) groups.push(`# ${ON_LABEL[on]}\n${lines.join('\n')}`);
  }
  return groups.join('\n\n');
}

/** The status as the capture recorded it (an older DevTools HAR may have kept only the headers). */
function statusOf(response: ObservedResponse): string {
  return response.statusUnknown ? 'status not recorded' : String(response.status);
}
