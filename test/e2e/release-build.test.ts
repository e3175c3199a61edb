/**
 * The release build (`npm run build`: vite's production mode) in real Chromium: it captures and
 * judges a blocked request as the test build does, and keeps no raw capture: the messages that read
 * the raw webRequest events and DevTools HAR entries (cookies and tokens as captured) answer that
 * they exist in the test build only. The other e2e tests load the test build (`--mode test`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachOracle } from '../harness/oracle.ts';
import { runScenario } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-release-'));
let lab: Lab;
let browser: LaunchedBrowser;

beforeAll(async () => {
  await build({ root: REPO_ROOT, logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  lab = await startLab();
  browser = await launchBrowser({ extensionDir: outDir });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await lab?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('the release build', () => {
  it('judges a blocked request and keeps no raw capture', async () => {
    const labPage = await browser.context.newPage();
    const oracle = await attachOracle(browser.context, labPage);
    await labPage.goto(lab.pageUrl);
    const ext = await browser.context.newPage();
    await ext.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
    const ask = (message: unknown) => ext.evaluate((m) => chrome.runtime.sendMessage(m), message) as Promise<Record<string, unknown>>;
    const tabId = await ext.evaluate(async (p) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(p))?.id, lab.pageUrl);
    await ask({ type: 'capture/start', tabId, reload: false });
    const run = await runScenario(labPage, lab, 'fetch-custom-header-denied', { oracle });
    expect(run.verdict).toMatchObject({ ok: false, corsError: 'HeaderDisallowedByPreflightResponse' });
    let entry: { status?: string; corsError?: string } | undefined;
    for (let i = 0; i < 50 && !entry; i++) {
      const report = (await ask({ type: 'tab/report', tabId })) as { entries?: Array<{ url: string; status: string; corsError?: string }> };
      entry = report.entries?.find((e) => e.url === run.url);
      if (!entry) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entry).toMatchObject({ status: 'blocked', corsError: 'HeaderDisallowedByPreflightResponse' });
    for (const type of ['debug/raw-events', 'debug/har-entries']) {
      const reply = await ask({ type, tabId });
      expect(String(reply.error), type).toMatch(/answers in the test build only/);
    }
    // The worker's counters stay available (no captured data in them).
    expect((await ask({ type: 'debug/state' })).capturedTabs).toEqual([tabId]);
  }, 120_000);
});
