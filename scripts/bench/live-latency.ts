/**
 * Live latency: from a request failing in the page to its row in an open CORS panel (issue 20,
 * target p95 <= 100 ms). Real Chromium with the test build: a page on one local origin fetches
 * another that sends no Access-Control-Allow-Origin, one request every 400 ms, while the tab is
 * captured (webRequest) and the panel page follows it. The page notes Date.now() when each fetch
 * rejects, the panel when each new row is in the DOM (a MutationObserver). Prints figures;
 * asserts nothing.   npx tsx scripts/bench/live-latency.ts [requests] (default 30)
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { launchBrowser } from '../../test/harness/browser.ts';
import { EXTENSION_DIR, openPanel, tabIdOf } from '../../test/e2e/panel-helpers.ts';
import { listenOnLoopback } from '../../test/e2e/pipeline-support.ts';
import { againstAtMost, formatInterval, medianInterval, quantileInterval } from './stats.ts';

const REQUESTS = Number(process.argv[2] ?? 30);
const GAP_MS = 400;
const TARGET_P95_MS = 100;

if (!fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) {
  console.error(`live-latency bench: no build at ${EXTENSION_DIR}; run \`npx vite build --mode test\` first`);
  process.exit(1);
}

/** The bench's local servers (closed at the end). */
const servers: http.Server[] = [];

const apiOrigin = await listenOnLoopback(servers, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('no CORS headers'));
const appOrigin = await listenOnLoopback(servers, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>live latency</title>'));
const browser = await launchBrowser({ extensionDir: EXTENSION_DIR });
try {
  const page = await browser.context.newPage();
  await page.goto(`${appOrigin}/`);
  const tabId = await tabIdOf(browser.serviceWorker!, appOrigin);
  const panel = await openPanel(browser.context, browser.extensionId!, { tabId });
  await panel.evaluate(`chrome.runtime.sendMessage({ type: 'capture/start', tabId: ${tabId}, reload: false })`);
  // Each new row, stamped as soon as it is in the DOM.
  await panel.evaluate(`(() => {
    window.__rowTimes = [];
    let seen = document.querySelectorAll('.vrow').length;
    new MutationObserver(() => {
      const now = Date.now();
      const count = document.querySelectorAll('.vrow').length;
      while (seen < count) { window.__rowTimes.push(now); seen++; }
    }).observe(document.body, { childList: true, subtree: true });
  })()`);
  const failedAt = (await page.evaluate(`(async () => {
    const out = [];
    for (let i = 0; i < ${REQUESTS}; i++) {
      await fetch('${apiOrigin}/r?i=' + i).then(() => out.push(-1), () => out.push(Date.now()));
      await new Promise((r) => setTimeout(r, ${GAP_MS}));
    }
    return out;
  })()`)) as number[];
  await new Promise((r) => setTimeout(r, 1500));
  const rowAt = (await panel.evaluate('window.__rowTimes')) as number[];
  const latencies = failedAt.map((t, i) => (rowAt[i] ?? Number.NaN) - t).filter((v) => Number.isFinite(v));
  const med = medianInterval(latencies);
  const p95 = quantileInterval(latencies, 0.95);
  console.log(`live latency (request failed in the page -> its row in the open panel), ${latencies.length} of ${REQUESTS} requests, ${GAP_MS} ms apart, webRequest capture`);
  console.log(`  median ${formatInterval(med, 0)} ms, p95 ${formatInterval(p95, 0)} ms (95% intervals; target p95 <= ${TARGET_P95_MS} ms: ${againstAtMost(p95, TARGET_P95_MS)}), max ${Math.max(...latencies).toFixed(0)} ms`);
  console.log(`  all: ${latencies.map((v) => v.toFixed(0)).join(' ')}`);
} finally {
  await browser.close();
  for (const server of servers) server.close();
}
