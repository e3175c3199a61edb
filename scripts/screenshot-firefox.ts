/**
 * A real screenshot of the CORS panel in Firefox: npx tsx scripts/screenshot-firefox.ts
 *   -> docs/screenshots/panel-firefox.png
 * Firefox ESR headless over WebDriver BiDi with the Firefox test build (CORSIGHT_BROWSER=firefox
 * npx vite build --mode test first: the bridge starts the capture). Some lab scenarios run in a
 * captured tab; the panel opens in a tab of its own (the popup's "Open the log in a tab"), and a
 * refused request is clicked (BiDi cannot script moz-extension:// pages, but it can click them).
 */
import path from 'node:path';
import { REPO_ROOT } from '../test/harness/browser.ts';
import { askWorker, FIREFOX_EXTENSION_DIR, launchFirefox } from '../test/harness/firefox.ts';
import { startLab } from '../test/lab/server.ts';

const OUT = path.join(REPO_ROOT, 'docs', 'screenshots', 'panel-firefox.png');
const SCENARIOS = ['fetch-get-acao-ok', 'fetch-get-no-acao', 'fetch-cred-wildcard', 'fetch-custom-header-denied', 'fetch-put-denied', 'fetch-preflight-ok', 'fetch-redirect-no-acao'];
/** The row clicked: fetch-put-denied (the fifth; rows in order of start, 21 px each below the toolbar). */
const ROW_INDEX = 4;
const ROW_HEIGHT = 21;
const FIRST_ROW_Y = 61;

const lab = await startLab();
const firefox = await launchFirefox({ extensionDir: FIREFOX_EXTENSION_DIR });
try {
  const page = await firefox.browser.newPage();
  await page.goto(lab.pageUrl);
  await askWorker(page, { type: 'capture/start', reload: false });
  for (const id of SCENARIOS) await page.evaluate(`window.corsightLab.ready.then(() => window.corsightLab.run(${JSON.stringify(id)}))`);
  await new Promise((r) => setTimeout(r, 1000));
  const before = (await firefox.browser.pages()).length;
  await askWorker(page, { type: 'tab/open-log' });
  let panel = undefined;
  for (let i = 0; i < 50 && !panel; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const pages = await firefox.browser.pages();
    if (pages.length > before) panel = pages.at(-1);
  }
  if (!panel) throw new Error('the panel tab did not open');
  await panel.setViewport({ width: 1280, height: 800 });
  await new Promise((r) => setTimeout(r, 800));
  await panel.mouse.click(400, FIRST_ROW_Y + ROW_INDEX * ROW_HEIGHT);
  await new Promise((r) => setTimeout(r, 500));
  await panel.screenshot({ path: OUT });
  console.log(`${path.relative(REPO_ROOT, OUT)} (${firefox.version})`);
} finally {
  await firefox.close();
  await lab.close();
}
