/**
 * Real screenshots of the CORS panel, light and dark, from the CORS lab:
 *   npx tsx scripts/screenshots.ts   ->  docs/screenshots/panel-light.png, panel-dark.png, panel-trial.png
 * Builds nothing: run `npx vite build --mode test` first (it reads the debug messages). Chromium runs the lab with Corsight loaded and
 * DevTools open; the panel page is opened as a tab with the inspected tab's id. When the worker
 * serves the live log, the panel shows it; otherwise the DevTools network log the DevTools page
 * forwarded is imported as a HAR (the same entries, diagnosed in the panel).
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, launchBrowser } from '../test/harness/browser.ts';
import { openLab, runScenario } from '../test/harness/lab-runner.ts';
import { startLab } from '../test/lab/server.ts';
import { EXTENSION_DIR, forwardedHarEntries, importHar, openPanel, tabIdOf, workerHasContract } from '../test/e2e/panel-helpers.ts';

const OUT = path.join(REPO_ROOT, 'docs', 'screenshots');
const SCENARIOS = [
  'fetch-get-acao-ok',
  'fetch-get-no-acao',
  'fetch-get-acao-mismatch',
  'fetch-cred-wildcard',
  'fetch-preflight-ok',
  'fetch-preflight-404-bare',
  'fetch-custom-header-allowed',
  'fetch-custom-header-denied',
  'fetch-put-allowed',
  'fetch-put-denied',
  'xhr-custom-header-denied',
  'fetch-redirect-ok',
  'fetch-redirect-no-acao',
  'cred-acac-true',
];
const FOCUS = 'fetch-custom-header-denied';

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const lab = await startLab();
  const browser = await launchBrowser({ extensionDir: EXTENSION_DIR, devtools: true });
  try {
    const labPage = await browser.context.newPage();
    // The DevTools page starts a moment after the tab: give it time, then start from a fresh load.
    await openLab(labPage, lab);
    const worker = browser.serviceWorker;
    if (!worker || !browser.extensionId) throw new Error('no extension worker');
    const tabId = await tabIdOf(worker, lab.pageUrl);
    // The DevTools page starts a moment after the tab: give it time, then start from a fresh load.
    await new Promise((r) => setTimeout(r, 2500));
    await labPage.reload();
    await openLab(labPage, lab);
    for (const id of SCENARIOS) await runScenario(labPage, lab, id);
    await new Promise((r) => setTimeout(r, 500));

    for (const theme of ['default', 'dark'] as const) {
      const panel = await openPanel(browser.context, browser.extensionId, { tabId, themeName: theme }, { width: 1280, height: 760 });
      if (!(await workerHasContract(panel, tabId))) {
        const entries = await forwardedHarEntries(panel, tabId);
        await importHar(panel, { log: { version: '1.2', entries } }, 'lab-devtools-log.har');
        await panel.click('[data-testid="notice"] button');
        console.log(`worker has no live log yet: imported ${entries.length} forwarded DevTools entries`);
      }
      await panel.waitForSelector('.vrow');
      await panel.fill('.tb-search', '');
      const row = panel.locator('.vrow', { hasText: `/s/${FOCUS}/` }).first();
      await row.click();
      await panel.waitForSelector('[data-testid="headline"]');
      await panel.locator('.vlist').focus();
      const file = path.join(OUT, theme === 'dark' ? 'panel-dark.png' : 'panel-light.png');
      await panel.screenshot({ path: file });
      console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
      await panel.close();
    }

    // "Try this fix": the focus request tried in the tab, run again, judged under the trial.
    const panel = await openPanel(browser.context, browser.extensionId, { tabId, themeName: 'default' }, { width: 1280, height: 760 });
    await panel.locator('.vrow', { hasText: `/s/${FOCUS}/` }).first().click();
    await panel.click('[data-testid="try-only"]');
    await panel.waitForSelector('[data-testid="trial-banner"]');
    await runScenario(labPage, lab, FOCUS);
    await new Promise((r) => setTimeout(r, 800));
    await panel.locator('.vrow', { hasText: `/s/${FOCUS}/` }).last().click();
    await panel.waitForSelector('[data-testid="under-trial"]');
    await panel.locator('.vlist').focus();
    const trialFile = path.join(OUT, 'panel-trial.png');
    await panel.screenshot({ path: trialFile });
    console.log(`wrote ${path.relative(REPO_ROOT, trialFile)}`);
    await panel.click('[data-testid="trial-end"]');
    await panel.close();
  } finally {
    await browser.close();
    await lab.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
