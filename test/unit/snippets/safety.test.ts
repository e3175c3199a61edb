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
  it('reports what it skipped, comment-safe', () => {
    const p = preparePolicy(plan(HOSTILE, HOSTILE_TOKENS));
    expect(p.origins).toEqual([]);
    expect(p.rejected.length).toBe(HOSTILE.length + 3 * (HOSTILE_TOKENS.length - 2));
    for (const r of p.rejected) expect(r).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe.each(STACKS.map((s) => [s.id] as const))('hostile plan for %s', (id) => {
  it('never emits a hostile value, never a wildcard with credentials', () => {
    const s = generateSnippet(id, plan(['https://app.example.com', ...HOSTILE], HOSTILE_TOKENS));
    expect(s.code).toMatch(/^[\t\n\x20-\x7e]*$/);
    for (const h of [...HOSTILE.slice(3), ...HOSTILE_TOKENS.filter((t) => t !== '' && !isToken(t))]) {
      // Only inside a comment line (quoted as JSON), never as code.
      for (const line of s.code.split('\n')) {
        if (line.includes('Corsight: ')) continue;
        expect(line.includes(h), `${id}: ${JSON.stringify(h)} in ${line}`).toBe(false);
      }
    }
    expect(s.code).not.toMatch(/Access-Control-Allow-Origin["',]?\s*[:=,]?\s*["']?\*/);
    expect(s.code).toContain('https://app.example.com');
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
