/**
 * Screenshots of the toolbar popup's states into docs/screenshots/popup-*.png:
 * not captured (likely-CORS count), captured with groups (light and dark), a fix being tried, a
 * browser page.
 *
 *   npx vite build --outDir /tmp/corsight-popup-dist --emptyOutDir
 *   CORSIGHT_EXTENSION_DIR=/tmp/corsight-popup-dist NODE_OPTIONS=--experimental-websocket npx tsx scripts/popup-screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_EXTENSION_DIR, REPO_ROOT, launchBrowser } from '../test/harness/browser.ts';
import { openLab, runScenario } from '../test/harness/lab-runner.ts';
import { startLab } from '../test/lab/server.ts';
import { tabIdOf } from '../test/e2e/panel-helpers.ts';

const EXTENSION_DIR = process.env.CORSIGHT_EXTENSION_DIR ?? DEFAULT_EXTENSION_DIR;
const OUT = path.join(REPO_ROOT, 'docs', 'screenshots');
const FAILING = [
  'fetch-custom-header-denied',
  'fetch-custom-header-denied',
  'xhr-custom-header-denied',
  'fetch-get-no-acao',
  'fetch-get-no-acao',
  'fetch-put-denied',
  'fetch-cred-wildcard',
];
const PASSING = ['fetch-get-acao-ok', 'fetch-preflight-ok', 'fetch-put-allowed'];

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const lab = await startLab();
  const browser = await launchBrowser({ extensionDir: EXTENSION_DIR });
  try {
    const worker = browser.serviceWorker!;
    const ids = async () => worker.evaluate(async () => (await chrome.tabs.query({})).map((t) => t.id ?? -1));
    const newTabId = async (open: () => Promise<void>) => {
      const before = new Set(await ids());
      await open();
      const id = (await ids()).find((x) => !before.has(x));
      if (id === undefined) throw new Error('no new tab');
      return id;
    };

    const labPage = await browser.context.newPage();
    await openLab(labPage, lab);
    const tabId = await tabIdOf(worker, lab.pageUrl);
    for (const id of FAILING) await runScenario(labPage, lab, id);
    await new Promise((r) => setTimeout(r, 500));

    const shot = async (forTab: number, file: string, dark = false, ready = 'main.popup:not([data-state="loading"])'): Promise<Page> => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 380, height: 200 });
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
      await page.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tabId=${forTab}`);
      await page.waitForSelector(ready);
      await page.screenshot({ path: path.join(OUT, file), fullPage: true });
      console.log(`wrote docs/screenshots/${file}`);
      return page;
    };

    const notCaptured = await shot(tabId, 'popup-not-captured.png');
    await notCaptured.click('[data-testid="diagnose"]');
    await notCaptured.waitForSelector('main[data-state="captured"]');
    await new Promise((r) => setTimeout(r, 1000));
    await openLab(labPage, lab);
    for (const id of [...FAILING, ...PASSING]) await runScenario(labPage, lab, id);
    await new Promise((r) => setTimeout(r, 800));
    await notCaptured.close();
    await (await shot(tabId, 'popup-captured.png', false, '[data-testid="groups"]')).close();
    await (await shot(tabId, 'popup-captured-dark.png', true, '[data-testid="groups"]')).close();

    // "Try it" on the first group: the tab reloads under the trial; its requests run again.
    const trying = await shot(tabId, 'popup-trial.png', false, '[data-testid="groups"]');
    await trying.click('[data-testid="try"]');
    await trying.waitForSelector('[data-testid="trial-banner"]');
    await new Promise((r) => setTimeout(r, 1000));
    await openLab(labPage, lab);
    for (const id of [...FAILING, ...PASSING]) await runScenario(labPage, lab, id);
    await new Promise((r) => setTimeout(r, 800));
    await trying.close();
    await (await shot(tabId, 'popup-trial.png', false, '[data-testid="trial-banner"]')).close();

    const restricted = await newTabId(async () => {
      const other = await browser.context.newPage();
      await other.goto('chrome://version').catch(() => undefined);
    });
    await (await shot(restricted, 'popup-restricted.png')).close();
  } finally {
    await browser.close();
    await lab.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
