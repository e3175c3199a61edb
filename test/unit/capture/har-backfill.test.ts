/**
 * The DevTools page starts listening late (on demand) and reads the backlog with getHAR(): each
 * request must be taken exactly once from the two views. Entries shaped as Chromium 156 gave them
 * (getHAR() while a preflighted request waited for its answer and another streamed its body).
 */
import { describe, expect, it } from 'vitest';
import { BackfillMerge, harEntryKey, isUnanswered } from '../../../src/capture/devtools/har-backfill.ts';

const API = 'http://127.0.0.1:42371';
const T = '2026-11-27T04:36:27.115Z';

function entry(method: string, path: string, over: { started?: string; time?: number; status?: number; error?: string | null; type?: string } = {}) {
  return {
    _resourceType: over.type ?? (method === 'OPTIONS' ? 'preflight' : 'fetch'),
    startedDateTime: over.started ?? T,
    time: over.time ?? 30,
    request: { method, url: API + path, headers: [] },
    response: { status: over.status ?? 200, headers: [], _error: over.error ?? null },
  };
}

describe('BackfillMerge', () => {
  it('skips backlog entries still waiting for an answer; they come through the listener', () => {
    // As getHAR() listed them 800 ms in: /slow's preflight answered, /slow itself still waiting.
    const preflight = entry('OPTIONS', '/slow', { status: 204, time: 1.5 });
    const waiting = entry('GET', '/slow', { status: 0, time: 0 });
    const refused = entry('GET', '/refused', { status: 0, time: 5.5, error: 'net::ERR_UNSAFE_PORT' });
    expect([preflight, waiting, refused].map(isUnanswered)).toEqual([false, true, false]);
    const merge = new BackfillMerge();
    expect(merge.backlog([preflight, waiting, refused])).toEqual([preflight, refused]);
    // /slow finishes: the listener's entry is new.
    expect(merge.live(entry('GET', '/slow', { time: 3003 }))).toBe(true);
  });

  it('takes a request the backlog listed while its body was still arriving, and not again from the listener', () => {
    const merge = new BackfillMerge();
    expect(merge.backlog([entry('GET', '/body', { time: 81.4 })])).toHaveLength(1);
    // The same request, finished: same start, method, URL and type, a longer time.
    expect(merge.live(entry('GET', '/body', { time: 3012 }))).toBe(false);
    // A later request to the same URL is new.
    expect(merge.live(entry('GET', '/body', { started: '2026-11-27T04:36:29.000Z' }))).toBe(true);
  });

  it('takes once a request the listener delivered before the backlog was read', () => {
    const merge = new BackfillMerge();
    const fast = entry('GET', '/fast');
    expect(merge.live(fast)).toBe(true);
    expect(merge.backlog([entry('GET', '/early', { started: '2026-11-27T04:36:26.000Z' }), fast])).toEqual([entry('GET', '/early', { started: '2026-11-27T04:36:26.000Z' })]);
    // After the backlog, the listener's entries are all new (nothing left to skip).
    expect(merge.live(entry('GET', '/fast', { started: '2026-11-27T04:36:28.000Z' }))).toBe(true);
  });

  it('counts identical requests started in the same millisecond', () => {
    const merge = new BackfillMerge();
    const twin = entry('GET', '/same');
    expect(merge.live(twin)).toBe(true);
    // Three identical ones listed, one already delivered live: two taken from the backlog.
    expect(merge.backlog([twin, twin, twin])).toHaveLength(2);
    // One of those two was still streaming: its listener entry is skipped once; a fourth is new.
    expect(merge.live(twin)).toBe(false);
    expect(merge.live(twin)).toBe(false);
    expect(merge.live(twin)).toBe(true);
  });

  it('replays the backlog in finish order, so a preflight comes before the request it guarded', () => {
    const actual = entry('GET', '/fast2', { started: '2026-11-27T04:36:27.100Z', time: 35.8 });
    const preflight = entry('OPTIONS', '/fast2', { started: '2026-11-27T04:36:27.102Z', time: 27.5, status: 204 });
    const earlier = entry('GET', '/a', { started: '2026-11-27T04:36:20.000Z', time: 10 });
    expect(new BackfillMerge().backlog([actual, earlier, preflight])).toEqual([earlier, preflight, actual]);
  });

  it('puts a preflight before the request it guards even when the numbers say the request finished first', () => {
    // The request's entry starts at the fetch() call, before its preflight; a short `time` makes
    // its start + time come before the OPTIONS's, although the OPTIONS finished first.
    const actual = entry('PUT', '/guarded', { started: '2026-11-27T04:36:27.100Z', time: 2.1 });
    const preflight = { ...entry('OPTIONS', '/guarded', { started: '2026-11-27T04:36:27.101Z', time: 3.4, status: 204 }), _initiator: { type: 'preflight', url: API + '/guarded' } };
    const other = entry('GET', '/other', { started: '2026-11-27T04:36:27.101Z', time: 10 });
    expect(new BackfillMerge().backlog([actual, preflight, other])).toEqual([preflight, actual, other]);
  });

  it('puts each redirect hop before its target, even when both finished in the same millisecond', () => {
    const source = { ...entry('GET', '/a', { started: '2026-11-27T04:36:27.100Z', time: 10, status: 302 }) };
    source.response = { ...source.response, redirectURL: `${API}/b` } as typeof source.response;
    const middle = { ...entry('GET', '/b', { started: '2026-11-27T04:36:27.105Z', time: 5, status: 302 }) };
    middle.response = { ...middle.response, redirectURL: `${API}/c` } as typeof middle.response;
    const target = entry('GET', '/c', { started: '2026-11-27T04:36:27.108Z', time: 2, status: 200, error: 'net::ERR_FAILED' });
    // Same finish time (27.110): getHAR() listed the target first.
    expect(new BackfillMerge().backlog([target, middle, source])).toEqual([source, middle, target]);
  });

  it('forgets the old page on navigation', () => {
    const merge = new BackfillMerge();
    const streaming = entry('GET', '/body');
    merge.backlog([streaming]);
    merge.reset();
    expect(merge.live(streaming)).toBe(true);
  });

  it('reads hostile entries without throwing', () => {
    const merge = new BackfillMerge();
    for (const bad of [null, 7, 'x', [], { request: 5 }, { response: null, startedDateTime: {} }]) {
      expect(() => merge.live(bad)).not.toThrow();
      expect(typeof harEntryKey(bad)).toBe('string');
    }
    expect(() => merge.backlog([null, { time: 'NaN' }, { startedDateTime: 'not a date', response: { status: 200 } }])).not.toThrow();
  });
});
