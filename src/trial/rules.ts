/**
 * "Try this fix": a fix plan turned into the response-header edits a declarativeNetRequest
 * session rule makes, for one tab and one server, so the user sees the request pass before
 * touching the server. Pure: no browser API (the worker installs the rules: src/background/trials.ts).
 *
 * Measured on Chromium 156 (issue 17): a session rule with `tabIds` and a `modifyHeaders` action on
 * response headers applies to the CORS preflight as well as to the actual response, and Chromium's
 * CORS check sees the edited headers, while webRequest and the DevTools protocol show the server's
 * own (hence overlay.ts). A rule cannot change a status code, so a preflight answered 401/403/404/5xx
 * cannot be fixed by a trial: the plan's action says what the server must do instead.
 */
import { ACTION_TEXT } from '../engine/plan.ts';
import { isHttpToken } from '../engine/headers.ts';
import type { FixActionId, FixPlan } from '../engine/types.ts';
import { isSerializedOrigin } from '../engine/url.ts';

/** One header set (replacing every line of that name) on a response. */
export interface HeaderEdit {
  header: string;
  value: string;
}

/** The edits a trial makes on one server's responses in one tab. */
export interface TrialTarget {
  /** The server, a serialized http(s) origin: responses from URLs under it are edited. */
  origin: string;
  /** Edits on the answer to OPTIONS (the preflight). */
  preflight: HeaderEdit[];
  /** Edits on every other answer (actual responses, errors, redirects). */
  response: HeaderEdit[];
}

export type TrialTargetResult = { ok: true; target: TrialTarget } | { ok: false; reason: string };

/** What only a change on the server or in the page can do: a response header edit cannot. */
export const NOT_BY_HEADERS: ReadonlySet<FixActionId> = new Set<FixActionId>([
  'answer-preflight-2xx',
  'answer-preflight-before-auth',
  'do-not-redirect-preflight',
  'do-not-redirect-to-credentials-url',
  'no-credentials-across-redirects',
  'use-cors-mode',
  'use-same-origin-or-cors',
  'use-http-scheme',
  'local-network-access',
  'redirect-mode-follow',
  'upper-case-method',
]);

/** Actions a server performs by answering OPTIONS itself with a 2xx: a status, which no header edit changes. */
export const PREFLIGHT_STATUS_ACTIONS: ReadonlySet<FixActionId> = new Set<FixActionId>(['answer-preflight-2xx', 'answer-preflight-before-auth']);

/** Why a plan cannot be tried in the tab, or null when it can. */
export function untriableReason(plan: FixPlan): string | null {
  const blocking = plan.actions.find((a) => NOT_BY_HEADERS.has(a.id));
  if (blocking) {
    const why = PREFLIGHT_STATUS_ACTIONS.has(blocking.id)
      ? 'The server answers the preflight (OPTIONS) with an error status, and a trial can only change headers, not a status: the browser would still refuse it.'
      : 'This is not something response headers can change, so a trial cannot show it working.';
    return `${why} What must change: ${ACTION_TEXT[blocking.id]}`;
  }
  if (!plan.serverFixable) return 'No server change fixes this request: the change belongs in the page.';
  return null;
}

/**
 * The edits that make `plan` true for requests from `pageOrigin`, or why it cannot be tried.
 * Allow-Origin is this page's origin only (never beyond the failing origin pair), or `*` where
 * the plan allows any origin and no credentials; never `*` with credentials. The preflight gets
 * `Access-Control-Max-Age: 0`, so no answer of the trial outlives it in the preflight cache.
 */
export function trialTarget(plan: FixPlan, pageOrigin: string): TrialTargetResult {
  const reason = untriableReason(plan);
  if (reason) return { ok: false, reason };
  if (!isSerializedOrigin(plan.targetOrigin) || !/^https?:/.test(plan.targetOrigin)) {
    return { ok: false, reason: `The server ${JSON.stringify(plan.targetOrigin)} is not an http(s) origin.` };
  }
  const { policy } = plan;
  let allowOrigin: string;
  if (policy.allowAnyOrigin && !policy.allowCredentials) allowOrigin = '*';
  else if (isSerializedOrigin(pageOrigin) && policy.allowOrigins.includes(pageOrigin)) allowOrigin = pageOrigin;
  else return { ok: false, reason: `The plan does not allow this page's origin (${pageOrigin}), so a trial in this tab would prove nothing.` };
  const tokens = (values: readonly string[]) => values.filter(isHttpToken);
  const common: HeaderEdit[] = [{ header: 'Access-Control-Allow-Origin', value: allowOrigin }];
  if (policy.allowCredentials) common.push({ header: 'Access-Control-Allow-Credentials', value: 'true' });
  const preflight: HeaderEdit[] = [...common];
  const methods = tokens(policy.allowMethods);
  const headers = tokens(policy.allowHeaders);
  if (methods.length) preflight.push({ header: 'Access-Control-Allow-Methods', value: methods.join(', ') });
  if (headers.length) preflight.push({ header: 'Access-Control-Allow-Headers', value: headers.join(', ') });
  preflight.push({ header: 'Access-Control-Max-Age', value: '0' });
  const response: HeaderEdit[] = [...common];
  const expose = tokens(policy.exposeHeaders);
  if (expose.length) response.push({ header: 'Access-Control-Expose-Headers', value: expose.join(', ') });
  return { ok: true, target: { origin: plan.targetOrigin, preflight, response } };
}

/** A declarativeNetRequest session rule, as the API takes it (the fields used here). */
export interface SessionRule {
  id: number;
  priority: number;
  action: { type: 'modifyHeaders'; responseHeaders: Array<{ header: string; operation: 'set'; value: string }> };
  condition: { tabIds: number[]; urlFilter: string; requestMethods?: string[]; excludedRequestMethods?: string[] };
}

/**
 * The two rules of one target in one tab: OPTIONS answers get the preflight edits, every other
 * answer the response edits. `urlFilter` anchors at the start of the URL on the origin and its
 * path separator, so `http://api.test:8080` never matches `http://api.test:80800`.
 */
export function sessionRules(target: TrialTarget, tabId: number, firstId: number): SessionRule[] {
  const urlFilter = `|${target.origin}/`;
  const set = (edits: HeaderEdit[]) => edits.map((e) => ({ header: e.header, operation: 'set' as const, value: e.value }));
  return [
    { id: firstId, priority: 1, action: { type: 'modifyHeaders', responseHeaders: set(target.preflight) }, condition: { tabIds: [tabId], urlFilter, requestMethods: ['options'] } },
    { id: firstId + 1, priority: 1, action: { type: 'modifyHeaders', responseHeaders: set(target.response) }, condition: { tabIds: [tabId], urlFilter, excludedRequestMethods: ['options'] } },
  ];
}
