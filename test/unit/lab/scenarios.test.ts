import { describe, expect, it } from 'vitest';
import { CORS_ERROR_CODES } from '../../../src/engine/types.ts';
import {
  ALL_SCENARIOS,
  IFRAME_SCENARIOS,
  PLACEHOLDERS,
  SCENARIOS,
  TARGETS,
  applyPlaceholders,
  frameUrl,
  placeholdersIn,
  resolvedExpect,
  scenarioUrl,
  templatedStrings,
} from '../../../test/lab/scenarios.ts';

const origins = { app: 'http://127.0.0.1:1000', api1: 'http://127.0.0.1:1001', api2: 'http://127.0.0.1:1002' };

describe('lab scenario table', () => {
  it('has unique, URL-safe ids', () => {
    const ids = ALL_SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });

  it('uses only known placeholders', () => {
    for (const s of ALL_SCENARIOS) {
      for (const text of templatedStrings(s)) {
        for (const p of placeholdersIn(text)) expect(PLACEHOLDERS, `${s.id}: {${p}}`).toContain(p);
      }
    }
  });

  it('uses only known targets and CORS error codes', () => {
    for (const s of ALL_SCENARIOS) {
      expect(TARGETS).toContain(s.request.target);
      for (const h of s.redirects ?? []) expect(TARGETS).toContain(h.to.target);
      if ('corsError' in s.expect) expect(CORS_ERROR_CODES).toContain(s.expect.corsError);
    }
  });

  it('gives every failing scenario an ok control in the same group', () => {
    const controls = new Map<string, number>();
    for (const s of ALL_SCENARIOS) if (s.control) controls.set(s.group, (controls.get(s.group) ?? 0) + 1);
    for (const s of ALL_SCENARIOS) {
      if (s.control) expect(s.expect, `${s.id} is a control`).toEqual({ ok: true });
      else expect(controls.get(s.group) ?? 0, `${s.id} (group ${s.group}) has no control`).toBeGreaterThan(0);
    }
  });

  it('covers fetch and XHR, and the starting causes', () => {
    const kinds = new Set(SCENARIOS.map((s) => s.request.kind));
    expect(kinds.has('fetch') && kinds.has('xhr')).toBe(true);
    const codes = new Set(SCENARIOS.flatMap((s) => ('corsError' in s.expect ? [s.expect.corsError] : [])));
    for (const c of [
      'MissingAllowOriginHeader',
      'AllowOriginMismatch',
      'WildcardOriginNotAllowed',
      'InvalidAllowCredentials',
      'PreflightInvalidStatus',
      'PreflightMissingAllowOriginHeader',
      'HeaderDisallowedByPreflightResponse',
      'MethodDisallowedByPreflightResponse',
    ] as const) {
      expect(codes.has(c), c).toBe(true);
    }
  });

  it('does not set request options that a request kind ignores', () => {
    for (const s of ALL_SCENARIOS) {
      if (s.request.kind === 'xhr') {
        expect(s.request.mode, s.id).toBeUndefined();
        expect(s.request.redirect, s.id).toBeUndefined();
      }
      if (s.request.kind !== 'iframe-fetch') expect(s.request.frame, s.id).toBeUndefined();
    }
  });

  it('runs iframe scenarios in a same-origin and in a cross-site iframe, passing and failing, preflighted and not', () => {
    const cases = new Set(
      IFRAME_SCENARIOS.map((s) => `${s.request.frame ?? 'same-origin'} ${s.preflight ? 'preflight' : 'simple'} ${'ok' in s.expect ? 'ok' : 'fails'}`),
    );
    expect(cases.size).toBe(8);
    for (const s of IFRAME_SCENARIOS) expect(s.request.kind, s.id).toBe('iframe-fetch');
  });
});

describe('placeholders', () => {
  it('resolves origins, hosts and ids', () => {
    expect(applyPlaceholders('{origin}|{app}|{api1}|{api2}|{host2}|{id}|{self}', origins, { id: 'x', self: 'api1' })).toBe(
      'http://127.0.0.1:1000|http://127.0.0.1:1000|http://127.0.0.1:1001|http://127.0.0.1:1002|127.0.0.1:1002|x|http://127.0.0.1:1001',
    );
    expect(applyPlaceholders('{nope}', origins)).toBe('{nope}');
    expect(placeholdersIn('a {origin} b {x y}')).toEqual(['origin', 'x y']);
  });

  it('builds scenario URLs and resolves expectations', () => {
    const s = SCENARIOS.find((x) => x.id === 'fetch-get-acao-trailing-slash');
    expect(s).toBeDefined();
    if (!s) return;
    expect(scenarioUrl(s, origins)).toBe('http://127.0.0.1:1001/s/fetch-get-acao-trailing-slash/');
    expect(resolvedExpect(s, origins)).toEqual({ corsError: 'AllowOriginMismatch', failedParameter: 'http://127.0.0.1:1000/' });
  });

  it('puts the cross-site iframe on the app port under another host name', () => {
    expect(applyPlaceholders('{crosssite}', origins)).toBe('http://localhost:1000');
    const url = (id: string) => frameUrl(IFRAME_SCENARIOS.find((s) => s.id === id)!, origins);
    expect(url('iframe-acao-ok')).toBe('http://127.0.0.1:1000/frame.html');
    expect(url('cross-site-iframe-acao-ok')).toBe('http://localhost:1000/frame.html');
    expect(frameUrl(SCENARIOS[0]!, origins)).toBeUndefined();
  });
});
