/**
 * The service worker's memory after 10,000 exchanges (issue 20: under 30 MB): real Chromium with
 * the test build, one captured page firing 10,000 cross-origin fetches (50 at a time, every 4th
 * preflighted, every 10th refused); the worker's heap (CDP Runtime.getHeapUsage on its target)
 * before, after, and after a full garbage collection, in a few runs (a fresh browser each): the
 * median after the GC with its bootstrap interval, against the budget. Prints figures; asserts nothing.
 *   npx tsx scripts/bench/worker-memory.ts [requests] [runs]   (default 10000 and 3; build with `npx vite build --mode test` first)
 */
import http from 'node:http';
import { emptyPage, fireFetches, listenOnLoopback, openTab, reportOnceLogged, startRig, workerHeap } from '../../test/e2e/pipeline-support.ts';
import { medianInterval, targetLine } from './stats.ts';

const TOTAL = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
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
/** One fresh browser: the worker's heap before, after and after a full GC, in MB. */
async function oneRun(): Promise<{ before: number; after: number; settled: number; pageMs: number; kept: number; dropped: number }> {
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
    const mb = (n: number) => n / 1048576;
    return { before: mb(before.usedSize), after: mb(after.usedSize), settled: mb(settled.usedSize), pageMs, kept: report.entries.length, dropped: report.dropped };
  } finally {
    await rig.close();
  }
}

try {
  const settled: number[] = [];
  console.log(`worker memory: ${TOTAL} requests per run, ${ROUNDS} runs (a fresh browser each)`);
  for (let round = 0; round < ROUNDS; round++) {
    const run = await oneRun();
    settled.push(run.settled);
    console.log(`  run ${round + 1}: ${run.pageMs} ms for the page's requests; the tab's log kept ${run.kept}, dropped ${run.dropped}; heap used ${run.before.toFixed(1)} MB before, ${run.after.toFixed(1)} MB after, ${run.settled.toFixed(1)} MB after a full GC`);
  }
  console.log(`  ${targetLine('worker heap after a full GC', medianInterval(settled), BUDGET_MB, 1, ' MB')}`);
} finally {
  for (const s of servers) s.close();
}
