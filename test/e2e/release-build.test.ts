/**
 * The store packages (`npm run package`): the Chrome zip, unpacked, in real Chromium captures and
 * judges a blocked request as the test build does, and keeps no raw capture: the messages that read
 * the raw webRequest events and DevTools HAR entries (cookies and tokens as captured) answer that
 * they exist in the test build only. The Firefox zip installs in real Firefox (when installed) as
 * the add-on id it declares. The other e2e tests load the test builds (`--mode test`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import extractZip from 'extract-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GECKO_ID } from '../../manifest.config.ts';
import { BRIDGE_FILE, BRIDGE_KEY, BRIDGE_MESSAGE } from '../../src/test-bridge/bridge.ts';
import pkg from '../../package.json' with { type: 'json' };
import { REPO_ROOT, launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { findFirefox, launchFirefox, needsFirefox } from '../harness/firefox.ts';
import { attachOracle } from '../harness/oracle.ts';
import { runScenario } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-release-'));
const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const zipOf = (name: string) => path.join(ARTIFACTS, `corsight-${name}-${pkg.version}.zip`);
let packaged = '';
let lab: Lab;
let browser: LaunchedBrowser;

beforeAll(async () => {
  // Async: the lab servers of other tests in this process keep answering meanwhile.
  packaged = (await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/package.ts')], { cwd: REPO_ROOT, encoding: 'utf8' })).stdout;
  await extractZip(zipOf('chrome'), { dir: outDir });
  lab = await startLab();
  browser = await launchBrowser({ extensionDir: outDir });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await lab?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('the store packages', () => {
  it('are built, and the Firefox build passes web-ext lint with no error or warning', () => {
    console.log(packaged.trim());
    expect(packaged).toMatch(/web-ext lint \(Firefox build\): 0 errors, 0 warnings/);
    for (const name of ['chrome', 'firefox', 'sources']) expect(fs.statSync(zipOf(name)).size, name).toBeGreaterThan(50_000);
  });

  it('hold no test bridge: no file of either zip names its message or its content script', async () => {
    const firefoxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-release-firefox-'));
    try {
      await extractZip(zipOf('firefox'), { dir: firefoxDir });
      for (const dir of [outDir, firefoxDir]) {
        const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js') || f.endsWith('.json'));
        expect(files.length).toBeGreaterThan(5);
        for (const file of files) {
          const text = fs.readFileSync(path.join(dir, file), 'utf8');
          expect(text.includes(BRIDGE_MESSAGE) || text.includes(BRIDGE_KEY) || file.includes(BRIDGE_FILE), `${dir}/${file}`).toBe(false);
        }
      }
    } finally {
      fs.rmSync(firefoxDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!findFirefox())(needsFirefox(`the Firefox zip installs in Firefox as ${GECKO_ID}`), async () => {
    const firefox = await launchFirefox();
    try {
      expect(await firefox.browser.installExtension(zipOf('firefox'))).toBe(GECKO_ID);
    } finally {
      await firefox.close();
    }
  }, 60_000);
});

describe('the release build (the Chrome zip)', () => {
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
