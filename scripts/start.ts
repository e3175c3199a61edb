/**
 * `npm start`: build Corsight, start the CORS lab, and open Chromium with the extension loaded on
 * the lab page with DevTools open. With a display it is a real window you can use; without one
 * it runs every lab scenario headless, prints what Corsight saw, and saves a panel screenshot.
 * Ctrl-C stops everything it started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import type { TabReport } from '../src/store/report.ts';
import { DEFAULT_EXTENSION_DIR, REPO_ROOT, launchBrowser, type LaunchedBrowser } from '../test/harness/browser.ts';
import { runAll, openLab } from '../test/harness/lab-runner.ts';
import { attachOracle } from '../test/harness/oracle.ts';
import { startLab, type Lab } from '../test/lab/server.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'darwin';

let lab: Lab | undefined;
let browser: LaunchedBrowser | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await browser?.close();
    await lab?.close();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));

async function main(): Promise<void> {
  console.log('Building the extension...');
  await build({ root: REPO_ROOT, logLevel: 'warn' });
  const theLab = (lab = await startLab());
  console.log(`CORS lab: ${theLab.pageUrl} (APIs ${theLab.origins.api1}, ${theLab.origins.api2})`);

  browser = await launchBrowser({ extensionDir: DEFAULT_EXTENSION_DIR, headless: !hasDisplay, devtools: true });
  console.log(`Chromium: ${browser.executablePath}; Corsight id ${browser.extensionId}`);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());

  if (hasDisplay) {
    await openLab(page, lab);
    console.log('Corsight is loaded with DevTools open on the lab page: pick the "CORS" panel, click a scenario.');
    console.log('Close the browser or press Ctrl-C to stop.');
    await new Promise<void>((resolve) => browser?.context.on('close', () => resolve()));
    return stop(0);
  }

  console.log(`No display: running all ${lab.scenarios.length} lab scenarios headless...\n`);
  const oracle = await attachOracle(browser.context, page);
  await openLab(page, theLab);

  // Corsight is read through its own message API, from one of its pages, like the panel does.
  const extensionPage = await browser.context.newPage();
  await extensionPage.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
  const labTabId = await extensionPage.evaluate(async (pageUrl) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url?.startsWith(pageUrl))?.id ?? -1;
  }, theLab.pageUrl);
  const readReport = async () =>
    (await extensionPage.evaluate((tabId) => chrome.runtime.sendMessage({ type: 'tab/report', tabId }), labTabId)) as TabReport;
  // DevTools opens after the tab: wait until its network log feeds Corsight.
  for (let i = 0; i < 100 && !(await readReport()).capture.devtools; i++) await new Promise((r) => setTimeout(r, 100));

  const runs = await runAll(page, theLab, { oracle });
  await new Promise((r) => setTimeout(r, 1500)); // DevTools hands entries over 2-50 ms after each request.
  const report = await readReport();
  await extensionPage.close();

  const byUrl = new Map(report.entries.map((e) => [e.url, e]));
  const width = Math.max(...runs.map((r) => r.id.length));
  let agree = 0;
  for (const run of runs) {
    const chromium = run.verdict?.ok === false ? (run.verdict.corsError ?? run.verdict.errorText ?? 'failed') : 'ok';
    const entry = byUrl.get(run.url);
    const corsight = entry ? (entry.corsError ?? entry.status) : 'not seen';
    // Same code, or neither calls it a CORS error (ok, or a plain network error such as ERR_ABORTED).
    const chromiumSaysCors = run.verdict?.ok === false && run.verdict.corsError !== undefined;
    if (entry && (chromiumSaysCors ? entry.corsError === chromium : entry.status !== 'blocked')) agree++;
    console.log(`${run.id.padEnd(width)}  Chromium: ${chromium.padEnd(36)} Corsight: ${corsight.padEnd(36)} ${entry?.headline ?? ''}`);
  }
  console.log(`\nCorsight (DevTools network log) agreed with Chromium on ${agree} of ${runs.length} scenarios;`);
  console.log(`its report for the lab tab: ${report.counts.blocked} blocked, ${report.counts.warning} warnings, ${report.counts.ok} ok.`);

  // The panel, opened as a tab with the inspected tab id DevTools would give it.
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 1200, height: 700 });
  await panel.addInitScript((tabId: number) => {
    const chromeApi = (globalThis as { chrome?: Record<string, unknown> }).chrome;
    if (chromeApi) chromeApi.devtools = { inspectedWindow: { tabId }, panels: { themeName: 'default' } };
  }, labTabId);
  await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html`);
  await panel.waitForTimeout(1500);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, 'panel.png');
  await panel.screenshot({ path: shot });
  console.log(`\nPanel screenshot: ${shot}`);
  await stop(0);
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
});
