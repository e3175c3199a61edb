/**
 * diagnose(exchange): replays the browser's CORS decisions on an observed exchange and
 * explains them. The checks themselves live in fetch.ts (one function per spec algorithm);
 * this file walks the exchange in the browser's order (mode -> preflight -> each hop), keeps
 * the first failure, and turns it into a Diagnosis with evidence, findings and a fix plan.
 */
import {
  accessControlMaxAge,
  checkPreflightAccess,
  checkRedirectLocation,
  corsCheck,
  corsUnsafeRequestHeaderNames,
  CHROMIUM_MAX_AGE_CAP,
  ensureAllowedCrossOriginHeaders,
  ensureAllowedCrossOriginMethod,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isCorsSafelistedResponseHeaderName,
  isRedirectStatus,
  normalizeMethod,
  parseExposeHeaders,
  parsePreflightResult,
  redirectTaintsOrigin,
  type CheckFailure,
  type EffectiveCredentials,
  type PreflightResult,
} from './fetch.ts';
import { blinkHeaderMapOrder } from './blink-order.ts';
import { capitalize, CORS_CODES, headlineOf, type HeadlineValues } from './codes.ts';
import { FINDINGS, type FindingId } from './findings.ts';
import { getHeader, countHeader, parseTokenList } from './headers.ts';
import { buildFixPlan } from './plan.ts';
import type {
  CorsErrorCode,
  Diagnosis,
  Evidence,
  Exchange,
  Finding,
  FixActionId,
  FixPlan,
  HttpHeader,
  ObservedResponse,
  Stage,
} from './types.ts';
import { originDifferences, UrlCache, type ParsedUrl } from './url.ts';

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/** Local Network Access codes (and the legacy Private Network names they replace). */
const LOCAL_NETWORK_CODES = new Map<string, CorsErrorCode>([
  ['InsecureLocalNetwork', 'InsecureLocalNetwork'],
  ['InvalidLocalNetworkAccess', 'InvalidLocalNetworkAccess'],
  ['LocalNetworkAccessPermissionDenied', 'LocalNetworkAccessPermissionDenied'],
  ['InsecurePrivateNetwork', 'InsecureLocalNetwork'],
  ['InvalidPrivateNetworkAccess', 'InvalidLocalNetworkAccess'],
  ['PrivateNetworkAccessPermissionDenied', 'LocalNetworkAccessPermissionDenied'],
]);

/** Browser errors that a CORS failure shows up as. Anything else is not CORS. */
const CORS_LIKE_ERROR = /ERR_FAILED|NS_ERROR_DOM_BAD_URI|CORS|Failed to fetch/i;

/** Response headers not worth an "unexposed" note: transport, caching and CORS plumbing. */
const UNINTERESTING_RESPONSE_HEADERS = new Set([
  'date', 'server', 'connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'vary',
  'alt-svc', 'strict-transport-security', 'via', 'x-powered-by', 'age', 'accept-ranges',
  'report-to', 'nel', 'x-content-type-options', 'x-frame-options', 'x-xss-protection',
  'content-security-policy', 'content-security-policy-report-only', 'referrer-policy',
  'permissions-policy', 'cross-origin-resource-policy', 'cross-origin-opener-policy',
  'cross-origin-embedder-policy', 'timing-allow-origin', 'server-timing', 'cf-ray',
  'cf-cache-status', 'x-cache', 'x-served-by', 'x-timer', 'expect-ct', 'origin-agent-cluster',
  'priority', 'set-cookie', 'set-cookie2', 'proxy-connection', 'upgrade', 'trailer',
]);

const NON_FETCH_RESOURCE_TYPES = new Set([
  'image', 'script', 'stylesheet', 'media', 'imageset', 'object', 'ping', 'csp_report',
  'beacon', 'other',
]);
const NAVIGATION_RESOURCE_TYPES = new Set(['main_frame', 'sub_frame', 'document', 'navigation']);

const CURL_PARAGRAPH =
  'curl and Postman succeed with the same request because they are not browsers: they send no preflight and enforce no CORS rule. CORS protects the users of a browser, so the fix belongs in the server\'s responses, not in the request.';

// ---------------------------------------------------------------------------------------
// Trace: what happened under one credentials hypothesis
// ---------------------------------------------------------------------------------------

type PreflightState =
  | 'not-needed'
  | 'passed'
  | 'failed'
  | 'cached'
  | 'assumed-cached'
  | 'not-observed'
  | 'no-response';

interface Trace {
  cred: EffectiveCredentials;
  failure: CheckFailure | null;
  stage: Stage;
  /** The preflight was needed but not captured, and the request failed: no code can be named. */
  unresolvedPreflight: boolean;
  /** A non-CORS failure (network error), in words. */
  networkError: string | null;
  preflightNeeded: boolean;
  preflightState: PreflightState;
  preflightResult: PreflightResult | null;
  unsafeNames: string[];
  authWildcard: boolean;
  /** Serialized origin the failing/last hop was sent with (`null` once tainted). */
  originSent: string;
  taintedAtHop: number;
  /** Index of the last hop whose response was examined, -1 for none. */
  lastHop: number;
  /** Whether the last examined hop was CORS-checked (cross-origin). */
  lastHopChecked: boolean;
}

interface Ctx {
  ex: Exchange;
  urls: UrlCache;
  method: string;
  pageOrigin: string;
  page: ParsedUrl | null;
  target: ParsedUrl;
  hops: Exchange['hops'];
  requestHeaders: HttpHeader[];
  outcomeFailed: boolean;
  outcomeError: string;
  assumptions: string[];
}

/**
 * The Location of a redirect response that ends the observed chain of a failed request (the
 * browser refused to follow it), resolved against the hop URL; undefined otherwise.
 */
function refusedRedirectTarget(ctx: Ctx, hopUrl: string, r: ObservedResponse): string | undefined {
  if (!ctx.outcomeFailed || !CORS_LIKE_ERROR.test(ctx.outcomeError) || !isRedirectStatus(r.status)) return undefined;
  const location = getHeader(r.headers, 'location');
  if (location === null) return undefined;
  try {
    return new URL(location, hopUrl).href;
  } catch {
    return undefined;
  }
}

/**
 * A 304 answering the HTTP cache's own conditional request (measured, Chromium 156): the CORS
 * check then runs on the stored response updated with the 304's headers. A 304 to a request the
 * page made conditional itself (If-None-Match / If-Modified-Since set by the page, which is
 * CORS-unsafe and so listed in the preflight's Access-Control-Request-Headers), or to a request
 * that was not conditional at all, is checked like any response.
 */
function isCacheRevalidation(ctx: Ctx, hop: Exchange['hops'][number]): boolean {
  const sent = hop.requestHeaders ?? ctx.requestHeaders;
  const conditional = ['if-none-match', 'if-modified-since'].filter((n) => getHeader(sent, n) !== null);
  if (conditional.length === 0) return false;
  const pf = ctx.ex.preflight;
  const acrh = pf.kind === 'sent' ? (getHeader(pf.requestHeaders, 'access-control-request-headers') ?? '').toLowerCase() : '';
  return !conditional.some((n) => acrh.split(',').map((x) => x.trim()).includes(n));
}

function newTrace(cred: EffectiveCredentials, ctx: Ctx): Trace {
  return {
    cred,
    failure: null,
    stage: { kind: 'none' },
    unresolvedPreflight: false,
    networkError: null,
    preflightNeeded: false,
    preflightState: 'not-needed',
    preflightResult: null,
    unsafeNames: [],
    authWildcard: false,
    originSent: ctx.pageOrigin,
    taintedAtHop: -1,
    lastHop: -1,
    lastHopChecked: false,
  };
}

function hasLocation(r: ObservedResponse): boolean {
  return getHeader(r.headers, 'location') !== null;
}

/** The CORS-unsafe names as the browser saw them: ACRH of an observed preflight wins. */
function unsafeNamesFor(ctx: Ctx): string[] {
  const pf = ctx.ex.preflight;
  if (pf.kind === 'sent' && getHeader(pf.requestHeaders, 'access-control-request-method') !== null) {
    const acrh = getHeader(pf.requestHeaders, 'access-control-request-headers');
    if (acrh === null) return [];
    const names = parseTokenList(acrh) ?? [];
    return [...new Set(names.map((n) => n.toLowerCase()))].sort();
  }
  return corsUnsafeRequestHeaderNames(ctx.requestHeaders);
}

/**
 * The unsafe names in the order Chromium checks them (see blink-order.ts): CORS-unsafe values in
 * Blink's header-map order, then, when the 1024-byte total made safelisted values unsafe, those
 * in the same order; names the capture did not see (e.g. Authorization, hidden from webRequest)
 * keep their sorted place at the end. Only called when two or more names fail.
 */
function inChromiumCheckOrder(names: readonly string[], headers: readonly HttpHeader[]): string[] {
  const mapOrder = blinkHeaderMapOrder(
    headers.filter((h) => typeof h.name === 'string' && h.name.toLowerCase() !== 'referer').map((h) => h.name),
  );
  const safelistedValue = new Set<string>();
  for (const h of headers) {
    if (typeof h.name === 'string' && isCorsSafelistedRequestHeader(h.name, typeof h.value === 'string' ? h.value : '')) {
      safelistedValue.add(h.name.toLowerCase());
    }
  }
  const listed = mapOrder.filter((n) => names.includes(n));
  const out = [...listed.filter((n) => !safelistedValue.has(n)), ...listed.filter((n) => safelistedValue.has(n))];
  for (const n of names) if (!out.includes(n)) out.push(n);
  return out;
}

function evaluate(ctx: Ctx, cred: EffectiveCredentials, unsafeNames: string[]): Trace {
  const t = newTrace(cred, ctx);
  const ex = ctx.ex;
  const pf = ex.preflight;
  t.unsafeNames = unsafeNames;
  const firstCross = ctx.target.origin !== ctx.pageOrigin || ctx.pageOrigin === 'null';

  // 1. The CORS-preflight fetch (only when the first hop is cross-origin).
  t.preflightNeeded =
    firstCross &&
    (ex.forcedPreflight === true || pf.kind === 'sent' || !isCorsSafelistedMethod(ctx.method) || unsafeNames.length > 0);
  if (t.preflightNeeded) {
    if (pf.kind === 'sent') {
      const r = pf.response;
      if (!r) {
        t.preflightState = 'no-response';
        t.networkError = `the preflight (OPTIONS) got no response${pf.error ? ` (${pf.error})` : ''}`;
        t.stage = { kind: 'preflight' };
        return t;
      }
      if (r.status === 407) {
        t.preflightState = 'no-response';
        t.networkError = 'a proxy asked the preflight (OPTIONS) for authentication (407): Chromium reports net::ERR_UNEXPECTED_PROXY_AUTH, not a CORS error';
        t.stage = { kind: 'preflight' };
        return t;
      }
      t.stage = { kind: 'preflight' };
      const answer = checkPreflightAnswer(r, ctx.pageOrigin, ctx, cred, unsafeNames);
      t.preflightResult = answer.result;
      t.authWildcard = answer.authWildcard;
      if (answer.failure) {
        t.preflightState = 'failed';
        t.failure = answer.failure;
        return t;
      }
      t.preflightState = 'passed';
    } else if (pf.kind === 'cached') {
      t.preflightState = 'cached';
    } else if (ctx.hops[0]?.response || !ctx.outcomeFailed) {
      t.preflightState = 'assumed-cached';
    } else {
      t.preflightState = 'not-observed';
      t.stage = { kind: 'preflight' };
      if (CORS_LIKE_ERROR.test(ctx.outcomeError)) t.unresolvedPreflight = true;
      else t.networkError = `the request failed with ${ctx.outcomeError}`;
      return t;
    }
  }

  // 2. The actual request, hop by hop (https://fetch.spec.whatwg.org/#http-fetch step 4.4 and
  //    #http-redirect-fetch).
  let corsFlag = firstCross;
  let currentOrigin = ctx.target.origin;
  for (let i = 0; i < ctx.hops.length; i++) {
    const hop = ctx.hops[i]!;
    const r = hop.response;
    if (!r) break;
    t.lastHop = i;
    t.lastHopChecked = corsFlag;
    const next = ctx.hops[i + 1];
    // The chain may stop at a redirect Chromium refused to follow (user:pass@, a non-HTTP
    // scheme): the target is then only in the Location header.
    const nextUrl = next?.url ?? refusedRedirectTarget(ctx, hop.url, r);
    const isRedirect = nextUrl !== undefined;
    const revalidation = r.status === 304 && isCacheRevalidation(ctx, hop);
    if (corsFlag && !(revalidation && getHeader(r.headers, 'access-control-allow-origin') === null)) {
      const failure = corsCheck(r.headers, t.originSent, cred);
      // A revalidation's 304 updates the stored headers: a missing ACAC there is the stored one's.
      const storedAcac = revalidation && failure?.code === 'InvalidAllowCredentials' && getHeader(r.headers, 'access-control-allow-credentials') === null;
      if (failure && !storedAcac) {
        t.failure = failure;
        t.stage = isRedirect ? { kind: 'redirect', hop: i } : { kind: 'actual' };
        return t;
      }
    }
    if (!isRedirect) break;
    if (ex.redirect === 'error') {
      t.networkError = 'the server redirected, and the request used redirect: "error"';
      t.stage = { kind: 'redirect', hop: i };
      return t;
    }
    if (ex.redirect === 'manual') break; // The page gets an opaque-redirect response.
    const loc = ctx.urls.get(nextUrl);
    if (!loc) {
      t.networkError = `the redirect target ${JSON.stringify(nextUrl)} is not a valid URL`;
      t.stage = { kind: 'redirect', hop: i };
      return t;
    }
    const redirectFailure = checkRedirectLocation(loc, ctx.pageOrigin, corsFlag || loc.origin !== ctx.pageOrigin, t.taintedAtHop >= 0);
    if (redirectFailure) {
      t.failure = redirectFailure;
      t.stage = { kind: 'redirect', hop: i };
      return t;
    }
    if (t.taintedAtHop < 0 && redirectTaintsOrigin(currentOrigin, loc.origin, ctx.pageOrigin)) {
      t.taintedAtHop = i;
      t.originSent = 'null';
    }
    currentOrigin = loc.origin;
    if (loc.origin !== ctx.pageOrigin) corsFlag = true;
    // The preflight of the redirect target, when the browser sent one (Origin: null if tainted).
    const hopPreflight = next?.preflight;
    if (hopPreflight?.kind === 'sent' && hopPreflight.response) {
      const answer = checkPreflightAnswer(hopPreflight.response, t.originSent, ctx, cred, unsafeNames);
      if (answer.authWildcard) t.authWildcard = true;
      if (answer.failure) {
        // The headline's "allowed ..." describes this answer, not the first URL's.
        t.preflightResult = answer.result;
        t.failure = answer.failure;
        t.stage = { kind: 'preflight', hop: i + 1 };
        return t;
      }
    }
  }

  // 3. No response on the last hop: the request failed before any answer arrived.
  const last = ctx.hops[ctx.hops.length - 1];
  if (ctx.outcomeFailed && last && !last.response && t.lastHop < ctx.hops.length - 1) {
    t.networkError = `the request failed with ${ctx.outcomeError} before any response arrived`;
    t.stage = { kind: 'actual' };
  }
  return t;
}

interface PreflightAnswer {
  failure: CheckFailure | null;
  /** The parsed Allow-Methods / Allow-Headers, once they parsed. */
  result: PreflightResult | null;
  /** Authorization was allowed only through `Access-Control-Allow-Headers: *`. */
  authWildcard: boolean;
}

/**
 * The checks of a CORS-preflight answer, for the first URL and for every redirect target alike
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7, the step numbers of fetch.ts), in
 * Chromium's order:
 * 1. A redirect (3xx with Location) -> PreflightDisallowedRedirect (Chromium refuses it before
 *    any check; the spec's network error for a redirected preflight).
 * 2. Step 7's CORS check and ok status (checkPreflightAccess), against the Origin the preflight
 *    carried: the page's, or null after a cross-origin redirect.
 * 3. Steps 7.1-7.4: Allow-Methods and Allow-Headers parse (parsePreflightResult).
 * 4. Steps 7.5-7.6: the method is allowed.
 * 5. Steps 7.7-7.8: every CORS-unsafe header name is, in Chromium's check order when several
 *    are missing (inChromiumCheckOrder).
 */
function checkPreflightAnswer(
  r: ObservedResponse,
  origin: string,
  ctx: Ctx,
  cred: EffectiveCredentials,
  unsafeNames: string[],
): PreflightAnswer {
  const refused = (failure: CheckFailure, result: PreflightResult | null = null): PreflightAnswer => ({ failure, result, authWildcard: false });
  if (isRedirectStatus(r.status) && hasLocation(r)) return refused({ code: 'PreflightDisallowedRedirect', param: '' });
  const access = checkPreflightAccess(r, origin, cred);
  if (access) return refused(access);
  const parsed = parsePreflightResult(r.headers);
  if ('code' in parsed) return refused(parsed);
  const method = ensureAllowedCrossOriginMethod(parsed, ctx.method, cred);
  if (method) return refused(method, parsed);
  let missing = 0;
  for (const n of unsafeNames) if (!parsed.headers.includes(n)) missing++;
  const order = missing > 1 ? inChromiumCheckOrder(unsafeNames, ctx.requestHeaders) : unsafeNames;
  const headers = ensureAllowedCrossOriginHeaders(parsed, order, cred);
  return { failure: headers.failure, result: parsed, authWildcard: headers.authorizationCoveredByWildcard };
}

/**
 * Whether a credentials hypothesis explains what was observed: success or failure, and, when a
 * preflight was answered but the actual request got no response, that the preflight failed
 * (after a passing preflight the actual request is sent; after a failing one it never is).
 */
function fitsObservation(ctx: Ctx, t: Trace): boolean {
  if (failedAsObserved(t) !== ctx.outcomeFailed) return false;
  const pf = ctx.ex.preflight;
  const actualUnanswered = ctx.outcomeFailed && !ctx.hops[0]?.response;
  if (pf.kind === 'sent' && pf.response && actualUnanswered && t.preflightState === 'passed') return false;
  return true;
}

function isBlocked(t: Trace): boolean {
  return t.failure !== null || t.unresolvedPreflight;
}

function failedAsObserved(t: Trace): boolean {
  return isBlocked(t) || t.networkError !== null;
}

// ---------------------------------------------------------------------------------------
// diagnose
// ---------------------------------------------------------------------------------------

/** The assumptions line of an Exchange whose outcome the capture inferred (Exchange.outcomeInferred). */
export const OUTCOME_INFERRED_ASSUMPTION =
  "The browser's completion event was missed while Corsight's worker restarted; the outcome was inferred from the response headers.";

/**
 * Replays the browser's CORS decisions for one exchange and explains the verdict.
 * Never throws: malformed input yields a well-formed diagnosis saying so.
 */
export function diagnose(exchange: Exchange): Diagnosis {
  try {
    return diagnoseExchange(exchange);
  } catch (err) {
    return {
      status: 'warning',
      stage: { kind: 'none' },
      headline: 'Corsight could not read this exchange.',
      explanation: [`The captured data is malformed (${err instanceof Error ? err.message : String(err)}).`],
      crossOriginBecause: [],
      evidence: [],
      findings: [],
      assumptions: ['The exchange did not match the expected format.'],
      credentialsAssumed: 'omit',
    };
  }
}

function diagnoseExchange(ex: Exchange): Diagnosis {
  const urls = new UrlCache();
  const hops = Array.isArray(ex.hops) ? ex.hops : [];
  const firstUrl = hops[0]?.url ?? '';
  const pageOrigin = typeof ex.initiatorOrigin === 'string' ? ex.initiatorOrigin.trim() : 'null';
  const page = pageOrigin === 'null' ? null : urls.get(pageOrigin);
  const outcome = ex.outcome ?? { kind: 'completed' };
  const ctxBase = {
    ex,
    urls,
    method: normalizeMethod(String(ex.method ?? 'GET')),
    pageOrigin: page ? page.origin : 'null',
    page,
    hops,
    requestHeaders: Array.isArray(ex.requestHeaders) ? ex.requestHeaders : [],
    outcomeFailed: outcome.kind === 'failed',
    outcomeError: outcome.kind === 'failed' ? String(outcome.error ?? '') : '',
    assumptions: [] as string[],
  };
  const target = urls.get(firstUrl);
  const assumptions = ctxBase.assumptions;
  if (ex.outcomeInferred === true) assumptions.push(OUTCOME_INFERRED_ASSUMPTION);

  if (!target) {
    return simple(ctxBase, null, 'warning', `The request URL ${JSON.stringify(firstUrl)} is not a valid URL.`, [
      'The browser rejects an invalid URL before any network activity; no CORS rule is involved.',
    ], [finding('network-error-not-cors', `The URL ${JSON.stringify(firstUrl)} could not be parsed, so the request never left the browser.`)]);
  }
  const ctx: Ctx = { ...ctxBase, target };
  const crossOriginBecause = page ? originDifferences(page, target) : [];
  const anyCross = ctx.pageOrigin === 'null' || hops.some((h) => urls.get(h.url)?.origin !== ctx.pageOrigin);

  // 0. Local Network Access: decided on address spaces the headers do not show.
  const reported = ex.reportedCorsError?.corsError;
  const lna = typeof reported === 'string' ? LOCAL_NETWORK_CODES.get(reported) : undefined;
  if (lna) return localNetwork(ctx, lna, String(ex.reportedCorsError?.failedParameter ?? ''), crossOriginBecause);

  // 1. The request mode.
  let mode = ex.mode;
  if (mode === 'unknown' || mode === undefined) {
    const type = (ex.resourceType ?? '').toLowerCase();
    if (NAVIGATION_RESOURCE_TYPES.has(type)) mode = 'navigate';
    else if (NON_FETCH_RESOURCE_TYPES.has(type)) mode = 'no-cors';
    else mode = 'cors';
    if (anyCross) assumptions.push(`The request mode was not reported; assumed "${mode}" for a ${type || 'fetch-like'} request.`);
  }
  if (mode === 'navigate') {
    return simple(ctx, null, 'ok', `Navigation to ${target.origin}: CORS does not apply to navigations.`, [], []);
  }
  if (!anyCross) {
    return sameOrigin(ctx);
  }
  // The request was sent, but what the server answered was never seen: no verdict to give.
  if (outcome.kind === 'unobserved') {
    return simple(ctx, target, 'warning', `Corsight saw this request to ${target.origin} leave but not how it ended.`, [
      'Its response and completion events were lost while the browser restarted the extension\'s service worker, so there is nothing to judge it by.',
    ], [finding('outcome-unobserved', 'The response and completion of this request were not captured; reload the page to run it again.')]);
  }
  if (mode === 'same-origin') {
    return modeBlocked(ctx, 'DisallowedByMode', 'use-same-origin-or-cors', crossOriginBecause,
      'A "same-origin" request may not leave the page\'s origin, so the browser stopped it before any network activity. Use mode "cors" (the default of fetch) and have the server send CORS headers, or call a same-origin URL (for example through a proxy on the page\'s own origin).');
  }
  if (mode === 'no-cors') {
    if (ex.redirect === 'error' || ex.redirect === 'manual') {
      return modeBlocked(ctx, 'NoCorsRedirectModeNotFollow', 'redirect-mode-follow', crossOriginBecause,
        'The browser stopped the request before any network activity. Use redirect: "follow", or switch to mode "cors" if the page needs to handle redirects itself.');
    }
    return noCors(ctx, crossOriginBecause);
  }

  // 2. CORS mode: only HTTP(S) can be fetched cross-origin.
  if (!target.isHttp) {
    if (target.scheme === 'data' || target.scheme === 'blob' || target.scheme === 'about') {
      return simple(ctx, null, 'ok', `A ${target.scheme}: URL is not subject to CORS.`, [], []);
    }
    return modeBlocked(ctx, 'CorsDisabledScheme', 'use-http-scheme', crossOriginBecause,
      `The browser refuses CORS requests to the ${target.scheme}: scheme. Serve the resource over http(s), or load the page from the same place (for a local file, serve both through a local web server).`);
  }

  // 3. Credentials: known, proven by a Cookie header, or chosen to fit the outcome.
  const unsafeNames = unsafeNamesFor(ctx);
  let trace: Trace;
  const hasCookie =
    getHeader(ctx.requestHeaders, 'cookie') !== null || getHeader(hops[0]?.requestHeaders, 'cookie') !== null;
  if (ex.credentials === 'omit' || ex.credentials === 'same-origin' || ex.credentials === 'include') {
    trace = evaluate(ctx, ex.credentials, unsafeNames);
  } else if (hasCookie) {
    trace = evaluate(ctx, 'include', unsafeNames);
    assumptions.push('The credentials mode was not reported; the Cookie request header proves credentials: "include".');
  } else {
    const omit = evaluate(ctx, 'omit', unsafeNames);
    if (ctx.outcomeFailed && !CORS_LIKE_ERROR.test(ctx.outcomeError)) {
      // Not a CORS failure (ERR_UNSAFE_REDIRECT, ERR_ABORTED...): nothing to explain by credentials.
      trace = omit;
      assumptions.push(`The credentials mode was not reported; assumed no credentials. The request failed with ${ctx.outcomeError}, which is not a CORS error.`);
    } else if (fitsObservation(ctx, omit)) {
      trace = omit;
      assumptions.push(
        `The credentials mode was not reported; assumed no credentials (fetch's default for cross-origin), which fits the observed ${ctx.outcomeFailed ? 'failure' : 'success'}.`,
      );
    } else {
      const include = evaluate(ctx, 'include', unsafeNames);
      if (fitsObservation(ctx, include)) {
        trace = include;
        assumptions.push(
          `The credentials mode was not reported; only credentials: "include" (cookies or HTTP auth sent) explains the observed ${ctx.outcomeFailed ? 'failure' : 'success'}, so it was assumed.`,
        );
      } else {
        trace = omit;
        assumptions.push('The credentials mode was not reported; assumed no credentials. Neither hypothesis matches the observed outcome.');
      }
    }
  }
  // Chromium ends every CORS failure with net::ERR_FAILED. Another error (ERR_ABORTED for a
  // no-cors response blocked by ORB or a cancelled request...) was not caused by the CORS
  // check, whatever the headers say: report the network error, not a CORS code.
  if (ctx.outcomeFailed && !CORS_LIKE_ERROR.test(ctx.outcomeError) && trace.failure !== null) {
    trace = { ...trace, failure: null, unresolvedPreflight: false, networkError: `the request failed with ${ctx.outcomeError}` };
  }
  const extra: Finding[] = [];
  if (failedAsObserved(trace) !== ctx.outcomeFailed) {
    const text = ctx.outcomeFailed
      ? `The browser reported ${ctx.outcomeError || 'a failure'}, but the captured headers pass every CORS check; something the capture could not see stopped it.`
      : 'The browser reported success, but the captured headers fail a CORS check; the capture may be missing or altering headers.';
    assumptions.push(text);
    extra.push(finding('outcome-mismatch', text));
  }
  if (trace.preflightState === 'assumed-cached') {
    assumptions.push('A preflight was needed but none was captured and the request went through: assumed a preflight-cache hit (an earlier OPTIONS answer still valid).');
  } else if (trace.preflightState === 'cached') {
    assumptions.push('The preflight was answered from the preflight cache.');
  }
  return fromTrace(ctx, trace, crossOriginBecause, extra);
}

// ---------------------------------------------------------------------------------------
// Building the Diagnosis
// ---------------------------------------------------------------------------------------

type CtxBase = Omit<Ctx, 'target'>;

function finding(id: FindingId, message: string): Finding {
  return { id, severity: FINDINGS[id].severity, message };
}

function statusFrom(blocked: boolean, findings: Finding[]): Diagnosis['status'] {
  if (blocked) return 'blocked';
  for (const f of findings) if (f.severity !== 'info') return 'warning';
  return 'ok';
}

function credentialsFrom(ex: Exchange): Diagnosis['credentialsAssumed'] {
  return ex.credentials === 'include' || ex.credentials === 'same-origin' ? ex.credentials : 'omit';
}

function simple(
  ctx: CtxBase,
  target: ParsedUrl | null,
  status: Diagnosis['status'],
  headline: string,
  explanation: string[],
  findings: Finding[],
): Diagnosis {
  return {
    status,
    stage: { kind: 'none' },
    headline,
    explanation,
    crossOriginBecause: ctx.page && target ? originDifferences(ctx.page, target) : [],
    evidence: [],
    findings,
    assumptions: ctx.assumptions,
    credentialsAssumed: credentialsFrom(ctx.ex),
  };
}

function networkFinding(ctx: CtxBase): Finding[] {
  if (!ctx.outcomeFailed) return [];
  if (CORS_LIKE_ERROR.test(ctx.outcomeError)) return [];
  return [finding('network-error-not-cors', `The request failed with ${ctx.outcomeError || 'an error'}, which is not a CORS error.`)];
}

function sameOrigin(ctx: Ctx): Diagnosis {
  const f = networkFinding(ctx);
  return simple(ctx, ctx.target, statusFrom(false, f), `Same-origin request to ${ctx.target.origin}: CORS does not apply.`, [
    `The page ${ctx.pageOrigin} and the URL share scheme, host and port, so the browser applies no CORS check.`,
  ], f);
}

function noCors(ctx: Ctx, because: Diagnosis['crossOriginBecause']): Diagnosis {
  const findings = networkFinding(ctx);
  findings.push(finding('no-cors-opaque-response',
    `The "no-cors" request to ${ctx.target.origin} cannot fail CORS, but the page only gets an opaque response: status 0, no headers, no readable body.`));
  const status = ctx.hops[ctx.hops.length - 1]?.response?.status;
  const d = simple(ctx, ctx.target, statusFrom(false, findings),
    `No CORS error: the "no-cors" request to ${ctx.target.origin} returns an opaque response the page cannot read.`, [
      `A "no-cors" request (an <img>, <script>, or fetch with mode "no-cors") is allowed to go cross-origin without CORS headers, but JavaScript cannot read what comes back.${status !== undefined ? ` The server answered ${status}.` : ''}`,
      'If the browser still ended it with net::ERR_ABORTED, the response was blocked by Opaque Response Blocking (for example JSON or an empty answer), not by CORS.',
      'If the page needs the data, use mode "cors" and have the server send Access-Control-Allow-Origin.',
    ], findings);
  d.crossOriginBecause = because;
  d.fixPlan = planWithoutHeaders(ctx, ['use-cors-mode', 'vary-origin'], true);
  return d;
}

function modeBlocked(
  ctx: Ctx,
  code: CorsErrorCode,
  action: FixActionId,
  because: Diagnosis['crossOriginBecause'],
  detail: string,
): Diagnosis {
  const firefoxReason = CORS_CODES[code].firefox;
  return {
    status: 'blocked',
    corsError: code,
    failedParameter: '',
    ...(firefoxReason ? { firefoxReason } : {}),
    stage: { kind: 'mode' },
    headline: headlineOf(code, requestValues(ctx)),
    explanation: [detail, 'This is decided by the page\'s own request options before anything is sent: no server change fixes it.'],
    crossOriginBecause: because,
    evidence: [],
    findings: [],
    assumptions: ctx.assumptions,
    credentialsAssumed: credentialsFrom(ctx.ex),
    fixPlan: planWithoutHeaders(ctx, [action]),
  };
}

/**
 * A plan with no CORS header to send: the fix is in the page's request or the browser's
 * permission (not server-fixable), or a structural action only.
 */
function planWithoutHeaders(ctx: Ctx, actions: FixActionId[], serverFixable = false): FixPlan {
  return buildFixPlan({
    targetOrigin: ctx.target.origin,
    pageOrigin: ctx.pageOrigin,
    credentials: false,
    method: ctx.method,
    unsafeNames: [],
    preflight: false,
    actions,
    serverFixable,
  });
}

function localNetwork(ctx: Ctx, code: CorsErrorCode, param: string, because: Diagnosis['crossOriginBecause']): Diagnosis {
  return {
    status: 'blocked',
    corsError: code,
    failedParameter: param,
    stage: { kind: ctx.ex.preflight.kind === 'sent' ? 'preflight' : 'actual' },
    headline: headlineOf(code, requestValues(ctx)),
    explanation: [
      'Local Network Access rules depend on the IP address spaces of the page and the server, which response headers do not show; this verdict comes from the browser\'s own report.',
      'Serve the page over https, let the user grant the local-network permission, and make sure the request targets the right address space.',
    ],
    crossOriginBecause: because,
    evidence: [],
    findings: [],
    assumptions: [...ctx.assumptions, 'The Local Network Access verdict was taken from the browser\'s report.'],
    credentialsAssumed: credentialsFrom(ctx.ex),
    fixPlan: planWithoutHeaders(ctx, ['local-network-access']),
  };
}

function listText(items: readonly string[]): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The response the failing (or last) stage examined. */
function stageResponse(ctx: Ctx, t: Trace): { response: ObservedResponse | undefined; url: string } {
  if (t.stage.kind === 'preflight' && t.stage.hop !== undefined) {
    const hop = ctx.hops[t.stage.hop];
    const pf = hop?.preflight;
    return { response: pf?.kind === 'sent' ? pf.response : undefined, url: pf?.kind === 'sent' ? pf.url : hop?.url ?? '' };
  }
  if (t.stage.kind === 'preflight' && ctx.ex.preflight.kind === 'sent') {
    return { response: ctx.ex.preflight.response, url: ctx.ex.preflight.url };
  }
  const i = t.stage.kind === 'redirect' ? t.stage.hop : t.lastHop;
  const hop = i >= 0 ? ctx.hops[i] : undefined;
  return { response: hop?.response, url: hop?.url ?? ctx.hops[0]?.url ?? '' };
}

function fromTrace(ctx: Ctx, t: Trace, because: Diagnosis['crossOriginBecause'], extra: Finding[]): Diagnosis {
  const { response, url } = stageResponse(ctx, t);
  const stageOrigin = ctx.urls.get(url)?.origin ?? ctx.target.origin;
  const method = ctx.method;
  const P = ctx.pageOrigin;
  const T = stageOrigin;
  const names = t.unsafeNames;
  const withHeaders = names.length === 0 ? '' : ` with the header${names.length > 1 ? 's' : ''} ${listText(names)}`;
  const findings: Finding[] = [];
  const evidence: Evidence[] = [];
  const explanation: string[] = [];
  const cred = t.cred;
  const f = t.failure;
  const code = f?.code;
  const status = response?.status;
  let headline: string;

  // Evidence: what the request carried.
  evidence.push({ stage: 'request', header: 'Origin', seen: t.originSent, ok: true });
  if (t.preflightNeeded && ctx.ex.preflight.kind === 'sent') {
    evidence.push({ stage: 'request', header: 'Access-Control-Request-Method', seen: method, ok: true });
    if (names.length > 0) evidence.push({ stage: 'request', header: 'Access-Control-Request-Headers', seen: names.join(','), ok: true });
  }

  // Evidence and findings from the preflight answer.
  const pf = ctx.ex.preflight;
  if (pf.kind === 'sent' && pf.response && t.preflightNeeded) {
    addResponseEvidence(evidence, 'preflight', pf.response, P, cred, t.stage.kind === 'preflight' ? code : undefined);
    const acam = getHeader(pf.response.headers, 'access-control-allow-methods');
    const acah = getHeader(pf.response.headers, 'access-control-allow-headers');
    const methodOk = code !== 'MethodDisallowedByPreflightResponse' && code !== 'InvalidAllowMethodsPreflightResponse';
    evidence.push({
      stage: 'preflight',
      header: 'Access-Control-Allow-Methods',
      seen: acam,
      ...(methodOk ? {} : { needed: isCorsSafelistedMethod(method) ? 'a comma-separated list of method names' : `a list including ${method}` }),
      ok: methodOk,
    });
    let headersOk = code !== 'HeaderDisallowedByPreflightResponse' && code !== 'InvalidAllowHeadersPreflightResponse';
    // Chromium stops at the method; the headers would have been refused next: show that too,
    // so the user fixes both at once.
    if (headersOk && !methodOk && names.length > 0) {
      const parsed = parsePreflightResult(pf.response.headers);
      headersOk = 'code' in parsed || ensureAllowedCrossOriginHeaders(parsed, names, cred).failure === null;
    }
    if (acah !== null || names.length > 0 || !headersOk) {
      evidence.push({
        stage: 'preflight',
        header: 'Access-Control-Allow-Headers',
        seen: acah,
        ...(headersOk ? {} : { needed: names.length ? `a list including ${names.join(', ')}` : 'a comma-separated list of header names' }),
        ok: headersOk,
      });
    }
    const maxAge = getHeader(pf.response.headers, 'access-control-max-age');
    if (maxAge !== null) {
      const parsed = accessControlMaxAge(maxAge);
      const over = parsed.requested !== null && parsed.requested > CHROMIUM_MAX_AGE_CAP;
      evidence.push({ stage: 'preflight', header: 'Access-Control-Max-Age', seen: maxAge, ...(over ? { needed: `at most ${CHROMIUM_MAX_AGE_CAP}` } : {}), ok: !over });
      if (over) {
        findings.push(finding('max-age-above-cap', `Access-Control-Max-Age is ${maxAge} s; Chromium keeps the preflight answer only ${parsed.chromium} s and Firefox ${parsed.firefox} s.`));
      }
    }
    originValueFindings(findings, pf.response.headers, 'preflight answer', P);
    if ((pf.response.status === 401 || pf.response.status === 403) && t.stage.kind === 'preflight' && f) {
      findings.push(finding('preflight-answered-by-auth',
        `The preflight (OPTIONS) to ${T} was answered ${pf.response.status}: authentication rejected it. Preflights never carry cookies or Authorization, so OPTIONS must be answered before the auth check.`));
    }
  }

  // Evidence and findings from the actual hops examined.
  for (let i = 0; i <= t.lastHop; i++) {
    const hop = ctx.hops[i]!;
    const r = hop.response!;
    const isRedirectHop = i < t.lastHop || (t.stage.kind === 'redirect' && t.stage.hop === i);
    const stageName = isRedirectHop ? 'redirect' : 'actual';
    const failingHere = (t.stage.kind === 'redirect' && t.stage.hop === i) || (t.stage.kind === 'actual' && i === t.lastHop);
    if (ctx.urls.get(hop.url)?.origin === P && t.taintedAtHop < 0) continue;
    if (r.status === 304) continue;
    addResponseEvidence(evidence, stageName, r, i > t.taintedAtHop && t.taintedAtHop >= 0 ? 'null' : P, cred, failingHere ? code : undefined);
    originValueFindings(findings, r.headers, isRedirectHop ? 'redirect' : 'response', P);
  }

  if (t.taintedAtHop >= 0) {
    const from = ctx.urls.get(ctx.hops[t.taintedAtHop]!.url)?.origin;
    const to = ctx.urls.get(ctx.hops[t.taintedAtHop + 1]!.url)?.origin;
    findings.push(finding('tainted-origin-redirect',
      `${from} redirected to ${to}, another origin, so the browser sent the next request with Origin: null; only Access-Control-Allow-Origin: null or * can match it.`));
  }
  if (t.authWildcard) {
    findings.push(finding('authorization-covered-by-wildcard',
      `The request sends Authorization and the preflight answer from ${T} allows it only through Access-Control-Allow-Headers: *. Chromium accepts this today; Firefox blocks it (CORSMissingAllowHeaderFromPreflight) and future Chrome will too. List authorization explicitly.`));
  }

  // Headline and explanation, specific to the failure.
  const preflightAnswer = `the preflight (OPTIONS) answer from ${T}`;
  const never = `so the browser never sent the ${method}`;
  const acao = response ? getHeader(response.headers, 'access-control-allow-origin') : null;
  if (t.networkError !== null) {
    headline = `The ${method} to ${ctx.target.origin} failed because ${t.networkError}: this is not a CORS error.`;
    explanation.push('No CORS check could run: the browser needs a response to check. Look at the connection, DNS, TLS, proxies, browser extensions, or whether the server is running.');
    findings.push(finding('network-error-not-cors', `${capitalize(t.networkError)}; no CORS rule was involved.`));
  } else if (t.unresolvedPreflight) {
    headline = `The page at ${P} sent ${method}${withHeaders} to ${T}; it needed a preflight, which was not captured, and the request failed.`;
    explanation.push(`The ${method}${withHeaders} is not a "simple" request, so the browser first asks ${T} with an OPTIONS preflight. The capture shows no preflight and no response to the ${method}: most likely the preflight answer did not allow the request.`);
    findings.push(finding('preflight-not-observed', `No OPTIONS request to ${T} was captured, so the exact reason cannot be named. Open DevTools and retry to capture it.`));
  } else if (f) {
    headline = headlineFor(f, { P, T, method, withHeaders, status, acao, cred, preflightAnswer, never, t, ctx, names });
    detailFor(explanation, findings, f, { P, T, method, withHeaders, status, acao, cred, preflightAnswer, never, t, ctx, names });
  } else {
    const via = t.preflightState === 'passed' ? ' after a successful preflight' : t.preflightState === 'cached' || t.preflightState === 'assumed-cached' ? ' (preflight answer taken from the cache)' : '';
    headline = `The ${method} from ${P} to ${ctx.target.origin} passed the CORS checks${via}.`;
    if (t.lastHop >= 0 && t.lastHopChecked) {
      const final = ctx.hops[t.lastHop]!.response!;
      explanation.push(`${T} answered ${final.status} with Access-Control-Allow-Origin: ${getHeader(final.headers, 'access-control-allow-origin') ?? '(none: not checked)'}, which allows the page's origin${cred === 'include' ? ' with credentials' : ''}.`);
      exposureFindings(findings, final, cred, T);
      varyFinding(findings, final, T);
    }
  }

  // Why cross-origin, what the server did, why curl works.
  if (because.length > 0) {
    explanation.push(`The page's origin ${P} and ${ctx.target.origin} differ in ${listText(because)}, so this is a cross-origin request: the server must opt in with CORS response headers.`);
  } else if (P === 'null') {
    explanation.push(`The page has an opaque origin (sent as Origin: null, e.g. a sandboxed iframe or a file:// page), so every request from it is cross-origin.`);
  }
  if (f || t.unresolvedPreflight) {
    if (t.stage.kind === 'preflight' && status !== undefined) {
      explanation.push(`The server did answer the preflight (HTTP ${status}); because that answer did not allow the request, the browser never sent the ${method} itself. The page only sees a network error (TypeError: Failed to fetch).`);
    } else if (status !== undefined) {
      explanation.push(`The server did answer (HTTP ${status}) and may have done the work; the browser received the response and only hid it from the page's JavaScript, which sees a network error (TypeError: Failed to fetch).`);
    }
    explanation.push(CURL_PARAGRAPH);
  }

  findings.push(...extra);
  const blocked = isBlocked(t);
  const diagStatus = statusFrom(blocked, findings);
  const d: Diagnosis = {
    status: diagStatus,
    stage: t.stage.kind === 'none' && t.lastHop >= 0 ? { kind: 'actual' } : t.stage,
    headline,
    explanation,
    crossOriginBecause: because,
    evidence,
    findings,
    assumptions: ctx.assumptions,
    credentialsAssumed: t.cred,
  };
  if (f) {
    d.corsError = f.code;
    d.failedParameter = f.param;
    const ff = CORS_CODES[f.code].firefox;
    if (ff) d.firefoxReason = ff;
  }
  if (blocked || (diagStatus === 'warning' && t.networkError === null)) {
    d.fixPlan = planFor(ctx, t, T, status);
  }
  return d;
}

interface TextArgs {
  P: string;
  T: string;
  method: string;
  withHeaders: string;
  status: number | undefined;
  acao: string | null;
  cred: EffectiveCredentials;
  preflightAnswer: string;
  never: string;
  t: Trace;
  ctx: Ctx;
  names: string[];
}

function allowedText(a: TextArgs): string {
  const res = a.t.preflightResult;
  const methods = res && res.methods.length ? listText(res.methods) : 'only the simple methods GET, HEAD and POST';
  const headers = res && res.headers.length ? `the headers ${listText(res.headers)}` : 'no headers';
  return `${res && res.methods.length ? `only ${methods}` : methods} and ${headers}`;
}

/** Headline values that only depend on the request (mode and Local Network Access verdicts). */
function requestValues(ctx: Ctx): HeadlineValues {
  return {
    where: '',
    tail: '',
    status: '',
    param: '',
    credentialsValue: '',
    originSent: '',
    page: ctx.pageOrigin,
    target: ctx.target.origin,
    requestTarget: ctx.target.origin,
    scheme: ctx.target.scheme,
    redirectMode: ctx.ex.redirect,
    preflightAnswer: '',
    never: '',
    method: ctx.method,
    withHeaders: '',
    allowed: '',
  };
}

function headlineFor(f: CheckFailure, a: TextArgs): string {
  const preflight = a.t.stage.kind === 'preflight';
  return headlineOf(f.code, {
    ...requestValues(a.ctx),
    where: preflight ? a.preflightAnswer : a.t.stage.kind === 'redirect' ? `the redirect from ${a.T}` : `the response from ${a.T}`,
    tail: preflight ? `, ${a.never}.` : ', so the browser hid the response from the page.',
    status: String(a.status),
    param: f.param,
    credentialsValue: f.param === '' ? '(absent)' : f.param,
    originSent: a.t.originSent,
    page: a.P,
    target: a.T,
    preflightAnswer: a.preflightAnswer,
    never: a.never,
    method: a.method,
    withHeaders: a.withHeaders,
    allowed: allowedText(a),
  });
}

function detailFor(explanation: string[], findings: Finding[], f: CheckFailure, a: TextArgs): void {
  const { response } = stageResponse(a.ctx, a.t);
  switch (f.code) {
    case 'MissingAllowOriginHeader':
    case 'PreflightMissingAllowOriginHeader': {
      const st = a.status ?? 0;
      if (a.t.stage.kind === 'preflight' && (st < 200 || st > 299)) {
        explanation.push(`The OPTIONS request got HTTP ${st} without CORS headers: the route or the CORS middleware does not handle OPTIONS (CORS attached per route, or auth/routing answering first). The browser reports the missing header first, but the real fix is to answer the preflight with 2xx and the CORS headers.`);
      } else {
        explanation.push(`The server must send Access-Control-Allow-Origin: ${a.t.originSent} (or * for requests without credentials) on this response.`);
      }
      if (a.t.stage.kind !== 'preflight' && st >= 400) {
        findings.push(finding('error-response-without-cors',
          `${a.T} answered ${st} without CORS headers, so the page sees a CORS error instead of the ${st}. Send the CORS headers on error responses too.`));
      }
      break;
    }
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch': {
      const near = nearMiss(f.param, a.t.originSent);
      if (near) {
        findings.push(finding('allow-origin-near-miss', `Access-Control-Allow-Origin is ${f.param} but the page's origin is ${a.t.originSent}: they differ only by ${near}. The comparison is byte-exact.`));
        explanation.push(`The two values differ only by ${near}, but the browser compares them byte for byte.`);
      } else if (f.param === 'null' || a.t.originSent === 'null') {
        explanation.push(a.t.originSent === 'null'
          ? `After a cross-origin redirect the browser sends Origin: null, so only Access-Control-Allow-Origin: null or * can match.`
          : `The value null only matches pages with an opaque origin; this page's origin is ${a.t.originSent}.`);
      } else {
        explanation.push(`The server allows a different origin. It must answer with exactly ${a.t.originSent} for this page; a server that serves several front-ends should compare the Origin request header with its allow list and echo the matching origin.`);
      }
      break;
    }
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues': {
      const lines = response ? countHeader(response.headers, 'access-control-allow-origin') : 0;
      explanation.push(lines > 1
        ? `The response carries ${lines} Access-Control-Allow-Origin lines, which the browser joins into one list. Typically a proxy and the application both add the header: keep it in one place.`
        : 'The header takes a single origin. Keep the allow list on the server and echo only the origin that matches the request.');
      break;
    }
    case 'InvalidAllowOriginValue':
    case 'PreflightInvalidAllowOriginValue':
      explanation.push(`An origin is written scheme://host[:port], for example ${a.P}. "${f.param}" is not one.`);
      break;
    case 'WildcardOriginNotAllowed':
    case 'PreflightWildcardOriginNotAllowed':
      explanation.push(`With credentials (cookies or HTTP authentication), * is not accepted: the server must echo the exact origin ${a.P} and send Access-Control-Allow-Credentials: true. Never reflect any origin blindly: compare it with an allow list.`);
      break;
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      explanation.push(`A request with credentials needs Access-Control-Allow-Credentials: true (exactly that, lower case)${f.param ? `; the server sent "${f.param}"` : '; the server sent nothing'}. If the page does not need cookies, it can instead drop credentials: "include" / withCredentials.`);
      break;
    case 'PreflightInvalidStatus': {
      const st = a.status ?? 0;
      explanation.push(st === 401 || st === 403
        ? 'The CORS headers are there, but the status is an authentication refusal: preflights carry no credentials, so OPTIONS must be answered before the auth check.'
        : `The preflight must be answered with a 2xx status (200 or 204). HTTP ${st} means the server does not handle OPTIONS for this URL.`);
      break;
    }
    case 'PreflightDisallowedRedirect': {
      const loc = response ? getHeader(response.headers, 'location') : null;
      explanation.push(`The preflight was redirected to ${loc ?? 'another URL'}. Browsers never follow preflight redirects: make the page call the final URL directly (for example https instead of http, or with/without the trailing slash).`);
      break;
    }
    case 'InvalidAllowMethodsPreflightResponse':
    case 'InvalidAllowHeadersPreflightResponse': {
      const name = f.code === 'InvalidAllowMethodsPreflightResponse' ? 'access-control-allow-methods' : 'access-control-allow-headers';
      const v = response ? getHeader(response.headers, name) : null;
      explanation.push(`The value "${v}" could not be parsed: it must be a comma-separated list of tokens (no quotes, slashes, or other separators).`);
      break;
    }
    case 'MethodDisallowedByPreflightResponse':
      explanation.push(`${a.method} must appear in Access-Control-Allow-Methods, spelled exactly as the page sends it (methods are case-sensitive)${a.cred === 'include' ? '; * does not count for requests with credentials' : ''}.`);
      break;
    case 'HeaderDisallowedByPreflightResponse':
      explanation.push(`Every non-simple request header (${listText(a.names)}) must appear in Access-Control-Allow-Headers${a.cred === 'include' ? '; * does not count for requests with credentials' : ''}.`);
      break;
    case 'RedirectContainsCredentials':
      explanation.push('A cross-origin redirect target may not contain user:password@. Redirect to a URL without credentials and authenticate with a header instead.');
      break;
    default:
      break;
  }
}

/** How an ACAO value almost equal to the origin differs from it, or null. */
function nearMiss(value: string, origin: string): string | null {
  if (value === `${origin}/`) return 'a trailing slash';
  if (value.toLowerCase() === origin) return 'letter case';
  if (value.startsWith(origin + '/')) return 'a path after the origin';
  const m = /^(https?):\/\/([^/]+):(80|443)\/?$/.exec(value);
  if (m && `${m[1]}://${m[2]}` === origin) return 'an explicit default port';
  const swapped = origin.startsWith('https:') ? `http:${origin.slice(6)}` : origin.startsWith('http:') ? `https:${origin.slice(5)}` : '';
  if (swapped && (value === swapped || value === `${swapped}/`)) return 'the scheme (http vs https)';
  return null;
}

const ORIGIN_CODES = new Set<CorsErrorCode | undefined>([
  'MissingAllowOriginHeader', 'AllowOriginMismatch', 'MultipleAllowOriginValues', 'InvalidAllowOriginValue', 'WildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader', 'PreflightAllowOriginMismatch', 'PreflightMultipleAllowOriginValues', 'PreflightInvalidAllowOriginValue', 'PreflightWildcardOriginNotAllowed',
]);

function addResponseEvidence(
  evidence: Evidence[],
  stage: Evidence['stage'],
  r: ObservedResponse,
  originSent: string,
  cred: EffectiveCredentials,
  code: CorsErrorCode | undefined,
): void {
  const acao = getHeader(r.headers, 'access-control-allow-origin');
  const statusBad = code === 'PreflightInvalidStatus' || code === 'PreflightDisallowedRedirect';
  evidence.push({ stage, header: ':status', seen: String(r.status), ...(statusBad ? { needed: code === 'PreflightDisallowedRedirect' ? 'a 2xx answer, not a redirect' : '200-299' } : {}), ok: !statusBad });
  const acaoBad = ORIGIN_CODES.has(code);
  const neededOrigin = cred === 'include' ? originSent : `${originSent} (or *)`;
  evidence.push({ stage, header: 'Access-Control-Allow-Origin', seen: acao, ...(acaoBad ? { needed: neededOrigin } : {}), ok: !acaoBad });
  const acac = getHeader(r.headers, 'access-control-allow-credentials');
  if (cred === 'include' || acac !== null) {
    const bad = code === 'InvalidAllowCredentials' || code === 'PreflightInvalidAllowCredentials';
    evidence.push({ stage, header: 'Access-Control-Allow-Credentials', seen: acac, ...(bad ? { needed: 'true' } : {}), ok: !bad });
  }
  if (stage === 'redirect') {
    const loc = getHeader(r.headers, 'location');
    if (loc !== null) evidence.push({ stage, header: 'Location', seen: loc, ok: code !== 'RedirectContainsCredentials' });
  }
}

/** Findings on the shape of ACAO / ACAC values, whatever the verdict. */
function originValueFindings(findings: Finding[], headers: readonly HttpHeader[], where: string, P: string): void {
  const acao = getHeader(headers, 'access-control-allow-origin');
  if (acao !== null && acao !== '*') {
    if (acao.includes('*')) {
      if (!findings.some((x) => x.id === 'wildcard-subdomain-allow-origin')) {
        findings.push(finding('wildcard-subdomain-allow-origin', `The ${where} sends Access-Control-Allow-Origin: ${acao}. Wildcard patterns are not supported by any browser; echo ${P} when it matches your allow list.`));
      }
    } else if (acao.includes(',') || acao.includes(' ')) {
      if (!findings.some((x) => x.id === 'list-allow-origin')) {
        const lines = countHeader(headers, 'access-control-allow-origin');
        findings.push(finding('list-allow-origin', lines > 1
          ? `The ${where} carries ${lines} Access-Control-Allow-Origin lines (${acao}); browsers accept exactly one value.`
          : `The ${where} lists several origins in Access-Control-Allow-Origin (${acao}); browsers accept exactly one.`));
      }
    }
  }
  const acac = getHeader(headers, 'access-control-allow-credentials');
  if (acac !== null && acac !== 'true' && acac.toLowerCase() === 'true' && !findings.some((x) => x.id === 'allow-credentials-not-lowercase-true')) {
    findings.push(finding('allow-credentials-not-lowercase-true', `The ${where} sends Access-Control-Allow-Credentials: ${acac}; only the exact lower-case value true is accepted.`));
  }
}

function exposureFindings(findings: Finding[], r: ObservedResponse, cred: EffectiveCredentials, T: string): void {
  const exposed = parseExposeHeaders(r.headers);
  const hidden: string[] = [];
  let setCookie = false;
  for (const h of r.headers) {
    const lower = typeof h.name === 'string' ? h.name.toLowerCase() : '';
    if (lower === 'set-cookie' || lower === 'set-cookie2') {
      setCookie = true;
      continue;
    }
    if (lower === '' || lower.startsWith('access-control-') || UNINTERESTING_RESPONSE_HEADERS.has(lower)) continue;
    if (isCorsSafelistedResponseHeaderName(lower, exposed, cred)) continue;
    if (!hidden.includes(lower)) hidden.push(lower);
  }
  if (hidden.length > 0) {
    findings.push(finding('unexposed-response-header',
      `The page cannot read ${listText(hidden)} from the response of ${T}: ${hidden.length > 1 ? 'they are' : 'it is'} not listed in Access-Control-Expose-Headers${cred === 'include' && exposed.includes('*') ? ' (* does not count with credentials)' : ''}. Harmless unless the page reads ${hidden.length > 1 ? 'them' : 'it'}.`));
  }
  if (setCookie) {
    findings.push(finding('set-cookie-never-readable', `The response of ${T} sets a cookie; the browser stores it${cred === 'include' ? '' : ' only for requests with credentials (this one had none, so it is ignored)'}, but the page can never read Set-Cookie.`));
  }
}

function varyFinding(findings: Finding[], r: ObservedResponse, T: string): void {
  const acao = getHeader(r.headers, 'access-control-allow-origin');
  if (acao === null || acao === '*') return;
  const vary = getHeader(r.headers, 'vary');
  if (vary !== null && /(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) return;
  findings.push(finding('dynamic-allow-origin-without-vary',
    `${T} answers Access-Control-Allow-Origin: ${acao} without Vary: Origin. If a cache or CDN stores this response, another page origin may receive this value and be blocked.`));
}

function planFor(ctx: Ctx, t: Trace, T: string, status: number | undefined) {
  const actions: FixActionId[] = [];
  const code = t.failure?.code;
  const pfStatus = ctx.ex.preflight.kind === 'sent' ? ctx.ex.preflight.response?.status : undefined;
  if (t.stage.kind === 'preflight' && pfStatus !== undefined) {
    if (pfStatus === 401 || pfStatus === 403) actions.push('answer-preflight-before-auth');
    else if (code === 'PreflightDisallowedRedirect') actions.push('do-not-redirect-preflight');
    else if (pfStatus < 200 || pfStatus > 299) actions.push('answer-preflight-2xx');
  }
  if (code === 'RedirectContainsCredentials') actions.push('do-not-redirect-to-credentials-url');
  if ((t.stage.kind === 'actual' || t.stage.kind === 'redirect') && status !== undefined && status >= 400) {
    actions.push('cors-headers-on-error-responses');
  }
  if (code === 'MultipleAllowOriginValues' || code === 'PreflightMultipleAllowOriginValues') actions.push('single-allow-origin-value');
  if (t.taintedAtHop >= 0) actions.push('avoid-cross-origin-redirect');
  actions.push('vary-origin');
  return buildFixPlan({
    targetOrigin: T,
    pageOrigin: ctx.pageOrigin,
    credentials: t.cred === 'include',
    method: ctx.method,
    unsafeNames: t.unsafeNames,
    preflight: t.preflightNeeded,
    actions,
    serverFixable: true,
  });
}
