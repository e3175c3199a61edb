import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixPlan } from '../../../src/engine/types.ts';
import { STACKS, generateSnippet } from '../../../src/snippets/index.ts';
import { isSerializedOrigin, isToken, preparePolicy } from '../../../src/snippets/prepare.ts';

const HOSTILE = [
  '*',
  'null',
  'https://app.example.com/',
  'https://evil.example"; add_header X-Evil 1; #',
  "https://evil.example'); drop();//",
  'https://evil.example\nHeader set X-Evil 1',
  'https://${EVIL}.example',
  'https://#{evil}.example',
  'https://a.example}\n}\nserver {',
  'https://a.example:99999',
  'https://*.example.com',
  'HTTPS://APP.EXAMPLE.COM',
];
const HOSTILE_TOKENS = ['x-ok', 'x"evil', "x'evil", 'x\nevil', 'x}evil', 'x;evil', 'x$evil', 'x#{evil}', 'x${evil}', 'x evil', 'x%{evil}e', ''];

function plan(origins: string[], tokens: string[], credentials = true): FixPlan {
  return {
    targetOrigin: 'https://api.example.com"; evil',
    policy: { allowOrigins: origins, allowCredentials: credentials, allowMethods: tokens, allowHeaders: tokens, exposeHeaders: tokens, maxAgeSeconds: 600 },
    headers: [],
    actions: [{ id: 'single-allow-origin-value', text: 'x' }],
    serverFixable: true,
  };
}

describe('prepare', () => {
  it('keeps serialized origins only', () => {
    expect(HOSTILE.filter(isSerializedOrigin)).toEqual([]);
    for (const o of ['https://app.example.com', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'chrome-extension://abcdefghijklmnop']) {
      expect(isSerializedOrigin(o), o).toBe(true);
    }
  });
  it('keeps HTTP tokens only, without $ % and backtick', () => {
    expect(HOSTILE_TOKENS.filter(isToken)).toEqual(['x-ok', "x'evil"]);
  });
  it('reports what it skipped, with the value as it came', () => {
    const p = preparePolicy(plan(HOSTILE, HOSTILE_TOKENS));
    expect(p.origins).toEqual([]);
    expect(p.rejected.length).toBe(HOSTILE.length + 3 * (HOSTILE_TOKENS.length - 2));
    expect(p.rejected.filter((r) => r.what === 'origin').map((r) => r.value)).toEqual(HOSTILE);
  });
});

describe.each(STACKS.map((s) => [s.id] as const))('hostile plan for %s', (id) => {
  it('never emits a hostile value, never a wildcard with credentials', () => {
    const s = generateSnippet(id, plan(['https://app.example.com', ...HOSTILE], HOSTILE_TOKENS));
    expect(s.code).toMatch(/^[\t\n\x20-\x7e]*$/);
    for (const h of [...HOSTILE.slice(3), ...HOSTILE_TOKENS.filter((t) => t !== '' && !isToken(t))]) {
      // Not even in a comment: the notes carry the refused values.
      for (const line of s.code.split('\n')) {
        expect(line.includes(h) || line.includes(JSON.stringify(h).slice(1, -1)), `${id}: ${JSON.stringify(h)} in ${line}`).toBe(false);
      }
    }
    expect(s.code).not.toMatch(/Access-Control-Allow-Origin["',]?\s*[:=,]?\s*["']?\*/);
    // A development proxy forwards to the API instead of naming origins.
    if (!STACKS.find((stack) => stack.id === id)?.devOnly) expect(s.code).toContain('https://app.example.com');
  });
  it('keeps a refused value out of the code, even of comments (PEP 263 coding: utf-7 turned one into code)', () => {
    const method = 'X coding:utf-7 +AAo-print(+ACI-PWNED+ACI-)+AAo-#';
    const s = generateSnippet(id, plan(['https://app.example.com'], [method]));
    expect(s.code).not.toContain('coding');
    expect(s.code).not.toContain('PWNED');
    expect(s.notes.join('\n')).toContain('PWNED');
  });
  it('writes nothing when no origin is valid', () => {
    const s = generateSnippet(id, plan(HOSTILE, []));
    const code = s.code.split('\n').filter((l) => !l.includes('Corsight: ')).join('\n');
    expect(code).not.toContain('app.example.com');
    if (!['vite', 'webpack-dev-server'].includes(id)) expect(s.notes.join(' ')).toMatch(/no valid origin/);
  });
  it('does not throw for any plan', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 4 }), fc.array(fc.string(), { maxLength: 4 }), fc.boolean(), (o, t, c) => {
        generateSnippet(id, plan(o, t, c));
      }),
      { numRuns: 60 },
    );
  });
});
