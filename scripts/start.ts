/**
 * `npm start`: build Corsight, start the CORS lab, and open Chromium with the extension loaded on
 * the lab page with DevTools open. With a display it is a real window you can use; without one
 * it runs every lab scenario headless, prints what Corsight saw, and saves a panel screenshot.
 * Ctrl-C stops everything it started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import type { RawWebRequestEvent } from '../src/capture/raw-event.ts';
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

function describeEvents(events: RawWebRequestEvent[]): string {
  if (events.length === 0) return 'nothing seen';
  const steps: string[] = [];
  for (const e of events) {
    if (e.phase === 'headersReceived') steps.push(`${e.method} ${e.statusCode}`);
    if (e.phase === 'error') steps.push(`${e.method} ${e.error ?? 'error'}`);
    if (e.phase === 'completed' && !events.some((o) => o.requestId === e.requestId && o.phase === 'headersReceived')) {
      steps.push(`${e.method} ${e.statusCode} (cache)`);
    }
  }
  return steps.join(' -> ');
}

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
  const runs = await runAll(page, lab, { oracle });

  const extensionPage = await browser.context.newPage();
  await extensionPage.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
  const reply = (await extensionPage.evaluate(() => chrome.runtime.sendMessage({ type: 'debug/raw-events' }))) as {
    events: RawWebRequestEvent[];
  };
  await extensionPage.close();

  const width = Math.max(...runs.map((r) => r.id.length));
  for (const run of runs) {
    const seen = reply.events.filter((e) => e.url === run.url);
    const chromium = run.verdict?.ok === false ? (run.verdict.corsError ?? run.verdict.errorText ?? 'failed') : 'ok';
    console.log(`${run.id.padEnd(width)}  Chromium: ${chromium.padEnd(36)} Corsight saw: ${describeEvents(seen)}`);
  }

  // The panel, opened as a tab with the inspected tab id DevTools would give it.
  const labTabId = reply.events.find((e) => e.url.startsWith(theLab.origins.api1))?.tabId ?? -1;
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
