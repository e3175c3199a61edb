/**
 * The popup's view of a tab, as pure functions of the worker's TabReport: which pages Corsight
 * cannot see, problems grouped by cause and target server, a one-line fix and the merged fix
 * plan of each group. No chrome.*, no DOM.
 */
import { causeOf } from '../engine/codes.ts';
import { FINDINGS } from '../engine/findings.ts';
import { mergeFixPlans } from '../engine/plan.ts';
import type { CorsErrorCode, DiagnosisStatus, FixPlan } from '../engine/types.ts';
import type { ReportEntry } from '../store/report.ts';

/** The tab id forced by `?tabId=N` on the popup URL (tests, screenshots), if any. */
export function tabIdOverride(search: string): number | undefined {
  const raw = new URLSearchParams(search).get('tabId');
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** Groups shown in the popup; the rest are counted ("and N more"), the panel has them all. */
export const MAX_GROUPS = 6;
/** Longest header-derived value quoted in a one-line text. */
const MAX_VALUE = 60;

export type PageAccess = { restricted: false } | { restricted: true; reason: string };

const WEB_STORE_HOSTS = new Set(['chromewebstore.google.com']);

/**
 * Whether extensions can watch the page at `url`. `null`/empty: Chromium hid the URL from
 * Corsight, which only happens for pages outside its host permissions (chrome://, devtools:...).
 */
export function pageAccess(url: string | null | undefined): PageAccess {
  const browserPages = 'Chrome does not let extensions see browser pages (chrome://, about:, devtools:, the Chrome Web Store), so Corsight cannot check requests here. Open the site you want to check in a normal tab.';
  if (!url) return { restricted: true, reason: browserPages };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { restricted: true, reason: browserPages };
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    const webStore = WEB_STORE_HOSTS.has(u.hostname) || (u.hostname === 'chrome.google.com' && u.pathname.startsWith('/webstore'));
    if (webStore) return { restricted: true, reason: 'Chrome does not let extensions run on the Chrome Web Store, so Corsight cannot check requests here.' };
    return { restricted: false };
  }
  if (u.protocol === 'file:') return { restricted: false };
  return { restricted: true, reason: browserPages };
}

/** Shortens a value taken from a header or URL for a one-line text. */
export function clip(value: string, max = MAX_VALUE): string {
  const flat = value.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

import { hostOf } from '../shared/host.ts';

export { hostOf };

/** The cause of a blocked request in a few words (after "N requests to host: "). */
export function causeText(code: CorsErrorCode | null, param: string | null): string {
  return code ? causeOf(code, clip(param ?? '')) : 'blocked';
}

export interface ProblemGroup {
  key: string;
  status: Exclude<DiagnosisStatus, 'ok'>;
  corsError: CorsErrorCode | null;
  failedParameter: string | null;
  /** Warning finding ids (warnings only). */
  findings: string[];
  /** The server to change (the fix plan's target when there is one). */
  targetOrigin: string;
  count: number;
  /** A few words: what went wrong. */
  cause: string;
  /**
   * Fix plans to merge for the group's server: for a blocked group, those of every blocked request
   * of the tab (each server of their redirect chains included), so that the plan shown fixes all
   * of them at once; for a warning group, its own requests'.
   */
  plans: FixPlan[];
  /** The page origin of the group's first request (what a trial in the tab allows). */
  pageOrigin: string;
  /** One request of the group, for the tooltip. */
  sampleUrl: string;
  sampleHeadline: string;
}

export interface Problems {
  /** Shown groups, blocked first, then by size. */
  groups: ProblemGroup[];
  /** Groups left out of `groups` (MAX_GROUPS). */
  hiddenGroups: number;
  /** Requests in the left-out groups. */
  hiddenRequests: number;
}

function warningIds(entry: ReportEntry): string[] {
  return entry.diagnosis.findings.filter((f) => f.severity === 'warning').map((f) => f.id).sort();
}

/** Groups blocked and warning entries by cause and target server. O(entries). */
export function groupProblems(entries: readonly ReportEntry[], maxGroups = MAX_GROUPS): Problems {
  const byKey = new Map<string, ProblemGroup>();
  const blockedPlans: FixPlan[] = [];
  for (const e of entries) {
    if (e.status === 'ok') continue;
    const plan = e.diagnosis.fixPlan;
    const target = plan?.targetOrigin || e.targetOrigin;
    const findings = e.status === 'warning' ? warningIds(e) : [];
    const key = e.status === 'blocked'
      ? `b\u0000${e.corsError ?? ''}\u0000${e.failedParameter ?? ''}\u0000${target}`
      : `w\u0000${findings.join(',')}\u0000${target}`;
    let g = byKey.get(key);
    if (!g) {
      const cause = e.status === 'blocked'
        ? causeText(e.corsError, e.failedParameter)
        : findings.length
          ? findings.map((id) => (FINDINGS as Record<string, { title: string }>)[id]?.title ?? id).join('; ')
          : clip(e.headline, 120);
      g = {
        key,
        status: e.status,
        corsError: e.corsError,
        failedParameter: e.failedParameter,
        findings,
        targetOrigin: target,
        count: 0,
        cause,
        plans: [],
        pageOrigin: e.initiatorOrigin,
        sampleUrl: e.url,
        sampleHeadline: e.headline,
      };
      byKey.set(key, g);
    }
    g.count++;
    if (!plan) continue;
    if (e.status === 'blocked') blockedPlans.push(plan, ...(e.diagnosis.chainPlans ?? []));
    else g.plans.push(plan);
  }
  for (const g of byKey.values()) if (g.status === 'blocked') g.plans = blockedPlans;
  const all = [...byKey.values()].sort((a, b) => (a.status === b.status ? b.count - a.count : a.status === 'blocked' ? -1 : 1));
  const groups = all.slice(0, maxGroups);
  const rest = all.slice(maxGroups);
  return { groups, hiddenGroups: rest.length, hiddenRequests: rest.reduce((n, g) => n + g.count, 0) };
}

/** "3 requests to api.example.com: header x-api-key not allowed by the preflight". */
export function groupLabel(g: ProblemGroup): string {
  return `${g.count} ${g.count === 1 ? 'request' : 'requests'} to ${hostOf(g.targetOrigin)}: ${g.cause}`;
}

/** The group's fix plans merged into the one plan of its server (undefined: no plan for it). */
export function groupPlan(g: ProblemGroup): FixPlan | undefined {
  return mergeFixPlans(g.plans).find((p) => p.targetOrigin === g.targetOrigin);
}

function header(plan: FixPlan, name: string): string | undefined {
  return plan.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** What to change, in one line. */
export function fixLine(g: ProblemGroup, plan: FixPlan | undefined): string {
  if (g.status === 'warning') {
    const hint = g.findings.map((id) => (FINDINGS as Record<string, { hint: string }>)[id]?.hint).find(Boolean);
    return hint ?? plan?.actions[0]?.text ?? 'See the CORS panel for details.';
  }
  if (!plan) return 'See the CORS panel in DevTools for the details of these requests.';
  if (!plan.serverFixable) return plan.actions[0]?.text ?? 'The change is on the page side: see the CORS panel.';
  const send = (name: string, where: string) => {
    const v = header(plan, name);
    return v === undefined ? undefined : `Send ${name}: ${clip(v)}${where}.`;
  };
  const pre = ' on the preflight (OPTIONS) answer';
  let line: string | undefined;
  switch (g.corsError) {
    case 'HeaderDisallowedByPreflightResponse':
    case 'InvalidAllowHeadersPreflightResponse':
      line = send('Access-Control-Allow-Headers', pre);
      break;
    case 'MethodDisallowedByPreflightResponse':
    case 'InvalidAllowMethodsPreflightResponse':
      line = send('Access-Control-Allow-Methods', pre);
      break;
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      line = send('Access-Control-Allow-Credentials', '');
      break;
    case 'PreflightInvalidStatus':
    case 'PreflightDisallowedRedirect':
      line = plan.actions[0]?.text;
      break;
    default:
      break;
  }
  if (!line) {
    const acao = header(plan, 'Access-Control-Allow-Origin');
    const action = plan.actions[0]?.text;
    line = acao !== undefined
      ? `Send Access-Control-Allow-Origin: ${clip(acao)}${plan.policy.allowCredentials ? ' and Access-Control-Allow-Credentials: true' : ''}.`
      : action;
  }
  return line ?? 'See the CORS panel in DevTools for the details of these requests.';
}

/** The stack to write snippets for: the saved one when it exists, else express. */
export function chooseStack(saved: string | null | undefined, known: readonly { id: string }[]): string {
  return saved && known.some((s) => s.id === saved) ? saved : 'express';
}
