/** "What if the server answered...": the edited exchange judged by the engine. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { HttpHeader } from '../../../src/engine/types.ts';
import { editableAnswers, exchangeWithAnswers, headersAsText, parseHeaderText, whatIfDiagnosis } from '../../../src/panel/what-if.ts';
import { FAILED, PAGE, URL1, acao, ex, h, preflight, res } from '../engine/helpers.ts';

const denied = ex({
  method: 'PUT',
  credentials: 'unknown',
  requestHeaders: [h('X-Api-Key', 'k')],
  hops: [{ url: URL1 }],
  preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'))),
  outcome: FAILED,
});

describe('what if', () => {
  it('lists the answers that were seen, preflight first', () => {
    const redirected = ex({ hops: [{ url: URL1, response: res(302, h('Location', 'https://cdn.example.net/f')) }, { url: 'https://cdn.example.net/f', response: res(200) }] });
    expect(editableAnswers(redirected).map((a) => a.key)).toEqual(['r:0', 'r:1']);
    expect(editableAnswers(denied).map((a) => a.key)).toEqual(['pf:0']);
  });

  it('round-trips header lines and reports a line that is not "Name: value"', () => {
    const headers: HttpHeader[] = [h('Access-Control-Allow-Origin', PAGE), h('Vary', 'Origin')];
    expect(parseHeaderText(headersAsText(headers)).headers).toEqual(headers);
    const p = parseHeaderText('Access-Control-Allow-Origin: *\nnot a header\n\n: nameless');
    expect(p.headers).toEqual([h('Access-Control-Allow-Origin', '*')]);
    expect(p.errors).toHaveLength(2);
    expect(p.errors[0]).toContain('Line 2');
  });

  it('the preflight edited to allow the header: the verdict passes; removing Allow-Origin: blocked again', () => {
    const real = diagnose(denied);
    expect(real.corsError).toBe('HeaderDisallowedByPreflightResponse');
    const allow = new Map([['pf:0', [acao(PAGE), h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Allow-Headers', 'X-Api-Key')]]]);
    expect(whatIfDiagnosis(denied, allow, real).status).not.toBe('blocked');
    const none = new Map([['pf:0', [h('Access-Control-Allow-Methods', 'PUT')]]]);
    expect(whatIfDiagnosis(denied, none, real).corsError).toBe('PreflightMissingAllowOriginHeader');
  });

  it('keeps the real credentials mode: * fails for a request that carried cookies', () => {
    const cred = ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao(PAGE)) }], outcome: FAILED });
    const real = diagnose(cred);
    expect(real.corsError).toBe('InvalidAllowCredentials');
    const star = new Map([['r:0', [acao('*')]]]);
    expect(whatIfDiagnosis(cred, star, real).corsError).toBe('WildcardOriginNotAllowed');
  });

  it('edits only the answers named', () => {
    const edited = exchangeWithAnswers(denied, new Map([['r:0', [acao('*')]]]));
    expect(edited.preflight).toEqual(denied.preflight);
  });
});
