/** The worker's trials against a fake declarativeNetRequest: rules in, rules out, every way a trial ends. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerKeepalive } from '../../../src/background/keepalive.ts';
import { Trials, type SessionRulesApi } from '../../../src/background/trials.ts';
import type { SessionRule, TrialTarget } from '../../../src/trial/rules.ts';

function fakeApi(initial: number[] = []) {
  const rules = new Map<number, SessionRule | { id: number }>(initial.map((id) => [id, { id }]));
  const api: SessionRulesApi = {
    async updateSessionRules({ addRules, removeRuleIds }) {
      for (const id of removeRuleIds ?? []) rules.delete(id);
      for (const r of addRules ?? []) {
        if (rules.has(r.id)) throw new Error(`rule ${r.id} exists`);
        rules.set(r.id, r);
      }
    },
    async getSessionRules() {
      return [...rules.values()];
    },
  };
  return { api, rules };
}

const TARGET: TrialTarget = {
  origin: 'https://api.example.com',
  preflight: [{ header: 'Access-Control-Allow-Origin', value: 'https://app.example.com' }],
  response: [{ header: 'Access-Control-Allow-Origin', value: 'https://app.example.com' }],
};

afterEach(() => vi.useRealTimers());

describe('Trials', () => {
  it('installs two rules per server for the tab, replaces them on a new start, removes them at the end', async () => {
    const { api, rules } = fakeApi();
    const changed: number[] = [];
    const trials = new Trials(api, (t) => changed.push(t), new WorkerKeepalive(() => undefined, 20_000));
    await trials.start(5, 'https://app.example.com', 'https://app.example.com/page', [TARGET, { ...TARGET, origin: 'https://cdn.example.net' }], 60_000);
    expect(rules.size).toBe(4);
    expect([...rules.values()].every((r) => 'condition' in r && r.condition.tabIds[0] === 5)).toBe(true);
    await trials.start(5, 'https://app.example.com', 'https://app.example.com/page', [TARGET], 60_000);
    expect(rules.size).toBe(2);
    expect(trials.state(5)?.origins).toEqual(['https://api.example.com']);
    expect(await trials.end(5)).toBe(true);
    expect(rules.size).toBe(0);
    expect(await trials.end(5)).toBe(false);
    expect(changed).toEqual([5, 5, 5]);
  });

  it('ends when the time is up', async () => {
    vi.useFakeTimers();
    const { api, rules } = fakeApi();
    const trials = new Trials(api, () => undefined, new WorkerKeepalive(() => undefined, 20_000));
    await trials.start(1, 'https://app.example.com', null, [TARGET], 5000);
    await vi.advanceTimersByTimeAsync(4999);
    expect(rules.size).toBe(2);
    await vi.advanceTimersByTimeAsync(2);
    expect(rules.size).toBe(0);
    expect(trials.state(1)).toBeUndefined();
  });

  it("ends on a navigation to another host, not within the page's host", async () => {
    const { api, rules } = fakeApi();
    const trials = new Trials(api, () => undefined, new WorkerKeepalive(() => undefined, 20_000));
    await trials.start(1, 'https://app.example.com', 'https://app.example.com/a', [TARGET], 60_000);
    trials.navigated(1, 'https://app.example.com/b?x=1');
    await trials.removeUnknownRules();
    expect(rules.size).toBe(2);
    trials.navigated(1, 'https://evil.example/');
    await vi.waitFor(() => expect(rules.size).toBe(0));
  });

  it("a new instance removes every rule it finds (an earlier worker's trial), keeping its own", async () => {
    const { api, rules } = fakeApi([1, 2, 7]);
    const trials = new Trials(api, () => undefined, new WorkerKeepalive(() => undefined, 20_000));
    expect(await trials.removeUnknownRules()).toBe(3);
    await trials.start(1, 'https://app.example.com', null, [TARGET], 60_000);
    expect(await trials.removeUnknownRules()).toBe(0);
    expect(rules.size).toBe(2);
    await trials.end(1);
  });

  it('keeps the worker alive while a trial runs, and only then', async () => {
    vi.useFakeTimers();
    const { api } = fakeApi();
    let pings = 0;
    const trials = new Trials(api, () => undefined, new WorkerKeepalive(() => pings++, 20_000));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pings).toBe(0);
    await trials.start(1, 'https://app.example.com', null, [TARGET], 10 * 60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pings).toBe(3);
    await trials.end(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pings).toBe(3);
  });
});
