/**
 * The CDP oracle: what Chromium itself observed and decided for each request of a page.
 *
 * Records Network.* events (requestWillBeSent incl. redirects and preflights, the ExtraInfo
 * events with the raw headers as sent/received, responseReceived, loadingFinished,
 * loadingFailed with corsErrorStatus) and Audits.issueAdded CORS issues. Everything observed is
 * kept, in order (`events`), and grouped per request (`requests`). The verdict comes from
 * Network.loadingFailed; Audits is only the fallback for errors decided in the renderer
 * (DisallowedByMode...), since Audits may file issues for requests that passed.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface HeaderLine {
  name: string;
  value: string;
}

/** CDP header objects join duplicate lines with "\n"; split them back into lines. */
export function splitCdpHeaders(headers: Record<string, string> | undefined): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const v of String(value).split('\n')) out.push({ name, value: v });
  }
  return out;
}

/** Parse a raw `HTTP/1.1 200 OK\r\nName: value\r\n...` block into ordered lines. */
export function parseHeadersText(text: string | undefined): { statusLine?: string; headers: HeaderLine[] } | undefined {
  if (!text) return undefined;
  const lines = text.split(/\r?\n/);
  const statusLine = lines.shift();
  const headers: HeaderLine[] = [];
  for (const l of lines) {
    if (!l) continue;
    const i = l.indexOf(':');
    if (i <= 0) continue;
    headers.push({ name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() });
  }
  return { statusLine, headers };
}

export interface CorsErrorStatus {
  corsError: string;
  failedParameter: string;
}

/** One raw CDP event as received. */
export interface OracleEvent {
  seq: number;
  /** Date.now() when received. */
  at: number;
  method: string;
  params: Record<string, unknown>;
}

export interface OracleResponse {
  url: string;
  status: number;
  statusText: string;
  /** From responseReceived / redirectResponse (duplicates joined with "\n" by CDP, split here). */
  headers: HeaderLine[];
  /** From responseReceivedExtraInfo when it came: raw lines, in wire order when headersText exists. */
  rawHeaders?: HeaderLine[];
  headersText?: string;
  fromDiskCache?: boolean;
  /** `responseReceived` (the page could get it) or `extraInfo` only (e.g. CORS-blocked). */
  source: 'responseReceived' | 'extraInfo';
  remoteIPAddress?: string;
  remotePort?: number;
}

/** One hop of a request: the URL asked, what was sent, what came back. */
export interface OracleHop {
  url: string;
  method: string;
  /** Provisional headers from requestWillBeSent (may lack Origin/Cookie). */
  headers: HeaderLine[];
  /** As sent on the wire, from requestWillBeSentExtraInfo. */
  rawHeaders?: HeaderLine[];
  /**
   * Redirect response (hops before the last) or final response. For a response Chromium
   * blocked (CORS), there is no responseReceived: it is built from responseReceivedExtraInfo.
   */
  response?: OracleResponse;
  /** The CDP `response` object from responseReceived or redirectResponse, as received. */
  cdpResponse?: Record<string, unknown>;
}

export interface OracleRequest {
  requestId: string;
  /** The first URL. */
  url: string;
  method: string;
  resourceType?: string;
  initiator?: Record<string, unknown>;
  /** True for the OPTIONS Chromium sends on its own (initiator.type === 'preflight'). */
  isPreflight: boolean;
  /** For a preflight: the actual request's URL (initiator.url) and id when given. */
  preflightFor?: { url?: string; requestId?: string };
  postData?: string;
  hops: OracleHop[];
  /** Settled: loadingFinished. */
  finished?: { encodedDataLength: number; at: number };
  /** Settled: loadingFailed. */
  failed?: {
    errorText: string;
    canceled?: boolean;
    blockedReason?: string;
    corsErrorStatus?: CorsErrorStatus;
    at: number;
  };
  /** ExtraInfo events kept in arrival order (pairing with hops is by index, best effort). */
  requestExtraInfo: Array<Record<string, unknown>>;
  responseExtraInfo: Array<Record<string, unknown>>;
  startedAt: number;
}

export interface CorsIssue {
  requestId?: string;
  url?: string;
  corsErrorStatus?: CorsErrorStatus;
  isWarning?: boolean;
  initiatorOrigin?: string;
  details: Record<string, unknown>;
}

export type Verdict =
  | { ok: true; status?: number }
  | { ok: false; corsError?: string; failedParameter?: string; errorText?: string; source: 'network' | 'audits' | 'none' };

export interface Oracle {
  session: CDPSession;
  /** Every event, in arrival order. */
  events: OracleEvent[];
  /** Requests by id, in order of first sight (preflights included). */
  requests: OracleRequest[];
  issues: CorsIssue[];
  /** Actual (non-preflight) requests whose first URL contains the substring. */
  requestsMatching(urlSubstring: string): OracleRequest[];
  /** Preflights sent for an actual request URL containing the substring. */
  preflightsFor(urlSubstring: string): OracleRequest[];
  /** Chromium's verdict for the last actual request matching. */
  verdictFor(urlSubstring: string): Verdict;
  /** Resolves once a matching actual request has loadingFinished/loadingFailed. */
  waitForSettled(urlSubstring: string, timeoutMs?: number): Promise<OracleRequest>;
  clear(): void;
  detach(): Promise<void>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;

function toResponse(r: Record<string, unknown>): OracleResponse {
  return {
    url: str(r.url) ?? '',
    status: Number(r.status ?? 0),
    statusText: str(r.statusText) ?? '',
    headers: splitCdpHeaders(rec(r.headers) as Record<string, string> | undefined),
    fromDiskCache: r.fromDiskCache === true ? true : undefined,
    source: 'responseReceived',
    remoteIPAddress: str(r.remoteIPAddress),
    remotePort: typeof r.remotePort === 'number' ? r.remotePort : undefined,
  };
}

function corsStatus(v: unknown): CorsErrorStatus | undefined {
  const r = rec(v);
  if (!r || typeof r.corsError !== 'string') return undefined;
  return { corsError: r.corsError, failedParameter: str(r.failedParameter) ?? '' };
}

const NETWORK_EVENTS = [
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.responseReceivedExtraInfo',
  'Network.loadingFinished',
  'Network.loadingFailed',
] as const;

/**
 * Attach to `page` through `context.newCDPSession(page)`, enable Network and Audits, record.
 * Attach before navigating, or the first requests are missed.
 */
export async function attachOracle(context: BrowserContext, page: Page): Promise<Oracle> {
  const session = await context.newCDPSession(page);
  const events: OracleEvent[] = [];
  const requests: OracleRequest[] = [];
  const byId = new Map<string, OracleRequest>();
  const issues: CorsIssue[] = [];
  const waiters = new Set<() => void>();
  let seq = 0;
  // ExtraInfo can arrive before requestWillBeSent: park it until the request exists.
  const pendingExtra = new Map<string, { req: Array<Record<string, unknown>>; res: Array<Record<string, unknown>> }>();

  const notify = () => {
    for (const w of waiters) w();
  };

  /** Re-derive each hop's raw headers and response from the events kept so far. */
  const refresh = (r: OracleRequest) => {
    r.hops.forEach((hop, i) => {
      const reqExtra = r.requestExtraInfo[i];
      if (reqExtra) hop.rawHeaders = splitCdpHeaders(rec(reqExtra.headers) as Record<string, string> | undefined);
      const resExtra = r.responseExtraInfo[i];
      let resp: OracleResponse | undefined;
      if (hop.cdpResponse) resp = toResponse(hop.cdpResponse);
      else if (resExtra) {
        const text = str(resExtra.headersText);
        const statusLine = parseHeadersText(text)?.statusLine ?? '';
        resp = {
          url: hop.url,
          status: Number(resExtra.statusCode ?? 0),
          statusText: statusLine.replace(/^\S+\s+\d+\s*/, ''),
          headers: splitCdpHeaders(rec(resExtra.headers) as Record<string, string> | undefined),
          source: 'extraInfo',
        };
      }
      if (resp && resExtra) {
        const text = str(resExtra.headersText);
        resp.headersText = text;
        resp.rawHeaders = parseHeadersText(text)?.headers ?? splitCdpHeaders(rec(resExtra.headers) as Record<string, string> | undefined);
      }
      hop.response = resp;
    });
  };

  const handle = (method: string, params: Record<string, unknown>) => {
    events.push({ seq: seq++, at: Date.now(), method, params });
    const id = str(params.requestId) ?? '';
    const r = byId.get(id);
    switch (method) {
      case 'Network.requestWillBeSent': {
        const request = rec(params.request) ?? {};
        const initiator = rec(params.initiator);
        const hop: OracleHop = {
          url: str(request.url) ?? '',
          method: str(request.method) ?? '',
          headers: splitCdpHeaders(rec(request.headers) as Record<string, string> | undefined),
        };
        const redirect = rec(params.redirectResponse);
        if (r) {
          // A redirect: the previous hop's response is the redirect response.
          const prev = r.hops[r.hops.length - 1];
          if (prev && redirect) prev.cdpResponse = redirect;
          r.hops.push(hop);
          refresh(r);
        } else {
          const isPreflight = str(initiator?.type) === 'preflight';
          const nr: OracleRequest = {
            requestId: id,
            url: hop.url,
            method: hop.method,
            resourceType: str(params.type),
            initiator,
            isPreflight,
            preflightFor: isPreflight ? { url: str(initiator?.url), requestId: str(initiator?.requestId) } : undefined,
            postData: str(request.postData),
            hops: [hop],
            requestExtraInfo: [],
            responseExtraInfo: [],
            startedAt: Date.now(),
          };
          byId.set(id, nr);
          requests.push(nr);
          const parked = pendingExtra.get(id);
          if (parked) {
            pendingExtra.delete(id);
            nr.requestExtraInfo.push(...parked.req);
            nr.responseExtraInfo.push(...parked.res);
            refresh(nr);
          }
        }
        break;
      }
      case 'Network.requestWillBeSentExtraInfo':
      case 'Network.responseReceivedExtraInfo': {
        const isReq = method === 'Network.requestWillBeSentExtraInfo';
        if (r) {
          (isReq ? r.requestExtraInfo : r.responseExtraInfo).push(params);
          refresh(r);
        } else {
          const parked = pendingExtra.get(id) ?? { req: [], res: [] };
          (isReq ? parked.req : parked.res).push(params);
          pendingExtra.set(id, parked);
        }
        break;
      }
      case 'Network.responseReceived': {
        if (!r) break;
        const hop = r.hops[r.hops.length - 1];
        if (!hop) break;
        hop.cdpResponse = rec(params.response) ?? {};
        refresh(r);
        if (!r.resourceType) r.resourceType = str(params.type);
        break;
      }
      case 'Network.loadingFinished':
        if (r) r.finished = { encodedDataLength: Number(params.encodedDataLength ?? 0), at: Date.now() };
        break;
      case 'Network.loadingFailed':
        if (r) {
          r.failed = {
            errorText: str(params.errorText) ?? '',
            canceled: params.canceled === true ? true : undefined,
            blockedReason: str(params.blockedReason),
            corsErrorStatus: corsStatus(params.corsErrorStatus),
            at: Date.now(),
          };
        }
        break;
      case 'Audits.issueAdded': {
        const issue = rec(params.issue);
        if (str(issue?.code) !== 'CorsIssue') break;
        const details = rec(rec(issue?.details)?.corsIssueDetails) ?? {};
        const request = rec(details.request);
        issues.push({
          requestId: str(request?.requestId),
          url: str(request?.url),
          corsErrorStatus: corsStatus(details.corsErrorStatus),
          isWarning: details.isWarning === true,
          initiatorOrigin: str(details.initiatorOrigin),
          details,
        });
        break;
      }
    }
    notify();
  };

  for (const name of NETWORK_EVENTS) {
    session.on(name, (p: unknown) => handle(name, (p ?? {}) as Record<string, unknown>));
  }
  session.on('Audits.issueAdded', (p: unknown) => handle('Audits.issueAdded', (p ?? {}) as Record<string, unknown>));
  await session.send('Network.enable', {});
  await session.send('Audits.enable');

  const requestsMatching = (sub: string) => requests.filter((r) => !r.isPreflight && r.url.includes(sub));
  const preflightsFor = (sub: string) =>
    requests.filter((r) => r.isPreflight && ((r.preflightFor?.url ?? r.url).includes(sub) || r.url.includes(sub)));

  const verdictFor = (sub: string): Verdict => {
    const r = requestsMatching(sub).at(-1);
    if (r?.failed) {
      const c = r.failed.corsErrorStatus;
      return { ok: false, corsError: c?.corsError, failedParameter: c?.failedParameter, errorText: r.failed.errorText, source: 'network' };
    }
    if (r?.finished) return { ok: true, status: r.hops.at(-1)?.response?.status };
    const issue = issues.filter((i) => !i.isWarning && (i.url ?? '').includes(sub)).at(-1);
    if (issue?.corsErrorStatus) return { ok: false, ...issue.corsErrorStatus, source: 'audits' };
    return { ok: false, errorText: r ? 'pending' : 'not seen', source: 'none' };
  };

  const waitForSettled = (sub: string, timeoutMs = 10_000) =>
    new Promise<OracleRequest>((resolve, reject) => {
      const check = () => {
        const r = requestsMatching(sub).find((x) => x.finished || x.failed);
        if (r) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(r);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`oracle: no loadingFinished/loadingFailed for a request matching ${sub} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    session,
    events,
    requests,
    issues,
    requestsMatching,
    preflightsFor,
    verdictFor,
    waitForSettled,
    clear: () => {
      events.length = 0;
      requests.length = 0;
      issues.length = 0;
      byId.clear();
      pendingExtra.clear();
    },
    detach: async () => {
      await session.detach().catch(() => undefined);
    },
  };
}
