/**
 * The service worker's memory after 10,000 exchanges (issue 20: under 30 MB): real Chromium with
 * the test build, one captured page firing 10,000 cross-origin fetches (50 at a time, every 4th
 * preflighted, every 10th refused); the worker's heap (CDP Runtime.getHeapUsage on its target)
 * before, after, and after a full garbage collection. Prints figures; asserts nothing.
 *   npx tsx scripts/bench/worker-memory.ts [requests]   (default 10000; build with `npx vite build --mode test` first)
 */
import http from 'node:http';
import { emptyPage, fireFetches, listenOnLoopback, openTab, reportOnceLogged, startRig, workerHeap } from '../../test/e2e/pipeline-support.ts';

const TOTAL = Number(process.argv[2] ?? 10_000);
const BUDGET_MB = 30;
const servers: http.Server[] = [];
let appOrigin = '';
const api = await listenOnLoopback(
  servers,
  (req, res) => {
    const i = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('i'));
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, i % 10 === 0 ? {} : { 'access-control-allow-origin': appOrigin, 'access-control-allow-headers': 'x-test' });
    res.end('ok');
  },
  true,
);
appOrigin = await listenOnLoopback(servers, emptyPage('worker memory'), true);
const rig = await startRig();
try {
  const { page, tabId } = await openTab(rig, appOrigin);
  await rig.ask({ type: 'capture/start', tabId, reload: false });
  const heap = await workerHeap(rig);
  await heap.collectGarbage();
  const before = await heap();
  const t0 = Date.now();
  await fireFetches(page, api, TOTAL);
  const pageMs = Date.now() - t0;
  const report = await reportOnceLogged(rig, tabId, TOTAL);
  const after = await heap();
  await heap.collectGarbage();
  const settled = await heap();
  const mb = (n: number) => (n / 1048576).toFixed(1);
  console.log(`worker memory: ${TOTAL} requests in ${pageMs} ms; the tab's log kept ${report.entries.length}, dropped ${report.dropped}`);
  console.log(`  worker heap used: ${mb(before.usedSize)} MB before, ${mb(after.usedSize)} MB after, ${mb(settled.usedSize)} MB after a full GC (budget < ${BUDGET_MB} MB: ${settled.usedSize / 1048576 < BUDGET_MB ? 'met' : 'missed'})`);
} finally {
  await rig.close();
  for (const s of servers) s.close();
}
