/**
 * Fix plans per server of the chain, never narrower than the server's own answer. What each plan
 * must contain is written here from the Fetch standard's checks (the lab proves the plans in
 * Chromium: test/conformance/plans.ts).
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { Diagnosis, FixPlan } from '../../../src/engine/types.ts';
import { API, FAILED, PAGE, URL1, acao, ex, h, preflight, res } from './helpers.ts';

const API2 = 'https://files.example.net';
const actionIds = (p: FixPlan | undefined) => p?.actions.map((a) => a.id) ?? [];
const headerOf = (p: FixPlan | undefined, name: string) => p?.headers.find((x) => x.name === name);
const planFor = (d: Diagnosis, origin: string) => [d.fixPlan, ...(d.chainPlans ?? [])].find((p) => p?.targetOrigin === origin);

describe('plans keep what the server already does right', () => {
  it('a credentialed DELETE stopped by its preflight keeps Allow-Credentials and the methods the server listed', () => {
    // The preflight never shows the credentials mode (it carries no cookies): unknown.
    const d = diagnose(ex({
      method: 'DELETE',
      credentials: 'unknown',
      hops: [{ url: URL1 }],
      preflight: preflight('DELETE', [], res(204, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Access-Control-Allow-Methods', 'delete'))),
      outcome: FAILED,
    }));
    expect(d.corsError).toBe('MethodDisallowedByPreflightResponse');
    expect(d.fixPlan?.policy.allowCredentials).toBe(true);
    expect(d.fixPlan?.policy.credentialsBasis).toBe('kept');
    expect(d.fixPlan?.policy.allowMethods).toEqual(['DELETE', 'delete']);
    expect(headerOf(d.fixPlan, 'Access-Control-Allow-Credentials')?.on).toEqual(['preflight', 'actual', 'error']);
  });

  it('keeps the request headers and exposed headers the server allowed', () => {
    const d = diagnose(ex({
      method: 'PUT',
      requestHeaders: [h('X-Api-Key', 'k')],
      hops: [{ url: URL1 }],
      preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Allow-Headers', 'X-Trace'))),
      outcome: FAILED,
    }));
    expect(d.corsError).toBe('HeaderDisallowedByPreflightResponse');
    expect(d.fixPlan?.policy.allowHeaders).toEqual(['x-api-key', 'x-trace']);
    const passed = diagnose(ex({ hops: [{ url: URL1, response: res(500, h('Access-Control-Expose-Headers', 'ETag')) }], outcome: FAILED }));
    expect(passed.fixPlan?.policy.exposeHeaders).toEqual(['ETag']);
  });
});

describe('plans for an unknown credentials mode', () => {
  it('allow credentials for the exact origin, and say why', () => {
    const d = diagnose(ex({ credentials: 'unknown', hops: [{ url: URL1, response: res(200) }], outcome: FAILED }));
    expect(d.corsError).toBe('MissingAllowOriginHeader');
    expect(headerOf(d.fixPlan, 'Access-Control-Allow-Origin')?.value).toBe(PAGE);
    expect(d.fixPlan?.policy.credentialsBasis).toBe('unknown');
    expect(headerOf(d.fixPlan, 'Access-Control-Allow-Credentials')?.why).toContain('cannot tell');
  });

  it('do not when the mode is known to be without credentials', () => {
    const d = diagnose(ex({ credentials: 'omit', hops: [{ url: URL1, response: res(200) }], outcome: FAILED }));
    expect(d.fixPlan?.policy.allowCredentials).toBe(false);
    expect(headerOf(d.fixPlan, 'Access-Control-Allow-Credentials')).toBeUndefined();
  });

  it('do not for a request that passed without Allow-Credentials (it carried none)', () => {
    const d = diagnose(ex({ credentials: 'unknown', hops: [{ url: URL1, response: res(200, acao(PAGE), h('X-Request-Id', 'r1')) }] }));
    expect(d.status).toBe('ok');
    expect(d.fixPlan?.policy.allowCredentials).toBe(false);
    // The header the page cannot read is planned as exposed (it matters only if the page reads it).
    expect(d.fixPlan?.policy.exposeHeaders).toEqual(['x-request-id']);
    expect(headerOf(d.fixPlan, 'Access-Control-Expose-Headers')?.why).toContain('only for those it reads');
  });
});

describe('plans for every server of a redirect chain', () => {
  const redirected = (credentials: 'unknown' | 'include') => ex({
    credentials,
    hops: [
      { url: URL1, response: res(302, acao(PAGE), ...(credentials === 'include' ? [h('Access-Control-Allow-Credentials', 'true')] : []), h('Location', `${API2}/f`)) },
      { url: `${API2}/f`, requestHeaders: credentials === 'include' ? [h('Cookie', 'a=1')] : [], response: res(200) },
    ],
    outcome: FAILED,
  });

  it('a server reached after a cross-origin redirect (Origin: null) gets *, never null, and the first server its own plan', () => {
    const d = diagnose(redirected('unknown'));
    expect(d.corsError).toBe('MissingAllowOriginHeader');
    const target = planFor(d, API2);
    expect(d.fixPlan?.targetOrigin).toBe(API2);
    expect(headerOf(target, 'Access-Control-Allow-Origin')?.value).toBe('*');
    expect(target?.policy.allowCredentials).toBe(false);
    expect(actionIds(target)).toContain('avoid-cross-origin-redirect');
    // The redirect response is CORS-checked too: the first server keeps allowing the page.
    expect(headerOf(planFor(d, API), 'Access-Control-Allow-Origin')?.value).toBe(PAGE);
  });

  it('with credentials, no header can allow Origin: null: the redirect must go', () => {
    const d = diagnose(redirected('include'));
    const target = planFor(d, API2);
    expect(actionIds(target)).toContain('no-credentials-across-redirects');
    expect(target?.headers.some((x) => x.value === '*' || x.value === 'null')).toBe(false);
  });

  it('a redirect the browser will refuse (user:pass@) is an action on the server that sends it', () => {
    const d = diagnose(ex({
      hops: [{ url: URL1, response: res(302, acao('https://other.example'), h('Location', `https://user:pw@files.example.net/f`)) }],
      outcome: FAILED,
    }));
    expect(d.corsError).toBe('AllowOriginMismatch');
    expect(actionIds(d.fixPlan)).toContain('do-not-redirect-to-credentials-url');
  });

  it('a same-origin first hop redirected away: the target is preflighted, the plan names its method and headers', () => {
    const d = diagnose(ex({
      method: 'PUT',
      credentials: 'omit',
      requestHeaders: [h('X-Api-Key', 'k')],
      hops: [
        { url: `${PAGE}/upload`, requestHeaders: [h('X-Api-Key', 'k')], response: res(307, h('Location', URL1)) },
        { url: URL1, preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'))) },
      ],
      outcome: FAILED,
    }));
    expect(d.corsError).toBe('HeaderDisallowedByPreflightResponse');
    expect(d.fixPlan?.targetOrigin).toBe(API);
    expect(d.fixPlan?.policy).toMatchObject({ allowOrigins: [PAGE], allowMethods: ['PUT'], allowHeaders: ['x-api-key'] });
    // The page's own origin checks nothing: no plan for it.
    expect(planFor(d, PAGE)).toBeUndefined();
  });
});

describe('methods fetch does not upper-case', () => {
  it('"patch" is sent as written: the page should write PATCH; the plan allows both spellings', () => {
    const d = diagnose(ex({
      method: 'patch',
      hops: [{ url: URL1 }],
      preflight: preflight('patch', [], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PATCH'))),
      outcome: FAILED,
    }));
    expect(d.corsError).toBe('MethodDisallowedByPreflightResponse');
    expect(actionIds(d.fixPlan)).toContain('upper-case-method');
    expect(d.fixPlan?.policy.allowMethods).toEqual(['patch', 'PATCH']);
  });

  it('"put" is normalized by fetch: no action', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE))), outcome: FAILED }));
    expect(actionIds(d.fixPlan)).not.toContain('upper-case-method');
  });
});
