/**
 * The fix plans of a blocked exchange: one per server of its redirect chain whose answers the
 * browser checks, each covering every hop that server answers (its preflights and responses),
 * so that applying all of them lets the request through, not just past the first failure.
 *
 * A plan is never narrower than what the server does already: the methods, request headers and
 * exposed headers it allows and its Access-Control-Allow-Credentials stay. When the capture
 * cannot tell the credentials mode, the plan allows credentials for the exact origin (which works
 * with and without them) and says so.
 */
import { isCorsSafelistedMethod, isRedirectStatus, normalizeMethod } from './fetch.ts';
import { getHeader, lowerHeaderName, parseTokenList } from './headers.ts';
import { buildFixPlan } from './plan.ts';
import { isBlocked, requestChain, type ChainHop, type Ctx, type Trace } from './replay.ts';
import type { CorsErrorCode, CorsPolicy, FixActionId, FixPlan, ObservedResponse } from './types.ts';

/** What a server allowed already, read from its answers in the chain. */
interface AlreadyAllowed {
  methods: string[];
  headers: string[];
  expose: string[];
  credentials: boolean;
}

/** One pass over each answer's header lines: the lists the server sent, and Allow-Credentials. */
function alreadyAllowed(hops: readonly ChainHop[]): AlreadyAllowed {
  const out: AlreadyAllowed = { methods: [], headers: [], expose: [], credentials: false };
  for (const hop of hops) {
    readAllowed(out, hop.preflightResponse, true);
    readAllowed(out, hop.response, false);
  }
  return out;
}

function readAllowed(out: AlreadyAllowed, r: ObservedResponse | undefined, preflight: boolean): void {
  if (!r) return;
  for (const h of r.headers) {
    if (typeof h.name !== 'string' || typeof h.value !== 'string' || h.name.length < 28 || h.name.length > 32) continue;
    const name = lowerHeaderName(h.name);
    let into: string[] | undefined;
    if (name === 'access-control-allow-credentials') {
      if (h.value === 'true') out.credentials = true;
      continue;
    }
    if (preflight && name === 'access-control-allow-methods') into = out.methods;
    else if (preflight && name === 'access-control-allow-headers') into = out.headers;
    else if (!preflight && name === 'access-control-expose-headers') into = out.expose;
    if (!into) continue;
    const tokens = parseTokenList(h.value);
    if (tokens) for (const tk of tokens) into.push(tk);
  }
}

/** What the server answering `hops` must change beyond headers, from how it answered. */
function actionsFromAnswers(hops: readonly ChainHop[]): FixActionId[] {
  const out: FixActionId[] = [];
  for (const hop of hops) {
    const pf = hop.preflightResponse;
    if (hop.preflight && pf) {
      if (pf.status === 401 || pf.status === 403) out.push('answer-preflight-before-auth');
      else if (isRedirectStatus(pf.status) && getHeader(pf.headers, 'location') !== null) out.push('do-not-redirect-preflight');
      else if (pf.status < 200 || pf.status > 299) out.push('answer-preflight-2xx');
    }
    if (hop.response && hop.response.status >= 400) out.push('cors-headers-on-error-responses');
    if (hop.redirectRefused) out.push(...actionsForCode(hop.redirectRefused));
  }
  return out;
}

function actionsForCode(code: CorsErrorCode | undefined): FixActionId[] {
  switch (code) {
    case 'PreflightDisallowedRedirect': return ['do-not-redirect-preflight'];
    case 'RedirectContainsCredentials': return ['do-not-redirect-to-credentials-url'];
    case 'CorsDisabledScheme': return ['use-http-scheme'];
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues': return ['single-allow-origin-value'];
    default: return [];
  }
}

/** Actions the failure itself calls for, on the server of the failing stage. */
function actionsFromFailure(t: Trace): FixActionId[] {
  return actionsForCode(t.failure?.code);
}

/**
 * A method fetch sends as written because it does not normalize it (`patch`, `Purge`): servers
 * commonly refuse it, so the page should upper-case it; the plan allows both spellings.
 */
function upperCaseSpelling(method: string): string | null {
  const upper = method.toUpperCase();
  return upper !== method && normalizeMethod(method) === method ? upper : null;
}

const withoutStar = (names: string[]): string[] => (names.includes('*') ? names.filter((n) => n !== '*') : names);
const sameList = (names: string[]): string[] => names;

function planForServer(ctx: Ctx, t: Trace, origin: string, hops: readonly ChainHop[], failing: boolean, unreadable: readonly string[]): FixPlan {
  const allowed = alreadyAllowed(hops);
  const actions: FixActionId[] = [...actionsFromAnswers(hops), ...(failing ? actionsFromFailure(t) : [])];
  // Origin: null because of a redirect (a page with an opaque origin sends it from the start).
  const nullOrigin = hops.some((h) => h.originSent === 'null') && ctx.pageOrigin !== 'null';
  let credentials: boolean;
  let credentialsBasis: CorsPolicy['credentialsBasis'];
  if (t.cred === 'include') {
    credentials = true;
    credentialsBasis = 'required';
  } else if (nullOrigin) {
    // `*` it must be: without credentials the server's own Allow-Credentials is not read.
    credentials = false;
  } else if (allowed.credentials) {
    credentials = true;
    credentialsBasis = 'kept';
  } else if (!t.credKnown && isBlocked(t)) {
    // (A request that passed shows its mode: without Allow-Credentials it carried none.)
    credentials = true;
    credentialsBasis = 'unknown';
  } else {
    credentials = false;
  }
  // Origin: null (a cross-origin redirect on the way): `*` without credentials, else no header can do it.
  let anyOrigin = false;
  if (nullOrigin) {
    actions.push(credentials ? 'no-credentials-across-redirects' : 'avoid-cross-origin-redirect');
    if (!credentials) anyOrigin = true;
  }
  const methods: string[] = [];
  const unsafeNames: string[] = [];
  let preflight = false;
  for (const hop of hops) {
    if (!hop.preflight) continue;
    preflight = true;
    if (!isCorsSafelistedMethod(hop.method)) methods.push(hop.method);
    unsafeNames.push(...hop.unsafeNames);
  }
  // `*` in a list the server sent means "any" only without credentials: with them it is noise.
  const kept = credentials ? withoutStar : sameList;
  const upper = upperCaseSpelling(ctx.method);
  if (upper !== null && methods.includes(ctx.method)) {
    methods.push(upper);
    actions.push('upper-case-method');
  }
  actions.push('vary-origin');
  return buildFixPlan({
    targetOrigin: origin,
    pageOrigin: hops.find((h) => h.originSent !== 'null')?.originSent ?? ctx.pageOrigin,
    credentials,
    credentialsBasis,
    method: methods[0] ?? 'GET',
    moreMethods: [...methods.slice(1), ...kept(allowed.methods)],
    unsafeNames,
    moreHeaders: kept(allowed.headers),
    exposeHeaders: unreadable.length === 0 ? kept(allowed.expose) : [...kept(allowed.expose), ...unreadable.filter((n) => !allowed.expose.some((e) => e.toLowerCase() === n))],
    preflight,
    anyOrigin,
    actions,
    serverFixable: true,
  });
}

/**
 * The plan for the server of the failing stage (`failingOrigin`) first, then one per other server
 * of the chain whose answers the browser checks, in chain order. `unreadable`: response headers
 * of the failing (or, for a request that passed, last) server the page cannot read yet.
 */
export function chainFixPlans(ctx: Ctx, t: Trace, failingOrigin: string, unreadable: readonly string[] = []): { primary: FixPlan; others: FixPlan[] } {
  const checked = requestChain(ctx, t).filter((h) => h.corsChecked);
  if (!checked.some((h) => h.origin === failingOrigin)) {
    // Not reached through the chain (no hop recorded): plan from the trace alone.
    checked.unshift({ index: 0, origin: failingOrigin, originSent: t.originSent, corsChecked: true, preflight: t.preflightNeeded, method: ctx.method, unsafeNames: t.unsafeNames });
  }
  // The common case: one server in the whole chain.
  if (checked.every((h) => h.origin === failingOrigin)) return { primary: planForServer(ctx, t, failingOrigin, checked, true, unreadable), others: [] };
  const origins = [failingOrigin];
  for (const h of checked) if (!origins.includes(h.origin)) origins.push(h.origin);
  const plans = origins.map((o) =>
    planForServer(ctx, t, o, checked.filter((h) => h.origin === o), o === failingOrigin, o === failingOrigin ? unreadable : []),
  );
  return { primary: plans[0]!, others: plans.slice(1) };
}
