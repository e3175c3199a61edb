/**
 * The CORS panel in real Chromium: the built extension is loaded, the lab runs in one tab with
 * DevTools open (so the DevTools page feeds Corsight), and the panel page is opened as a tab
 * with a small fake of chrome.devtools (inspected tab id, theme, openResource). Verdicts are
 * compared with Chromium's own (the CDP oracle).
 *
 * Data path: when the worker serves the live log (tab/report + subscribe port), the panel reads
 * it live; until then the test imports the DevTools network-log entries the DevTools page
 * forwarded to the worker (real captured entries) through the panel's "Import HAR".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachOracle, type Oracle } from '../harness/oracle.ts';
import { openLab, runScenario, type ScenarioRun } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';
import type { Scenario } from '../lab/scenarios.ts';
import { EXTENSION_DIR, forwardedHarEntries, importHar, lastCopied, openPanel, tabIdOf, waitForCapture, workerHasContract } from './panel-helpers.ts';

const HOSTILE_HTML = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const HOSTILE_SHELL = `it's $(touch /tmp/corsight-pwned) \`id\` "quoted"`;
const HOSTILE: Scenario = {
  id: 'panel-hostile-values',
  title: 'fetch with a hostile request header, ACAO full of HTML',
  group: 'panel',
  request: { kind: 'fetch', target: 'api1', headers: [['X-Custom-Header', HOSTILE_SHELL]] },
  preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}'], ['Access-Control-Allow-Headers', 'x-custom-header']] },
  response: { headers: [['Access-Control-Allow-Origin', HOSTILE_HTML]] },
  expect: { corsError: 'InvalidAllowOriginValue', failedParameter: HOSTILE_HTML },
};

const SCENARIOS = [
  'fetch-get-acao-ok',
  'fetch-get-no-acao',
  'fetch-get-acao-mismatch',
  'fetch-cred-wildcard',
  'fetch-cred-no-acac',
  'fetch-preflight-ok',
  'fetch-preflight-404-bare',
  'fetch-custom-header-denied',
  'xhr-custom-header-denied',
  'fetch-put-allowed',
  'fetch-put-denied',
  'fetch-redirect-no-acao',
  'redirect-cross-exact-origin',
  HOSTILE.id,
];

let lab: Lab;
let browser: LaunchedBrowser;
let labPage: Page;
let panel: Page;
let oracle: Oracle;
let tabId: number;
let live = false;
const runs = new Map<string, ScenarioRun>();

async function waitForDevtoolsLog(page: Page): Promise<void> {
  // The DevTools page starts a moment after the tab: wait until it feeds Corsight.
  const ext = await browser.context.newPage();
  await ext.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
  if (await workerHasContract(ext, tabId)) {
    await waitForCapture(ext, tabId, async () => (await runScenario(page, lab, 'fetch-get-acao-ok')).url);
  } else {
    for (let i = 0; i < 40; i++) {
      const entries = await forwardedHarEntries(ext, tabId);
      if (entries.some((e) => JSON.stringify(e).includes('/lab.js'))) break;
      await new Promise((r) => setTimeout(r, 500));
      if (i % 4 === 3) await page.reload();
    }
  }
  await ext.close();
}

async function search(text: string): Promise<void> {
  await panel.fill('.tb-search', text);
}

/** Opens the detail of the scenario's row (by its exact URL). */
async function openScenario(id: string): Promise<void> {
  const run = runs.get(id);
  if (!run) throw new Error(`scenario ${id} did not run`);
  await search(new URL(run.url).pathname + new URL(run.url).search);
  await panel.locator('.vrow').first().click();
  await panel.waitForSelector(`.detail`);
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) throw new Error('build the extension first: npx vite build --mode test');
  lab = await startLab();
  lab.add([HOSTILE]);
  browser = await launchBrowser({ extensionDir: EXTENSION_DIR, devtools: true });
  labPage = await browser.context.newPage();
  oracle = await attachOracle(browser.context, labPage);
  await openLab(labPage, lab);
  tabId = await tabIdOf(browser.serviceWorker!, lab.pageUrl);
  await waitForDevtoolsLog(labPage);
  await openLab(labPage, lab);
  for (const id of SCENARIOS) runs.set(id, await runScenario(labPage, lab, id, { oracle }));

  panel = await openPanel(browser.context, browser.extensionId!, { tabId, themeName: 'default' });
  live = await workerHasContract(panel, tabId);
  if (!live) {
    // The worker side of the message API is not there yet: import the real DevTools log entries.
    await new Promise((r) => setTimeout(r, 300));
    const entries = await forwardedHarEntries(panel, tabId);
    await importHar(panel, { log: { version: '1.2', entries } }, 'devtools-log.har');
  }
  console.log(`panel data path: ${live ? 'live from the worker' : 'HAR import of the forwarded DevTools log'}`);
  await panel.waitForSelector('.vrow', { timeout: 15_000 });
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('CORS panel', () => {
  it('shows every lab scenario with the verdict Chromium gave (CDP oracle)', async () => {
    for (const id of SCENARIOS) {
      const verdict = runs.get(id)?.verdict;
      expect(verdict, id).toBeDefined();
      await openScenario(id);
      const status = await panel.locator('.detail-status').textContent();
      if (verdict?.ok) {
        expect(status, id).not.toBe('Blocked');
        expect(await panel.locator('.detail .code-name').count(), id).toBe(0);
      } else {
        expect(status, id).toBe('Blocked');
        expect(await panel.locator('.detail .code-name').textContent(), id).toBe(verdict && !verdict.ok ? verdict.corsError : '');
      }
      // The row carries an icon with a text label, not color alone.
      const label = await panel.locator('.vrow').first().locator('.c-status [role="img"]').getAttribute('aria-label');
      expect(label, id).toBe(status);
    }
  });

  it('highlights the mismatching row of "asked vs allowed" with the value needed', async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ['fetch-custom-header-denied', 'access-control-allow-headers', 'preflight', /x-custom-header/],
      ['fetch-put-denied', 'access-control-allow-methods', 'preflight', /PUT/],
      ['fetch-get-acao-mismatch', 'access-control-allow-origin', 'actual', new RegExp(lab.origins.app.replace(/[.]/g, '\\.'))],
      ['fetch-cred-no-acac', 'access-control-allow-credentials', 'actual', /true/],
      ['fetch-preflight-404-bare', 'access-control-allow-origin', 'preflight', /127\.0\.0\.1/],
    ];
    for (const [id, header, stage, needed] of cases) {
      await openScenario(id);
      const bad = panel.locator('[data-testid="asked-allowed"] tr.mismatch');
      expect(await bad.count(), id).toBeGreaterThan(0);
      expect(await bad.first().getAttribute('data-header'), id).toBe(header);
      expect(await bad.first().getAttribute('data-stage'), id).toBe(stage);
      expect(await bad.first().locator('.needed').textContent(), id).toMatch(needed);
    }
    // The failing step of the timeline is marked: the preflight; the GET was never sent.
    await openScenario('fetch-custom-header-denied');
    expect(await panel.locator('.timeline .step.failed .step-method').textContent()).toBe('OPTIONS');
    expect(await panel.locator('.timeline .step-not-sent').count()).toBe(1);
  });

  it('"What if": editing the preflight answer changes the verdict as one types, by keyboard', async () => {
    await openScenario('fetch-custom-header-denied');
    await panel.locator('[data-testid="what-if"] summary').focus();
    await panel.keyboard.press('Enter');
    const box = panel.locator('[data-testid="what-if-pf:0"]');
    await box.waitFor();
    const verdict = panel.locator('[data-testid="what-if-verdict"]');
    expect(await verdict.getAttribute('data-status')).toBe('blocked');
    await box.focus();
    await panel.keyboard.press('Control+End');
    await panel.keyboard.type('\nAccess-Control-Allow-Headers: X-Custom-Header');
    expect(await verdict.getAttribute('data-status')).not.toBe('blocked');
    // A line that is not a header is said, not guessed.
    await panel.keyboard.type('\nnonsense');
    expect(await panel.locator('.what-if-errors').textContent()).toContain('is not "Name: value"');
  });

  it('plans every server of a redirect chain: the one reached with Origin: null gets *, never null', async () => {
    // api1 redirects to api2: api2 sees Origin: null and answered the page's origin (mismatch).
    await openScenario('redirect-cross-exact-origin');
    const main = panel.locator('.fix-section > .fix [data-testid="plan-http"]');
    expect(await main.textContent()).toMatch(/^Access-Control-Allow-Origin: \*$/m);
    const chain = panel.locator('[data-testid="chain-plan"]');
    expect(await chain.count()).toBe(1);
    expect(await chain.locator('h4').textContent()).toContain(lab.origins.api1);
    expect(await chain.locator('[data-testid="plan-http"]').textContent()).toContain(`Access-Control-Allow-Origin: ${lab.origins.app}`);
    expect(await panel.locator('.fix-section').textContent()).not.toMatch(/Access-Control-Allow-Origin: null/);
  });

  it('Copy puts the snippet on the clipboard; the stack choice is remembered', async () => {
    await openScenario('fetch-get-no-acao');
    await panel.selectOption('[data-testid="stack-picker"]', 'nginx');
    const code = await panel.locator('[data-testid="snippet"]').textContent();
    expect(code).toContain('add_header');
    await panel.locator('.code-block').first().getByRole('button', { name: 'Copy' }).click();
    await panel.waitForSelector('.code-block button:has-text("Copied")');
    expect(await lastCopied(panel)).toBe(code);

    await panel.reload();
    if (!live) {
      const entries = await forwardedHarEntries(panel, tabId);
      await importHar(panel, { log: { version: '1.2', entries } }, 'devtools-log.har');
    }
    await openScenario('fetch-get-no-acao');
    expect(await panel.locator('[data-testid="stack-picker"]').inputValue()).toBe('nginx');
    await panel.selectOption('[data-testid="stack-picker"]', 'express');
  });

  it('copies the preflight and the request as cURL with every value shell-quoted', async () => {
    await openScenario(HOSTILE.id);
    await panel.getByRole('button', { name: 'Copy preflight as cURL' }).click();
    const pre = await lastCopied(panel);
    expect(pre).toContain(`-X 'OPTIONS'`);
    expect(pre).toContain(`-H 'Origin: ${lab.origins.app}'`);
    expect(pre).toMatch(/-H 'Access-Control-Request-Method: GET'/i);
    expect(pre).toMatch(/-H 'Access-Control-Request-Headers: x-custom-header'/i);
    await panel.getByRole('button', { name: 'Copy request as cURL' }).click();
    const actual = await lastCopied(panel);
    expect(actual).toContain(`'X-Custom-Header: it'\\''s $(touch /tmp/corsight-pwned) \`id\` "quoted"'`);
    expect(actual).toContain(`-H 'Origin: ${lab.origins.app}'`);
  });

  it('shows header values containing HTML and script as text, running nothing', async () => {
    await openScenario(HOSTILE.id);
    const row = panel.locator('[data-testid="asked-allowed"] tr[data-header="access-control-allow-origin"][data-stage="actual"]');
    expect(await row.textContent()).toContain(HOSTILE_HTML);
    expect(await row.getAttribute('class')).toBe('mismatch');
    expect(await panel.locator('.detail img, .detail script').count()).toBe(0);
    expect(await panel.locator('.detail').textContent()).toContain(HOSTILE_HTML);
    await new Promise((r) => setTimeout(r, 200));
    expect(await panel.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('is driven by the keyboard: / searches, arrows move, Enter opens, Esc closes', async () => {
    await panel.locator('.detail-head button[aria-label^="Close"]').click();
    await panel.locator('body').click({ position: { x: 5, y: 780 } });
    await panel.keyboard.press('/');
    expect(await panel.evaluate(() => document.activeElement?.className)).toContain('tb-search');
    await panel.keyboard.type('/s/fetch-');
    await panel.keyboard.press('Enter'); // to the list
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('ArrowDown');
    const active = await panel.evaluate(() => document.activeElement?.getAttribute('aria-activedescendant'));
    expect(active).toMatch(/^req-/);
    const activeUrl = await panel.locator(`[id="${active}"] .c-url`).getAttribute('title');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector('.detail');
    expect(await panel.evaluate(() => document.activeElement?.id)).toBe('detail-headline');
    expect(await panel.locator('.detail-url').getAttribute('title')).toBe(activeUrl);
    // With the detail open, the arrows move the detail along.
    await panel.locator('.vlist').focus();
    await panel.keyboard.press('ArrowUp');
    expect(await panel.locator('.detail-url').getAttribute('title')).not.toBe(activeUrl);
    await panel.keyboard.press('Escape');
    expect(await panel.locator('.detail').count()).toBe(0);
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await search('');
  });

  it('filters by status and target origin, and teaches when empty', async () => {
    const rowsShown = () => panel.locator('.statusbar span').first().textContent();
    await panel.click('[data-filter="blocked"]');
    const statuses = await panel.locator('.vrow .c-status [role="img"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(new Set(statuses)).toEqual(new Set(['Blocked']));
    await panel.selectOption('.tb-select', lab.origins.api2);
    const to = await panel.locator('.vrow .c-origins').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    for (const t of to) expect(t.endsWith(lab.origins.api2)).toBe(true);
    await search('no-such-request-anywhere');
    expect(await panel.locator('[data-testid="empty"] h2').textContent()).toBe('No request matches');
    await panel.click('[data-testid="empty"] button');
    expect(await rowsShown()).toMatch(/^\d+ requests$/);
  });

  it('opens the initiator in the Sources panel', async () => {
    await openScenario('fetch-get-no-acao');
    const button = panel.locator('.initiator button');
    expect(await button.textContent()).toMatch(/lab\.js:\d+/);
    await button.click();
    const opened = await panel.evaluate(() => (window as unknown as { __openedResources: Array<{ url: string }> }).__openedResources);
    expect(opened.at(-1)?.url).toBe(`${lab.origins.app}/lab.js`);
  });

  it('exports the JSON report and a HAR, redacted by default, that import back with the same verdicts', async () => {
    const download = async (button: string) => {
      const [dl] = await Promise.all([panel.waitForEvent('download'), panel.getByRole('button', { name: button }).click()]);
      return fs.readFileSync((await dl.path())!, 'utf8');
    };
    // The lab's per-run query (r=...) stands for a query string's secrets.
    const secretQuery = new URL(runs.get('fetch-get-no-acao')!.url).search;
    const reportText = await download('Export report');
    const report = JSON.parse(reportText) as { format: string; redacted: boolean; entries: Array<{ url: string; corsError: string | null }> };
    expect(report.format).toBe('corsight-report');
    expect(report.redacted).toBe(true);
    expect(reportText).not.toContain(secretQuery);
    const noAcao = report.entries.find((e) => new URL(e.url).pathname === '/s/fetch-get-no-acao/');
    expect(noAcao?.corsError).toBe('MissingAllowOriginHeader');
    expect(noAcao?.url).toContain('r=redacted-by-corsight');

    await panel.check('[data-testid="include-secrets"]');
    const full = JSON.parse(await download('Export report')) as { redacted: boolean; entries: Array<{ url: string }> };
    expect(full.redacted).toBe(false);
    expect(full.entries.some((e) => e.url === runs.get('fetch-get-no-acao')?.url)).toBe(true);
    await panel.uncheck('[data-testid="include-secrets"]');

    const harText = await download('Export HAR');
    expect(harText).not.toContain(secretQuery);
    await importHar(panel, JSON.parse(harText) as unknown, 'roundtrip.har');
    await search('/s/fetch-put-denied/');
    await panel.locator('.vrow').first().click();
    expect(await panel.locator('.detail .code-name').textContent()).toBe('MethodDisallowedByPreflightResponse');
  });
});
