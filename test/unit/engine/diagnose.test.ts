import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { CorsErrorCode, Diagnosis, Exchange, FirefoxCorsReason } from '../../../src/engine/types.ts';
import { API, FAILED, PAGE, URL1, acao, ex, h, preflight, res } from './helpers.ts';

interface Want {
  status: Diagnosis['status'];
  corsError?: CorsErrorCode;
  failedParameter?: string;
  stage: Diagnosis['stage'];
  firefoxReason?: FirefoxCorsReason;
}

const OK_PF = res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT, DELETE'), h('Access-Control-Allow-Headers', 'X-Api-Key'));
const API2 = 'https://cdn.example.net';

/** One row per Chromium code reachable from an exchange: [rule, exchange, verdict]. */
const CODES: Array<[string, Exchange, Want]> = [
  ['DisallowedByMode: mode same-origin with a cross-origin URL', ex({ mode: 'same-origin', hops: [{ url: URL1 }], outcome: FAILED }),
    { status: 'blocked', corsError: 'DisallowedByMode', failedParameter: '', stage: { kind: 'mode' } }],
  ['DisallowedByMode: same-origin mode redirected to another origin', ex({ mode: 'same-origin', hops: [{ url: `${PAGE}/go`, response: res(302, h('Location', URL1)) }, { url: URL1 }], outcome: FAILED }),
    { status: 'blocked', corsError: 'DisallowedByMode', failedParameter: '', stage: { kind: 'mode' } }],
  ['NoCorsRedirectModeNotFollow: no-cors with redirect manual', ex({ mode: 'no-cors', redirect: 'manual', hops: [{ url: URL1 }], outcome: FAILED }),
    { status: 'blocked', corsError: 'NoCorsRedirectModeNotFollow', failedParameter: '', stage: { kind: 'mode' } }],
  ['NoCorsRedirectModeNotFollow: no-cors with redirect error', ex({ mode: 'no-cors', redirect: 'error', hops: [{ url: URL1 }], outcome: FAILED }),
    { status: 'blocked', corsError: 'NoCorsRedirectModeNotFollow', failedParameter: '', stage: { kind: 'mode' } }],
  // The renderer names the scheme (Chromium 156, lab scenario scheme-ftp); a redirect's refusal has none.
  ['CorsDisabledScheme: ftp URL in cors mode', ex({ hops: [{ url: 'ftp://files.example.com/a.txt' }], outcome: FAILED }),
    { status: 'blocked', corsError: 'CorsDisabledScheme', failedParameter: 'ftp', stage: { kind: 'mode' }, firefoxReason: 'CORSRequestNotHttp' }],
  // Firefox 153 calls a refused redirect to a non-http scheme a request that did not succeed (lab redirect-to-data).
  ['CorsDisabledScheme: redirect to a non-http scheme', ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'ftp://x.example/')) }, { url: 'ftp://x.example/' }], outcome: FAILED }),
    { status: 'blocked', corsError: 'CorsDisabledScheme', failedParameter: '', stage: { kind: 'redirect', hop: 0 }, firefoxReason: 'CORSDidNotSucceed' }],
  ['WildcardOriginNotAllowed: * with credentials include', ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao('*')) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'WildcardOriginNotAllowed', failedParameter: '', stage: { kind: 'actual' }, firefoxReason: 'CORSNotSupportingCredentials' }],
  ['MissingAllowOriginHeader: no ACAO, empty param', ex({ hops: [{ url: URL1, response: res(200) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'MissingAllowOriginHeader', failedParameter: '', stage: { kind: 'actual' }, firefoxReason: 'CORSMissingAllowOrigin' }],
  ['MultipleAllowOriginValues: two ACAO lines joined with ", "', ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), acao(PAGE)) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'MultipleAllowOriginValues', failedParameter: `${PAGE}, ${PAGE}`, stage: { kind: 'actual' }, firefoxReason: 'CORSMultipleAllowOriginNotAllowed' }],
  // One line listing two origins: Firefox counts header lines, so the value just does not match (lab acao-comma-list).
  ['MultipleAllowOriginValues: one ACAO line listing two origins', ex({ hops: [{ url: URL1, response: res(200, acao(`${PAGE}, https://b.example`)) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'MultipleAllowOriginValues', failedParameter: `${PAGE}, https://b.example`, stage: { kind: 'actual' }, firefoxReason: 'CORSAllowOriginNotMatchingOrigin' }],
  ['InvalidAllowOriginValue: origin without scheme', ex({ hops: [{ url: URL1, response: res(200, acao('app.example.com')) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'InvalidAllowOriginValue', failedParameter: 'app.example.com', stage: { kind: 'actual' }, firefoxReason: 'CORSAllowOriginNotMatchingOrigin' }],
  ['AllowOriginMismatch: param is the ACAO value seen', ex({ hops: [{ url: URL1, response: res(200, acao('https://other.example.com')) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'AllowOriginMismatch', failedParameter: 'https://other.example.com', stage: { kind: 'actual' }, firefoxReason: 'CORSAllowOriginNotMatchingOrigin' }],
  ['InvalidAllowCredentials: ACAC True is not true', ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE), h('Access-Control-Allow-Credentials', 'True')) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'InvalidAllowCredentials', failedParameter: 'True', stage: { kind: 'actual' }, firefoxReason: 'CORSMissingAllowCredentials' }],
  ['PreflightInvalidStatus: ACAO ok but 500', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(500, acao(PAGE))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightInvalidStatus', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSPreflightDidNotSucceed' }],
  // Firefox 153 checks Allow-Origin on the preflight's redirect before refusing the redirect (lab preflight-status-301-bare, -cors).
  ['PreflightDisallowedRedirect: preflight answered 301 with Location', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(301, h('Location', `${URL1}/`))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightDisallowedRedirect', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSMissingAllowOrigin' }],
  ['PreflightDisallowedRedirect: preflight answered 307 with Allow-Origin', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(307, acao(PAGE), h('Location', `${URL1}/`))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightDisallowedRedirect', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSExternalRedirectNotAllowed' }],
  ['PreflightWildcardOriginNotAllowed', ex({ method: 'PUT', credentials: 'include', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao('*'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightWildcardOriginNotAllowed', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSNotSupportingCredentials' }],
  ['PreflightMissingAllowOriginHeader: bare 404 (ACAO is checked before status)', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(404)), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightMissingAllowOriginHeader', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSMissingAllowOrigin' }],
  ['PreflightMultipleAllowOriginValues', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(`${PAGE}, https://b.example`))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightMultipleAllowOriginValues', failedParameter: `${PAGE}, https://b.example`, stage: { kind: 'preflight' } }],
  ['PreflightInvalidAllowOriginValue', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao('*.example.com'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightInvalidAllowOriginValue', failedParameter: '*.example.com', stage: { kind: 'preflight' } }],
  ['PreflightAllowOriginMismatch', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao('http://app.example.com'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightAllowOriginMismatch', failedParameter: 'http://app.example.com', stage: { kind: 'preflight' } }],
  ['PreflightInvalidAllowCredentials', ex({ method: 'PUT', credentials: 'include', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE))), outcome: FAILED }),
    { status: 'blocked', corsError: 'PreflightInvalidAllowCredentials', failedParameter: '', stage: { kind: 'preflight' } }],
  ['InvalidAllowMethodsPreflightResponse: empty param', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT/DELETE'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'InvalidAllowMethodsPreflightResponse', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSInvalidAllowMethod' }],
  ['InvalidAllowHeadersPreflightResponse: empty param', ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Allow-Headers', '"x-a"'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'InvalidAllowHeadersPreflightResponse', failedParameter: '', stage: { kind: 'preflight' }, firefoxReason: 'CORSInvalidAllowHeader' }],
  ['MethodDisallowedByPreflightResponse: param = method', ex({ method: 'PATCH', hops: [{ url: URL1 }], preflight: preflight('PATCH', [], OK_PF), outcome: FAILED }),
    { status: 'blocked', corsError: 'MethodDisallowedByPreflightResponse', failedParameter: 'PATCH', stage: { kind: 'preflight' }, firefoxReason: 'CORSMethodNotFound' }],
  ['MethodDisallowedByPreflightResponse: lower-case patch is not normalized', ex({ method: 'patch', hops: [{ url: URL1 }], preflight: preflight('patch', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PATCH'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'MethodDisallowedByPreflightResponse', failedParameter: 'patch', stage: { kind: 'preflight' } }],
  ['HeaderDisallowedByPreflightResponse: param = lower-case name', ex({ method: 'PUT', requestHeaders: [h('X-Api-Key', 'k'), h('X-Trace-Id', '1')], hops: [{ url: URL1 }], preflight: preflight('PUT', ['x-api-key', 'x-trace-id'], OK_PF), outcome: FAILED }),
    { status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-trace-id', stage: { kind: 'preflight' }, firefoxReason: 'CORSMissingAllowHeaderFromPreflight' }],
  ['HeaderDisallowedByPreflightResponse: Authorization with credentials and *', ex({ credentials: 'include', hops: [{ url: URL1 }], preflight: preflight('GET', ['authorization'], res(204, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Access-Control-Allow-Headers', '*'))), outcome: FAILED }),
    { status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'authorization', stage: { kind: 'preflight' } }],
  ['RedirectContainsCredentials: redirect target with user:pass@', ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'https://u:p@cdn.example.net/x')) }, { url: 'https://u:p@cdn.example.net/x' }], outcome: FAILED }),
    { status: 'blocked', corsError: 'RedirectContainsCredentials', failedParameter: '', stage: { kind: 'redirect', hop: 0 } }],
  ['MissingAllowOriginHeader on a redirect hop (redirects are CORS-checked)', ex({ hops: [{ url: URL1, response: res(302, h('Location', `${API2}/x`)) }, { url: `${API2}/x` }], outcome: FAILED }),
    { status: 'blocked', corsError: 'MissingAllowOriginHeader', failedParameter: '', stage: { kind: 'redirect', hop: 0 } }],
  ['AllowOriginMismatch after a tainting redirect (Origin: null)', ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', `${API2}/x`)) }, { url: `${API2}/x`, response: res(200, acao(PAGE)) }], outcome: FAILED }),
    { status: 'blocked', corsError: 'AllowOriginMismatch', failedParameter: PAGE, stage: { kind: 'actual' } }],
  ['InsecureLocalNetwork: taken from the browser report', ex({ hops: [{ url: 'http://192.168.1.2/api' }], outcome: FAILED, reportedCorsError: { corsError: 'InsecureLocalNetwork' } }),
    { status: 'blocked', corsError: 'InsecureLocalNetwork', failedParameter: '', stage: { kind: 'actual' } }],
  ['InvalidLocalNetworkAccess: legacy InvalidPrivateNetworkAccess mapped', ex({ hops: [{ url: 'http://10.0.0.2/api' }], outcome: FAILED, reportedCorsError: { corsError: 'InvalidPrivateNetworkAccess', failedParameter: 'x' } }),
    { status: 'blocked', corsError: 'InvalidLocalNetworkAccess', failedParameter: 'x', stage: { kind: 'actual' } }],
  ['LocalNetworkAccessPermissionDenied: with a preflight seen', ex({ method: 'PUT', hops: [{ url: 'http://10.0.0.2/api' }], preflight: preflight('PUT', [], res(204), 'http://10.0.0.2/api'), outcome: FAILED, reportedCorsError: { corsError: 'LocalNetworkAccessPermissionDenied' } }),
    { status: 'blocked', corsError: 'LocalNetworkAccessPermissionDenied', failedParameter: '', stage: { kind: 'preflight' } }],
];

describe('diagnose: every Chromium code reachable from an exchange', () => {
  it.each(CODES)('%s', (_rule, exchange, want) => {
    const d = diagnose(exchange);
    expect({ status: d.status, corsError: d.corsError, failedParameter: d.failedParameter, stage: d.stage }).toEqual({
      status: want.status, corsError: want.corsError, failedParameter: want.failedParameter, stage: want.stage,
    });
    if (want.firefoxReason) expect(d.firefoxReason).toBe(want.firefoxReason);
    expect(d.headline.length).toBeGreaterThan(20);
    expect(d.explanation.length).toBeGreaterThan(0);
    expect(d.fixPlan).toBeDefined();
  });
});

const OK: Array<[string, Exchange]> = [
  ['simple GET with exact ACAO passes', ex()],
  ['* without credentials passes', ex({ hops: [{ url: URL1, response: res(200, acao('*')) }] })],
  ['credentials with exact ACAO and ACAC true pass', ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Vary', 'Origin')) }] })],
  ['credentials same-origin on a cross-origin request ignore ACAC', ex({ credentials: 'same-origin', hops: [{ url: URL1, response: res(200, acao('*')) }] })],
  ['preflight passes and PUT succeeds', ex({ method: 'PUT', requestHeaders: [h('X-Api-Key', 'k')], preflight: preflight('PUT', ['x-api-key'], OK_PF) })],
  ['lower-case delete is normalized to DELETE and allowed', ex({ method: 'delete', preflight: preflight('DELETE', [], OK_PF) })],
  ['ACAM * without credentials allows any method', ex({ method: 'PURGE', preflight: preflight('PURGE', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', '*'))) })],
  ['actual request redirected after a successful preflight, then checked', ex({ method: 'PUT', preflight: preflight('PUT', [], OK_PF), hops: [{ url: URL1, response: res(307, acao(PAGE), h('Location', `${URL1}/v2`)) }, { url: `${URL1}/v2`, response: res(200, acao(PAGE), h('Vary', 'Origin')) }] })],
  ['same-origin hop then cross-origin redirect does not taint', ex({ hops: [{ url: `${PAGE}/go`, response: res(302, h('Location', URL1)) }, { url: URL1, response: res(200, acao(PAGE), h('Vary', 'Origin')) }] })],
  ['empty userinfo //:@ is not credentials', ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'https://:@api.example.com/y')) }, { url: 'https://:@api.example.com/y', response: res(200, acao(PAGE), h('Vary', 'Origin')) }] })],
  ['304 revalidation skips the check', ex({ hops: [{ url: URL1, requestHeaders: [h('If-None-Match', '"v1"')], response: res(304) }] })],
  ['redirect mode manual stops at the redirect (opaque-redirect)', ex({ redirect: 'manual', hops: [{ url: URL1, response: res(302, acao(PAGE), h('Vary', 'Origin'), h('Location', `${API2}/x`)) }, { url: `${API2}/x` }] })],
  ['navigation is not subject to CORS', ex({ mode: 'navigate', hops: [{ url: URL1, response: res(200) }] })],
  ['same-origin request is not subject to CORS', ex({ hops: [{ url: `${PAGE}/api`, response: res(200) }] })],
  ['same-origin mode with a same-origin URL', ex({ mode: 'same-origin', hops: [{ url: `${PAGE}/api`, response: res(200) }] })],
  ['data: URL in cors mode is not subject to CORS', ex({ hops: [{ url: 'data:text/plain,hi' }] })],
  ['client hint DPR does not need a preflight', ex({ requestHeaders: [h('DPR', '2')] })],
  ['safelisted headers without preflight', ex({ requestHeaders: [h('Accept', 'application/json'), h('Content-Language', 'en-US'), h('Range', 'bytes=0-99')] })],
];

describe('diagnose: passing exchanges', () => {
  it.each(OK)('%s', (_rule, exchange) => {
    const d = diagnose(exchange);
    expect(d.status).toBe('ok');
    expect(d.corsError).toBeUndefined();
    expect(d.fixPlan).toBeUndefined();
  });
});

const ids = (d: Diagnosis) => d.findings.map((f) => f.id);

describe('diagnose: rules', () => {
  it('no-cors never raises a CORS error and warns about the opaque response', () => {
    const d = diagnose(ex({ mode: 'no-cors', hops: [{ url: URL1, response: res(200) }], outcome: { kind: 'failed', error: 'net::ERR_ABORTED' } }));
    expect(d.corsError).toBeUndefined();
    expect(d.status).toBe('warning');
    expect(ids(d)).toContain('no-cors-opaque-response');
    expect(ids(d)).toContain('network-error-not-cors');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('use-cors-mode');
  });

  it('mode unknown: image resource type is treated as no-cors', () => {
    const d = diagnose(ex({ mode: 'unknown', resourceType: 'image', hops: [{ url: URL1, response: res(200) }] }));
    expect(d.corsError).toBeUndefined();
    expect(ids(d)).toContain('no-cors-opaque-response');
    expect(d.assumptions.join(' ')).toContain('assumed "no-cors"');
  });

  it('mode unknown: fetch-like request is treated as cors', () => {
    const d = diagnose(ex({ mode: 'unknown', hops: [{ url: URL1, response: res(200) }], outcome: FAILED }));
    expect(d.corsError).toBe('MissingAllowOriginHeader');
    expect(d.assumptions.join(' ')).toContain('assumed "cors"');
  });

  it('an inferred outcome (completion event missed across a worker restart) is stated in the assumptions', () => {
    const line = "The browser's completion event was missed while Corsight's worker restarted; the outcome was inferred from the response headers.";
    const blocked = diagnose(ex({ hops: [{ url: URL1, response: res(200) }], outcome: FAILED, outcomeInferred: true }));
    expect(blocked.corsError).toBe('MissingAllowOriginHeader');
    expect(blocked.assumptions).toContain(line);
    const passed = diagnose(ex({ outcomeInferred: true }));
    expect(passed.status).toBe('ok');
    expect(passed.assumptions).toEqual([line]);
    expect(diagnose(ex()).assumptions).not.toContain(line);
  });

  it('mode unknown: main_frame is a navigation', () => {
    expect(diagnose(ex({ mode: 'unknown', resourceType: 'main_frame', hops: [{ url: URL1, response: res(200) }] })).status).toBe('ok');
  });

  it('unknown credentials: a failure with ACAO * is explained only by include', () => {
    const d = diagnose(ex({ credentials: 'unknown', hops: [{ url: URL1, response: res(200, acao('*')) }], outcome: FAILED }));
    expect(d.corsError).toBe('WildcardOriginNotAllowed');
    expect(d.credentialsAssumed).toBe('include');
    expect(d.assumptions.join(' ')).toContain('only credentials: "include"');
  });

  it('unknown credentials: a success with ACAO * means no credentials', () => {
    const d = diagnose(ex({ credentials: 'unknown', hops: [{ url: URL1, response: res(200, acao('*')) }] }));
    expect(d.status).toBe('ok');
    expect(d.credentialsAssumed).toBe('omit');
    expect(d.assumptions.join(' ')).toContain('assumed no credentials');
  });

  it('unknown credentials: success with exact ACAO, ACAC true keeps omit', () => {
    const d = diagnose(ex({ credentials: 'unknown', hops: [{ url: URL1, response: res(200, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Vary', 'Origin')) }] }));
    expect(d.credentialsAssumed).toBe('omit');
  });

  it('unknown credentials: success that fails without credentials but passes with them is include', () => {
    // ACAO exact + ACAM * : with omit, * allows PURGE; with include it does not. Reverse case:
    // a completed request whose ACAH lacks a name but has * (omit passes) is omit; here we need
    // omit failing and include passing, which CORS cannot produce, so the fallback applies.
    const d = diagnose(ex({ credentials: 'unknown', hops: [{ url: URL1, response: res(200) }] }));
    expect(d.status).toBe('blocked');
    expect(d.credentialsAssumed).toBe('omit');
    expect(d.assumptions.join(' ')).toContain('Neither hypothesis');
    expect(ids(d)).toContain('outcome-mismatch');
  });

  it('unknown credentials: a Cookie request header proves include', () => {
    const d = diagnose(ex({ credentials: 'unknown', requestHeaders: [h('Cookie', 'sid=1')], hops: [{ url: URL1, response: res(200, acao(PAGE)) }], outcome: FAILED }));
    expect(d.credentialsAssumed).toBe('include');
    expect(d.corsError).toBe('InvalidAllowCredentials');
    expect(d.failedParameter).toBe('');
    expect(d.assumptions.join(' ')).toContain('Cookie request header proves');
  });

  it('known credentials but the browser reports a failure the headers do not explain', () => {
    const d = diagnose(ex({ outcome: FAILED }));
    expect(d.status).toBe('warning');
    expect(ids(d)).toContain('outcome-mismatch');
  });

  it.each([
    ['net::ERR_CONNECTION_REFUSED'], ['net::ERR_NAME_NOT_RESOLVED'], ['net::ERR_CERT_AUTHORITY_INVALID'],
  ])('network error %s without a response is not a CORS error', (error) => {
    const d = diagnose(ex({ hops: [{ url: URL1 }], outcome: { kind: 'failed', error } }));
    expect(d.corsError).toBeUndefined();
    expect(d.status).toBe('warning');
    expect(ids(d)).toContain('network-error-not-cors');
    expect(d.headline).toContain(error);
    expect(d.fixPlan).toBeUndefined();
  });

  it('network error on a request that needed a preflight that was not captured', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], outcome: { kind: 'failed', error: 'net::ERR_NAME_NOT_RESOLVED' } }));
    expect(d.corsError).toBeUndefined();
    expect(ids(d)).toContain('network-error-not-cors');
  });

  it('preflight with no response at all is a network error', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', []), outcome: FAILED }));
    expect(d.corsError).toBeUndefined();
    expect(d.stage).toEqual({ kind: 'preflight' });
    expect(ids(d)).toContain('network-error-not-cors');
    expect(d.headline).toContain('ERR_CONNECTION_RESET');
  });

  it('preflight answered 407 is a plain network error, not PreflightInvalidStatus', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(407, acao(PAGE))), outcome: { kind: 'failed', error: 'net::ERR_UNEXPECTED_PROXY_AUTH' } }));
    expect(d.corsError).toBeUndefined();
    expect(d.headline).toContain('407');
  });

  it('a failed preflight gives the verdict even though the actual request has no response', () => {
    const d = diagnose(ex({ method: 'DELETE', hops: [{ url: URL1 }], preflight: preflight('DELETE', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'GET'))), outcome: FAILED }));
    expect(d.corsError).toBe('MethodDisallowedByPreflightResponse');
    expect(d.failedParameter).toBe('DELETE');
  });

  it('preflight needed, none observed, request completed: assumed preflight-cache hit', () => {
    const d = diagnose(ex({ method: 'PUT' }));
    expect(d.status).toBe('ok');
    expect(d.assumptions.join(' ')).toContain('preflight-cache hit');
  });

  it('use-CORS-preflight flag: forced preflight, none observed, completed', () => {
    const d = diagnose(ex({ method: 'POST', forcedPreflight: true }));
    expect(d.assumptions.join(' ')).toContain('preflight-cache hit');
  });

  it('preflight reported as cached', () => {
    const d = diagnose(ex({ method: 'PUT', preflight: { kind: 'cached', maxAgeSeconds: 600 } }));
    expect(d.status).toBe('ok');
    expect(d.assumptions.join(' ')).toContain('preflight cache');
    expect(d.headline).toContain('cache');
  });

  it('preflight needed, none observed, request failed with ERR_FAILED: blocked without a code', () => {
    const d = diagnose(ex({ method: 'PUT', requestHeaders: [h('X-Api-Key', '1')], hops: [{ url: URL1 }], outcome: FAILED }));
    expect(d.status).toBe('blocked');
    expect(d.corsError).toBeUndefined();
    expect(d.stage).toEqual({ kind: 'preflight' });
    expect(ids(d)).toContain('preflight-not-observed');
    expect(d.fixPlan?.policy.allowMethods).toEqual(['PUT']);
    expect(d.fixPlan?.policy.allowHeaders).toEqual(['x-api-key']);
  });

  it('Access-Control-Request-Headers of the observed preflight is authoritative (webRequest hides Authorization)', () => {
    const d = diagnose(ex({ hops: [{ url: URL1 }], preflight: preflight('GET', ['authorization'], res(204, acao(PAGE))), outcome: FAILED }));
    expect(d.corsError).toBe('HeaderDisallowedByPreflightResponse');
    expect(d.failedParameter).toBe('authorization');
  });

  it('HeaderDisallowed names the first missing header in request order (Chromium does not sort)', () => {
    const d = diagnose(ex({ requestHeaders: [h('X-Zeta', '1'), h('X-Alpha', '2')], hops: [{ url: URL1 }], preflight: preflight('GET', ['authorization', 'x-alpha', 'x-zeta'], res(204, acao(PAGE))), outcome: FAILED }));
    expect(d.failedParameter).toBe('x-zeta');
  });

  it('preflight request headers without ACRM fall back to the request headers', () => {
    const d = diagnose(ex({ requestHeaders: [h('X-A', '1')], hops: [{ url: URL1 }], preflight: { kind: 'sent', url: URL1, requestHeaders: [], response: res(204, acao(PAGE)) }, outcome: FAILED }));
    expect(d.failedParameter).toBe('x-a');
  });

  it('Authorization covered by ACAH * passes in Chromium with a warning', () => {
    const d = diagnose(ex({ requestHeaders: [h('Authorization', 'Bearer t')], preflight: preflight('GET', ['authorization'], res(204, acao(PAGE), h('Access-Control-Allow-Headers', '*'))) }));
    expect(d.status).toBe('warning');
    expect(d.corsError).toBeUndefined();
    expect(ids(d)).toContain('authorization-covered-by-wildcard');
    expect(d.findings.find((f) => f.id === 'authorization-covered-by-wildcard')?.message).toContain('Firefox');
    // Authorization named (the wildcard does not cover it everywhere), the server's * kept.
    expect(d.fixPlan?.policy.allowHeaders).toEqual(['authorization', '*']);
  });

  it('redirect mode error on a redirect is a network error', () => {
    const d = diagnose(ex({ redirect: 'error', hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', `${API2}/x`)) }, { url: `${API2}/x` }], outcome: { kind: 'failed', error: 'net::ERR_FAILED' } }));
    expect(d.corsError).toBeUndefined();
    expect(ids(d)).toContain('network-error-not-cors');
  });

  it('redirect to an unparsable URL is a network error', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'http://[x')) }, { url: 'http://[x' }], outcome: FAILED }));
    expect(d.corsError).toBeUndefined();
    expect(d.headline).toContain('not a valid URL');
  });

  it('an unparsable request URL gives a warning, never a CORS code', () => {
    const d = diagnose(ex({ hops: [{ url: 'not a url' }], outcome: { kind: 'failed', error: 'TypeError' } }));
    expect(d.status).toBe('warning');
    expect(ids(d)).toEqual(['network-error-not-cors']);
  });

  it('same-origin request that failed at the network', () => {
    const d = diagnose(ex({ hops: [{ url: `${PAGE}/x` }], outcome: { kind: 'failed', error: 'net::ERR_CONNECTION_REFUSED' } }));
    expect(d.status).toBe('warning');
    expect(ids(d)).toContain('network-error-not-cors');
  });

  it('a cors request to chrome-extension: is CorsDisabledScheme with a page-side plan', () => {
    const d = diagnose(ex({ hops: [{ url: 'chrome-extension://abc/x.json' }], outcome: FAILED }));
    expect(d.corsError).toBe('CorsDisabledScheme');
    expect(d.fixPlan?.serverFixable).toBe(false);
    expect(d.fixPlan?.actions.map((a) => a.id)).toEqual(['use-http-scheme']);
    expect(d.fixPlan?.headers).toEqual([]);
  });
});

describe('diagnose: explanation is specific to the exchange', () => {
  it('a failure other than net::ERR_FAILED is never a CORS code (ERR_ABORTED: ORB-blocked no-cors response)', () => {
    const d = diagnose(ex({ mode: 'unknown', hops: [{ url: URL1, response: res(200, h('Content-Type', 'application/json')) }], outcome: { kind: 'failed', error: 'net::ERR_ABORTED' } }));
    expect(d.corsError).toBeUndefined();
    expect(ids(d)).toContain('network-error-not-cors');
    const cors = diagnose(ex({ mode: 'unknown', hops: [{ url: URL1, response: res(200, h('Content-Type', 'application/json')) }], outcome: FAILED }));
    expect(cors.corsError).toBe('MissingAllowOriginHeader');
  });

  it('evidence: a refused method also shows the headers the preflight would refuse next', () => {
    const d = diagnose(ex({
      method: 'PUT', requestHeaders: [h('X-Api-Key', 'k')], hops: [{ url: URL1 }],
      preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'GET, POST'))), outcome: FAILED,
    }));
    expect(d.corsError).toBe('MethodDisallowedByPreflightResponse');
    const acah = d.evidence.find((e) => e.header === 'Access-Control-Allow-Headers');
    expect(acah).toMatchObject({ stage: 'preflight', seen: null, ok: false, needed: 'a list including x-api-key' });
    const allowed = diagnose(ex({
      method: 'PUT', requestHeaders: [h('X-Api-Key', 'k')], hops: [{ url: URL1 }],
      preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'GET'), h('Access-Control-Allow-Headers', 'x-api-key'))), outcome: FAILED,
    }));
    expect(allowed.evidence.find((e) => e.header === 'Access-Control-Allow-Headers')?.ok).toBe(true);
  });

  it('PUT with X-Api-Key against a preflight allowing only GET, POST', () => {
    const d = diagnose(ex({
      method: 'PUT', requestHeaders: [h('X-Api-Key', 'k')], hops: [{ url: URL1 }],
      preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'GET, POST'))), outcome: FAILED,
    }));
    expect(d.headline).toBe(
      'The page at https://app.example.com sent PUT with the header x-api-key; the preflight (OPTIONS) answer from https://api.example.com allowed only GET and POST and no headers, so the browser never sent the PUT.',
    );
    const text = d.explanation.join('\n');
    expect(text).toContain('differ in host');
    expect(text).toContain('HTTP 204');
    expect(text).toContain('curl and Postman');
    expect(d.crossOriginBecause).toEqual(['host']);
    expect(d.evidence).toContainEqual({ stage: 'preflight', header: 'Access-Control-Allow-Methods', seen: 'GET, POST', needed: 'a list including PUT', ok: false });
  });

  it('header disallowed mentions the allowed headers and the missing one', () => {
    const d = diagnose(ex({ method: 'PUT', requestHeaders: [h('X-Api-Key', 'k'), h('X-B', '1')], hops: [{ url: URL1 }], preflight: preflight('PUT', ['x-api-key', 'x-b'], OK_PF), outcome: FAILED }));
    expect(d.headline).toContain('the headers x-api-key');
    expect(d.headline).toContain('not x-b');
  });

  it.each([
    ['scheme and default port', 'http://app.example.com/x', ['scheme', 'port']],
    ['port', 'https://app.example.com:8443/x', ['port']],
    ['scheme only differs when ports are explicit', 'http://app.example.com:443/x', ['scheme']],
    ['host', 'https://api.example.com/x', ['host']],
  ] as Array<[string, string, string[]]>)('crossOriginBecause: %s', (_rule, url, want) => {
    const d = diagnose(ex({ hops: [{ url, response: res(200) }], outcome: FAILED }));
    expect(d.crossOriginBecause).toEqual(want);
  });

  it('server-answered paragraph names the status of a blocked actual response', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(201) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('The server did answer (HTTP 201)');
    expect(d.headline).toContain('HTTP 201');
  });

  it('opaque page origin is explained', () => {
    const d = diagnose(ex({ initiatorOrigin: 'null', hops: [{ url: URL1, response: res(200, acao(PAGE)) }], outcome: FAILED }));
    expect(d.corsError).toBe('AllowOriginMismatch');
    expect(d.explanation.join(' ')).toContain('opaque origin');
    expect(d.fixPlan?.policy.allowOrigins).toEqual([]);
  });

  it.each([
    ['trailing slash', `${PAGE}/`, 'a trailing slash'],
    ['letter case', 'https://App.Example.com', 'letter case'],
    ['path', `${PAGE}/app`, 'a path after the origin'],
    ['default port', `${PAGE}:443`, 'an explicit default port'],
    ['scheme', 'http://app.example.com', 'the scheme (http vs https)'],
  ])('near-miss ACAO: %s', (_rule, value, words) => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(value)) }], outcome: FAILED }));
    expect(d.corsError).toBe('AllowOriginMismatch');
    expect(d.findings.find((f) => f.id === 'allow-origin-near-miss')?.message).toContain(words);
  });

  it('ACAO null against a real page origin', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao('null')) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('opaque origin');
  });

  it('unrelated ACAO explains the allow-list echo', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao('https://admin.example.org')) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('allow list');
  });

  it('tainted origin: explains Origin null and plans avoiding the redirect', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', `${API2}/x`)) }, { url: `${API2}/x`, response: res(200, acao(PAGE)) }], outcome: FAILED }));
    expect(ids(d)).toContain('tainted-origin-redirect');
    expect(d.explanation.join(' ')).toContain('Origin: null');
    expect(d.fixPlan?.targetOrigin).toBe(API2);
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('avoid-cross-origin-redirect');
    expect(d.evidence.find((e) => e.stage === 'request' && e.header === 'Origin')?.seen).toBe('null');
  });

  it('tainted origin accepted by ACAO null passes with a warning, and says null trusts every sandboxed page', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', `${API2}/x`)) }, { url: `${API2}/x`, response: res(200, acao('null'), h('Vary', 'Origin')) }] }));
    expect(d.corsError).toBeUndefined();
    expect(d.status).toBe('warning');
    expect(ids(d).sort()).toEqual(['allow-origin-null', 'tainted-origin-redirect']);
  });

  it('an opaque page accepted by ACAO null passes, with the null warning', () => {
    const d = diagnose(ex({ initiatorOrigin: 'null', hops: [{ url: URL1, response: res(200, acao('null'), h('Vary', 'Origin')) }] }));
    expect(d.corsError).toBeUndefined();
    expect(d.status).toBe('warning');
    expect(ids(d)).toEqual(['allow-origin-null']);
  });

  it('ACAO null with credentials is an error finding, even when the request passed', () => {
    const d = diagnose(ex({ initiatorOrigin: 'null', credentials: 'include',
      hops: [{ url: URL1, response: res(200, acao('null'), h('Access-Control-Allow-Credentials', 'true'), h('Vary', 'Origin')) }] }));
    expect(d.corsError).toBeUndefined();
    expect(d.status).not.toBe('blocked');
    expect(ids(d)).toEqual(['allow-origin-null-with-credentials']);
    expect(d.findings.find((f) => f.id === 'allow-origin-null-with-credentials')?.severity).toBe('error');
  });

  it('a single ACAO line with a list explains keeping the list server-side', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(`${PAGE} https://b.example`)) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('single origin');
    expect(ids(d)).toContain('list-allow-origin');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('single-allow-origin-value');
  });

  it('duplicate ACAO lines explain proxy + application', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), acao(PAGE)) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('2 Access-Control-Allow-Origin lines');
    expect(d.findings.find((f) => f.id === 'list-allow-origin')?.message).toContain('2 Access-Control-Allow-Origin lines');
  });

  it('invalid ACAO value explanation shows the origin format', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao('app')) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('scheme://host');
  });

  it('wildcard with credentials explanation never suggests reflecting any origin', () => {
    const d = diagnose(ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao('*')) }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('Never reflect any origin');
    expect(d.fixPlan?.headers.find((x) => x.name === 'Access-Control-Allow-Origin')?.value).toBe(PAGE);
    expect(d.fixPlan?.headers.find((x) => x.name === 'Access-Control-Allow-Credentials')?.value).toBe('true');
  });

  it('missing ACAC with credentials says the server sent nothing', () => {
    const d = diagnose(ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE)) }], outcome: FAILED }));
    expect(d.headline).toContain('(absent)');
    expect(d.explanation.join(' ')).toContain('the server sent nothing');
  });

  it('preflight 404 without CORS headers explains OPTIONS routing and plans a 2xx answer', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(404)), outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('does not handle OPTIONS');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('answer-preflight-2xx');
  });

  it('preflight 401 with CORS headers: PreflightInvalidStatus and auth hint', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(401, acao(PAGE))), outcome: FAILED }));
    expect(d.corsError).toBe('PreflightInvalidStatus');
    expect(d.explanation.join(' ')).toContain('before the auth check');
    expect(ids(d)).toContain('preflight-answered-by-auth');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('answer-preflight-before-auth');
  });

  it('preflight 403 without CORS headers: missing ACAO but auth finding', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(403)), outcome: FAILED }));
    expect(d.corsError).toBe('PreflightMissingAllowOriginHeader');
    expect(ids(d)).toContain('preflight-answered-by-auth');
  });

  it('preflight redirect explains the Location and plans do-not-redirect-preflight', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(308, h('Location', 'https://api.example.com/v1/items/'))), outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('https://api.example.com/v1/items/');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('do-not-redirect-preflight');
  });

  it('a 3xx preflight without Location is a status failure', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(302, acao(PAGE))), outcome: FAILED }));
    expect(d.corsError).toBe('PreflightInvalidStatus');
    expect(d.explanation.join(' ')).toContain('HTTP 302');
  });

  it('invalid ACAM shows the raw value', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT;DELETE'))), outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('"PUT;DELETE"');
    expect(d.evidence.find((e) => e.header === 'Access-Control-Allow-Methods')?.needed).toBe('a list including PUT');
  });

  it('invalid ACAH with a safelisted method', () => {
    const d = diagnose(ex({ requestHeaders: [h('X-A', '1')], hops: [{ url: URL1 }], preflight: preflight('GET', ['x-a'], res(204, acao(PAGE), h('Access-Control-Allow-Headers', 'x-a x-b'))), outcome: FAILED }));
    expect(d.corsError).toBe('InvalidAllowHeadersPreflightResponse');
    expect(d.evidence.find((e) => e.header === 'Access-Control-Allow-Headers')?.needed).toBe('a list including x-a');
  });

  it('invalid ACAH when the request has no unsafe header', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Allow-Headers', '"'))), outcome: FAILED }));
    expect(d.evidence.find((e) => e.header === 'Access-Control-Allow-Headers')?.needed).toBe('a comma-separated list of header names');
  });

  it('invalid ACAM with a safelisted method', () => {
    const d = diagnose(ex({ requestHeaders: [h('X-A', '1')], hops: [{ url: URL1 }], preflight: preflight('GET', ['x-a'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', '?'))), outcome: FAILED }));
    expect(d.evidence.find((e) => e.header === 'Access-Control-Allow-Methods')?.needed).toBe('a comma-separated list of method names');
  });

  it('method disallowed with credentials mentions that * does not count', () => {
    const d = diagnose(ex({ method: 'PUT', credentials: 'include', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Access-Control-Allow-Methods', '*'))), outcome: FAILED }));
    expect(d.corsError).toBe('MethodDisallowedByPreflightResponse');
    expect(d.explanation.join(' ')).toContain('* does not count');
    expect(d.headline).toContain('allowed only *');
  });

  it('header disallowed with credentials mentions that * does not count', () => {
    const d = diagnose(ex({ credentials: 'include', requestHeaders: [h('X-A', '1')], hops: [{ url: URL1 }], preflight: preflight('GET', ['x-a'], res(204, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Access-Control-Allow-Headers', '*'))), outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('* does not count');
  });

  it('redirect with credentials explains and plans do-not-redirect-to-credentials-url', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'https://u:p@cdn.example.net/x')) }, { url: 'https://u:p@cdn.example.net/x' }], outcome: FAILED }));
    expect(d.explanation.join(' ')).toContain('user:password@');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('do-not-redirect-to-credentials-url');
    expect(d.evidence).toContainEqual({ stage: 'redirect', header: 'Location', seen: 'https://u:p@cdn.example.net/x', ok: false });
  });
});

describe('diagnose: findings', () => {
  it('unexposed-response-header: "the page cannot read" a header present but not exposed', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), h('Vary', 'Origin'), h('X-Total-Count', '3'), h('ETag', '"1"'), h('Content-Type', 'application/json'), h('Date', 'x')) }] }));
    const f = d.findings.find((x) => x.id === 'unexposed-response-header');
    expect(f?.message).toContain('The page cannot read x-total-count and etag');
    expect(d.status).toBe('ok'); // info only
  });

  it('unexposed-response-header: not raised when ACEH lists it', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), h('Vary', 'Origin'), h('X-Total-Count', '3'), h('Access-Control-Expose-Headers', 'X-Total-Count')) }] }));
    expect(ids(d)).not.toContain('unexposed-response-header');
  });

  it('unexposed-response-header: ACEH * does not count with credentials', () => {
    const d = diagnose(ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Vary', 'Origin'), h('X-Total-Count', '3'), h('Access-Control-Expose-Headers', '*')) }] }));
    expect(d.findings.find((x) => x.id === 'unexposed-response-header')?.message).toContain('* does not count with credentials');
  });

  it('set-cookie-never-readable', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), h('Vary', 'Origin'), h('Set-Cookie', 'a=b')) }] }));
    expect(d.findings.find((x) => x.id === 'set-cookie-never-readable')?.message).toContain('ignored');
    const d2 = diagnose(ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Vary', 'Origin'), h('Set-Cookie', 'a=b')) }] }));
    expect(d2.findings.find((x) => x.id === 'set-cookie-never-readable')?.message).not.toContain('ignored');
  });

  it('dynamic-allow-origin-without-vary: an info note, the request stays ok', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(PAGE)) }] }));
    expect(d.status).toBe('ok');
    expect(d.findings.find((x) => x.id === 'dynamic-allow-origin-without-vary')?.severity).toBe('info');
    expect(ids(diagnose(ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), h('Vary', 'Accept-Encoding, Origin')) }] })))).not.toContain('dynamic-allow-origin-without-vary');
    expect(ids(diagnose(ex({ hops: [{ url: URL1, response: res(200, acao('*')) }] })))).not.toContain('dynamic-allow-origin-without-vary');
  });

  it('wildcard-subdomain-allow-origin: https://*.example.com', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200, acao('https://*.example.com')) }], outcome: FAILED }));
    expect(d.corsError).toBe('AllowOriginMismatch');
    expect(ids(d)).toContain('wildcard-subdomain-allow-origin');
  });

  it('list-allow-origin on the preflight answer', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(`${PAGE},https://b.example`))), outcome: FAILED }));
    expect(d.findings.find((x) => x.id === 'list-allow-origin')?.message).toContain('preflight answer');
  });

  it('max-age-above-cap: 86400 is capped to 7200 in Chromium', () => {
    const d = diagnose(ex({ method: 'PUT', preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Max-Age', '86400'))), hops: [{ url: URL1, response: res(200, acao(PAGE), h('Vary', 'Origin')) }] }));
    expect(d.findings.find((x) => x.id === 'max-age-above-cap')?.message).toContain('7200');
    expect(d.evidence).toContainEqual({ stage: 'preflight', header: 'Access-Control-Max-Age', seen: '86400', needed: 'at most 7200', ok: false });
    expect(d.status).toBe('ok');
  });

  it('max-age within the cap is plain evidence', () => {
    const d = diagnose(ex({ method: 'PUT', preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Max-Age', '600'))) }));
    expect(d.evidence).toContainEqual({ stage: 'preflight', header: 'Access-Control-Max-Age', seen: '600', ok: true });
  });

  it('error-response-without-cors: 500 without ACAO', () => {
    const d = diagnose(ex({ method: 'POST', hops: [{ url: URL1, response: res(500) }], outcome: FAILED }));
    expect(d.corsError).toBe('MissingAllowOriginHeader');
    expect(d.findings.find((x) => x.id === 'error-response-without-cors')?.message).toContain('500');
    expect(d.fixPlan?.actions.map((a) => a.id)).toContain('cors-headers-on-error-responses');
  });

  it('allow-credentials-not-lowercase-true', () => {
    const d = diagnose(ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE), h('Access-Control-Allow-Credentials', 'TRUE')) }], outcome: FAILED }));
    expect(ids(d)).toContain('allow-credentials-not-lowercase-true');
    expect(d.explanation.join(' ')).toContain('"TRUE"');
  });

  it('findings carry the table severity', async () => {
    const { FINDINGS } = await import('../../../src/engine/findings.ts');
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(500) }], outcome: FAILED }));
    for (const f of d.findings) expect(f.severity).toBe(FINDINGS[f.id as keyof typeof FINDINGS].severity);
  });
});

describe('diagnose: fix plans', () => {
  it('plans the exact page origin; * only for Origin: null after a cross-origin redirect, never with credentials', () => {
    for (const [, exchange] of CODES) {
      const d = diagnose(exchange);
      for (const plan of [d.fixPlan, ...(d.chainPlans ?? [])]) {
        const acao = plan?.headers.find((hd) => hd.name === 'Access-Control-Allow-Origin');
        if (acao?.value === '*') {
          expect(plan?.policy.allowCredentials).toBe(false);
          expect(plan?.actions.map((a) => a.id)).toContain('avoid-cross-origin-redirect');
        } else if (acao) {
          expect(acao.value).toBe(PAGE);
        }
        expect(plan?.policy.allowOrigins ?? []).not.toContain('*');
        expect(plan?.policy.allowOrigins ?? []).not.toContain('null');
      }
    }
  });

  it('preflight plan: methods, headers, max-age on the preflight; ACAO on preflight, actual and error', () => {
    const d = diagnose(ex({ method: 'PUT', requestHeaders: [h('X-Api-Key', 'k'), h('Content-Type', 'application/json')], hops: [{ url: URL1 }], preflight: preflight('PUT', ['content-type', 'x-api-key'], res(204, acao(PAGE))), outcome: FAILED }));
    expect(d.fixPlan).toMatchObject({
      targetOrigin: API,
      serverFixable: true,
      policy: { allowOrigins: [PAGE], allowCredentials: false, allowMethods: ['PUT'], allowHeaders: ['content-type', 'x-api-key'], exposeHeaders: [], maxAgeSeconds: 600 },
    });
    expect(d.fixPlan?.headers.map((x) => [x.name, x.value, x.on])).toEqual([
      ['Access-Control-Allow-Origin', PAGE, ['preflight', 'actual', 'error']],
      ['Access-Control-Allow-Methods', 'PUT', ['preflight']],
      ['Access-Control-Allow-Headers', 'content-type, x-api-key', ['preflight']],
      ['Access-Control-Max-Age', '600', ['preflight']],
      ['Vary', 'Origin', ['preflight', 'actual', 'error']],
    ]);
  });

  it('mode errors are not server-fixable', () => {
    for (const code of ['DisallowedByMode', 'NoCorsRedirectModeNotFollow', 'CorsDisabledScheme', 'InsecureLocalNetwork']) {
      const row = CODES.find(([, , w]) => w.corsError === code)!;
      expect(diagnose(row[1]).fixPlan?.serverFixable).toBe(false);
    }
  });
});

describe('diagnose: robustness', () => {
  it('malformed exchange (hops not an array, no outcome) does not throw', () => {
    const d = diagnose({ initiatorOrigin: PAGE, method: 'GET' } as unknown as Exchange);
    expect(d.status).toBe('warning');
  });

  it('exchange that makes a getter throw yields the fallback diagnosis', () => {
    const evil = ex();
    Object.defineProperty(evil, 'preflight', { get() { throw new Error('boom'); } });
    const d = diagnose(evil);
    expect(d.headline).toContain('could not read');
    expect(d.explanation[0]).toContain('boom');
  });

  it('reportedCorsError named __proto__ is not mistaken for a Local Network code (found by fast-check)', () => {
    const d = diagnose(ex({ reportedCorsError: { corsError: '__proto__' } }));
    expect(d.status).toBe('ok');
  });

  it('a reported non-LNA code is ignored: the verdict comes from headers', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(200) }], outcome: FAILED, reportedCorsError: { corsError: 'AllowOriginMismatch', failedParameter: 'x' } }));
    expect(d.corsError).toBe('MissingAllowOriginHeader');
  });

  it('non-Error throw is reported too', () => {
    const evil = ex();
    Object.defineProperty(evil, 'preflight', { get() { throw 'str'; } });
    expect(diagnose(evil).explanation[0]).toContain('str');
  });
});

describe('one preflight path', () => {
  // The same preflight answer must get the same verdict whether it guards the first URL or a
  // redirect target: same checks, same order (Chromium's), same parameter.
  const answer = res(204, acao(PAGE), h('Access-Control-Allow-Headers', 'x-unrelated'));
  const headerSets = [
    ['X-Zeta', 'X-Alpha'],
    ['X-Custom-Header', 'X-Other', 'X-A'],
    ['Accept-Language', 'X-Other', 'X-Custom-Header'],
    ['X-Api-Key', 'X-Request-Id', 'X-Trace', 'X-Amz-Date'],
  ];
  it.each(headerSets)('%s ... : first URL and redirect target agree', (...names: string[]) => {
    const requestHeaders = names.map((n) => h(n, n === 'Accept-Language' ? '{bad}' : '1'));
    const unsafe = names.map((n) => n.toLowerCase()).sort();
    const first = diagnose(ex({ requestHeaders, hops: [{ url: URL1 }], preflight: preflight('GET', unsafe, answer), outcome: FAILED }));
    const viaRedirect = diagnose(ex({
      requestHeaders,
      hops: [
        { url: `${PAGE}/go`, response: res(307, h('Location', URL1)) },
        { url: URL1, preflight: preflight('GET', unsafe, answer) },
      ],
      outcome: FAILED,
    }));
    expect(first.corsError).toBe('HeaderDisallowedByPreflightResponse');
    expect(viaRedirect.stage).toEqual({ kind: 'preflight', hop: 1 });
    expect([viaRedirect.corsError, viaRedirect.failedParameter]).toEqual([first.corsError, first.failedParameter]);
  });
  it('exercises a case where Chromium does not check the names alphabetically', () => {
    const params = headerSets.map((names) => {
      const unsafe = names.map((n) => n.toLowerCase()).sort();
      const requestHeaders = names.map((n) => h(n, n === 'Accept-Language' ? '{bad}' : '1'));
      return [unsafe[0], diagnose(ex({ requestHeaders, hops: [{ url: URL1 }], preflight: preflight('GET', unsafe, answer), outcome: FAILED })).failedParameter];
    });
    expect(params.some(([alphabetical, chromium]) => alphabetical !== chromium)).toBe(true);
  });
});
