/**
 * Engine rules found by the conformance lab (test/conformance): each was a disagreement with
 * Chromium 156 on a lab scenario, fixed in src/engine/diagnose.ts.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import { FAILED, PAGE, URL1, acao, ex, h, preflight, res } from './helpers.ts';

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

  it('names never safelisted fail before a safelisted name with a bad value (lab safelist-order-al-then-custom)', () => {
    const d = diagnose(ex({
      method: 'POST',
      requestHeaders: [h('Accept-Language', 'nn_NO'), h('X-Other', 'w')],
      preflight: preflight('POST', ['accept-language', 'x-other'], res(204, acao('*'))),
      hops: [{ url: URL1 }],
      outcome: FAILED,
    }));
    expect(d).toMatchObject({ status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-other' });
  });
});
