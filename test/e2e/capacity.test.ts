/**
 * 5,000 cross-origin requests from one captured page: the per-tab log keeps the newest 2,000
 * and counts the rest as dropped (kept + dropped = 5,000); prints the worker's heap.
 */
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyPage, fireFetches, listenOnLoopback, openTab, reportOnceLogged, startRig, workerHeap, type Rig } from './pipeline-support.ts';

const TOTAL = 5000;

let rig: Rig | undefined;
const servers: http.Server[] = [];
afterAll(async () => {
  await rig?.close();
  for (const s of servers) s.close();
});

const listen = (handler: http.RequestListener): Promise<string> => listenOnLoopback(servers, handler, true);

describe('capacity', () => {
  it(`keeps 2,000 of ${TOTAL} exchanges and counts the rest as dropped`, async () => {
    let appOrigin = '';
    const api = await listen((req, res) => {
      const i = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('i'));
      // Every 4th preflighted, every 10th blocked.
      const headers: Record<string, string> = i % 10 === 0 ? {} : { 'access-control-allow-origin': appOrigin, 'access-control-allow-headers': 'x-test' };
      res.writeHead(req.method === 'OPTIONS' ? 204 : 200, headers);
      res.end('ok');
    });
    appOrigin = await listen(emptyPage('capacity'));
    rig = await startRig();
    const { page, tabId } = await openTab(rig, appOrigin);
    await rig.ask({ type: 'capture/start', tabId, reload: false });
    const heap = await workerHeap(rig);
    const heapBefore = await heap();

    const t0 = Date.now();
    // 50 in flight at a time, every 4th preflighted.
    const failed = await fireFetches(page, api, TOTAL);
    const pageMs = Date.now() - t0;
    const report = await reportOnceLogged(rig, tabId, TOTAL);
    const heapAfter = await heap();
    const state = await rig.ask({ type: 'debug/state' });
    const mb = (n: number) => (n / 1048576).toFixed(1);
    const storageBytes = await rig.ext.evaluate(() => chrome.storage.session.getBytesInUse(null));
    console.log(
      `capacity: ${TOTAL} requests (${failed} blocked) in ${pageMs} ms; report kept ${report.entries.length} + dropped ${report.dropped} = ${report.entries.length + report.dropped}; ` +
        `worker heap ${mb(heapBefore.usedSize)} MB -> ${mb(heapAfter.usedSize)} MB used (${mb(heapAfter.totalSize)} MB total), performance.memory ${state.heapUsed ? mb(state.heapUsed) + ' MB' : 'n/a'}; ` +
        `storage.session ${mb(storageBytes)} MB of 10 MB (${Math.round(storageBytes / report.entries.length)} bytes per kept exchange); ${state.flushes} storage batches, ${state.journalWrites} journal writes holding ${state.journalEntries} entries`,
    );
    expect(failed).toBe(TOTAL / 10);
    expect(report.entries.length).toBe(2000);
    expect(report.entries.length + report.dropped).toBe(TOTAL);
    // Every 10th request is blocked; the kept window holds the last 2,000 to finish.
    expect(Math.abs(report.counts.blocked - 200)).toBeLessThanOrEqual(10);
    // The newest are kept, in order.
    const seqs = report.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Packed records (src/store/pack.ts): well under half of storage.session's 10 MB quota.
    expect(storageBytes).toBeLessThan(2.5 * 1048576);
  }, 180_000);
});
