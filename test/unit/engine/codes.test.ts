/**
 * The catalogue of CORS codes is complete and consistent: one entry per Chromium code, twins in
 * pairs, headline templates with known placeholders only, and lookups safe on hostile strings.
 */
import { describe, expect, it } from 'vitest';
import {
  causeOf,
  codeInfo,
  CORS_CODES,
  HEADLINE_PLACEHOLDERS,
  headlineOf,
  labelOf,
  templatePlaceholders,
  type HeadlineValues,
} from '../../../src/engine/codes.ts';
import { headlineFor, type TextArgs } from '../../../src/engine/prose.ts';
import type { Ctx, Trace } from '../../../src/engine/replay.ts';
import { CORS_ERROR_CODES, type CorsErrorCode, type Stage } from '../../../src/engine/types.ts';

const codes = Object.keys(CORS_CODES) as CorsErrorCode[];

describe('CORS_CODES', () => {
  it('has exactly one entry per Chromium code', () => {
    expect([...codes].sort()).toEqual([...CORS_ERROR_CODES].sort());
  });

  it('pairs each Preflight* code with the same check on the response, both ways', () => {
    for (const code of codes) {
      const twin = CORS_CODES[code].twin;
      if (!twin) continue;
      expect(CORS_CODES[twin].twin, `${twin} points back to ${code}`).toBe(code);
      const [preflight, response] = code.startsWith('Preflight') ? [code, twin] : [twin, code];
      expect(preflight).toBe(`Preflight${response}`);
      // The same failure has the same Firefox name and the same sentence on either stage.
      expect(CORS_CODES[code].firefox).toBe(CORS_CODES[twin].firefox);
      expect(CORS_CODES[code].headline).toBe(CORS_CODES[twin].headline);
    }
    // Every Preflight<X> whose X is a code is a twin.
    for (const code of codes) {
      const response = code.replace(/^Preflight/, '');
      if (code.startsWith('Preflight') && (CORS_ERROR_CODES as readonly string[]).includes(response)) expect(CORS_CODES[code].twin).toBe(response);
    }
  });

  it('uses only known placeholders, and every placeholder is used somewhere', () => {
    const used = new Set<string>();
    for (const code of codes) {
      for (const name of templatePlaceholders(code)) {
        expect(Object.keys(HEADLINE_PLACEHOLDERS), `${code}: {${name}}`).toContain(name);
        used.add(name);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(HEADLINE_PLACEHOLDERS).sort());
  });

  it('gives every code a distinct label, and a cause with and without a parameter', () => {
    const labels = codes.map((c) => CORS_CODES[c].label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const code of codes) {
      expect(CORS_CODES[code].label.length).toBeGreaterThan(0);
      expect(CORS_CODES[code].cause('').length).toBeGreaterThan(0);
      expect(CORS_CODES[code].cause('X-Thing').length).toBeGreaterThan(0);
      expect(CORS_CODES[code].headline.endsWith('.') || CORS_CODES[code].headline.endsWith('{tail}')).toBe(true);
    }
  });
});

describe('lookups', () => {
  it('shows the parameter after the label only where the label says so', () => {
    expect(labelOf('MethodDisallowedByPreflightResponse', 'PUT')).toBe('Method not allowed: PUT');
    expect(labelOf('MethodDisallowedByPreflightResponse', '')).toBe('Method not allowed');
    expect(labelOf('AllowOriginMismatch', 'https://a.example')).toBe('ACAO names another origin');
  });

  it('treats strings that are not codes, even Object.prototype names, as unknown', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'NotACode']) {
      expect(codeInfo(name)).toBeUndefined();
      expect(labelOf(name, 'p')).toBe(name);
      expect(causeOf(name, 'p')).toBe(name);
    }
  });

  it('fills a headline, capitalising {Where}', () => {
    const values: HeadlineValues = {
      where: 'the response from https://api.example',
      tail: ', so the browser hid the response from the page.',
      status: '200',
      param: '',
      credentialsValue: '',
      originSent: 'https://app.example',
      page: 'https://app.example',
      target: 'https://api.example',
      requestTarget: 'https://api.example',
      scheme: 'https',
      redirectMode: 'follow',
      preflightAnswer: '',
      never: '',
      method: 'GET',
      withHeaders: '',
      allowed: '',
    };
    expect(headlineOf('MissingAllowOriginHeader', values)).toBe(
      'The response from https://api.example (HTTP 200) has no Access-Control-Allow-Origin header, so the browser hid the response from the page.',
    );
    expect(headlineOf('InvalidResponse', values)).toBe('The response from https://api.example failed the CORS check (InvalidResponse).');
    // Values are text: no replacement patterns, no second pass over what was inserted.
    expect(headlineOf('AllowOriginMismatch', { ...values, param: '$& $1 {page}' })).toBe(
      'The response from https://api.example allows the origin $& $1 {page}, but the request came from https://app.example, so the browser hid the response from the page.',
    );
  });
});

describe('headlineFor (prose.ts)', () => {
  // The worker's headline computes only the placeholders a template uses, and writes {Where} and
  // {PreflightAnswer} capitalised itself: it must say what filling every value eagerly says.
  const T = 'https://api.example';
  const args = (stage: Stage['kind']): TextArgs => ({
    P: 'https://app.example',
    T,
    method: 'PUT',
    withHeaders: ' with the header x-api-key',
    status: 204,
    cred: 'include',
    preflightAnswer: `the preflight (OPTIONS) answer from ${T}`,
    never: 'so the browser never sent the PUT',
    t: {
      stage: stage === 'redirect' ? { kind: 'redirect', hop: 0 } : { kind: stage },
      originSent: 'null',
      preflightResult: { methods: ['GET'], headers: ['content-type'], maxAgeHeader: null },
    } as Trace,
    ctx: { target: { origin: 'https://target.example', scheme: 'https' }, ex: { redirect: 'manual' } } as unknown as Ctx,
    names: ['x-api-key'],
  });
  const eager = (code: CorsErrorCode, a: TextArgs): string => {
    const stage = a.t.stage.kind;
    return headlineOf(code, {
      where: stage === 'preflight' ? a.preflightAnswer : stage === 'redirect' ? `the redirect from ${a.T}` : `the response from ${a.T}`,
      tail: stage === 'preflight' ? `, ${a.never}.` : ', so the browser hid the response from the page.',
      status: String(a.status),
      param: PARAM,
      credentialsValue: PARAM,
      originSent: a.t.originSent,
      page: a.P,
      target: a.T,
      requestTarget: a.ctx.target.origin,
      scheme: a.ctx.target.scheme,
      redirectMode: a.ctx.ex.redirect,
      preflightAnswer: a.preflightAnswer,
      never: a.never,
      method: a.method,
      withHeaders: a.withHeaders,
      allowed: 'only GET and the headers content-type',
    });
  };
  const PARAM = 'https://other.example';

  for (const stage of ['preflight', 'redirect', 'actual'] as const) {
    it(`says what the eager fill says for every code, at a ${stage} stage`, () => {
      for (const code of codes) {
        const a = args(stage);
        expect(headlineFor({ code, param: PARAM }, a), code).toBe(eager(code, a));
      }
    });
  }
});
