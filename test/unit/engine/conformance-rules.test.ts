/**
 * Engine rules found by the conformance lab (test/conformance): each was a disagreement with
 * Chromium 156 on a lab scenario, fixed in the engine (src/engine/replay.ts and diagnose.ts).
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { API, FAILED, PAGE, URL1, acao, ex, h, preflight, res } from './helpers.ts';

describe('conformance rules', () => {
  it('304 to a request that was not conditional is CORS-checked (lab status-304-bare)', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, requestHeaders: [h('Origin', PAGE)], response: res(304) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'MissingAllowOriginHeader' });
  });

  it('304 cache revalidation with a wrong ACAO fails: the 304 updates the stored headers (lab http-cache-304-wrong-acao)', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, requestHeaders: [h('If-None-Match', '"v1"')], response: res(304, acao('https://other.example')) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'AllowOriginMismatch', failedParameter: 'https://other.example' });
  });

  it('304 to If-None-Match set by the page (listed in the preflight ACRH) is checked (lab if-none-match-by-page-no-acao)', () => {
    const d = diagnose(ex({
      requestHeaders: [h('If-None-Match', '"v1"')],
      preflight: preflight('GET', ['if-none-match'], res(204, acao(PAGE), h('Access-Control-Allow-Headers', 'if-none-match'))),
      hops: [{ url: URL1, requestHeaders: [h('If-None-Match', '"v1"'), h('Origin', PAGE)], response: res(304) }],
      outcome: FAILED,
    }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'MissingAllowOriginHeader' });
  });

  it('a redirect the browser refused to follow: the target comes from Location (lab fetch-redirect-credentials-url)', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'https://user:pass@cdn.example.net/x')) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'RedirectContainsCredentials' });
  });

  it('a Cookie sent to the page origin before a redirect to storage does not prove credentials there (lab so-redirect-star)', () => {
    const download = `${PAGE}/download/123`;
    const storage = 'https://storage.example.net/f?sig=1';
    const d = diagnose(ex({ credentials: 'unknown',
      requestHeaders: [h('Cookie', 'session=1')],
      hops: [
        { url: download, requestHeaders: [h('Cookie', 'session=1')], response: res(302, h('Location', storage)) },
        { url: storage, requestHeaders: [h('Origin', PAGE)], response: res(200, acao('*')) },
      ] }));
    expect(d.status).toBe('ok');
    // The same Cookie on the storage hop does prove it: `*` then fails.
    const withCookie = diagnose(ex({ credentials: 'unknown',
      hops: [
        { url: download, requestHeaders: [h('Cookie', 'session=1')], response: res(302, h('Location', storage)) },
        { url: storage, requestHeaders: [h('Origin', PAGE), h('Cookie', 'k=1')], response: res(200, acao('*')) },
      ],
      outcome: FAILED }));
    expect(withCookie).toMatchObject({ status: 'blocked', corsError: 'WildcardOriginNotAllowed' });
  });

  it('credentials in a Location: refused once the request was cross-origin, even back to the page origin (lab userinfo-cross-back-to-app)', () => {
    const back = `${PAGE.replace('https://', 'https://u:p@')}/cb`;
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', back)) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'RedirectContainsCredentials', stage: { kind: 'redirect', hop: 0 } });
  });

  it('credentials in a cross-origin Location of a same-origin first hop are refused (lab userinfo-so-to-cross)', () => {
    const d = diagnose(ex({ hops: [{ url: `${PAGE}/go`, response: res(302, h('Location', 'https://u:p@storage.example.net/f')) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'RedirectContainsCredentials' });
  });

  it('Cache-Control / Pragma no-cache without any OPTIONS are the browser\'s (fetch cache modes, EventSource): no preflight assumed (lab browser-cache-*)', () => {
    const d = diagnose(ex({ requestHeaders: [h('Cache-Control', 'no-cache'), h('Pragma', 'no-cache')], hops: [{ url: URL1, response: res(200) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'MissingAllowOriginHeader', stage: { kind: 'actual' } });
    expect(d.assumptions.join(' ')).not.toMatch(/cache/i);
    // Any other value is the page's: it needs a preflight, which was not seen.
    const pageSet = diagnose(ex({ requestHeaders: [h('Cache-Control', 'max-age=60')], hops: [{ url: URL1 }], outcome: FAILED }));
    expect(pageSet.stage).toEqual({ kind: 'preflight' });
  });

  it('a 303 turns a PUT into a GET: the target\'s preflight is checked for GET (lab redirect-303-put-becomes-get)', () => {
    const target = `${API}/v1/moved`;
    const hopPreflight = { ...preflight('GET', ['x-custom-header'], res(204, acao(PAGE)), target) };
    const d = diagnose(ex({ credentials: 'unknown', method: 'PUT', requestHeaders: [h('X-Custom-Header', 'v')],
      hops: [{ url: `${PAGE}/put`, response: res(303, h('Location', target)) }, { url: target, preflight: hopPreflight }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-custom-header' });
  });

  it('after a same-origin hop went out, the header order is the one of the renderer\'s map, without what the network added (lab redirect-order-*)', () => {
    const target = `${API}/v1/moved`;
    // The wire headers of lab redirect-order-after-same-origin-hop (names as Chromium 156 sent them).
    const sent = ['Accept: */*', 'Accept-Encoding: gzip', 'Accept-Language: nn_NO', 'Connection: keep-alive', 'Cookie: a=1', 'Host: app.example.com',
      `Referer: ${PAGE}/`, 'Sec-Fetch-Dest: empty', 'Sec-Fetch-Mode: cors', 'Sec-Fetch-Site: same-origin', 'User-Agent: UA', 'X-Other: w',
      'sec-ch-ua: "x"', 'sec-ch-ua-mobile: ?0', 'sec-ch-ua-platform: "Linux"']
      .map((line) => h(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)));
    const d = diagnose(ex({ credentials: 'unknown', requestHeaders: sent,
      hops: [{ url: `${PAGE}/get`, requestHeaders: sent, response: res(301, h('Location', target)) },
        { url: target, preflight: preflight('GET', ['accept-language', 'x-other'], res(200, acao(PAGE)), target) }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-other' });
  });

  it('a preflight that ended with net::ERR_INVALID_REDIRECT and no recorded response was redirected (DevTools, lab preflight-status-30x)', () => {
    const redirected = { ...preflight('PUT', []), error: 'net::ERR_INVALID_REDIRECT' };
    const d = diagnose(ex({ credentials: 'unknown', method: 'PUT', preflight: redirected, hops: [{ url: URL1 }], outcome: FAILED }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'PreflightDisallowedRedirect', stage: { kind: 'preflight' } });
    // Another error without a response is a network error, not a CORS code.
    const reset = diagnose(ex({ credentials: 'unknown', method: 'PUT', preflight: preflight('PUT', []), hops: [{ url: URL1 }], outcome: FAILED }));
    expect(reset.corsError).toBeUndefined();
    expect(reset.status).not.toBe('blocked');
  });

  it('unknown credentials: a passing preflight cannot explain an actual request that got no response (lab preflight-cred-acac-absent)', () => {
    const d = diagnose(ex({ credentials: 'unknown',
      method: 'PUT',
      preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'))),
      hops: [{ url: URL1 }],
      outcome: FAILED,
    }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'PreflightInvalidAllowCredentials', credentialsAssumed: 'include' });
  });

  it('unknown credentials and a non-CORS error (ERR_UNSAFE_REDIRECT) are not explained by credentials (lab redirect-to-data)', () => {
    const d = diagnose(ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', 'data:text/plain,hi')) }], outcome: { kind: 'failed', error: 'net::ERR_UNSAFE_REDIRECT' } }));
    expect(d.corsError).toBeUndefined();
  });

  // Provisional request headers exactly as CDP listed them in the lab (Blink's header-map order).
  const provisional = (...names: string[]) => names.map((n) => (n === 'Accept-Language' ? h(n, 'nn_NO') : n === 'Content-Type' ? h(n, 'text/plain;charset=UTF-8') : h(n, 'v')));
  const failing = (requestHeaders: ReturnType<typeof h>[], acrh: string[]) => diagnose(ex({
    method: 'POST',
    requestHeaders,
    preflight: preflight('POST', acrh, res(204, acao(PAGE))),
    hops: [{ url: URL1 }],
    outcome: FAILED,
  }));

  it('several headers fail: Chromium names the first in Blink header-map order, not page order (lab order-o-then-c)', () => {
    const d = failing(provisional('sec-ch-ua-platform', 'Referer', 'sec-ch-ua', 'X-Custom-Header', 'sec-ch-ua-mobile', 'X-Other', 'User-Agent', 'Content-Type'), ['x-custom-header', 'x-other']);
    expect(d).toMatchObject({ status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-other' });
  });

  it('several headers fail: a safelisted name with a bad value is checked in map order too (lab safelist-order-al-then-custom)', () => {
    const d = failing(provisional('sec-ch-ua-platform', 'Referer', 'Accept-Language', 'sec-ch-ua', 'sec-ch-ua-mobile', 'X-Other', 'User-Agent', 'Content-Type'), ['accept-language', 'x-other']);
    expect(d).toMatchObject({ status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-other' });
  });

  it('several headers fail: Authorization is not checked first (lab order-o-then-au, fuzz-7-901)', () => {
    const d = failing(provisional('sec-ch-ua-platform', 'Authorization', 'Referer', 'sec-ch-ua', 'sec-ch-ua-mobile', 'X-Other', 'User-Agent', 'Content-Type'), ['authorization', 'x-other']);
    expect(d.failedParameter).toBe('x-other');
  });

  it('several headers fail: content-type can come first (lab order-ct-then-c, fuzz-7-162)', () => {
    const d = failing([h('sec-ch-ua-platform', '"Linux"'), h('Referer', PAGE), h('User-Agent', 'x'), h('sec-ch-ua', 'x'), h('Content-Type', 'application/json'), h('X-Custom-Header', 'v'), h('sec-ch-ua-mobile', '?0')], ['content-type', 'x-custom-header']);
    expect(d.failedParameter).toBe('content-type');
  });

  it('one failing header: the order does not matter', () => {
    const d = diagnose(ex({
      method: 'POST',
      requestHeaders: provisional('X-Other', 'X-Custom-Header'),
      preflight: preflight('POST', ['x-custom-header', 'x-other'], res(204, acao(PAGE), h('Access-Control-Allow-Headers', 'x-other'))),
      hops: [{ url: URL1 }],
      outcome: FAILED,
    }));
    expect(d.failedParameter).toBe('x-custom-header');
  });

  it('over 1024 bytes of safelisted values: unsafe values are checked before the safelisted names (lab order-1024)', () => {
    const big = [h('Accept', 'text/' + 'a'.repeat(123)), h('Accept-Language', 'a'.repeat(128)), h('Content-Language', 'a'.repeat(128)), h('Width', '0'.repeat(128)),
      h('DPR', '1.' + '0'.repeat(126)), h('Downlink', '1.' + '0'.repeat(126)), h('Viewport-Width', '0'.repeat(128)), h('Device-Memory', '1.' + '0'.repeat(126)), h('X-Zz', 'v')];
    const d = failing(big, ['accept', 'accept-language', 'content-language', 'device-memory', 'downlink', 'dpr', 'viewport-width', 'width', 'x-zz']);
    expect(d.failedParameter).toBe('x-zz');
  });

  it('the preflight of a redirect target is checked with Origin null after a cross-origin redirect (lab redirect-after-preflight-second-denied)', () => {
    const URL2 = 'https://cdn.example.net/x';
    const second = (allow: string) => ({ ...preflight('PUT', [], res(204, acao(allow), h('Access-Control-Allow-Methods', 'PUT'))), url: URL2 });
    const run = (allow: string, outcome: Exchange['outcome'] = FAILED) => diagnose(ex({
      method: 'PUT',
      preflight: preflight('PUT', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'))),
      hops: [{ url: URL1, response: res(307, acao(PAGE), h('Location', URL2)) }, { url: URL2, preflight: second(allow) }],
      outcome,
    }));
    expect(run(PAGE)).toMatchObject({ status: 'blocked', corsError: 'PreflightAllowOriginMismatch', failedParameter: PAGE, stage: { kind: 'preflight', hop: 1 } });
    expect(run('null', { kind: 'completed' }).corsError).toBeUndefined();
  });
});
