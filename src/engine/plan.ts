/**
 * Fix plans: what the server must allow, as data (CorsPolicy) and as raw headers.
 * Rules: never `*` with credentials, never "reflect any origin": the plan names the exact
 * page origin(s) that were observed.
 */
import { isCorsSafelistedMethod } from './fetch.ts';
import { isHttpToken } from './headers.ts';
import { isSerializedOrigin } from './url.ts';
import type { CorsPolicy, FixAction, FixActionId, FixPlan, PlannedHeader, ResponseKind } from './types.ts';

export const ACTION_TEXT: Record<FixActionId, string> = {
  'answer-preflight-2xx': 'Answer OPTIONS for this URL with 204 (or 200) and the CORS headers, before routing or any handler that rejects it.',
  'answer-preflight-before-auth': 'Answer OPTIONS before the authentication middleware: preflights never carry cookies or Authorization.',
  'do-not-redirect-preflight': 'Do not redirect OPTIONS (http->https, trailing slash, login page): have the page call the final URL directly.',
  'do-not-redirect-to-credentials-url': 'Do not redirect to a URL containing user:password@; authenticate with a header instead.',
  'cors-headers-on-error-responses': 'Send the CORS headers on error responses too (4xx/5xx; nginx: add_header ... always), so the page sees the real status.',
  'single-allow-origin-value': 'Send exactly one Access-Control-Allow-Origin value, from one place (not both the proxy and the application).',
  'vary-origin': 'Add Vary: Origin to every response whose Access-Control-Allow-Origin depends on the request Origin.',
  'use-cors-mode': 'Request with mode "cors" (fetch\'s default) if the page needs to read the response, and send CORS headers from the server.',
  'use-same-origin-or-cors': 'Use mode "cors" for cross-origin URLs, or call a URL on the page\'s own origin (for example through a reverse proxy).',
  'use-http-scheme': 'Fetch cross-origin resources over http or https only (serve local files through a local web server).',
  'local-network-access': 'Serve the page over https and let the user grant the Local Network Access permission; target the right address space.',
  'redirect-mode-follow': 'Use redirect: "follow" for no-cors requests, or mode "cors" to handle redirects yourself.',
  'avoid-cross-origin-redirect': 'Avoid redirecting to another origin: after such a redirect the browser sends Origin: null. Call the final URL directly.',
  'no-credentials-across-redirects': 'Call the final URL directly (or proxy it through the first server): after a redirect to another origin the browser sends Origin: null, and no safe Access-Control-Allow-Origin allows that with credentials.',
  'upper-case-method': 'Write the method in upper case in the page\'s request (PATCH, not patch): fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, and most servers refuse a lower-case method (Node.js answers 400).',
};

/** Why the plan sends Access-Control-Allow-Credentials, by CorsPolicy.credentialsBasis. */
const CREDENTIALS_WHY: Record<NonNullable<CorsPolicy['credentialsBasis']>, string> = {
  required: 'The page sends cookies or HTTP authentication.',
  kept: 'Your server sends it already: keep it (the page may send cookies or HTTP authentication).',
  unknown: 'The capture cannot tell whether the page sends cookies or HTTP authentication: with it, requests with and without them work, and with an exact origin it is safe. Leave it out if the page never sends them.',
};

export interface PlanInput {
  targetOrigin: string;
  pageOrigin: string;
  credentials: boolean;
  method: string;
  unsafeNames: readonly string[];
  /** A preflight is involved, so preflight headers are planned. */
  preflight: boolean;
  actions: FixActionId[];
  serverFixable: boolean;
  exposeHeaders?: readonly string[];
  /** Methods to allow besides `method`: those the server allows already, an upper-cased spelling. */
  moreMethods?: readonly string[];
  /** Request header names the server allows already. */
  moreHeaders?: readonly string[];
  /** Allow `*` instead of the page origin (only without credentials; see CorsPolicy.allowAnyOrigin). */
  anyOrigin?: boolean;
  /** Why credentials are allowed; absent when `credentials` is false. */
  credentialsBasis?: CorsPolicy['credentialsBasis'];
}

/** Suggested Access-Control-Max-Age, well within Chromium's 7200 s cap. */
export const SUGGESTED_MAX_AGE = 600;

/**
 * Spells a policy as raw HTTP headers. Values come from captured or imported exchanges: only
 * serialized origins and HTTP tokens are written (a method `PATCH\r\nSet-Cookie: a=1` from an
 * imported file would otherwise show, and be copied, as one more header line).
 */
export function plannedHeaders(input: CorsPolicy, preflight: boolean): PlannedHeader[] {
  const policy: CorsPolicy = {
    ...input,
    allowOrigins: input.allowOrigins.filter(isSerializedOrigin),
    allowMethods: input.allowMethods.filter(isHttpToken),
    allowHeaders: input.allowHeaders.filter(isHttpToken),
    exposeHeaders: input.exposeHeaders.filter(isHttpToken),
  };
  const all: ResponseKind[] = preflight ? ['preflight', 'actual', 'error'] : ['actual', 'error'];
  const out: PlannedHeader[] = [];
  const anyOrigin = policy.allowAnyOrigin === true && !policy.allowCredentials;
  if (policy.allowAnyOrigin === true && policy.allowCredentials && policy.allowOrigins.length > 0) {
    // Merged plans: a server that pages call with credentials, also reached with Origin: null
    // after a redirect (which carries none; Access-Control-Allow-Credentials is not read then).
    out.push({
      name: 'Access-Control-Allow-Origin',
      value: '<the request Origin when it is in the allow list; * for any other>',
      on: all,
      why: `Echo the request Origin when it is one of ${policy.allowOrigins.join(', ')} (credentials allowed); answer * to any other, such as Origin: null after a redirect from another origin, which the browser never lets send credentials with *.`,
    });
  } else if (anyOrigin) {
    out.push({
      name: 'Access-Control-Allow-Origin',
      value: '*',
      on: all,
      why: 'After a redirect from another origin the browser sends Origin: null. Only * allows that safely, and only because the request carries no credentials; never answer null (every sandboxed frame and local file sends it).',
    });
  } else if (policy.allowOrigins.length > 0) {
    out.push({
      name: 'Access-Control-Allow-Origin',
      value: policy.allowOrigins.length === 1 ? policy.allowOrigins[0]! : '<the request Origin, when it is in the allow list>',
      on: all,
      why: policy.allowOrigins.length === 1
        ? `Allows the page origin ${policy.allowOrigins[0]} (exactly, never *${policy.allowCredentials ? ' with credentials' : ''}).`
        : `One value per response: echo the request Origin only when it is one of ${policy.allowOrigins.join(', ')}.`,
    });
  }
  if (policy.allowCredentials) {
    out.push({ name: 'Access-Control-Allow-Credentials', value: 'true', on: all, why: CREDENTIALS_WHY[policy.credentialsBasis ?? 'required'] });
  }
  if (preflight && policy.allowMethods.length > 0) {
    out.push({ name: 'Access-Control-Allow-Methods', value: policy.allowMethods.join(', '), on: ['preflight'], why: 'Methods beyond GET, HEAD and POST must be listed, spelled exactly as sent.' });
  }
  if (preflight && policy.allowHeaders.length > 0) {
    out.push({ name: 'Access-Control-Allow-Headers', value: policy.allowHeaders.join(', '), on: ['preflight'], why: 'Each non-simple request header must be listed (Authorization explicitly, * does not cover it everywhere).' });
  }
  if (preflight && policy.maxAgeSeconds !== undefined) {
    out.push({ name: 'Access-Control-Max-Age', value: String(policy.maxAgeSeconds), on: ['preflight'], why: 'Lets the browser reuse the preflight answer (Chromium caps at 7200 s).' });
  }
  if (policy.exposeHeaders.length > 0) {
    out.push({ name: 'Access-Control-Expose-Headers', value: policy.exposeHeaders.join(', '), on: ['actual'], why: 'Lets the page read these response headers (needed only for those it reads).' });
  }
  if (policy.allowOrigins.length > 0 && !anyOrigin) {
    out.push({ name: 'Vary', value: 'Origin', on: all, why: 'The answer depends on the Origin request header; caches must key on it.' });
  }
  return out;
}

function isTupleOrigin(origin: string): boolean {
  return origin !== 'null' && origin.length > 0;
}

/** Builds the plan for one diagnosis. */
export function buildFixPlan(input: PlanInput): FixPlan {
  const anyOrigin = input.anyOrigin === true && !input.credentials;
  const methods: string[] = [];
  union(methods, [input.method, ...(input.moreMethods ?? [])].filter((m) => !isCorsSafelistedMethod(m)));
  const headers: string[] = [];
  union(headers, [...input.unsafeNames, ...(input.moreHeaders ?? [])], true);
  const policy: CorsPolicy = {
    allowOrigins: isTupleOrigin(input.pageOrigin) && !anyOrigin ? [input.pageOrigin] : [],
    allowCredentials: input.credentials,
    allowMethods: methods,
    allowHeaders: headers,
    exposeHeaders: [...(input.exposeHeaders ?? [])],
  };
  if (anyOrigin) policy.allowAnyOrigin = true;
  if (input.credentials) policy.credentialsBasis = input.credentialsBasis ?? 'required';
  if (input.preflight) policy.maxAgeSeconds = SUGGESTED_MAX_AGE;
  const actions: FixAction[] = [];
  for (const id of input.actions) if (!actions.some((a) => a.id === id)) actions.push({ id, text: ACTION_TEXT[id] });
  return {
    targetOrigin: input.targetOrigin,
    policy,
    headers: input.serverFixable ? plannedHeaders(policy, input.preflight) : [],
    actions,
    serverFixable: input.serverFixable,
  };
}

const BASIS_ORDER = ['unknown', 'kept', 'required'] as const;
function strongerBasis(a: CorsPolicy['credentialsBasis'], b: CorsPolicy['credentialsBasis']): CorsPolicy['credentialsBasis'] {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return BASIS_ORDER.indexOf(a) >= BASIS_ORDER.indexOf(b) ? a : b;
}

function union(into: string[], from: readonly string[], lower = false): void {
  for (const v of from) {
    const x = lower ? v.toLowerCase() : v;
    if (!into.includes(x)) into.push(x);
  }
}

/**
 * Combines plans per target origin: union of origins, methods, headers and exposed headers;
 * credentials if any plan needs them; the largest max-age; actions deduplicated.
 * Output order follows the first appearance of each target origin.
 */
export function mergeFixPlans(plans: readonly FixPlan[]): FixPlan[] {
  const byOrigin = new Map<string, { plan: FixPlan; preflight: boolean }>();
  for (const p of plans) {
    const preflight = p.headers.some((h) => h.on.includes('preflight')) || p.policy.maxAgeSeconds !== undefined;
    const cur = byOrigin.get(p.targetOrigin);
    if (!cur) {
      byOrigin.set(p.targetOrigin, {
        plan: {
          targetOrigin: p.targetOrigin,
          policy: {
            allowOrigins: [...p.policy.allowOrigins],
            allowCredentials: p.policy.allowCredentials,
            allowMethods: [...p.policy.allowMethods],
            allowHeaders: p.policy.allowHeaders.map((h) => h.toLowerCase()),
            exposeHeaders: [...p.policy.exposeHeaders],
            ...(p.policy.maxAgeSeconds !== undefined ? { maxAgeSeconds: p.policy.maxAgeSeconds } : {}),
            ...(p.policy.allowAnyOrigin ? { allowAnyOrigin: true } : {}),
            ...(p.policy.credentialsBasis ? { credentialsBasis: p.policy.credentialsBasis } : {}),
          },
          headers: [],
          actions: p.actions.map((a) => ({ ...a })),
          serverFixable: p.serverFixable,
        },
        preflight,
      });
      continue;
    }
    const m = cur.plan;
    union(m.policy.allowOrigins, p.policy.allowOrigins);
    union(m.policy.allowMethods, p.policy.allowMethods);
    union(m.policy.allowHeaders, p.policy.allowHeaders, true);
    union(m.policy.exposeHeaders, p.policy.exposeHeaders);
    m.policy.allowCredentials ||= p.policy.allowCredentials;
    if (p.policy.allowAnyOrigin) m.policy.allowAnyOrigin = true;
    m.policy.credentialsBasis = strongerBasis(m.policy.credentialsBasis, p.policy.credentialsBasis);
    if (p.policy.maxAgeSeconds !== undefined) {
      m.policy.maxAgeSeconds = Math.max(m.policy.maxAgeSeconds ?? 0, p.policy.maxAgeSeconds);
    }
    for (const a of p.actions) if (!m.actions.some((x) => x.id === a.id)) m.actions.push({ ...a });
    m.serverFixable ||= p.serverFixable;
    cur.preflight ||= preflight;
  }
  const out: FixPlan[] = [];
  for (const { plan, preflight } of byOrigin.values()) {
    plan.policy.allowHeaders.sort();
    plan.headers = plan.serverFixable ? plannedHeaders(plan.policy, preflight) : [];
    out.push(plan);
  }
  return out;
}
