/**
 * Hostile exchanges for property tests: every field from arbitrary text and bytes, huge values,
 * a thousand headers, impossible statuses. Shared by test/unit/engine/properties.test.ts and the
 * hostile pipeline (test/property/hostile-pipeline.ts).
 */
import fc from 'fast-check';
import type { Exchange, HttpHeader, ObservedResponse } from '../../../src/engine/index.ts';

export const BIG = 'a'.repeat(64 * 1024);
export const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\r', '\n', '\t', ' ', ',', '*', '"', '\u007f', 'é', '\u2028', '\ud800'), maxLength: 40 }),
  fc.constantFrom('', ' ', '*', 'null', 'true', 'True', BIG, '\u0000', 'https://app.example.com', 'https://app.example.com/', 'https://*.example.com', 'http://[::1', '::::', 'https://u:p@x.example', 'javascript:alert(1)'),
);
export const origin = fc.oneof(
  fc.constantFrom('https://app.example.com', 'http://localhost:3000', 'null', '', 'not an origin', 'https://APP.example.com:443', BIG),
  fc.webUrl().map((u) => { try { return new URL(u).origin; } catch { return u; } }),
  hostile,
);
export const url = fc.oneof(
  fc.constantFrom('https://api.example.com/x', 'https://app.example.com/y', 'http://api.example.com:8080/', 'ftp://f.example/', 'data:,x', 'chrome-extension://id/x', 'https://u:p@api.example.com/', 'https://:@api.example.com/', '//x', ''),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  hostile,
);
const headerName = fc.oneof(
  fc.constantFrom('Access-Control-Allow-Origin', 'access-control-allow-credentials', 'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age', 'Access-Control-Expose-Headers', 'Vary', 'Location', 'Set-Cookie', 'Content-Type', 'Authorization', 'Cookie', 'Range', 'Accept-Language', 'X-Api-Key', 'Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'),
  hostile,
);
export const header: fc.Arbitrary<HttpHeader> = fc.record({ name: headerName, value: hostile });
export const headers: fc.Arbitrary<HttpHeader[]> = fc.oneof(
  fc.array(header, { maxLength: 12 }),
  fc.constant(Array.from({ length: 1000 }, (_, i) => ({ name: 'Access-Control-Allow-Origin', value: `https://o${i}.example` }))),
  fc.constant<HttpHeader[]>([{ name: 'Access-Control-Allow-Origin', value: BIG }, { name: 'X-Big', value: BIG }]),
);
export const response: fc.Arbitrary<ObservedResponse> = fc.record(
  { status: fc.oneof(fc.constantFrom(0, 200, 204, 301, 302, 304, 307, 401, 403, 404, 407, 500), fc.integer({ min: -1000, max: 100000 })), headers, fromCache: fc.boolean() },
  { requiredKeys: ['status', 'headers'] },
);
const method = fc.oneof(fc.constantFrom('GET', 'get', 'POST', 'PUT', 'patch', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE', '', 'G E T', 'ÄÖ'), hostile);
export const exchange: fc.Arbitrary<Exchange> = fc.record({
  initiatorOrigin: origin,
  method,
  requestHeaders: headers,
  mode: fc.constantFrom('cors', 'no-cors', 'same-origin', 'navigate', 'unknown'),
  credentials: fc.constantFrom('omit', 'same-origin', 'include', 'unknown'),
  redirect: fc.constantFrom('follow', 'error', 'manual', 'unknown'),
  hops: fc.array(fc.record({ url, response: fc.option(response, { nil: undefined }), requestHeaders: fc.option(headers, { nil: undefined }) }), { minLength: 0, maxLength: 4 }),
  preflight: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'cached' as const }),
    fc.record({ kind: fc.constant('sent' as const), url, requestHeaders: headers, response: fc.option(response, { nil: undefined }), error: fc.option(hostile, { nil: undefined }) }),
  ),
  outcome: fc.oneof(
    fc.constant({ kind: 'completed' as const }),
    fc.record({ kind: fc.constant('failed' as const), error: fc.oneof(fc.constantFrom('net::ERR_FAILED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_ABORTED', 'NS_ERROR_DOM_BAD_URI'), hostile) }),
  ),
  resourceType: fc.option(fc.constantFrom('fetch', 'xmlhttprequest', 'image', 'script', 'main_frame', 'font', 'other'), { nil: undefined }),
  forcedPreflight: fc.option(fc.boolean(), { nil: undefined }),
  reportedCorsError: fc.option(fc.record({ corsError: fc.oneof(fc.constantFrom('InsecurePrivateNetwork', 'LocalNetworkAccessPermissionDenied', 'AllowOriginMismatch'), hostile), failedParameter: fc.option(hostile, { nil: undefined }) }), { nil: undefined }),
}, { requiredKeys: ['initiatorOrigin', 'method', 'requestHeaders', 'mode', 'credentials', 'redirect', 'hops', 'preflight', 'outcome'] });
