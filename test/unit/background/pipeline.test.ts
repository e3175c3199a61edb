/** The pipeline's `complete` step: what the capture did not see is added before judging. */
import { describe, expect, it, vi } from 'vitest';
import { DiagnosisPipeline } from '../../../src/background/pipeline.ts';
import { PageRequestLog } from '../../../src/capture/page-context.ts';
import { judge } from '../../../src/engine/diagnose.ts';
import type { Exchange, Verdict } from '../../../src/engine/types.ts';
import type { DiagnosedExchange } from '../../../src/store/tab-log.ts';

const exchange = (over: Partial<Exchange> = {}): Exchange => ({
  id: 'a',
  initiatorOrigin: 'https://app.test',
  method: 'GET',
  requestHeaders: [],
  mode: 'unknown',
  credentials: 'unknown',
  redirect: 'unknown',
  hops: [{ url: 'https://api.test/x', response: { status: 200, headers: [] } }],
  preflight: { kind: 'none' },
  outcome: { kind: 'completed' },
  startedAt: 1_000_000,
  ...over,
});

describe('DiagnosisPipeline complete', () => {
  it('judges and appends what `complete` returns, called with the tab and the captured exchange', () => {
    const captured = exchange();
    const completed = exchange({ id: 'a', mode: 'cors', credentials: 'include', redirect: 'follow' });
    const complete = vi.fn((_tabId: number, _ex: Exchange) => ({ exchange: completed }));
    const verdict = { status: 'ok' } as Verdict;
    const judge = vi.fn((_ex: Exchange) => verdict);
    const appended: Array<[number, DiagnosedExchange[]]> = [];
    const pipeline = new DiagnosisPipeline(judge, (tabId, list) => appended.push([tabId, list]), complete);
    pipeline.push(4, captured);
    pipeline.openLogs();
    expect(pipeline.drain()).toEqual([4]);
    expect(complete).toHaveBeenCalledWith(4, captured);
    expect(judge).toHaveBeenCalledTimes(1);
    expect(judge.mock.calls[0]?.[0]).toBe(completed);
    expect(appended).toHaveLength(1);
    expect(appended[0]?.[0]).toBe(4);
    expect(appended[0]?.[1]).toEqual([{ exchange: completed, verdict }]);
    expect(appended[0]?.[1][0]?.exchange).toBe(completed);
  });

  it('with the request context joined, judges a "no-cors" call as such instead of assuming cors', () => {
    // The wire showed no Sec-Fetch-Mode; the page's call says mode "no-cors".
    const log = new PageRequestLog();
    log.add(4, [{
      api: 'fetch', url: 'https://api.test/x', method: 'GET', mode: 'no-cors', credentials: 'omit', redirect: 'follow',
      headers: [], headerOrderKnown: true, body: 'none', uploadListener: false,
      frameOrigin: 'https://app.test', secureContext: true, at: 1_000_000, stack: [],
    }]);
    // Alone, the mode is assumed "cors", and a response without Access-Control-Allow-Origin fails the CORS check.
    expect(judge(exchange()).corsError).toBe('MissingAllowOriginHeader');
    const appended: DiagnosedExchange[] = [];
    const pipeline = new DiagnosisPipeline(judge, (_tabId, list) => appended.push(...list), (tabId, ex) => ({ exchange: log.join(tabId, ex) }));
    pipeline.push(4, exchange());
    pipeline.openLogs();
    pipeline.drain();
    expect(appended[0]?.exchange.mode).toBe('no-cors');
    // A "no-cors" request cannot fail CORS (Fetch: opaque response, no CORS check).
    expect(appended[0]?.verdict.corsError).toBeUndefined();
    expect(appended[0]?.verdict.status).not.toBe('blocked');
  });
});

/**
 * A request stopped by its preflight, as webRequest shows it: the actual request never went out,
 * so only the page's call has its headers. Four unsafe names; the preflight allowed none.
 */
const stoppedByPreflight = (): Exchange =>
  exchange({
    id: 'p',
    source: 'webrequest',
    resourceType: 'xmlhttprequest',
    method: 'POST',
    hops: [{ url: 'https://api.test/x' }],
    preflight: {
      kind: 'sent',
      url: 'https://api.test/x',
      requestHeaders: [
        { name: 'Origin', value: 'https://app.test' },
        { name: 'Access-Control-Request-Method', value: 'POST' },
        { name: 'Access-Control-Request-Headers', value: 'x-a,x-b,x-custom-header,x-other' },
      ],
      response: { status: 204, headers: [{ name: 'Access-Control-Allow-Origin', value: 'https://app.test' }] },
    },
    outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
  });

/** The page's call for it: XHR keeps setRequestHeader order, which decides the name Chromium reports. */
const callFor = (at: number) => ({
  api: 'xhr' as const, url: 'https://api.test/x', method: 'POST', mode: 'cors' as const, credentials: 'same-origin' as const, redirect: 'follow' as const,
  headers: [{ name: 'X-Custom-Header', value: 'v' }, { name: 'X-Other', value: 'w' }, { name: 'X-B', value: '2' }, { name: 'X-A', value: '1' }], headerOrderKnown: true, body: 'text' as const, uploadListener: false,
  frameOrigin: 'https://app.test', secureContext: true, at, stack: [],
});

describe('DiagnosisPipeline hold for the page call', () => {
  function rig(holdMs: number) {
    let now = 1_000_000;
    const log = new PageRequestLog();
    const appended: DiagnosedExchange[] = [];
    const holds: number[] = [];
    const pipeline = new DiagnosisPipeline(
      judge,
      (_tabId, list) => appended.push(...list),
      (tabId, ex) => {
        const joined = log.withCall(tabId, ex);
        return joined ? { exchange: joined } : ex.source === 'webrequest' ? { waitFor: 'page-call' } : { exchange: ex };
      },
      holdMs,
      (until) => holds.push(until),
      () => now,
    );
    pipeline.openLogs();
    return { log, appended, holds, pipeline, advance: (ms: number) => (now += ms) };
  }

  it('holds an exchange whose call came after it, then judges it with the call', () => {
    const r = rig(2000);
    r.pipeline.push(4, stoppedByPreflight());
    expect(r.pipeline.drain()).toEqual([]);
    expect(r.appended).toEqual([]);
    expect(r.pipeline.holds(4)).toBe(true);
    expect(r.pipeline.queued().map(([tab, ex]) => `${tab}:${ex.id}`)).toEqual(['4:p']);
    expect(r.holds).toEqual([1_002_000]);
    r.advance(500);
    r.log.add(4, [callFor(1_000_000)]);
    expect(r.pipeline.drain()).toEqual([4]);
    expect(r.pipeline.holds(4)).toBe(false);
    expect(r.appended[0]?.exchange.requestHeaders.map((h) => h.name)).toContain('X-Custom-Header');
    // What Chromium reports for this XHR (measured: lab scenario safelist-xhr-order-four-c-first).
    expect(r.appended[0]?.verdict.failedParameter).toBe('x-custom-header');
  });

  it('judges it as captured once the hold is over, and what else is queued meanwhile', () => {
    const r = rig(2000);
    r.pipeline.push(4, stoppedByPreflight());
    r.pipeline.push(4, exchange({ id: 'other', source: 'devtools' }));
    expect(r.pipeline.drain()).toEqual([4]);
    expect(r.appended.map((d) => d.exchange.id)).toEqual(['other']);
    r.advance(1999);
    r.pipeline.drain();
    expect(r.appended).toHaveLength(1);
    r.advance(1);
    r.pipeline.drain();
    expect(r.appended.map((d) => d.exchange.id)).toEqual(['other', 'p']);
    // Without the call's header list, the engine falls back to the names the preflight asked, sorted.
    expect(r.appended[1]?.verdict.failedParameter).toBe('x-a');
    expect(r.pipeline.queued()).toEqual([]);
  });

  it('forgets what a tab holds when its log is cleared or it closes: nothing of it is appended later', () => {
    const r = rig(2000);
    r.pipeline.push(4, stoppedByPreflight());
    r.pipeline.push(5, stoppedByPreflight());
    r.pipeline.drain();
    r.pipeline.forgetTab(4);
    expect(r.pipeline.queued().map(([tab]) => tab)).toEqual([5]);
    r.advance(2000);
    r.pipeline.drain();
    expect(r.appended).toHaveLength(1);
  });

  it('with no hold time, judges everything at once', () => {
    const r = rig(0);
    r.pipeline.push(4, stoppedByPreflight());
    expect(r.pipeline.drain()).toEqual([4]);
    expect(r.holds).toEqual([]);
  });
});
