/**
 * Records what the extension's two capture sources see for every lab scenario, next to
 * Chromium's own verdict, into test/fixtures/lab-capture.json: the webRequest events (with
 * extraHeaders) and the DevTools network-log HAR entries (DevTools open on the lab tab).
 * Unit tests replay it through the capture mappers and the engine. Re-run after changing the lab:
 *   npx vite build --mode test && npx tsx scripts/record-capture-fixture.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RawWebRequestEvent } from '../src/capture/webrequest/raw-event.ts';
import { DEFAULT_EXTENSION_DIR, REPO_ROOT, chromiumVersion, launchBrowser } from '../test/harness/browser.ts';
import { runAll } from '../test/harness/lab-runner.ts';
import { attachOracle } from '../test/harness/oracle.ts';
import { startLab } from '../test/lab/server.ts';

const OUT = path.join(REPO_ROOT, 'test/fixtures/lab-capture.json');

const lab = await startLab();
const browser = await launchBrowser({ extensionDir: DEFAULT_EXTENSION_DIR, devtools: true });
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const oracle = await attachOracle(browser.context, page);
  await page.goto(lab.pageUrl);
  // webRequest events are only recorded for captured tabs: start the capture of the lab tab, and
  // give the DevTools page (auto-opened) time to start so its network log is complete.
  const ctl = await browser.context.newPage();
  await ctl.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
  const labTabId = await ctl.evaluate(async (p) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(p))?.id, lab.pageUrl);
  await ctl.evaluate((id) => chrome.runtime.sendMessage({ type: 'capture/start', tabId: id, reload: false }), labTabId);
  await new Promise((r) => setTimeout(r, 3000));
  await ctl.close();
  const runs = await runAll(page, lab, { oracle });
  // HAR entries reach the worker 2-50 ms after each request settles.
  await new Promise((r) => setTimeout(r, 1500));

  const ext = await browser.context.newPage();
  await ext.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
  const { events } = (await ext.evaluate(() => chrome.runtime.sendMessage({ type: 'debug/raw-events' }))) as {
    events: RawWebRequestEvent[];
  };
  const labEvents = events.filter((e) => !e.url.startsWith(lab.origins.app));
  const tabId = labEvents[0]?.tabId ?? -1;
  const { entries } = (await ext.evaluate(
    (id) => chrome.runtime.sendMessage({ type: 'debug/har-entries', tabId: id }),
    tabId,
  )) as { entries: unknown[] };

  const fixture = {
    recordedWith: chromiumVersion(browser.executablePath),
    origins: lab.origins,
    scenarios: runs.map((run) => ({ id: run.id, url: run.url, chromium: run.verdict })),
    webRequestEvents: labEvents,
    harEntries: entries,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(fixture, null, 1) + '\n');
  console.log(`${OUT}: ${runs.length} scenarios, ${labEvents.length} webRequest events, ${entries.length} HAR entries`);
} finally {
  await browser.close();
  await lab.close();
}
