import { describe, expect, it } from 'vitest';
import { ACTION_TEXT, buildFixPlan, mergeFixPlans } from '../../../src/engine/index.ts';
import type { FixPlan } from '../../../src/engine/types.ts';

const A = 'https://api.example.com';
const B = 'https://files.example.net';

function plan(over: Partial<Parameters<typeof buildFixPlan>[0]>): FixPlan {
  return buildFixPlan({
    targetOrigin: A,
    pageOrigin: 'https://app.example.com',
    credentials: false,
    method: 'GET',
    unsafeNames: [],
    preflight: false,
    actions: ['vary-origin'],
    serverFixable: true,
    ...over,
  });
}

describe('buildFixPlan', () => {
  it('writes only serialized origins and HTTP tokens as headers: an imported CRLF never becomes a header line', () => {
    const p = plan({
      pageOrigin: 'https://app.example.com\r\nX-Evil: 1',
      method: 'PATCH\r\nSet-Cookie: admin=1',
      unsafeNames: ['x-ok', 'x-bad\r\nSet-Cookie: a=1'],
      exposeHeaders: ['x-total\nX: y'],
      preflight: true,
    });
    const lines = p.headers.map((x) => `${x.name}: ${x.value}`);
    for (const line of lines) expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(p.headers.map((x) => x.name)).toEqual(['Access-Control-Allow-Headers', 'Access-Control-Max-Age']);
    expect(p.headers[0]?.value).toBe('x-ok');
  });

  it('simple request: ACAO + Vary on actual and error responses only', () => {
    const p = plan({});
    expect(p.policy).toEqual({ allowOrigins: ['https://app.example.com'], allowCredentials: false, allowMethods: [], allowHeaders: [], exposeHeaders: [] });
    expect(p.headers.map((x) => [x.name, x.value, x.on])).toEqual([
      ['Access-Control-Allow-Origin', 'https://app.example.com', ['actual', 'error']],
      ['Vary', 'Origin', ['actual', 'error']],
    ]);
  });

  it('exposed headers are planned on the actual response', () => {
    const p = plan({ exposeHeaders: ['x-total-count'] });
    expect(p.headers.find((x) => x.name === 'Access-Control-Expose-Headers')).toMatchObject({ value: 'x-total-count', on: ['actual'] });
  });

  it('an opaque page origin gets no ACAO (never null, never *)', () => {
    const p = plan({ pageOrigin: 'null' });
    expect(p.policy.allowOrigins).toEqual([]);
    expect(p.headers).toEqual([]);
  });

  it('actions are deduplicated and carry their text', () => {
    const p = plan({ actions: ['vary-origin', 'vary-origin', 'answer-preflight-2xx'] });
    expect(p.actions.map((a) => a.id)).toEqual(['vary-origin', 'answer-preflight-2xx']);
    expect(p.actions.every((a) => a.text.length > 10)).toBe(true);
  });
});

describe('ACTION_TEXT', () => {
  it('words every action once: one sentence each, no two alike', () => {
    const texts = Object.values(ACTION_TEXT);
    expect(new Set(texts).size).toBe(texts.length);
    for (const [id, text] of Object.entries(ACTION_TEXT)) {
      expect(text, id).toMatch(/^[A-Z].*\.$/);
    }
  });
});

describe('mergeFixPlans', () => {
  it('one plan per target origin, in first-seen order', () => {
    const merged = mergeFixPlans([plan({}), plan({ targetOrigin: B }), plan({})]);
    expect(merged.map((p) => p.targetOrigin)).toEqual([A, B]);
  });

  it('unions origins, methods, headers, exposed headers; credentials if any; max of max-age', () => {
    const merged = mergeFixPlans([
      plan({ method: 'PUT', unsafeNames: ['x-b'], preflight: true }),
      plan({ pageOrigin: 'https://admin.example.com', method: 'DELETE', unsafeNames: ['X-A', 'x-b'], credentials: true, preflight: true, exposeHeaders: ['etag'], actions: ['answer-preflight-before-auth'] }),
      plan({ method: 'PUT', exposeHeaders: ['etag', 'x-total-count'] }),
    ]);
    expect(merged).toHaveLength(1);
    const m = merged[0]!;
    expect(m.policy).toEqual({
      allowOrigins: ['https://app.example.com', 'https://admin.example.com'],
      allowCredentials: true,
      allowMethods: ['PUT', 'DELETE'],
      allowHeaders: ['x-a', 'x-b'],
      exposeHeaders: ['etag', 'x-total-count'],
      maxAgeSeconds: 600,
      credentialsBasis: 'required',
    });
    expect(m.actions.map((a) => a.id)).toEqual(['vary-origin', 'answer-preflight-before-auth']);
    const acao = m.headers.find((x) => x.name === 'Access-Control-Allow-Origin')!;
    expect(acao.value).not.toBe('*');
    expect(acao.why).toContain('https://app.example.com, https://admin.example.com');
    expect(m.headers.find((x) => x.name === 'Access-Control-Allow-Methods')?.value).toBe('PUT, DELETE');
    expect(m.headers.find((x) => x.name === 'Access-Control-Allow-Headers')?.value).toBe('x-a, x-b');
    expect(m.headers.find((x) => x.name === 'Access-Control-Allow-Credentials')?.value).toBe('true');
    expect(m.headers.find((x) => x.name === 'Access-Control-Expose-Headers')?.value).toBe('etag, x-total-count');
  });

  it('a later plan with a preflight adds preflight headers and max-age', () => {
    const merged = mergeFixPlans([plan({}), plan({ method: 'PATCH', preflight: true })]);
    expect(merged[0]!.policy.maxAgeSeconds).toBe(600);
    expect(merged[0]!.headers.find((x) => x.name === 'Access-Control-Allow-Methods')?.on).toEqual(['preflight']);
  });

  it('page-side plans stay header-less unless a server-fixable plan joins', () => {
    const pageSide = plan({ serverFixable: false, actions: ['use-http-scheme'] });
    expect(mergeFixPlans([pageSide])[0]!.headers).toEqual([]);
    const merged = mergeFixPlans([pageSide, plan({})])[0]!;
    expect(merged.serverFixable).toBe(true);
    expect(merged.headers.length).toBeGreaterThan(0);
  });

  it('empty input gives no plans', () => {
    expect(mergeFixPlans([])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const p = plan({ unsafeNames: ['x-a'] });
    const copy = structuredClone(p);
    mergeFixPlans([p, plan({ unsafeNames: ['x-b'] })]);
    expect(p).toEqual(copy);
  });
});
