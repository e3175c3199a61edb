/**
 * The toolbar popup in real Chromium, DevTools closed: the popup page is opened as a tab
 * (chrome-extension://<id>/src/popup/index.html?tabId=<lab tab>) next to the lab tab. Before
 * capture it shows the cheap watch's likely-CORS count; "Diagnose this tab" (reload on) starts
 * webRequest capture; the counts and groups it then shows are compared with the worker's
 * tab/report and with Chromium's own verdicts (CDP oracle). Copy (writeText recorded: Playwright
 * cannot grant clipboard permissions to chrome-extension:// origins), the stack picker, stop
 * capture and a browser page (chrome://) are checked too.
 *
 * Build first into a private directory: npx vite build --outDir /tmp/corsight-popup-dist --emptyOutDir
 * and run with CORSIGHT_EXTENSION_DIR=/tmp/corsight-popup-dist (default: dist/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_EXTENSION_DIR, launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachOracle, type Oracle } from '../harness/oracle.ts';
import { openLab, runScenario, type ScenarioRun } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { tabIdOf } from './panel-helpers.ts';
import type { TabReport } from '../../src/store/report.ts';

const EXTENSION_DIR = process.env.CORSIGHT_EXTENSION_DIR ?? DEFAULT_EXTENSION_DIR;

/** Blocked scenarios (two share a cause and a server, so they form one group) and a control. */
const FAILING = ['fetch-custom-header-denied', 'fetch-custom-header-denied', 'fetch-get-no-acao', 'fetch-put-denied'];
const PASSING = ['fetch-get-acao-ok'];

let lab: Lab;
let browser: LaunchedBrowser;
let labPage: Page;
let popup: Page;
let oracle: Oracle;
let tabId: number;
const runs: ScenarioRun[] = [];

/** Records what the popup copies (context-level: page-level init scripts may miss extension pages). */
async function recordClipboard(context: BrowserContext): Promise<void> {
  await context.addInitScript({
    content: `(() => {
      if (!location.protocol.startsWith('chrome-extension')) return;
      window.__clipboard = [];
      const clip = navigator.clipboard;
      if (!clip) return;
      const original = clip.writeText.bind(clip);
      clip.writeText = async (text) => { window.__clipboard.push(text); await original(text).catch(() => undefined); };
    })();`,
  });
}

async function lastCopied(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as { __clipboard?: string[] }).__clipboard?.at(-1));
}

async function ask<T>(page: Page, message: unknown): Promise<T> {
  return page.evaluate(async (m) => (await chrome.runtime.sendMessage(m)) as unknown, message) as Promise<T>;
}

const report = () => ask<TabReport>(popup, { type: 'tab/report', tabId });

async function badgeText(): Promise<string> {
  return browser.serviceWorker!.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

async function allTabIds(): Promise<number[]> {
  return browser.serviceWorker!.evaluate(async () => (await chrome.tabs.query({})).map((t) => t.id ?? -1));
}

async function openPopup(forTab: number): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 400, height: 640 });
  await page.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tabId=${forTab}`);
  await page.waitForSelector('main.popup:not([data-state="loading"])');
  return page;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 250));
    v = await read();
  }
  return v;
}

async function shownCount(status: 'blocked' | 'warning' | 'ok'): Promise<number> {
  return Number(await popup.locator(`[data-status="${status}"] .n`).textContent());
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`build the extension first: npx vite build --outDir ${EXTENSION_DIR} --emptyOutDir`);
  }
  lab = await startLab();
  browser = await launchBrowser({ extensionDir: EXTENSION_DIR });
  await recordClipboard(browser.context);
  labPage = await browser.context.newPage();
  await openLab(labPage, lab);
  tabId = await tabIdOf(browser.serviceWorker!, lab.pageUrl);
  oracle = await attachOracle(browser.context, labPage);
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('popup', () => {
  it('before capture: shows the likely-CORS failures the cheap watch counted, and offers to diagnose', async () => {
    for (const id of FAILING) await runScenario(labPage, lab, id);
    popup = await openPopup(tabId);
    // Each failing scenario ends in one net::ERR_FAILED cross-origin request: the cheap watch counts it.
    const r = await until('the cheap watch', report, (x) => x.likelyCorsFailures >= FAILING.length, 10_000);
    expect(r.likelyCorsFailures).toBe(FAILING.length);
    // The badge says it is a guess ("~"), not a diagnosis.
    // (It is updated with the next storage batch: wait for it to settle on the count.)
    expect(await until('the badge', badgeText, (t) => t === `~${FAILING.length}`)).toBe(`~${FAILING.length}`);
    await popup.reload();
    await popup.waitForSelector('main.popup:not([data-state="loading"])');
    expect(await popup.locator('main').getAttribute('data-state')).toBe('not-captured');
    const likely = await popup.locator('[data-testid="likely"]').textContent();
    console.log(`popup: likelyCorsFailures=${r.likelyCorsFailures}, shown: ${likely}`);
    expect(likely).toContain(`${r.likelyCorsFailures} failed request`);
    expect(await popup.locator('[data-testid="capture-status"]').textContent()).toBe('Not capturing');
    expect(await popup.locator('[data-testid="reload"]').isChecked()).toBe(true);
    // Keyboard: Tab reaches the checkbox and then the button.
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('reload');
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('diagnose');
  });

  it('"Diagnose this tab" starts capture with a reload; the popup shows the worker\'s counts and Chromium\'s verdicts, grouped', async () => {
    const navigated = labPage.waitForEvent('framenavigated', { timeout: 10_000 });
    await popup.keyboard.press('Enter'); // the focused "Diagnose this tab"
    await navigated; // the reload checkbox was on
    await popup.waitForSelector('main[data-state="captured"]');
    expect(await popup.locator('[data-testid="capture-status"]').textContent()).toBe('Capturing');
    const state = await ask<{ capturedTabs: number[] }>(popup, { type: 'debug/state' });
    expect(state.capturedTabs).toContain(tabId);

    await openLab(labPage, lab);
    for (const id of [...FAILING, ...PASSING]) runs.push(await runScenario(labPage, lab, id, { oracle }));
    const r = await until('the captured scenarios', report, (x) => runs.every((run) => x.entries.some((e) => e.url === run.url)));

    // Chromium's verdict = the worker's verdict, for every scenario run.
    for (const run of runs) {
      const e = r.entries.find((x) => x.url === run.url)!;
      if (run.verdict?.ok) expect(e.status, run.id).not.toBe('blocked');
      else {
        expect(e.status, run.id).toBe('blocked');
        expect(e.corsError, run.id).toBe(run.verdict?.corsError);
      }
    }

    await popup.reload(); // one read when the popup opens
    await popup.waitForSelector('main[data-state="captured"] [data-testid="groups"]');
    expect(await shownCount('blocked')).toBe(r.counts.blocked);
    expect(await shownCount('warning')).toBe(r.counts.warning);
    expect(await shownCount('ok')).toBe(r.counts.ok);
    expect(r.counts.blocked).toBeGreaterThanOrEqual(FAILING.length);
    // Captured: the badge shows the diagnosed blocked count, without the "~".
    expect(await until('the badge', badgeText, (t) => t === String(r.counts.blocked))).toBe(String(r.counts.blocked));

    const groups = popup.locator('[data-testid="group"]');
    const labels = await groups.locator('.group-label').allTextContents();
    // The two header-denied runs form one group, with the header name and the server.
    const header = popup.locator('[data-testid="group"][data-cors-error="HeaderDisallowedByPreflightResponse"]');
    expect(await header.count()).toBe(1);
    const headerRuns = runs.filter((x) => x.id === 'fetch-custom-header-denied');
    const headerVerdict = headerRuns[0]!.verdict;
    expect(headerVerdict?.ok).toBe(false);
    const n = r.entries.filter((e) => e.corsError === 'HeaderDisallowedByPreflightResponse').length;
    expect(n).toBeGreaterThanOrEqual(2);
    const host = new URL(headerRuns[0]!.url).host;
    expect(await header.locator('.group-label').textContent()).toContain(`${n} requests to ${host}: header x-custom-header not allowed by the preflight`);
    expect(await header.locator('[data-testid="fix"]').textContent()).toMatch(/^Send Access-Control-Allow-Headers: .*x-custom-header.* on the preflight/);
    for (const run of runs.filter((x) => x.verdict && !x.verdict.ok)) {
      const code = run.verdict && !run.verdict.ok ? run.verdict.corsError : undefined;
      expect(await popup.locator(`[data-testid="group"][data-cors-error="${code}"]`).count(), `${run.id} ${code}`).toBe(1);
    }
    // Group sizes add up to the blocked + warning counts (nothing hidden at this size).
    const sizes = await groups.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(r.counts.blocked + r.counts.warning);
    console.log(`popup groups: ${JSON.stringify(labels)}`);
    expect(await popup.locator('.pointer').textContent()).toContain('CORS panel');
  });

  it('copies the merged fix for a group in the chosen stack, and saves the stack', async () => {
    const header = popup.locator('[data-testid="group"][data-cors-error="HeaderDisallowedByPreflightResponse"]');
    expect(await popup.locator('[data-testid="stack-picker"]').inputValue()).toBe('express');
    await header.locator('[data-testid="copy"]').click();
    await popup.waitForFunction(() => ((window as unknown as { __clipboard?: string[] }).__clipboard ?? []).length > 0);
    const express = await lastCopied(popup);
    expect(express).toContain('x-custom-header');
    expect(express).toContain(lab.origins.app);
    expect(express).toMatch(/cors\(/);
    await until('the "Copied" feedback', () => header.locator('[data-testid="copy"]').textContent(), (t) => Boolean(t?.startsWith('Copied')), 5_000);

    await popup.selectOption('[data-testid="stack-picker"]', 'nginx');
    await until('the saved stack', () => ask<{ snippetStack: string | null }>(popup, { type: 'settings/get' }), (s) => s.snippetStack === 'nginx');
    await header.locator('[data-testid="copy"]').click();
    await until('the nginx snippet', () => lastCopied(popup), (t) => Boolean(t?.includes('add_header')));
    // The choice is remembered by the next popup.
    await popup.reload();
    await popup.waitForSelector('[data-testid="groups"]');
    await until('the stack picker', () => popup.locator('[data-testid="stack-picker"]').inputValue(), (v) => v === 'nginx');
    await ask(popup, { type: 'settings/set', patch: { snippetStack: 'express' } });
  });

  it('"Try it" on a group: the tab reloads under the trial, the banner and the TRY badge show, End trial removes the rules', async () => {
    const header = popup.locator('[data-testid="group"][data-cors-error="HeaderDisallowedByPreflightResponse"]');
    await header.locator('[data-testid="try"]').click();
    await popup.waitForSelector('[data-testid="trial-banner"]');
    const rules = () => popup.evaluate(async () => (await chrome.declarativeNetRequest.getSessionRules()).length);
    expect(await rules()).toBe(2);
    await until('the TRY badge', badgeText, (t) => t === 'TRY');
    // The tab reloaded; the same request now passes in Chromium's judgement.
    await openLab(labPage, lab);
    const again = await runScenario(labPage, lab, 'fetch-custom-header-denied', { oracle });
    expect(again.verdict).toMatchObject({ ok: true });
    await popup.click('[data-testid="trial-end"]');
    await until('the rules removed', rules, (n) => n === 0);
    await popup.waitForSelector('[data-testid="trial-banner"]', { state: 'detached' });
    await until('the badge back', badgeText, (t) => t !== 'TRY');
  });

  it('keeps no cookie value: not in storage.session, not in the report; that a Cookie was sent is kept', async () => {
    // The lab page set corsight_lab=1 for the host: a request with credentials carries it.
    const run = await runScenario(labPage, lab, 'fetch-cred-no-acac', { oracle });
    expect(run.request?.hops[0]?.rawHeaders?.some((h) => h.name.toLowerCase() === 'cookie' && h.value.includes('corsight_lab=1'))).toBe(true);
    const entry = await until('the credentialed request in the report', report, (r) => r.entries.some((e) => e.url === run.url));
    const ex = entry.entries.find((e) => e.url === run.url)!;
    expect(ex.exchange.hops[0]?.requestHeaders?.find((h) => h.name.toLowerCase() === 'cookie')?.value).toBe('redacted-by-corsight');
    expect(ex.corsError).toBe('InvalidAllowCredentials');
    await new Promise((r) => setTimeout(r, 600));
    const stored = await popup.evaluate(async () => JSON.stringify(await chrome.storage.session.get(null)));
    expect(stored).toContain('fetch-cred-no-acac');
    expect(stored).not.toContain('corsight_lab=1');

    // The setting keeps them (for Copy as cURL), and only from then on.
    await popup.locator('[data-testid="settings"] summary').click();
    await popup.check('[data-testid="setting-keep-secrets"]');
    await until('the saved setting', () => ask<{ keepSecrets: boolean }>(popup, { type: 'settings/get' }), (st) => st.keepSecrets);
    const kept = await runScenario(labPage, lab, 'fetch-cred-no-acac');
    const withValue = await until('the request in the report', report, (r) => r.entries.some((e) => e.url === kept.url));
    const cookie = withValue.entries.find((e) => e.url === kept.url)!.exchange.hops[0]?.requestHeaders?.find((h) => h.name.toLowerCase() === 'cookie')?.value;
    expect(cookie).toContain('corsight_lab=1');
    await popup.uncheck('[data-testid="setting-keep-secrets"]');
    await until('the setting off again', () => ask<{ keepSecrets: boolean }>(popup, { type: 'settings/get' }), (st) => !st.keepSecrets);
  });

  it('"Open the log in a tab": the CORS panel in a tab of its own follows the captured tab, no DevTools', async () => {
    expect((await report()).entries.filter((e) => e.status === 'blocked').length).toBeGreaterThan(0);
    const opened = browser.context.waitForEvent('page');
    await popup.click('[data-testid="open-log"]');
    const panel = await opened;
    await panel.waitForSelector('.panel');
    expect(panel.url()).toBe(`chrome-extension://${browser.extensionId}/src/panel/index.html?tab=${tabId}`);
    // The panel lists the tab's log, refused requests among them.
    await until('the panel rows', () => panel.locator('.vrow').count(), (n) => n > 0);
    const labels = await panel.locator('.vrow .c-status [role="img"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels).toContain('Blocked');
    await panel.close();
    // The popup closed itself; open it again for the tests that follow.
    popup = await openPopup(tabId);
  });

  it('"Stop capturing" stops the capture and keeps what was seen', async () => {
    await popup.click('[data-testid="stop"]');
    await popup.waitForSelector('main[data-state="stopped"]');
    const state = await ask<{ capturedTabs: number[] }>(popup, { type: 'debug/state' });
    expect(state.capturedTabs).not.toContain(tabId);
    expect(await popup.locator('[data-testid="capture-status"]').textContent()).toBe('Not capturing');
    expect(await popup.locator('[data-testid="diagnose"]').count()).toBe(1);
    const before = (await report()).entries.length;
    await runScenario(labPage, lab, 'fetch-get-no-acao');
    await new Promise((r) => setTimeout(r, 800));
    expect((await report()).entries.length).toBe(before);
  });

  it('says so on a page extensions cannot see (chrome://)', async () => {
    const before = new Set(await allTabIds());
    const other = await browser.context.newPage();
    await other.goto('chrome://version').catch(() => undefined);
    const id = (await allTabIds()).find((x) => !before.has(x)) ?? -1;
    expect(id).toBeGreaterThanOrEqual(0);
    const p = await openPopup(id);
    expect(await p.locator('main').getAttribute('data-state')).toBe('restricted');
    expect(await p.locator('[data-testid="restricted"]').textContent()).toMatch(/Chrome does not let extensions see browser pages/);
    expect(await p.locator('[data-testid="diagnose"]').count()).toBe(0);
    await p.close();
    await other.close();
  });
});
