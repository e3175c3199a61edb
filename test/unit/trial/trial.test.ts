/** "Try this fix": plans as session-rule edits, refusals, and the overlay of those edits on the capture. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { FixPlan } from '../../../src/engine/types.ts';
import { parseRequest } from '../../../src/messages/protocol.ts';
import { overlayTrial } from '../../../src/trial/overlay.ts';
import { sessionRules, trialTarget, type TrialTarget } from '../../../src/trial/rules.ts';
import { API, FAILED, PAGE, URL1, acao, ex, h, preflight, res } from '../engine/helpers.ts';

const planOf = (d: ReturnType<typeof diagnose>): FixPlan => {
  if (!d.fixPlan) throw new Error('no plan');
  return d.fixPlan;
};
const target = (plan: FixPlan, page = PAGE): TrialTarget => {
  const r = trialTarget(plan, page);
  if (!r.ok) throw new Error(r.reason);
  return r.target;
};

const headerDenied = ex({
  method: 'PUT',
  credentials: 'include',
  requestHeaders: [h('X-Api-Key', 'k')],
  hops: [{ url: URL1 }],
  preflight: preflight('PUT', ['x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Access-Control-Allow-Methods', 'PUT'))),
  outcome: FAILED,
});

describe('trialTarget', () => {
  it('sets the exact page origin, credentials, methods and headers on the preflight; no preflight caching', () => {
    const t = target(planOf(diagnose(headerDenied)));
    expect(t.origin).toBe(API);
    expect(t.preflight).toEqual([
      { header: 'Access-Control-Allow-Origin', value: PAGE },
      { header: 'Access-Control-Allow-Credentials', value: 'true' },
      { header: 'Access-Control-Allow-Methods', value: 'PUT' },
      { header: 'Access-Control-Allow-Headers', value: 'x-api-key' },
      { header: 'Access-Control-Max-Age', value: '0' },
    ]);
    expect(t.response).toEqual([
      { header: 'Access-Control-Allow-Origin', value: PAGE },
      { header: 'Access-Control-Allow-Credentials', value: 'true' },
    ]);
  });

  it('refuses a preflight answered with an error status, saying headers cannot fix it and what must change', () => {
    const d = diagnose(ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(403, acao(PAGE))), outcome: FAILED }));
    const r = trialTarget(planOf(d), PAGE);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/error status/);
      expect(r.reason).toMatch(/authentication/);
    }
  });

  it('never goes beyond the page origin of the tab', () => {
    const r = trialTarget(planOf(diagnose(headerDenied)), 'https://elsewhere.example');
    expect(r.ok).toBe(false);
  });

  it('never * with credentials', () => {
    const plan = planOf(diagnose(headerDenied));
    const forged: FixPlan = { ...plan, policy: { ...plan.policy, allowAnyOrigin: true, allowCredentials: true } };
    const t = target(forged);
    expect(t.preflight.find((e) => e.header === 'Access-Control-Allow-Origin')?.value).toBe(PAGE);
  });

  it('drops values that are not HTTP tokens (a header line cannot be smuggled in)', () => {
    const plan = planOf(diagnose(headerDenied));
    const forged: FixPlan = { ...plan, policy: { ...plan.policy, allowMethods: ['PUT', 'PUT\r\nSet-Cookie: a=1'] } };
    expect(target(forged).preflight.find((e) => e.header === 'Access-Control-Allow-Methods')?.value).toBe('PUT');
  });
});

describe('sessionRules', () => {
  it('two rules for the tab, anchored on the origin and its slash, split on OPTIONS', () => {
    const rules = sessionRules(target(planOf(diagnose(headerDenied))), 7, 40);
    expect(rules.map((r) => r.id)).toEqual([40, 41]);
    for (const r of rules) {
      expect(r.condition.tabIds).toEqual([7]);
      expect(r.condition.urlFilter).toBe(`|${API}/`);
      expect(r.action.responseHeaders.every((x) => x.operation === 'set')).toBe(true);
    }
    expect(rules[0]?.condition.requestMethods).toEqual(['options']);
    expect(rules[1]?.condition.excludedRequestMethods).toEqual(['options']);
  });
});

describe('overlayTrial', () => {
  it('a request the trial let through is diagnosed as passing, and marked', () => {
    const t = target(planOf(diagnose(headerDenied)));
    // What the capture shows during the trial: the server's own headers, the PUT answered.
    const seen = { ...headerDenied, hops: [{ url: URL1, requestHeaders: [h('Cookie', 'a=1')], response: res(200) }], outcome: { kind: 'completed' as const } };
    expect(diagnose(seen).status).toBe('blocked');
    const overlaid = overlayTrial(seen, [t]);
    expect(overlaid.underTrial).toBe(true);
    expect(diagnose(overlaid).status).not.toBe('blocked');
  });

  it('replaces every line of an edited header (two Allow-Origin lines become one)', () => {
    const t = target(planOf(diagnose(headerDenied)));
    const seen = ex({ hops: [{ url: URL1, response: res(200, acao(PAGE), acao(PAGE)) }] });
    const headers = overlayTrial(seen, [t]).hops[0]?.response?.headers ?? [];
    expect(headers.filter((x) => x.name.toLowerCase() === 'access-control-allow-origin')).toHaveLength(1);
  });

  it('leaves other servers alone', () => {
    const t = target(planOf(diagnose(headerDenied)));
    const other = ex({ hops: [{ url: 'https://cdn.example.net/x', response: res(200) }] });
    expect(overlayTrial(other, [t])).toBe(other);
  });
});

describe('trial messages', () => {
  const plan = planOf(diagnose(headerDenied));
  it('trial/start takes a tab, the page origin and plans; trial/end a tab', () => {
    expect(parseRequest({ type: 'trial/start', tabId: 3, pageOrigin: PAGE, plans: [plan], reload: false })).toMatchObject({ type: 'trial/start', tabId: 3, plans: [plan] });
    expect(parseRequest({ type: 'trial/end', tabId: 3 })).toEqual({ type: 'trial/end', tabId: 3 });
  });
  it('refuses malformed ones', () => {
    expect(parseRequest({ type: 'trial/start', tabId: 3, pageOrigin: PAGE, plans: [], reload: false })).toBeUndefined();
    expect(parseRequest({ type: 'trial/start', tabId: 3, pageOrigin: PAGE, plans: [{ ...plan, policy: null }], reload: false })).toBeUndefined();
    // A planned header without its `on` list (mergeFixPlans reads it).
    const noOn = { ...plan, headers: plan.headers.map(({ on: _on, ...h }) => h) };
    expect(parseRequest({ type: 'trial/start', tabId: 3, pageOrigin: PAGE, plans: [noOn], reload: false })).toBeUndefined();
    expect(parseRequest({ type: 'trial/start', tabId: 3, pageOrigin: PAGE, plans: [plan], reload: false, durationMs: -1 })).toBeUndefined();
    expect(parseRequest({ type: 'trial/end', tabId: -1 })).toBeUndefined();
  });
});
