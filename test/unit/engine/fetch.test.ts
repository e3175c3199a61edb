import { describe, expect, it } from 'vitest';
import {
  accessControlMaxAge,
  checkPreflightAccess,
  checkRedirectLocation,
  corsCheck,
  corsUnsafeRequestHeaderNames,
  ensureAllowedCrossOriginHeaders,
  getHeader,
  ensureAllowedCrossOriginMethod,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isCorsSafelistedResponseHeaderName,
  isCorsUnsafeRequestHeaderByte,
  isForbiddenRequestHeaderName,
  isOkStatus,
  isRedirectStatus,
  needsPreflight,
  normalizeMethod,
  parseExposeHeaders,
  parsePreflightResult,
  redirectTaintsOrigin,
  type PreflightResult,
} from '../../../src/engine/index.ts';
import type { HttpHeader } from '../../../src/engine/types.ts';

const h = (name: string, value: string): HttpHeader => ({ name, value });
const O = 'https://app.example.com';

describe('isCorsSafelistedMethod (fetch.bs #cors-safelisted-method)', () => {
  it.each([
    ['GET', true], ['HEAD', true], ['POST', true],
    ['PUT', false], ['DELETE', false], ['PATCH', false], ['OPTIONS', false],
    ['get', false], ['post', false], ['patch', false], ['', false],
  ])('method %j is safelisted: %s (byte-exact)', (m, want) => {
    expect(isCorsSafelistedMethod(m)).toBe(want);
  });
});

describe('normalizeMethod (fetch.bs #concept-method-normalize)', () => {
  it.each([
    ['get', 'GET'], ['post', 'POST'], ['Delete', 'DELETE'], ['options', 'OPTIONS'], ['put', 'PUT'], ['head', 'HEAD'],
    ['patch', 'patch'], ['PATCH', 'PATCH'], ['x', 'x'], ['purge', 'purge'], ['propfind', 'propfind'],
  ])('%j normalizes to %j', (m, want) => {
    expect(normalizeMethod(m)).toBe(want);
  });
});

describe('isCorsUnsafeRequestHeaderByte (fetch.bs #cors-unsafe-request-header-byte)', () => {
  const unsafe = [0x00, 0x01, 0x0a, 0x0d, 0x1f, 0x22, 0x28, 0x29, 0x3a, 0x3c, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x7b, 0x7d, 0x7f];
  const safe = [0x09, 0x20, 0x21, 0x2a, 0x2c, 0x2f, 0x30, 0x3b, 0x3d, 0x41, 0x61, 0x7e, 0x80, 0xff];
  it.each(unsafe)('byte 0x%s is unsafe', (b) => expect(isCorsUnsafeRequestHeaderByte(b)).toBe(true));
  it.each(safe)('byte 0x%s is safe', (b) => expect(isCorsUnsafeRequestHeaderByte(b)).toBe(false));
});

describe('isCorsSafelistedRequestHeader (fetch.bs #cors-safelisted-request-header)', () => {
  it.each([
    // accept: no unsafe bytes
    ['accept: */*', 'Accept', '*/*', true],
    ['accept: with tab allowed', 'accept', 'text/html,\tapplication/json', true],
    ['accept: unsafe byte "', 'Accept', 'text/"html"', false],
    ['accept: unsafe byte (', 'Accept', 'a(b', false],
    ['accept: unsafe byte @', 'Accept', 'a@b', false],
    ['accept: unsafe byte {', 'Accept', 'a{b}', false],
    ['accept: control byte', 'Accept', 'a\u0001b', false],
    ['accept: DEL byte', 'Accept', 'a\u007fb', false],
    ['accept: 128 bytes is fine', 'Accept', 'a'.repeat(128), true],
    ['accept: 129 bytes is too long', 'Accept', 'a'.repeat(129), false],
    // accept-language / content-language
    ['accept-language: typical', 'Accept-Language', 'en-US,en;q=0.9', true],
    ['accept-language: star and space', 'accept-language', '*, fr', true],
    ['accept-language: underscore not allowed (nn_NO)', 'Accept-Language', 'nn_NO', false],
    ['content-language: underscore not allowed', 'Content-Language', 'de_DE', false],
    ['content-language: plain', 'Content-Language', 'de-DE', true],
    ['content-language: slash not allowed', 'Content-Language', 'de/DE', false],
    ['content-language: non-ASCII not allowed', 'Content-Language', 'fr-é', false],
    ['content-language: empty allowed', 'Content-Language', '', true],
    // content-type
    ['content-type: text/plain', 'Content-Type', 'text/plain', true],
    ['content-type: case-insensitive essence', 'Content-Type', 'Text/Plain', true],
    ['content-type: with parameters', 'Content-Type', 'text/plain;charset=UTF-8', true],
    ['content-type: multipart with boundary', 'content-type', 'multipart/form-data; boundary=----x', true],
    ['content-type: urlencoded', 'Content-Type', 'application/x-www-form-urlencoded', true],
    ['content-type: whitespace around essence', 'Content-Type', ' text/plain ; charset=utf-8', true],
    ['content-type: application/json is not safelisted', 'Content-Type', 'application/json', false],
    ['content-type: unsafe byte in parameter', 'Content-Type', 'text/plain; charset="utf-8"', false],
    ['content-type: text/plain+x is not text/plain', 'Content-Type', 'text/plainx', false],
    ['content-type: too long', 'Content-Type', `text/plain; x=${'a'.repeat(120)}`, false],
    // range
    ['range: bytes=0-', 'Range', 'bytes=0-', true],
    ['range: bytes=5-10', 'Range', 'bytes=5-10', true],
    ['range: bytes=10-10', 'Range', 'bytes=10-10', true],
    ['range: N > M fails', 'Range', 'bytes=10-5', false],
    ['range: suffix range fails', 'Range', 'bytes=-5', false],
    ['range: multiple ranges fail', 'Range', 'bytes=0-1,3-4', false],
    ['range: whitespace fails', 'Range', 'bytes= 0-1', false],
    ['range: other unit fails', 'Range', 'items=0-1', false],
    ['range: BYTES case-insensitive', 'Range', 'BYTES=0-1', true],
    ['range: missing dash fails', 'Range', 'bytes=01', false],
    ['range: huge numbers compared exactly', 'Range', 'bytes=99999999999999999999-100000000000000000000', true],
    ['range: trailing junk fails', 'Range', 'bytes=0-1x', false],
    ['range: too short', 'Range', 'bytes=', false],
    // Chromium client hints
    ['client hint dpr: 2.0', 'DPR', '2.0', true],
    ['client hint dpr: not a number', 'dpr', 'two', false],
    ['client hint dpr: dangling dot', 'dpr', '2.', false],
    ['client hint device-memory: 8', 'Device-Memory', '8', true],
    ['client hint downlink: 1.5', 'Downlink', '1.5', true],
    ['client hint width: 400', 'Width', '400', true],
    ['client hint width: fraction fails', 'Width', '400.5', false],
    ['client hint viewport-width: 1280', 'Viewport-Width', '1280', true],
    ['client hint rtt: 50', 'RTT', '50', true],
    ['client hint rtt: empty fails', 'rtt', '', false],
    ['client hint ect: 4g', 'ECT', '4g', true],
    ['client hint ect: slow-2g', 'ect', 'slow-2g', true],
    ['client hint ect: 5g fails', 'ect', '5g', false],
    ['client hint save-data: on', 'Save-Data', 'on', true],
    ['client hint save-data: off fails', 'Save-Data', 'off', false],
    // others
    ['x-custom is not safelisted', 'X-Custom', 'a', false],
    ['authorization is not safelisted', 'Authorization', 'Bearer x', false],
    ['last-event-id is not safelisted', 'Last-Event-ID', '1', false],
  ])('%s', (_rule, name, value, want) => {
    expect(isCorsSafelistedRequestHeader(name, value)).toBe(want);
  });
});

describe('isForbiddenRequestHeaderName (fetch.bs #forbidden-request-header)', () => {
  it.each([
    ['cookie', true], ['origin', true], ['host', true], ['sec-fetch-mode', true], ['proxy-authorization', true],
    ['user-agent', true], ['referer', true], ['content-length', true],
    ['authorization', false], ['x-api-key', false], ['content-type', false],
  ])('%s forbidden: %s', (n, want) => expect(isForbiddenRequestHeaderName(n)).toBe(want));
});

describe('getHeader (fetch.bs #concept-header-list-get)', () => {
  it.each([
    ['any case of the name', [h('ACCESS-Control-allow-ORIGIN', O)], 'access-control-allow-origin', O],
    ['each word capitalised, in lower case, or in upper case', [h('Access-Control-Allow-Headers', 'a'), h('access-control-allow-headers', 'b'), h('ACCESS-CONTROL-ALLOW-HEADERS', 'c')], 'access-control-allow-headers', 'a, b, c'],
    ['not another name capitalised alike', [h('Access-Control-Allow-Methods', 'GET')], 'access-control-allow-headers', null],
    ['a first character that has no case', [h('_X-Trace', 'a'), h('_x-trace', 'b')], '_x-trace', 'a, b'],
    ['every line, joined in order, trimmed', [h('Vary', ' Origin '), h('Content-Type', 'x'), h('vary', 'Accept')], 'vary', 'Origin, Accept'],
    ['not a name of the same length', [h('Accept', '*/*'), h('Cookie', 'a=b')], 'origin', null],
  ] as Array<[string, HttpHeader[], string, string | null]>)('%s', (_rule, headers, name, want) => {
    expect(getHeader(headers, name)).toBe(want);
  });
});

describe('corsUnsafeRequestHeaderNames (fetch.bs #cors-unsafe-request-header-names)', () => {
  it.each([
    ['empty list', [], []],
    ['safelisted only', [h('Accept', '*/*'), h('Content-Type', 'text/plain')], []],
    ['sorted and lower-cased', [h('X-B', '1'), h('X-A', '2'), h('Authorization', 'x')], ['authorization', 'x-a', 'x-b']],
    ['deduplicated', [h('X-A', '1'), h('x-a', '2')], ['x-a']],
    ['unsafe content-type', [h('Content-Type', 'application/json')], ['content-type']],
    ['forbidden names skipped (browser-added)', [h('Origin', O), h('Cookie', 'a=b'), h('Sec-Fetch-Mode', 'cors'), h('User-Agent', 'x')], []],
    ['1024-byte total: exactly 1024 stays safe', [h('Accept', 'a'.repeat(128)), ...Array.from({ length: 7 }, () => h('Accept-Language', 'a'.repeat(128)))], []],
    [
      '1024-byte total: over 1024 makes every safelisted header unsafe',
      [h('Accept', 'a'.repeat(128)), ...Array.from({ length: 7 }, () => h('Accept-Language', 'a'.repeat(128))), h('Content-Language', 'x')],
      ['accept', 'accept-language', 'content-language'],
    ],
  ] as Array<[string, HttpHeader[], string[]]>)('%s', (_rule, headers, want) => {
    expect(corsUnsafeRequestHeaderNames(headers)).toEqual(want);
  });
});

describe('needsPreflight (fetch.bs #main-fetch cors-preflight flag)', () => {
  it.each([
    ['simple GET', 'GET', [], false, false],
    ['simple POST text/plain', 'POST', [h('Content-Type', 'text/plain')], false, false],
    ['non-safelisted method PUT', 'PUT', [], false, true],
    ['lower-case patch is not PATCH and not safelisted', 'patch', [], false, true],
    ['unsafe header', 'GET', [h('X-Requested-With', 'XMLHttpRequest')], false, true],
    ['JSON body content type', 'POST', [h('Content-Type', 'application/json')], false, true],
    ['use-CORS-preflight flag (upload listener)', 'POST', [], true, true],
  ] as Array<[string, string, HttpHeader[], boolean, boolean]>)('%s', (_rule, method, headers, forced, want) => {
    expect(needsPreflight(method, headers, forced)).toBe(want);
  });
});

describe('corsCheck (fetch.bs #concept-cors-check, Chromium CheckAccess order)', () => {
  it.each([
    ['* without credentials passes', [h('Access-Control-Allow-Origin', '*')], O, 'omit', null],
    ['* with same-origin credentials mode passes', [h('Access-Control-Allow-Origin', '*')], O, 'same-origin', null],
    ['* with credentials -> WildcardOriginNotAllowed, empty param', [h('Access-Control-Allow-Origin', '*')], O, 'include', ['WildcardOriginNotAllowed', '']],
    ['* is checked before ACAC', [h('Access-Control-Allow-Origin', '*'), h('Access-Control-Allow-Credentials', 'true')], O, 'include', ['WildcardOriginNotAllowed', '']],
    ['absent -> MissingAllowOriginHeader, empty param', [], O, 'omit', ['MissingAllowOriginHeader', '']],
    ['exact origin passes', [h('Access-Control-Allow-Origin', O)], O, 'omit', null],
    ['surrounding whitespace is trimmed', [h('Access-Control-Allow-Origin', `  ${O}\t`)], O, 'omit', null],
    ['header name case-insensitive', [h('access-control-allow-origin', O)], O, 'omit', null],
    ['trailing slash -> AllowOriginMismatch', [h('Access-Control-Allow-Origin', `${O}/`)], O, 'omit', ['AllowOriginMismatch', `${O}/`]],
    ['upper case -> AllowOriginMismatch', [h('Access-Control-Allow-Origin', 'https://APP.example.com')], O, 'omit', ['AllowOriginMismatch', 'https://APP.example.com']],
    ['explicit :443 -> AllowOriginMismatch', [h('Access-Control-Allow-Origin', `${O}:443`)], O, 'omit', ['AllowOriginMismatch', `${O}:443`]],
    ['other origin -> AllowOriginMismatch', [h('Access-Control-Allow-Origin', 'https://evil.example')], O, 'omit', ['AllowOriginMismatch', 'https://evil.example']],
    ['comma -> MultipleAllowOriginValues', [h('Access-Control-Allow-Origin', `${O},https://b.example`)], O, 'omit', ['MultipleAllowOriginValues', `${O},https://b.example`]],
    ['space -> MultipleAllowOriginValues', [h('Access-Control-Allow-Origin', `${O} https://b.example`)], O, 'omit', ['MultipleAllowOriginValues', `${O} https://b.example`]],
    ['two ACAO lines join with ", " -> MultipleAllowOriginValues', [h('Access-Control-Allow-Origin', O), h('Access-Control-Allow-Origin', O)], O, 'omit', ['MultipleAllowOriginValues', `${O}, ${O}`]],
    ['two * lines are not *', [h('Access-Control-Allow-Origin', '*'), h('Access-Control-Allow-Origin', '*')], O, 'omit', ['MultipleAllowOriginValues', '*, *']],
    ['null value -> AllowOriginMismatch', [h('Access-Control-Allow-Origin', 'null')], O, 'omit', ['AllowOriginMismatch', 'null']],
    ['null matches a null (tainted/opaque) origin', [h('Access-Control-Allow-Origin', 'null')], 'null', 'omit', null],
    ['no scheme -> InvalidAllowOriginValue', [h('Access-Control-Allow-Origin', 'app.example.com')], O, 'omit', ['InvalidAllowOriginValue', 'app.example.com']],
    ['empty value -> InvalidAllowOriginValue with empty param', [h('Access-Control-Allow-Origin', '')], O, 'omit', ['InvalidAllowOriginValue', '']],
    ['broken URL -> InvalidAllowOriginValue', [h('Access-Control-Allow-Origin', 'https://[bad')], O, 'omit', ['InvalidAllowOriginValue', 'https://[bad']],
    ['wildcard subdomain parses as URL -> AllowOriginMismatch', [h('Access-Control-Allow-Origin', 'https://*.example.com')], O, 'omit', ['AllowOriginMismatch', 'https://*.example.com']],
    ['credentials: ACAC true passes', [h('Access-Control-Allow-Origin', O), h('Access-Control-Allow-Credentials', 'true')], O, 'include', null],
    ['credentials: ACAC absent -> InvalidAllowCredentials, empty param', [h('Access-Control-Allow-Origin', O)], O, 'include', ['InvalidAllowCredentials', '']],
    ['credentials: ACAC True -> InvalidAllowCredentials', [h('Access-Control-Allow-Origin', O), h('Access-Control-Allow-Credentials', 'True')], O, 'include', ['InvalidAllowCredentials', 'True']],
    ['credentials: ACAC trimmed', [h('Access-Control-Allow-Origin', O), h('Access-Control-Allow-Credentials', ' true ')], O, 'include', null],
    ['no credentials: ACAC ignored', [h('Access-Control-Allow-Origin', O), h('Access-Control-Allow-Credentials', 'nope')], O, 'omit', null],
  ] as Array<[string, HttpHeader[], string, 'omit' | 'include' | 'same-origin', [string, string] | null]>)('%s', (_rule, headers, origin, cred, want) => {
    const got = corsCheck(headers, origin, cred);
    expect(got === null ? null : [got.code, got.param]).toEqual(want);
  });
});

describe('checkPreflightAccess (fetch.bs #cors-preflight-fetch step 7, Chromium order)', () => {
  it.each([
    ['2xx with ACAO passes', 204, [h('Access-Control-Allow-Origin', O)], 'omit', null],
    ['ACAO first: bare 404 -> PreflightMissingAllowOriginHeader', 404, [], 'omit', ['PreflightMissingAllowOriginHeader', '']],
    ['then status: 404 with ACAO -> PreflightInvalidStatus', 404, [h('Access-Control-Allow-Origin', O)], 'omit', ['PreflightInvalidStatus', '']],
    ['300 is not ok -> PreflightInvalidStatus', 300, [h('Access-Control-Allow-Origin', '*')], 'omit', ['PreflightInvalidStatus', '']],
    ['mismatch twin', 200, [h('Access-Control-Allow-Origin', 'https://x.example')], 'omit', ['PreflightAllowOriginMismatch', 'https://x.example']],
    ['multiple twin', 200, [h('Access-Control-Allow-Origin', 'a, b')], 'omit', ['PreflightMultipleAllowOriginValues', 'a, b']],
    ['invalid twin', 200, [h('Access-Control-Allow-Origin', 'nope')], 'omit', ['PreflightInvalidAllowOriginValue', 'nope']],
    ['wildcard twin', 200, [h('Access-Control-Allow-Origin', '*')], 'include', ['PreflightWildcardOriginNotAllowed', '']],
    ['credentials twin', 200, [h('Access-Control-Allow-Origin', O)], 'include', ['PreflightInvalidAllowCredentials', '']],
  ] as Array<[string, number, HttpHeader[], 'omit' | 'include', [string, string] | null]>)('%s', (_rule, status, headers, cred, want) => {
    const got = checkPreflightAccess({ status, headers }, O, cred);
    expect(got === null ? null : [got.code, got.param]).toEqual(want);
  });
});

describe('parsePreflightResult (ACAM/ACAH as lists of tokens)', () => {
  it.each([
    ['absent lists are empty', [], { methods: [], headers: [] }],
    ['trimmed items, method case kept, header names lower-cased', [h('Access-Control-Allow-Methods', ' PUT ,patch'), h('Access-Control-Allow-Headers', 'X-Api-Key, Content-Type')], { methods: ['PUT', 'patch'], headers: ['x-api-key', 'content-type'] }],
    ['empty items skipped', [h('Access-Control-Allow-Methods', 'PUT,,DELETE,')], { methods: ['PUT', 'DELETE'], headers: [] }],
    ['two ACAM lines are combined', [h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Allow-Methods', 'DELETE')], { methods: ['PUT', 'DELETE'], headers: [] }],
    ['non-token method -> InvalidAllowMethodsPreflightResponse, empty param', [h('Access-Control-Allow-Methods', 'PUT DELETE')], { code: 'InvalidAllowMethodsPreflightResponse', param: '' }],
    ['non-token header -> InvalidAllowHeadersPreflightResponse, empty param', [h('Access-Control-Allow-Headers', 'x-a; x-b')], { code: 'InvalidAllowHeadersPreflightResponse', param: '' }],
    ['methods are checked before headers', [h('Access-Control-Allow-Methods', '"PUT"'), h('Access-Control-Allow-Headers', '(x)')], { code: 'InvalidAllowMethodsPreflightResponse', param: '' }],
  ] as Array<[string, HttpHeader[], object]>)('%s', (_rule, headers, want) => {
    expect(parsePreflightResult(headers)).toMatchObject(want);
  });
});

const result = (methods: string[], headers: string[]): PreflightResult => ({ methods, headers, maxAgeHeader: null });

describe('ensureAllowedCrossOriginMethod (fetch.bs #cors-preflight-fetch 7.5)', () => {
  it.each([
    ['listed method passes', ['PUT'], 'PUT', 'omit', null],
    ['listing is case-sensitive: PUT does not allow patch', ['PATCH'], 'patch', 'omit', 'patch'],
    ['listing is case-sensitive: put does not allow PUT', ['put'], 'PUT', 'omit', 'PUT'],
    ['safelisted GET passes unlisted', [], 'GET', 'omit', null],
    ['safelisted POST passes with credentials', [], 'POST', 'include', null],
    ['* without credentials passes', ['*'], 'DELETE', 'omit', null],
    ['* with credentials is literal', ['*'], 'DELETE', 'include', 'DELETE'],
    ['unlisted -> MethodDisallowedByPreflightResponse with the method', ['GET', 'POST'], 'PUT', 'omit', 'PUT'],
  ] as Array<[string, string[], string, 'omit' | 'include', string | null]>)('%s', (_rule, methods, method, cred, want) => {
    const got = ensureAllowedCrossOriginMethod(result(methods, []), method, cred);
    expect(got === null ? null : got.param).toBe(want);
    if (got) expect(got.code).toBe('MethodDisallowedByPreflightResponse');
  });
});

describe('ensureAllowedCrossOriginHeaders (fetch.bs #cors-preflight-fetch 7.7)', () => {
  it.each([
    ['all listed passes', ['x-a', 'x-b'], ['x-a', 'x-b'], 'omit', null, false],
    ['first missing name in sorted order reported', ['x-b'], ['x-a', 'x-c'], 'omit', 'x-a', false],
    ['* without credentials covers everything', ['*'], ['x-a', 'x-b'], 'omit', null, false],
    ['* with credentials is a literal name', ['*'], ['x-a'], 'include', 'x-a', false],
    ['Authorization covered by * (Chromium 156 passes, flagged)', ['*'], ['authorization'], 'omit', null, true],
    ['Authorization listed next to * is not flagged', ['*', 'authorization'], ['authorization'], 'omit', null, false],
    ['Authorization with credentials and * -> blocked with authorization', ['*'], ['authorization'], 'include', 'authorization', false],
    ['no unsafe names passes', [], [], 'include', null, false],
  ] as Array<[string, string[], string[], 'omit' | 'include', string | null, boolean]>)('%s', (_rule, allowed, unsafe, cred, want, auth) => {
    const got = ensureAllowedCrossOriginHeaders(result([], allowed), unsafe, cred);
    expect(got.failure === null ? null : got.failure.param).toBe(want);
    if (got.failure) expect(got.failure.code).toBe('HeaderDisallowedByPreflightResponse');
    expect(got.authorizationCoveredByWildcard).toBe(auth);
  });
});

describe('accessControlMaxAge (Chromium ParseAccessControlMaxAge)', () => {
  it.each([
    ['absent -> 5 s', null, { requested: null, chromium: 5, firefox: 5 }],
    ['unparsable -> 5 s', 'ten', { requested: null, chromium: 5, firefox: 5 }],
    ['fraction unparsable -> 5 s', '1.5', { requested: null, chromium: 5, firefox: 5 }],
    ['600 kept', '600', { requested: 600, chromium: 600, firefox: 600 }],
    ['7200 kept', '7200', { requested: 7200, chromium: 7200, firefox: 7200 }],
    ['86400 capped to 7200 in Chromium', '86400', { requested: 86400, chromium: 7200, firefox: 86400 }],
    ['1000000 capped in both', '1000000', { requested: 1000000, chromium: 7200, firefox: 86400 }],
    ['negative -> 0 (not cached)', '-1', { requested: -1, chromium: 0, firefox: 0 }],
    ['zero', '0', { requested: 0, chromium: 0, firefox: 0 }],
  ] as Array<[string, string | null, object]>)('%s', (_rule, v, want) => {
    expect(accessControlMaxAge(v)).toEqual(want);
  });
});

describe('status classes', () => {
  it.each([[199, false], [200, true], [204, true], [299, true], [300, false]])('isOkStatus(%i) = %s', (s, w) => expect(isOkStatus(s)).toBe(w));
  it.each([[301, true], [302, true], [303, true], [307, true], [308, true], [300, false], [304, false], [200, false]])('isRedirectStatus(%i) = %s', (s, w) => expect(isRedirectStatus(s)).toBe(w));
});

describe('exposed response headers (fetch.bs #cors-safelisted-response-header-name)', () => {
  it.each([
    ['content-type always readable', 'content-type', [], 'omit', true],
    ['cache-control always readable', 'cache-control', [], 'include', true],
    ['x-total-count hidden by default', 'x-total-count', [], 'omit', false],
    ['x-total-count exposed by ACEH', 'x-total-count', ['x-total-count'], 'include', true],
    ['* exposes without credentials', 'x-total-count', ['*'], 'omit', true],
    ['* does not expose with credentials', 'x-total-count', ['*'], 'include', false],
    ['set-cookie never exposed even if listed', 'set-cookie', ['set-cookie'], 'omit', false],
    ['set-cookie never exposed by *', 'set-cookie', ['*'], 'omit', false],
  ] as Array<[string, string, string[], 'omit' | 'include', boolean]>)('%s', (_rule, name, exposed, cred, want) => {
    expect(isCorsSafelistedResponseHeaderName(name, exposed, cred)).toBe(want);
  });
  it('parseExposeHeaders lower-cases, trims and drops invalid items', () => {
    expect(parseExposeHeaders([h('Access-Control-Expose-Headers', 'X-Total-Count, ETag ,bad item,')])).toEqual(['x-total-count', 'etag']);
    expect(parseExposeHeaders([])).toEqual([]);
  });
});

describe('redirect rules (fetch.bs #http-redirect-fetch)', () => {
  const loc = (isHttp: boolean, hasCredentials: boolean, origin: string) => ({ isHttp, hasCredentials, origin });
  it.each([
    ['http target passes', loc(true, false, 'https://b.example'), true, false, null],
    ['non-http target with CORS flag -> CorsDisabledScheme', loc(false, false, 'null'), true, false, 'CorsDisabledScheme'],
    ['non-http target (an opaque origin) of a same-origin request -> CorsDisabledScheme', loc(false, false, 'null'), false, false, 'CorsDisabledScheme'],
    ['credentials in cross-origin target -> RedirectContainsCredentials', loc(true, true, 'https://b.example'), true, false, 'RedirectContainsCredentials'],
    ['credentials in cross-origin target of a request that was same-origin so far', loc(true, true, 'https://b.example'), false, false, 'RedirectContainsCredentials'],
    ['credentials in same-origin target of a request never cross-origin pass', loc(true, true, O), false, false, null],
    ['credentials in the page origin after a cross-origin hop (response tainting cors)', loc(true, true, O), true, false, 'RedirectContainsCredentials'],
    ['credentials in same-origin target with tainted origin fail', loc(true, true, O), true, true, 'RedirectContainsCredentials'],
  ] as Array<[string, ReturnType<typeof loc>, boolean, boolean, string | null]>)('%s', (_rule, target, corsFlag, tainted, want) => {
    const got = checkRedirectLocation(target, O, corsFlag, tainted);
    expect(got === null ? null : got.code).toBe(want);
    if (got) expect(got.param).toBe('');
  });
  it.each([
    ['api -> other api taints', 'https://a.example', 'https://b.example', true],
    ['api -> same api does not taint', 'https://a.example', 'https://a.example', false],
    ['page origin -> api does not taint', O, 'https://b.example', false],
  ])('%s', (_rule, current, location, want) => {
    expect(redirectTaintsOrigin(current, location, O)).toBe(want);
  });
});
