/** The pipeline's `complete` step: what the capture did not see is added before judging. */
import { describe, expect, it, vi } from 'vitest';
import { DiagnosisPipeline } from '../../../src/background/pipeline.ts';
import { PageRequestLog } from '../../../src/capture/page-context.ts';
import { diagnose } from '../../../src/engine/diagnose.ts';
import type { Diagnosis, Exchange } from '../../../src/engine/types.ts';
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
    const complete = vi.fn((_tabId: number, _ex: Exchange) => completed);
    const verdict = { status: 'ok' } as Diagnosis;
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
    expect(appended[0]?.[1]).toEqual([{ exchange: completed, diagnosis: verdict }]);
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
    expect(diagnose(exchange()).corsError).toBe('MissingAllowOriginHeader');
    const appended: DiagnosedExchange[] = [];
    const pipeline = new DiagnosisPipeline(diagnose, (_tabId, list) => appended.push(...list), (tabId, ex) => log.join(tabId, ex));
    pipeline.push(4, exchange());
    pipeline.openLogs();
    pipeline.drain();
    expect(appended[0]?.exchange.mode).toBe('no-cors');
    // A "no-cors" request cannot fail CORS (Fetch: opaque response, no CORS check).
    expect(appended[0]?.diagnosis.corsError).toBeUndefined();
    expect(appended[0]?.diagnosis.status).not.toBe('blocked');
  });
});
