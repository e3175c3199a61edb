/**
 * "Try this fix" in real Chromium: for each classic failure of the lab, the panel's Try button
 * installs the plan's headers for that tab only; the same request then passes in that tab (the
 * CDP oracle is the judge) and stays blocked in a second tab; a preflight answered 403 is refused
 * with words; the rules are gone (getSessionRules) after End trial, the tab closing, a navigation
 * to another host, the time limit and a forced worker restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { openLab, runScenario } from '../harness/lab-runner.ts';
import { attachOracle, type Oracle } from '../harness/oracle.ts';
import { CROSS_SITE_HOST } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { EXTENSION_DIR, openPanel, tabIdOf } from './panel-helpers.ts';

let lab: Lab;
let browser: LaunchedBrowser;
let tabA: Page;
let tabB: Page;
let oracleA: Oracle;
let oracleB: Oracle;
let tabIdA: number;
let panel: Page;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sessionRuleCount(page: Page): Promise<number> {
  return page.evaluate(async () => (await chrome.declarativeNetRequest.getSessionRules()).length);
}

/** Waits until no session rule is left (the worker removes them asynchronously). */
async function rulesGone(page: Page, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let n = await sessionRuleCount(page);
  while (n > 0 && Date.now() < end) {
    await sleep(100);
    n = await sessionRuleCount(page);
  }
  return n;
}

async function ask<T>(page: Page, message: Record<string, unknown>): Promise<T> {
  return page.evaluate(async (m) => (await chrome.runtime.sendMessage(m)) as unknown, message) as Promise<T>;
}

/** Opens the panel's detail of the request to exactly `url` (waits until the capture has it). */
async function openRow(url: string): Promise<void> {
  const u = new URL(url);
  await panel.fill('.tb-search', u.pathname + u.search);
  await panel.locator('.vrow').first().waitFor({ timeout: 10_000 });
  await panel.locator('.vrow').first().click();
  await panel.waitForSelector('.detail');
}

/** Starts a trial (ACAO for the lab page on api1) through the message API, for the end-of-trial checks. */
async function startTrial(tabId: number, durationMs?: number): Promise<void> {
  const plan = {
    targetOrigin: lab.origins.api1,
    policy: { allowOrigins: [lab.origins.app], allowCredentials: false, allowMethods: [], allowHeaders: [], exposeHeaders: [] },
    headers: [],
    actions: [],
    serverFixable: true,
  };
  const r = await ask<{ trial?: unknown; refused?: string }>(panel, { type: 'trial/start', tabId, pageOrigin: lab.origins.app, plans: [plan], reload: false, ...(durationMs ? { durationMs } : {}) });
  expect(r.refused).toBeUndefined();
  expect(await sessionRuleCount(panel)).toBe(2);
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) throw new Error('build the extension first: npx vite build --mode test');
  lab = await startLab();
  browser = await launchBrowser({ extensionDir: EXTENSION_DIR });
  tabA = await browser.context.newPage();
  tabB = await browser.context.newPage();
  oracleA = await attachOracle(browser.context, tabA);
  oracleB = await attachOracle(browser.context, tabB);
  await tabA.goto(`${lab.pageUrl}?tab=a`);
  await tabB.goto(`${lab.pageUrl}?tab=b`);
  await openLab(tabA, lab);
  await openLab(tabB, lab);
  tabIdA = await tabIdOf(browser.serviceWorker!, `${lab.pageUrl}?tab=a`);
  panel = await openPanel(browser.context, browser.extensionId!, { tabId: tabIdA });
  // DevTools closed: "Diagnose this tab" (webRequest capture) feeds the panel.
  await ask(panel, { type: 'capture/start', tabId: tabIdA, reload: false });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

/** The classic failures: Chromium's code before the trial. */
const CLASSIC: Array<[id: string, code: string]> = [
  ['fetch-get-no-acao', 'MissingAllowOriginHeader'],
  ['fetch-get-acao-mismatch', 'AllowOriginMismatch'],
  ['fetch-cred-wildcard', 'WildcardOriginNotAllowed'],
  ['fetch-cred-no-acac', 'InvalidAllowCredentials'],
  ['fetch-put-denied', 'MethodDisallowedByPreflightResponse'],
  ['fetch-custom-header-denied', 'HeaderDisallowedByPreflightResponse'],
  ['xhr-upload-listener', 'PreflightMissingAllowOriginHeader'],
];

describe('Try this fix', () => {
  it.each(CLASSIC)('%s: the request passes in this tab, stays blocked in another', async (id, code) => {
    const before = await runScenario(tabA, lab, id, { oracle: oracleA });
    expect(before.verdict?.ok, id).toBe(false);
    expect(before.verdict && !before.verdict.ok ? before.verdict.corsError : '', id).toBe(code);
    await openRow(before.url);
    await panel.click('[data-testid="try-only"]');
    await panel.waitForSelector('[data-testid="trial-banner"]');
    expect(await sessionRuleCount(panel)).toBeGreaterThan(0);

    const during = await runScenario(tabA, lab, id, { oracle: oracleA });
    expect(during.verdict, `${id} with the trial`).toMatchObject({ ok: true });
    const elsewhere = await runScenario(tabB, lab, id, { oracle: oracleB });
    expect(elsewhere.verdict?.ok, `${id} in the other tab`).toBe(false);

    // The capture shows the server's headers; the panel judges the request with the trial's.
    await openRow(during.url);
    await panel.waitForSelector('[data-testid="under-trial"]');
    expect(await panel.locator('.detail-status').textContent()).not.toBe('Blocked');

    await panel.click('[data-testid="trial-end"]');
    expect(await rulesGone(panel)).toBe(0);
    await panel.waitForSelector('[data-testid="trial-banner"]', { state: 'detached' });
    const after = await runScenario(tabA, lab, id, { oracle: oracleA });
    expect(after.verdict?.ok, `${id} after the trial`).toBe(false);
  });

  it('an unexposed response header the page reads: readable in this tab during the trial', async () => {
    const before = await runScenario(tabA, lab, 'expose-unlisted-read', { oracle: oracleA });
    expect(before.page.header).toBeNull();
    await openRow(before.url);
    await panel.click('[data-testid="try-only"]');
    await panel.waitForSelector('[data-testid="trial-banner"]');
    expect((await runScenario(tabA, lab, 'expose-unlisted-read')).page.header).toBe('3');
    expect((await runScenario(tabB, lab, 'expose-unlisted-read')).page.header).toBeNull();
    await panel.click('[data-testid="trial-end"]');
    expect(await rulesGone(panel)).toBe(0);
  });

  it.each([
    ['preflight-status-403-cors', /Answer OPTIONS before the authentication middleware/],
    ['fetch-preflight-404-cors', /Answer OPTIONS for this URL with 204/],
  ])('is not offered for %s: headers cannot change a status, and it says what must change instead', async (id, instead) => {
    const before = await runScenario(tabA, lab, id, { oracle: oracleA });
    expect(before.verdict && !before.verdict.ok ? before.verdict.corsError : '').toBe('PreflightInvalidStatus');
    await openRow(before.url);
    expect(await panel.locator('[data-testid="try-only"]').count()).toBe(0);
    const refused = await panel.locator('[data-testid="try-refused"]').textContent();
    expect(refused).toMatch(/error status/);
    expect(refused).toMatch(instead);
    expect(await sessionRuleCount(panel)).toBe(0);
  });

  it('the worker refuses such a plan too (a page that asks anyway), with the same words', async () => {
    const plan = {
      targetOrigin: lab.origins.api1,
      policy: { allowOrigins: [lab.origins.app], allowCredentials: false, allowMethods: ['PUT'], allowHeaders: [], exposeHeaders: [] },
      headers: [],
      actions: [{ id: 'answer-preflight-before-auth', text: 'x' }],
      serverFixable: true,
    };
    const r = await ask<{ refused?: string }>(panel, { type: 'trial/start', tabId: tabIdA, pageOrigin: lab.origins.app, plans: [plan], reload: false });
    expect(r.refused).toMatch(/error status/);
    expect(await sessionRuleCount(panel)).toBe(0);
  });

  it('rules are gone when the time is up', async () => {
    await startTrial(tabIdA, 1500);
    expect(await rulesGone(panel, 8000)).toBe(0);
  });

  it('rules are gone when the tab navigates to another host', async () => {
    await startTrial(tabIdA);
    await tabA.goto(`http://${CROSS_SITE_HOST}:${new URL(lab.origins.app).port}/?tab=a`);
    expect(await rulesGone(panel)).toBe(0);
    await tabA.goto(`${lab.pageUrl}?tab=a`);
    await openLab(tabA, lab);
  });

  it('rules are gone after a forced worker restart (a new worker knows no trial)', async () => {
    await startTrial(tabIdA);
    const cdp: CDPSession = await browser.context.newCDPSession(tabA);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await sleep(300);
    // Any message wakes the worker; its start-up removes the rules it does not know.
    await ask(panel, { type: 'debug/state' });
    expect(await rulesGone(panel)).toBe(0);
    await cdp.detach();
  });

  it('rules are gone when the tab closes', async () => {
    const tabC = await browser.context.newPage();
    await tabC.goto(`${lab.pageUrl}?tab=c`);
    await openLab(tabC, lab);
    await startTrial(await tabIdOf(browser.serviceWorker!, `${lab.pageUrl}?tab=c`));
    await tabC.close();
    expect(await rulesGone(panel)).toBe(0);
  });
});
