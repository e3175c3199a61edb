/**
 * The Fetch Standard's CORS algorithms, one function each, named after the spec.
 * Spec: https://fetch.spec.whatwg.org/ . Where Chromium deviates (measured against real Chromium
 * in the lab: test/conformance, docs/conformance.md), the deviation is implemented and marked
 * "Chromium:". Every such mark was measured on Debian's Chromium 156.0.8078.114 (the lab's CI runs
 * whatever Debian ships, so a later build that changes one fails the conformance test), and
 * every Chromium source path named in src/engine (services/network/..., third_party/blink/...)
 * was read at the 156.0.8078.114 tag of chromium/src. Step numbers are the Fetch standard's
 * (https://fetch.spec.whatwg.org/, as published in 2026), section by section.
 * Pure functions: no I/O, no platform APIs beyond string work.
 */
import { getHeader, isHttpToken, lowerHeaderName, parseTokenList, trimHttpWhitespace } from './headers.ts';
import type { CorsErrorCode, HttpHeader, ObservedResponse } from './types.ts';
import { parseUrlShared } from './url.ts';

/** A failed check: Chromium's code and its failedParameter ('' when Chromium gives none). */
export interface CheckFailure {
  code: CorsErrorCode;
  param: string;
}

/** Credentials as the CORS checks see them: only `include` changes the outcome. */
export type EffectiveCredentials = 'omit' | 'same-origin' | 'include';

// ---------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------

/**
 * https://fetch.spec.whatwg.org/#cors-safelisted-method
 * 1. A CORS-safelisted method is a method that is `GET`, `HEAD`, or `POST` (byte-exact).
 */
export function isCorsSafelistedMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'POST';
}

/**
 * https://fetch.spec.whatwg.org/#concept-method-normalize
 * 1. If method is a byte-case-insensitive match for `DELETE`, `GET`, `HEAD`, `OPTIONS`,
 *    `POST`, or `PUT`, byte-uppercase it.
 * 2. Return method. (`patch` stays `patch`.)
 */
export function normalizeMethod(method: string): string {
  // Already normalized, as nearly every captured method is: no new string.
  if (method === 'GET' || method === 'POST' || method === 'PUT' || method === 'DELETE' || method === 'OPTIONS' || method === 'HEAD') return method;
  if (method.length < 3 || method.length > 7) return method;
  const upper = method.toUpperCase();
  switch (upper) {
    case 'DELETE':
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'POST':
    case 'PUT':
      return upper;
    default:
      return method;
  }
}

// ---------------------------------------------------------------------------------------
// Request headers
// ---------------------------------------------------------------------------------------

/**
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
 * 1. A byte less than 0x20 that is not 0x09 HT, or one of 0x22 ("), 0x28 ((), 0x29 ()),
 *    0x3A (:), 0x3C (<), 0x3E (>), 0x3F (?), 0x40 (@), 0x5B ([), 0x5C (\), 0x5D (]),
 *    0x7B ({), 0x7D (}), 0x7F DEL.
 */
export function isCorsUnsafeRequestHeaderByte(c: number): boolean {
  if (c < 0x20) return c !== 0x09;
  switch (c) {
    case 0x22:
    case 0x28:
    case 0x29:
    case 0x3a:
    case 0x3c:
    case 0x3e:
    case 0x3f:
    case 0x40:
    case 0x5b:
    case 0x5c:
    case 0x5d:
    case 0x7b:
    case 0x7d:
    case 0x7f:
      return true;
    default:
      return false;
  }
}

function hasUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isCorsUnsafeRequestHeaderByte(value.charCodeAt(i))) return true;
  return false;
}

/** Value bytes allowed in Accept-Language / Content-Language: 0-9 A-Z a-z space * , - . ; = */
function isLanguageByte(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x20 || c === 0x2a || c === 0x2c || c === 0x2d || c === 0x2e || c === 0x3b || c === 0x3d
  );
}

/**
 * https://fetch.spec.whatwg.org/#simple-range-header-value
 * Accepts `bytes=N-` and `bytes=N-M` with N <= M (decimal digits only, no whitespace).
 * Step 1-2: `bytes` (case-insensitive) then `=`. Steps 3-7: start digits, `-`, end digits.
 * Step 8-9: at least the start is given; if the end is given, start <= end.
 */
export function isSimpleRangeHeaderValue(value: string): boolean {
  if (value.length < 8) return false;
  if (value.slice(0, 6).toLowerCase() !== 'bytes=') return false;
  let i = 6;
  const startAt = i;
  while (i < value.length && isDigit(value.charCodeAt(i))) i++;
  const start = value.slice(startAt, i);
  if (start.length === 0) return false; // suffix ranges `bytes=-N` are not simple
  if (value.charCodeAt(i) !== 0x2d) return false;
  i++;
  const endAt = i;
  while (i < value.length && isDigit(value.charCodeAt(i))) i++;
  if (i !== value.length) return false;
  const end = value.slice(endAt);
  if (end.length === 0) return true;
  return BigInt(start) <= BigInt(end);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Chromium's IsSimilarToIntABNF: 1*DIGIT. */
function isIntLike(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!isDigit(v.charCodeAt(i))) return false;
  return true;
}

/** Chromium's IsSimilarToDoubleABNF: 1*DIGIT [ "." 1*DIGIT ]. */
function isDoubleLike(v: string): boolean {
  const dot = v.indexOf('.');
  if (dot === -1) return isIntLike(v);
  return isIntLike(v.slice(0, dot)) && isIntLike(v.slice(dot + 1));
}

const SAFELISTED_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** Chromium's effective-connection-type names accepted for the `ect` client hint. */
const ECT_VALUES = new Set(['slow-2g', '2g', '3g', '4g']);

/**
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 * 1. If value's length is greater than 128, then return false.
 * 2. Byte-lowercase name and switch on the result:
 *    `accept`: if value contains a CORS-unsafe request-header byte, return false.
 *    `accept-language`, `content-language`: if value contains a byte that is not
 *      0-9, A-Z, a-z, space, `*`, `,`, `-`, `.`, `;` or `=`, return false (`_` is not allowed).
 *    `content-type`: 1. if value contains a CORS-unsafe request-header byte, return false;
 *      2. let mimeType be the result of parsing value; 3. if failure, return false;
 *      4. if mimeType's essence is not one of the three safelisted essences, return false.
 *    `range`: 1. let rangeValue be the result of parsing a single range header value;
 *      2. if failure, return false; 3. if rangeValue[0] is null, return false (no suffix range).
 *    Otherwise, return false.
 * 3. Return true.
 * Chromium: also safelists the client hints dpr, width, viewport-width, device-memory, rtt,
 * downlink, ect and save-data when their values have the expected syntax (cors.cc).
 */
export function isCorsSafelistedRequestHeader(name: string, value: string): boolean {
  return isSafelistedLoweredHeader(lowerHeaderName(name), value);
}

/** isCorsSafelistedRequestHeader for a name already byte-lowercased (step 2's lowering done). */
function isSafelistedLoweredHeader(lowerName: string, value: string): boolean {
  // Step 1.
  if (value.length > 128) return false;
  // Step 2.
  switch (lowerName) {
    case 'accept':
      return !hasUnsafeByte(value);
    case 'accept-language':
    case 'content-language':
      for (let i = 0; i < value.length; i++) if (!isLanguageByte(value.charCodeAt(i))) return false;
      return true;
    case 'content-type': {
      if (hasUnsafeByte(value)) return false;
      const semi = value.indexOf(';');
      const essence = trimHttpWhitespace(semi === -1 ? value : value.slice(0, semi)).toLowerCase();
      return SAFELISTED_CONTENT_TYPES.has(essence);
    }
    case 'range':
      return isSimpleRangeHeaderValue(value);
    // Chromium: client hints (spec deviation).
    case 'dpr':
    case 'device-memory':
    case 'downlink':
      return isDoubleLike(value);
    case 'width':
    case 'viewport-width':
    case 'rtt':
      return isIntLike(value);
    case 'ect':
      return ECT_VALUES.has(value);
    case 'save-data':
      return value.toLowerCase() === 'on';
    default:
      return false;
  }
}

const FORBIDDEN_REQUEST_HEADER_NAMES = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  // Chromium: a page cannot set User-Agent through fetch/XHR (it is silently dropped), so a
  // User-Agent seen on the wire was added by the browser.
  'user-agent',
]);

/**
 * https://fetch.spec.whatwg.org/#forbidden-request-header (name part)
 * 1. If name is a byte-case-insensitive match for one of the listed names, return true.
 * 2. If name starts with `proxy-` or `sec-` (case-insensitive), return true.
 * Such headers are added by the browser, never by the page, and are never CORS-unsafe.
 */
export function isForbiddenRequestHeaderName(lowerName: string): boolean {
  if (FORBIDDEN_REQUEST_HEADER_NAMES.has(lowerName)) return true;
  return lowerName.startsWith('proxy-') || lowerName.startsWith('sec-');
}

/** Whether `value` starts with `lowerPrefix` (lower-case ASCII), ASCII letters compared in either case. */
function startsWithIgnoringAsciiCase(value: string, lowerPrefix: string): boolean {
  if (value.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    const c = value.charCodeAt(i);
    const want = lowerPrefix.charCodeAt(i);
    if (c !== want && !(c >= 0x41 && c <= 0x5a && c + 0x20 === want)) return false;
  }
  return true;
}

/**
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
 * 1. Let unsafeNames be a new list. 2. Let potentiallyUnsafeNames be a new list.
 * 3. Let safelistValueSize be 0.
 * 4. For each header of headers: if header is not a CORS-safelisted request-header, append
 *    its name to unsafeNames; otherwise append it to potentiallyUnsafeNames and add the
 *    value's length to safelistValueSize.
 * 5. If safelistValueSize is greater than 1024, append potentiallyUnsafeNames to unsafeNames.
 * 6. Return the result of convert header names to a sorted-lowercase set with unsafeNames.
 * Chromium (CorsUnsafeNotForbiddenRequestHeaderNames): forbidden request headers, which the
 * browser adds itself, are skipped; so are the headers `skip` says the network added.
 */
export function corsUnsafeRequestHeaderNames(headers: readonly HttpHeader[], skip?: (header: HttpHeader) => boolean): string[] {
  const unsafe: string[] = [];
  const potentiallyUnsafe: string[] = [];
  let safelistValueSize = 0;
  for (const h of headers) {
    if (typeof h.name !== 'string' || skip?.(h) === true) continue;
    // The browser's Sec-Fetch-* names are forbidden by their prefix: ruled out before lowering.
    if (startsWithIgnoringAsciiCase(h.name, 'sec-')) continue;
    const value = typeof h.value === 'string' ? h.value : '';
    const lower = lowerHeaderName(h.name);
    if (isForbiddenRequestHeaderName(lower)) continue;
    if (!isSafelistedLoweredHeader(lower, value)) {
      unsafe.push(lower);
    } else {
      potentiallyUnsafe.push(lower);
      safelistValueSize += value.length;
    }
  }
  if (safelistValueSize > 1024) unsafe.push(...potentiallyUnsafe);
  // The names are lowered already: the sorted lowercase set without lowering them again.
  return sortedSet(unsafe);
}

/**
 * `names` sorted in code-unit order (what Array.prototype.sort does with no comparator), each once;
 * sorted in place. Insertion sort: these lists hold a few header names, and this runs for every
 * request (the Set, spread and sort() showed in the engine's profile, issue 20).
 */
function sortedSet(names: string[]): string[] {
  if (names.length <= 1) return names;
  let kept = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let at = kept;
    while (at > 0 && names[at - 1]! > name) at--;
    if (at > 0 && names[at - 1] === name) continue;
    for (let k = kept; k > at; k--) names[k] = names[k - 1]!;
    names[at] = name;
    kept++;
  }
  names.length = kept;
  return names;
}

/**
 * https://fetch.spec.whatwg.org/#convert-header-names-to-a-sorted-lowercase-set
 * 1-2. A set of the names, each lowercased. 3. Sorted in ascending order (code units: the names
 * are tokens, so this is byte order).
 */
export function sortedLowercaseSet(names: readonly string[]): string[] {
  const lowered: string[] = [];
  for (let i = 0; i < names.length; i++) lowered.push(lowerHeaderName(names[i]!));
  return sortedSet(lowered);
}

/**
 * Whether a CORS-preflight fetch is needed: https://fetch.spec.whatwg.org/#main-fetch
 * (step "request's use-CORS-preflight flag is set, or request's method is not a CORS-safelisted
 * method, or CORS-unsafe request-header names with request's header list is not empty").
 * `forced` stands for the use-CORS-preflight flag (XHR upload listeners, ReadableStream body).
 */
export function needsPreflight(method: string, headers: readonly HttpHeader[], forced = false): boolean {
  // 1. The use-CORS-preflight flag.
  if (forced) return true;
  // 2. A method that is not CORS-safelisted.
  if (!isCorsSafelistedMethod(method)) return true;
  // 3. Any CORS-unsafe request-header name.
  return corsUnsafeRequestHeaderNames(headers).length > 0;
}

// ---------------------------------------------------------------------------------------
// Response checks
// ---------------------------------------------------------------------------------------

/** https://fetch.spec.whatwg.org/#ok-status : 200 to 299. */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** https://fetch.spec.whatwg.org/#redirect-status : 301, 302, 303, 307, 308. */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** True when the URL parser accepts `value` (Chromium: GURL(value).is_valid()). */
function isValidUrl(value: string): boolean {
  // A scheme is required; fast reject of the common `example.com` without a scheme.
  if (value.indexOf(':') === -1) return false;
  // Through the shared parse memo: the same wrong Allow-Origin comes back with every response.
  return parseUrlShared(value) !== null;
}

/**
 * https://fetch.spec.whatwg.org/#concept-cors-check, in Chromium's CheckAccess order
 * (services/network/public/cpp/cors/cors.cc):
 * 1. Let origin be the result of getting `Access-Control-Allow-Origin` from headers.
 * 2. If origin is `*` and credentials mode is not "include", return success;
 *    with "include" -> WildcardOriginNotAllowed (Chromium gives no parameter).
 * 3. If origin is null (absent) -> MissingAllowOriginHeader (no parameter).
 * 4. If origin is not byte-equal to the serialized request origin (`null` when tainted):
 *    a space or comma -> MultipleAllowOriginValues; `null` -> AllowOriginMismatch;
 *    not a valid URL -> InvalidAllowOriginValue; else AllowOriginMismatch. Parameter: the value.
 * 5. If credentials mode is "include" and `Access-Control-Allow-Credentials` is not `true`
 *    -> InvalidAllowCredentials, parameter the value seen ('' when absent).
 * 6. Return success.
 * Header values are trimmed; several ACAO lines are joined with ", " (so they are "multiple").
 */
export function corsCheck(
  headers: readonly HttpHeader[],
  serializedOrigin: string,
  credentials: EffectiveCredentials,
): CheckFailure | null {
  // Step 1.
  const allowOrigin = getHeader(headers, 'access-control-allow-origin');
  // Step 2.
  if (allowOrigin === '*') {
    if (credentials !== 'include') return null;
    return { code: 'WildcardOriginNotAllowed', param: '' };
  }
  // Step 3.
  if (allowOrigin === null) return { code: 'MissingAllowOriginHeader', param: '' };
  // Step 4.
  if (allowOrigin !== serializedOrigin) {
    if (allowOrigin.indexOf(' ') !== -1 || allowOrigin.indexOf(',') !== -1) {
      return { code: 'MultipleAllowOriginValues', param: allowOrigin };
    }
    if (allowOrigin === 'null') return { code: 'AllowOriginMismatch', param: allowOrigin };
    if (!isValidUrl(allowOrigin)) return { code: 'InvalidAllowOriginValue', param: allowOrigin };
    return { code: 'AllowOriginMismatch', param: allowOrigin };
  }
  // Step 5.
  if (credentials === 'include') {
    const allowCredentials = getHeader(headers, 'access-control-allow-credentials');
    if (allowCredentials !== 'true') return { code: 'InvalidAllowCredentials', param: allowCredentials ?? '' };
  }
  // Step 6.
  return null;
}

const PREFLIGHT_TWIN: Partial<Record<CorsErrorCode, CorsErrorCode>> = {
  WildcardOriginNotAllowed: 'PreflightWildcardOriginNotAllowed',
  MissingAllowOriginHeader: 'PreflightMissingAllowOriginHeader',
  MultipleAllowOriginValues: 'PreflightMultipleAllowOriginValues',
  InvalidAllowOriginValue: 'PreflightInvalidAllowOriginValue',
  AllowOriginMismatch: 'PreflightAllowOriginMismatch',
  InvalidAllowCredentials: 'PreflightInvalidAllowCredentials',
};

/**
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7 ("if a CORS check for request
 * and response returns success and response's status is an ok status"), in Chromium's
 * CheckPreflightAccess order:
 * 1. Run the CORS check; on failure return the `Preflight*` twin of its code and parameter.
 * 2. If the status is not an ok status -> PreflightInvalidStatus (no parameter).
 */
export function checkPreflightAccess(
  response: ObservedResponse,
  serializedOrigin: string,
  credentials: EffectiveCredentials,
): CheckFailure | null {
  // Step 1.
  const failure = corsCheck(response.headers, serializedOrigin, credentials);
  if (failure) return { code: PREFLIGHT_TWIN[failure.code] ?? failure.code, param: failure.param };
  // Step 2.
  if (!isOkStatus(response.status)) return { code: 'PreflightInvalidStatus', param: '' };
  return null;
}

/** The parsed allow-lists of a preflight answer (Chromium's PreflightResult). */
export interface PreflightResult {
  /** ACAM items, case kept. */
  methods: string[];
  /** ACAH items, lower-cased. */
  headers: string[];
  /** Access-Control-Max-Age as sent, or null. */
  maxAgeHeader: string | null;
}

/**
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7.1-7.4 (Chromium PreflightResult::Parse):
 * 1. Let methods be the result of extracting header list values given
 *    `Access-Control-Allow-Methods`; failure -> InvalidAllowMethodsPreflightResponse ('' param).
 * 2. Let headerNames be the same for `Access-Control-Allow-Headers`; failure ->
 *    InvalidAllowHeadersPreflightResponse ('' param). Items must be HTTP tokens; empty items
 *    are skipped (Chromium splits wanting non-empty items).
 */
export function parsePreflightResult(headers: readonly HttpHeader[]): PreflightResult | CheckFailure {
  // Step 1.
  const acam = getHeader(headers, 'access-control-allow-methods');
  const methods = acam === null ? [] : parseTokenList(acam);
  if (methods === null) return { code: 'InvalidAllowMethodsPreflightResponse', param: '' };
  // Step 2.
  const acah = getHeader(headers, 'access-control-allow-headers');
  const names = acah === null ? [] : parseTokenList(acah);
  if (names === null) return { code: 'InvalidAllowHeadersPreflightResponse', param: '' };
  for (let i = 0; i < names.length; i++) names[i] = names[i]!.toLowerCase();
  return { methods, headers: names, maxAgeHeader: getHeader(headers, 'access-control-max-age') };
}

/**
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7.5-7.6:
 * 1. If request's method is not in methods, request's method is not a CORS-safelisted method,
 *    and request's credentials mode is "include" or methods does not contain `*`, return a
 *    network error -> MethodDisallowedByPreflightResponse, parameter the method.
 * Comparison is byte-exact (Chromium's spec-conformant ACAM behaviour).
 */
export function ensureAllowedCrossOriginMethod(
  result: PreflightResult,
  method: string,
  credentials: EffectiveCredentials,
): CheckFailure | null {
  // Step 1.
  if (result.methods.includes(method) || isCorsSafelistedMethod(method)) return null;
  if (credentials !== 'include' && result.methods.includes('*')) return null;
  return { code: 'MethodDisallowedByPreflightResponse', param: method };
}

/** Outcome of the header part of the preflight check. */
export interface HeaderCheck {
  failure: CheckFailure | null;
  /**
   * Chromium 156 lets `authorization` through when ACAH is `*` without credentials; the
   * spec and Firefox do not (CORS-non-wildcard request-header name). True in that case.
   */
  authorizationCoveredByWildcard: boolean;
}

/**
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7.7-7.8:
 * 1. If one of the CORS-unsafe request-header names is not in headerNames (case-insensitive)
 *    and either credentials mode is "include" or headerNames does not contain `*` ->
 *    HeaderDisallowedByPreflightResponse, parameter the lower-case name.
 * 2. Spec: `authorization` (CORS-non-wildcard request-header name) must be listed even with
 *    `*`. Chromium 156 (measured): still passes, flagged as AuthorizationCoveredByWildcard.
 * `unsafeNames` are the sorted lower-case CORS-unsafe names of the actual request.
 */
export function ensureAllowedCrossOriginHeaders(
  result: PreflightResult,
  unsafeNames: readonly string[],
  credentials: EffectiveCredentials,
): HeaderCheck {
  const wildcard = credentials !== 'include' && result.headers.includes('*');
  if (wildcard) {
    // Step 2.
    const auth = unsafeNames.includes('authorization') && !result.headers.includes('authorization');
    return { failure: null, authorizationCoveredByWildcard: auth };
  }
  // Step 1.
  for (const name of unsafeNames) {
    if (!result.headers.includes(name)) {
      return { failure: { code: 'HeaderDisallowedByPreflightResponse', param: name }, authorizationCoveredByWildcard: false };
    }
  }
  return { failure: null, authorizationCoveredByWildcard: false };
}

/** Preflight cache lifetime derived from Access-Control-Max-Age. */
export interface MaxAge {
  /** What the server asked for, null when absent or unparsable. */
  requested: number | null;
  /** Seconds Chromium keeps the answer (default 5, negative -> 0, cap 7200). */
  chromium: number;
  /** Seconds Firefox keeps the answer (default 5, cap 86400). */
  firefox: number;
}

export const CHROMIUM_MAX_AGE_CAP = 7200;
export const FIREFOX_MAX_AGE_CAP = 86400;
export const DEFAULT_MAX_AGE = 5;

/**
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7.9-7.10
 * (Chromium ParseAccessControlMaxAge):
 * 1. Absent or not an integer -> the default, 5 seconds.
 * 2. Negative -> 0 (not cached).
 * 3. Capped at 7200 s in Chromium, 86400 s in Firefox.
 */
export function accessControlMaxAge(value: string | null): MaxAge {
  // Step 1.
  if (value === null || !/^-?\d{1,18}$/.test(value)) {
    return { requested: null, chromium: DEFAULT_MAX_AGE, firefox: DEFAULT_MAX_AGE };
  }
  const n = Number(value);
  // Step 2.
  if (n < 0) return { requested: n, chromium: 0, firefox: 0 };
  // Step 3.
  return { requested: n, chromium: Math.min(n, CHROMIUM_MAX_AGE_CAP), firefox: Math.min(n, FIREFOX_MAX_AGE_CAP) };
}

// ---------------------------------------------------------------------------------------
// Exposed response headers
// ---------------------------------------------------------------------------------------

const SAFELISTED_RESPONSE_HEADER_NAMES = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/**
 * https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
 * 1. A header name that is `Cache-Control`, `Content-Language`, `Content-Length`,
 *    `Content-Type`, `Expires`, `Last-Modified`, `Pragma`, or any item of list that is not a
 *    forbidden response-header name (`Set-Cookie`, `Set-Cookie2`).
 * `exposed` is the parsed Access-Control-Expose-Headers list (lower case); `*` counts only
 * without credentials (https://fetch.spec.whatwg.org/#concept-filtered-response-cors).
 */
export function isCorsSafelistedResponseHeaderName(
  lowerName: string,
  exposed: readonly string[],
  credentials: EffectiveCredentials,
): boolean {
  if (lowerName === 'set-cookie' || lowerName === 'set-cookie2') return false;
  if (SAFELISTED_RESPONSE_HEADER_NAMES.has(lowerName)) return true;
  if (exposed.includes(lowerName)) return true;
  return credentials !== 'include' && exposed.includes('*');
}

/** Parses Access-Control-Expose-Headers into lower-case names (invalid items dropped). */
export function parseExposeHeaders(headers: readonly HttpHeader[]): string[] {
  const v = getHeader(headers, 'access-control-expose-headers');
  if (v === null) return [];
  const out: string[] = [];
  for (const item of v.split(',')) {
    const t = trimHttpWhitespace(item);
    if (isHttpToken(t)) out.push(t.toLowerCase());
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------------------

/** What the redirect check needs to know about the location URL. */
export interface RedirectTarget {
  isHttp: boolean;
  hasCredentials: boolean;
  origin: string;
}

/**
 * https://fetch.spec.whatwg.org/#http-redirect-fetch, the checks of locationURL (Chromium CheckRedirectLocation,
 * services/network/cors/cors_url_loader.cc). `corsFlag`: the request has been cross-origin at some
 * hop before this redirect (its response tainting is "cors"); the mode is "cors" (the engine only
 * replays CORS-mode requests).
 * 1. locationURL's scheme is not an HTTP(S) scheme and the request is or becomes
 *    cross-origin -> CorsDisabledScheme (no parameter).
 * 2. The request's mode is "cors", locationURL includes credentials and request's origin is not same origin with
 *    locationURL's origin, or (Chromium) the origin is tainted -> RedirectContainsCredentials.
 * 3. locationURL includes credentials and request's response tainting is "cors" (the CORS flag),
 *    even when locationURL is the page's own origin -> RedirectContainsCredentials.
 * An empty userinfo (`//:@host`) is dropped by the URL parser and is not credentials; `user:@`
 * and `:pass@` are credentials (measured, Chromium 156).
 */
export function checkRedirectLocation(
  location: RedirectTarget,
  requestOrigin: string,
  corsFlag: boolean,
  tainted: boolean,
): CheckFailure | null {
  const crossOriginLocation = location.origin !== requestOrigin;
  // 1.
  if ((corsFlag || crossOriginLocation) && !location.isHttp) return { code: 'CorsDisabledScheme', param: '' };
  if (!location.hasCredentials) return null;
  // 2 and 3.
  if (crossOriginLocation || tainted || corsFlag) return { code: 'RedirectContainsCredentials', param: '' };
  return null;
}

/** https://fetch.spec.whatwg.org/#request-body-header-name: deleted with the body when a redirect makes a GET. */
export const REQUEST_BODY_HEADER_NAMES: ReadonlySet<string> = new Set(['content-encoding', 'content-language', 'content-location', 'content-type']);

/**
 * https://fetch.spec.whatwg.org/#http-redirect-fetch: a 301 or 302 to a POST, or a 303 to
 * any method but GET and HEAD, continues as a GET without a body (measured, Chromium 156: lab
 * redirect-303-put-becomes-get, a PUT redirected by a 303 is preflighted as a GET).
 */
export function methodAfterRedirect(status: number, method: string): string {
  const toGet = ((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD');
  return toGet ? 'GET' : method;
}

/**
 * https://fetch.spec.whatwg.org/#http-redirect-fetch step 13: if request's current URL's origin
 * is not same origin with locationURL's origin and request's origin is not same origin with
 * request's current URL's origin, set request's tainted origin flag (Origin becomes `null`).
 */
export function redirectTaintsOrigin(currentOrigin: string, locationOrigin: string, requestOrigin: string): boolean {
  return currentOrigin !== locationOrigin && requestOrigin !== currentOrigin;
}
