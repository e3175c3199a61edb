/**
 * The replay: what the browser did with one exchange under one credentials hypothesis, in
 * Chromium's order (the preflight, then each hop of the actual request and its redirects). The
 * checks themselves are fetch.ts's, one function per spec algorithm; this file walks the exchange
 * and keeps the first failure in a Trace.
 * Chromium source read at the 156.0.8078.114 tag (see fetch.ts).
 */
import {
  checkPreflightAccess,
  checkRedirectLocation,
  corsCheck,
  corsUnsafeRequestHeaderNames,
  ensureAllowedCrossOriginHeaders,
  ensureAllowedCrossOriginMethod,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isRedirectStatus,
  methodAfterRedirect,
  parsePreflightResult,
  redirectTaintsOrigin,
  sortedLowercaseSet,
  REQUEST_BODY_HEADER_NAMES,
  type CheckFailure,
  type EffectiveCredentials,
  type PreflightResult,
} from './fetch.ts';
import { blinkHeaderMapOrder } from './blink-order.ts';
import { getHeader, lowerHeaderName, parseTokenList } from './headers.ts';
import type { Exchange, HttpHeader, ObservedResponse, PreflightObservation, Stage } from './types.ts';
import { parseUrlShared, type ParsedUrl } from './url.ts';

// ---------------------------------------------------------------------------------------
// Trace: what happened under one credentials hypothesis
// ---------------------------------------------------------------------------------------

/**
 * A failure a capture records without its reason: Firefox's HAR writes status 0 for a request
 * that got no response and has no error field. It may be CORS, as `net::ERR_FAILED` may.
 */
export const FAILED_WITHOUT_REASON = 'no response, reason not recorded';

/**
 * Browser errors that a CORS failure shows up as (and FAILED_WITHOUT_REASON). Anything else is not
 * CORS. Chromium: `net::ERR_FAILED`. Firefox 153 (measured over the lab through webRequest):
 * `NS_ERROR_DOM_BAD_URI` for a refused preflight and the request it guarded; a redirect it
 * refused (no Allow-Origin on the 3xx, credentials in the Location, a preflight redirected) ends
 * the request in `NS_ERROR_NET_ON_RECEIVING_FROM` or `NS_ERROR_UNEXPECTED`, a redirect to a data:
 * URL in `NS_ERROR_CORRUPTED_CONTENT`. Like ERR_FAILED these are generic: the headers decide.
 */
export const CORS_LIKE_ERROR = new RegExp(
  `ERR_FAILED|NS_ERROR_DOM_BAD_URI|NS_ERROR_NET_ON_RECEIVING_FROM|NS_ERROR_UNEXPECTED|NS_ERROR_CORRUPTED_CONTENT|CORS|Failed to fetch|^${FAILED_WITHOUT_REASON.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
  'i',
);

export type PreflightState =
  | 'not-needed'
  | 'passed'
  | 'failed'
  | 'cached'
  | 'assumed-cached'
  | 'not-observed'
  | 'no-response';

export interface Trace {
  cred: EffectiveCredentials;
  /** The credentials mode was reported or proven by a Cookie header, not chosen to fit the outcome. */
  credKnown: boolean;
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

export interface Ctx {
  ex: Exchange;
  method: string;
  pageOrigin: string;
  page: ParsedUrl | null;
  target: ParsedUrl;
  hops: Exchange['hops'];
  requestHeaders: HttpHeader[];
  outcomeFailed: boolean;
  outcomeError: string;
  /** Completed, but the source cannot tell a CORS refusal from success (Outcome.corsUnchecked). */
  outcomeCorsUnchecked: boolean;
  /** The request failed with an error a CORS refusal shows up as (CORS_LIKE_ERROR), tested once. */
  outcomeCorsLike: boolean;
  assumptions: string[];
}

/**
 * The origin of `url`, a URL of the exchange: the first URL's is the target's, already parsed.
 * Every hop check asks again, and a lookup in the shared memo hashes the URL string anew when the
 * string is a fresh copy (the worker gets every exchange as one), which showed in the engine's
 * profile (issue 20).
 */
export function originOfUrl(ctx: Ctx, url: string): string | undefined {
  const first = ctx.hops[0];
  return first !== undefined && url === first.url ? ctx.target.origin : parseUrlShared(url)?.origin;
}

/**
 * The Location of a redirect response that ends the observed chain of a request that failed with
 * a CORS-like error (the browser refused to follow it), resolved against the hop URL; undefined
 * otherwise. `outcomeError` is the failure's error string, null when the request did not fail.
 */
export function refusedRedirectLocation(hopUrl: string, r: ObservedResponse, outcomeError: string | null): string | undefined {
  if (outcomeError === null || !isRedirectStatus(r.status) || !CORS_LIKE_ERROR.test(outcomeError)) return undefined;
  const location = getHeader(r.headers, 'location');
  if (location === null) return undefined;
  try {
    return new URL(location, hopUrl).href;
  } catch {
    return undefined;
  }
}

function refusedRedirectTarget(ctx: Ctx, hopUrl: string, r: ObservedResponse): string | undefined {
  return refusedRedirectLocation(hopUrl, r, ctx.outcomeFailed ? ctx.outcomeError : null);
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
    credKnown: false,
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

/**
 * Request headers the network stack adds itself, after the CORS checks ran on the headers the
 * page set, so on the wire they look like the page's own (which would need a preflight):
 * - fetch's `cache` modes and EventSource become load flags, and Chromium's net writes them as
 *   `Cache-Control: no-cache` + `Pragma: no-cache` (bypass the cache: "no-store", "reload",
 *   EventSource) or `Cache-Control: max-age=0` (revalidate: "no-cache"). Measured on Chromium 156
 *   (lab group browser-set-headers): no preflight for them.
 * - the RFC 9218 `Priority` of the request (`u=4`, `u=1, i`): Chromium's network stack and
 *   Firefox's (measured, Firefox 153 ESR: `Priority: u=4` on a cross-origin fetch with no
 *   preflight) send it.
 */
const BROWSER_CACHE_HEADER_VALUES: ReadonlyMap<string, readonly string[]> = new Map([
  ['cache-control', ['no-cache', 'max-age=0']],
  ['pragma', ['no-cache']],
]);
const RFC9218_PRIORITY = /^(?:u=[0-7](?:\s*,\s*i)?|i(?:\s*,\s*u=[0-7])?)$/;
const NETWORK_ADDED_NAMES = ['priority', ...BROWSER_CACHE_HEADER_VALUES.keys()];
/** The lengths and first letters of those names: most request headers are ruled out by them alone. */
const NETWORK_ADDED_NAME_LENGTHS: ReadonlySet<number> = new Set(NETWORK_ADDED_NAMES.map((name) => name.length));
const NETWORK_ADDED_FIRST_LETTERS: ReadonlySet<number> = new Set(NETWORK_ADDED_NAMES.map((name) => name.charCodeAt(0)));

function mayBeNetworkAddedHeader(header: HttpHeader): boolean {
  if (typeof header.name !== 'string' || typeof header.value !== 'string') return false;
  // This runs for every header of every captured request: the length and the first letter (in
  // either case; the names are ASCII) before any lowering.
  if (!NETWORK_ADDED_NAME_LENGTHS.has(header.name.length) || !NETWORK_ADDED_FIRST_LETTERS.has(header.name.charCodeAt(0) | 0x20)) return false;
  const name = lowerHeaderName(header.name);
  if (name === 'priority') return RFC9218_PRIORITY.test(header.value.trim().toLowerCase());
  const browserValues = BROWSER_CACHE_HEADER_VALUES.get(name);
  return browserValues !== undefined && browserValues.includes(header.value.trim().toLowerCase());
}

/**
 * The CORS-unsafe names as the browser saw them: ACRH of an observed preflight wins. Without
 * one, the headers the network stack may have added itself are not counted: a page that set
 * them would have sent an OPTIONS the capture saw (or the capture's preflight-cache model would
 * say `cached`), so with neither they are the browser's.
 */
export function unsafeNamesFor(ctx: Ctx): string[] {
  const pf = ctx.ex.preflight;
  const asked = namesAskedBy(pf);
  if (asked) return asked;
  if (pf.kind === 'none') return corsUnsafeRequestHeaderNames(ctx.requestHeaders, mayBeNetworkAddedHeader);
  return corsUnsafeRequestHeaderNames(ctx.requestHeaders);
}

/**
 * The unsafe names in the order Chromium checks them (see blink-order.ts): CORS-unsafe values in
 * Blink's header-map order, then, when the 1024-byte total made safelisted values unsafe, those
 * in the same order; names the capture did not see (e.g. Authorization, hidden from webRequest)
 * keep their sorted place at the end. Only called when two or more names fail.
 */
function inChromiumCheckOrder(names: readonly string[], headers: readonly HttpHeader[]): string[] {
  const mapOrder = blinkHeaderMapOrder(rendererHeaderNames(headers));
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

/**
 * Headers the network stack adds to a request after the renderer built it, so they are not in
 * Blink's header map (measured, Chromium 156: the wire headers of a fetch against its provisional
 * headers in DevTools; `Accept: *\/*` is fetch's default, filled in there too). The key set decides
 * the map's bucket order (blink-order.ts), so a request that went out (a same-origin first hop
 * redirected to a preflighted target) is ordered by what its renderer map held.
 */
const NETWORK_ADDED_HEADERS: ReadonlySet<string> = new Set([
  'host', 'connection', 'accept-encoding', 'cookie', 'origin', 'content-length', 'priority',
  'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user', 'sec-fetch-storage-access',
]);

/**
 * The names Blink's header map held: provisional headers as they are; headers as sent (the
 * network stack's own are there: Host, Connection, Sec-Fetch-Mode) without those the network
 * added. Referer is never in the map (Blink carries it as the referrer).
 */
function rendererHeaderNames(headers: readonly HttpHeader[]): string[] {
  const named = headers.filter((h): h is HttpHeader => typeof h.name === 'string' && h.name.toLowerCase() !== 'referer');
  const sent = named.some((h) => ['host', 'connection', 'sec-fetch-mode'].includes(h.name.toLowerCase()));
  if (!sent) return named.map((h) => h.name);
  return named.filter((h) => !NETWORK_ADDED_HEADERS.has(h.name.toLowerCase()) && !isDefaultFilledIn(h)).map((h) => h.name);
}

/**
 * A header as the network stack fills it in when the page set none: fetch's `Accept: *\/*`, and
 * the browser's Accept-Language (a language list, always a safelisted value). A page may set the
 * same values itself; then the renderer map held one more key (approximation, measured on the
 * fuzz corpus); a value the browser never sends (`nn_NO`) is the page's.
 */
function isDefaultFilledIn(header: HttpHeader): boolean {
  const name = header.name.toLowerCase();
  const value = typeof header.value === 'string' ? header.value : '';
  if (name === 'accept') return value === '*/*';
  return name === 'accept-language' && isCorsSafelistedRequestHeader(name, value);
}

/**
 * How a redirected preflight ends when its 3xx response was not recorded (DevTools does not
 * always keep it): Chromium's preflight loader (services/network/cors/preflight_controller.cc,
 * HandleRedirect) reports the OPTIONS to DevTools as completed with net::ERR_INVALID_REDIRECT and
 * fails the request with PreflightDisallowedRedirect; it reports that error for nothing else.
 */
const PREFLIGHT_REDIRECTED_ERROR = 'net::ERR_INVALID_REDIRECT';


/** The header names an observed OPTIONS asked for (its Access-Control-Request-Headers), sorted; undefined when it is no preflight. */
function namesAskedBy(pf: PreflightObservation | undefined): string[] | undefined {
  if (pf?.kind !== 'sent' || getHeader(pf.requestHeaders, 'access-control-request-method') === null) return undefined;
  const acrh = getHeader(pf.requestHeaders, 'access-control-request-headers');
  if (acrh === null) return [];
  return sortedLowercaseSet(parseTokenList(acrh) ?? []);
}

export function evaluate(ctx: Ctx, cred: EffectiveCredentials, unsafeNames: string[]): Trace {
  const t = newTrace(cred, ctx);
  const ex = ctx.ex;
  const pf = ex.preflight;
  t.unsafeNames = unsafeNames;
  let state = firstHopState(ctx, unsafeNames);

  // 1. The CORS-preflight fetch (only when the first hop is cross-origin).
  t.preflightNeeded = preflightNeeded(ctx, state, pf);
  if (t.preflightNeeded) {
    if (pf.kind === 'sent') {
      const r = pf.response;
      const answer = checkPreflightAnswer(pf, ctx.pageOrigin, ctx, cred, unsafeNames, ctx.method);
      if (!answer) {
        t.preflightState = 'no-response';
        t.networkError = `the preflight (OPTIONS) got no response${pf.error ? ` (${pf.error})` : ''}`;
        t.stage = { kind: 'preflight' };
        return t;
      }
      if (r?.status === 407) {
        t.preflightState = 'no-response';
        t.networkError = 'a proxy asked the preflight (OPTIONS) for authentication (407): Chromium reports net::ERR_UNEXPECTED_PROXY_AUTH, not a CORS error';
        t.stage = { kind: 'preflight' };
        return t;
      }
      t.stage = { kind: 'preflight' };
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
      if (ctx.outcomeCorsLike) t.unresolvedPreflight = true;
      else t.networkError = `the request failed with ${ctx.outcomeError}`;
      return t;
    }
  }

  // 2. The actual request, hop by hop (https://fetch.spec.whatwg.org/#http-fetch step 4.4 and
  //    #http-redirect-fetch).
  for (let i = 0; i < ctx.hops.length; i++) {
    const hop = ctx.hops[i]!;
    const r = hop.response;
    if (!r) break;
    t.lastHop = i;
    t.lastHopChecked = state.corsFlag;
    const corsFlag = state.corsFlag;
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
    const loc = parseUrlShared(nextUrl);
    if (!loc) {
      t.networkError = `the redirect target ${JSON.stringify(nextUrl)} is not a valid URL`;
      t.stage = { kind: 'redirect', hop: i };
      return t;
    }
    const redirectFailure = checkRedirectLocation(loc, ctx.pageOrigin, corsFlag, state.tainted);
    if (redirectFailure) {
      t.failure = redirectFailure;
      t.stage = { kind: 'redirect', hop: i };
      return t;
    }
    const wasTainted = state.tainted;
    state = stateAfterRedirect(state, r.status, loc, ctx.pageOrigin);
    if (!wasTainted && state.tainted) t.taintedAtHop = i;
    t.originSent = state.originSent;
    // The preflight of the redirect target, when the browser sent one (Origin: null if tainted):
    // checked against the names it asked for, which are the ones still on the request.
    const hopPreflight = next?.preflight;
    const answer = hopPreflight?.kind === 'sent' ? checkPreflightAnswer(hopPreflight, state.originSent, ctx, cred, namesAskedBy(hopPreflight) ?? state.unsafeNames, state.method) : null;
    if (answer) {
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

/** The request as it stands on its way along a redirect chain. */
interface HopState {
  /** The CORS flag: set once a hop was cross-origin to the page, never cleared. */
  corsFlag: boolean;
  currentOrigin: string;
  /** The Origin request header: the page's origin, `null` once tainted. */
  originSent: string;
  tainted: boolean;
  /** A redirect may turn the request into a GET without a body. */
  method: string;
  /** The CORS-unsafe names still on the request (Authorization goes at a cross-origin redirect). */
  unsafeNames: string[];
}

function firstHopState(ctx: Ctx, unsafeNames: string[]): HopState {
  return {
    corsFlag: ctx.target.origin !== ctx.pageOrigin || ctx.pageOrigin === 'null',
    currentOrigin: ctx.target.origin,
    originSent: ctx.pageOrigin,
    tainted: false,
    method: ctx.method,
    unsafeNames,
  };
}

/**
 * Whether the request is preflighted at this hop (https://fetch.spec.whatwg.org/#main-fetch and
 * #http-fetch, makeCORSPreflight: the CORS flag, and the use-CORS-preflight flag, a method not
 * safelisted or a CORS-unsafe header). An OPTIONS the capture saw is proof enough (the XHR
 * upload-listener flag is not on the wire).
 */
function preflightNeeded(ctx: Ctx, s: HopState, observed: PreflightObservation | undefined): boolean {
  return s.corsFlag && (ctx.ex.forcedPreflight === true || observed?.kind === 'sent' || !isCorsSafelistedMethod(s.method) || s.unsafeNames.length > 0);
}

/** https://fetch.spec.whatwg.org/#http-redirect-fetch: the request that follows a redirect with `status` to `loc`. */
function stateAfterRedirect(s: HopState, status: number, loc: ParsedUrl, pageOrigin: string): HopState {
  // Step 13: the tainted origin flag (Origin: null from now on).
  const tainted = s.tainted || redirectTaintsOrigin(s.currentOrigin, loc.origin, pageOrigin);
  // When locationURL's origin is not the current URL's, the CORS non-wildcard request-header
  // names (Authorization) are deleted (measured, Chromium 156: fuzz seed 20260101 #29).
  let unsafeNames = loc.origin !== s.currentOrigin ? s.unsafeNames.filter((n) => n !== 'authorization') : s.unsafeNames;
  // Step 12: 301/302 POST and 303 become a GET without a body.
  let method = s.method;
  if (methodAfterRedirect(status, method) !== method) {
    method = 'GET';
    unsafeNames = unsafeNames.filter((n) => !REQUEST_BODY_HEADER_NAMES.has(n));
  }
  return {
    corsFlag: s.corsFlag || loc.origin !== pageOrigin,
    currentOrigin: loc.origin,
    originSent: tainted ? 'null' : s.originSent,
    tainted,
    method,
    unsafeNames,
  };
}

/** What one server of the chain received, and what the browser asked of its answers. */
export interface ChainHop {
  /** Index in the chain (0: the URL the page requested); may be one past the observed hops: a redirect target the browser never reached. */
  index: number;
  origin: string;
  /** The Origin header it got: the page's origin, or `null` after a cross-origin redirect. */
  originSent: string;
  /** The browser CORS-checks its response (and preflights it when needed). */
  corsChecked: boolean;
  preflight: boolean;
  method: string;
  unsafeNames: string[];
  /** Observed answers, when there were any. */
  preflightResponse?: ObservedResponse;
  response?: ObservedResponse;
  /** The browser refuses to follow this hop's redirect (its Location), whatever the headers say. */
  redirectRefused?: CheckFailure['code'];
}

/**
 * The whole chain the request takes, past the failure that stopped it: every observed hop and
 * the target of a redirect the browser did not follow (whose answer is unknown), with what each
 * server must allow. Same steps as evaluate(), without the checks.
 */
export function requestChain(ctx: Ctx, t: Trace): ChainHop[] {
  const out: ChainHop[] = [];
  let state = firstHopState(ctx, t.unsafeNames);
  let url: string | undefined = ctx.hops[0]?.url;
  for (let i = 0; url !== undefined && i <= ctx.hops.length; i++) {
    const parsed = parseUrlShared(url);
    if (!parsed) break;
    const hop = ctx.hops[i];
    const pf = i === 0 ? ctx.ex.preflight : hop?.preflight;
    const preflight = preflightNeeded(ctx, state, pf);
    // A redirect target's OPTIONS asked for the names still on the request (hop 0's are t.unsafeNames).
    const asked = i > 0 ? namesAskedBy(pf) : undefined;
    const entry: ChainHop = {
      index: i,
      origin: parsed.origin,
      originSent: state.originSent,
      corsChecked: state.corsFlag,
      preflight,
      method: state.method,
      unsafeNames: asked ? [...new Set([...asked, ...state.unsafeNames])].sort() : state.unsafeNames,
    };
    if (pf?.kind === 'sent' && pf.response) entry.preflightResponse = pf.response;
    if (hop?.response) entry.response = hop.response;
    out.push(entry);
    const r = hop?.response;
    if (!r || ctx.ex.redirect === 'error' || ctx.ex.redirect === 'manual') break;
    const nextUrl: string | undefined = ctx.hops[i + 1]?.url ?? refusedRedirectTarget(ctx, url, r);
    const loc = nextUrl === undefined ? undefined : parseUrlShared(nextUrl);
    if (!loc || !isRedirectStatus(r.status)) break;
    const refusal = checkRedirectLocation(loc, ctx.pageOrigin, state.corsFlag, state.tainted);
    if (refusal) {
      entry.redirectRefused = refusal.code;
      break;
    }
    state = stateAfterRedirect(state, r.status, loc, ctx.pageOrigin);
    url = nextUrl;
  }
  return out;
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
 * 1. A redirect (3xx with Location, or no recorded response and net::ERR_INVALID_REDIRECT) ->
 *    PreflightDisallowedRedirect (Chromium refuses it before any check; the spec's network
 *    error for a redirected preflight). Any other OPTIONS without a response: null, nothing to check.
 * 2. Step 7's CORS check and ok status (checkPreflightAccess), against the Origin the preflight
 *    carried: the page's, or null after a cross-origin redirect.
 * 3. Steps 7.1-7.4: Allow-Methods and Allow-Headers parse (parsePreflightResult).
 * 4. Steps 7.5-7.6: the method is allowed.
 * 5. Steps 7.7-7.8: every CORS-unsafe header name is, in Chromium's check order when several
 *    are missing (inChromiumCheckOrder).
 */
function checkPreflightAnswer(
  pf: Extract<PreflightObservation, { kind: 'sent' }>,
  origin: string,
  ctx: Ctx,
  cred: EffectiveCredentials,
  unsafeNames: string[],
  method: string,
): PreflightAnswer | null {
  const r = pf.response;
  const redirected: PreflightAnswer = { failure: { code: 'PreflightDisallowedRedirect', param: '' }, result: null, authWildcard: false };
  if (!r) return pf.error === PREFLIGHT_REDIRECTED_ERROR ? redirected : null;
  if (isRedirectStatus(r.status) && hasLocation(r)) return redirected;
  const access = checkPreflightAccess(r, origin, cred);
  if (access) return { failure: access, result: null, authWildcard: false };
  const parsed = parsePreflightResult(r.headers);
  if ('code' in parsed) return { failure: parsed, result: null, authWildcard: false };
  const methodFailure = ensureAllowedCrossOriginMethod(parsed, method, cred);
  if (methodFailure) return { failure: methodFailure, result: parsed, authWildcard: false };
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
export function fitsObservation(ctx: Ctx, t: Trace): boolean {
  if (failedAsObserved(t) !== ctx.outcomeFailed) return false;
  const pf = ctx.ex.preflight;
  const actualUnanswered = ctx.outcomeFailed && !ctx.hops[0]?.response;
  if (pf.kind === 'sent' && pf.response && actualUnanswered && t.preflightState === 'passed') return false;
  return true;
}

export function isBlocked(t: Trace): boolean {
  return t.failure !== null || t.unresolvedPreflight;
}

export function failedAsObserved(t: Trace): boolean {
  return isBlocked(t) || t.networkError !== null;
}

/** The response the failing (or last) stage examined. */
export function stageResponse(ctx: Ctx, t: Trace): { response: ObservedResponse | undefined; url: string } {
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
