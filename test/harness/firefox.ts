/**
 * Real Firefox for the tests: Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core
 * (24.x: 25.x needs Node 22), with the Firefox test build installed (BiDi webExtension.install).
 * BiDi cannot script moz-extension:// pages (Mozilla bug 1755014): the extension's worker is read
 * through the test build's content-script bridge (src/test-bridge/bridge.ts) on a local page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BRIDGE_KEY, THIS_TAB } from '../../src/test-bridge/bridge.ts';
import type { CorsightRequest, ResponseMap } from '../../src/messages/protocol.ts';
import { REPO_ROOT } from './browser.ts';
import { findFirefox } from './firefox-har.ts';

export { findFirefox };

const MISSING = 'Firefox is not installed (apt-get install firefox-esr, or npm run install:servers)';

/**
 * The name of a describe block that needs Firefox: `what`, or, without Firefox, `what: skipped,
 * <why>`, also printed, since the test report shows a skipped block's file only.
 */
export function needsFirefox(what: string): string {
  if (findFirefox()) return what;
  console.log(`${what}: skipped, ${MISSING}`);
  return `${what}: skipped, ${MISSING}`;
}

/** The Firefox test build: `CORSIGHT_BROWSER=firefox vite build --mode test`. */
export const FIREFOX_EXTENSION_DIR = process.env.CORSIGHT_FIREFOX_EXTENSION_DIR
  ? path.resolve(process.env.CORSIGHT_FIREFOX_EXTENSION_DIR)
  : path.join(REPO_ROOT, 'dist-firefox');

export interface LaunchedFirefox {
  browser: Browser;
  version: string;
  close(): Promise<void>;
}

const QUIET_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingPolicy.firstRun': false,
  'browser.aboutwelcome.enabled': false,
  // Console messages of every kind reach BiDi's log.entryAdded (Firefox's CORS errors among them).
  'devtools.console.stdout.content': false,
};

/**
 * Firefox headless with a fresh profile, and the extension at `extensionDir` when given.
 * `args: ['--devtools']` opens DevTools on the first tab (its DevTools page loads there).
 */
export async function launchFirefox(options: { executablePath?: string; extensionDir?: string; args?: string[] } = {}): Promise<LaunchedFirefox> {
  const executablePath = options.executablePath ?? findFirefox();
  if (!executablePath) throw new Error('Firefox is not installed: apt-get install firefox-esr (npm run install:servers installs it).');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir,
    extraPrefsFirefox: QUIET_PREFS,
    ...(options.args ? { args: options.args } : {}),
  });
  if (options.extensionDir) {
    if (!fs.existsSync(path.join(options.extensionDir, 'manifest.json'))) {
      await browser.close();
      throw new Error(`No Firefox build at ${options.extensionDir}: build it first with \`CORSIGHT_BROWSER=firefox npx vite build --mode test\`.`);
    }
    await browser.installExtension(options.extensionDir);
  }
  const version = await browser.version();
  return {
    browser,
    version,
    async close() {
      await browser.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A request for the page's own tab: `tabId` is filled in by the worker from the sender. */
type ForThisTab<R> = R extends { tabId: number } ? Omit<R, 'tabId'> & { tabId?: typeof THIS_TAB } : R;

/**
 * Ask the extension's worker, through the bridge content script in `page` (a local http page the
 * test build's bridge is registered on). Retries while the content script is not there yet.
 */
export async function askWorker<T extends CorsightRequest['type']>(
  page: Page,
  request: ForThisTab<Extract<CorsightRequest, { type: T }>>,
  timeoutMs = 10_000,
): Promise<ResponseMap[T]> {
  const deadline = Date.now() + timeoutMs;
  // Every request is about the page's own tab (the worker ignores a tab id where none is taken).
  const body = { tabId: THIS_TAB, ...request };
  for (;;) {
    // As JSON text: WebDriver BiDi serializes an object met twice (a plan's shared `on` list) as a
    // reference that arrives as null.
    const answer = JSON.parse(
      (await page.evaluate(
      `new Promise((resolve) => {
        const key = ${JSON.stringify(BRIDGE_KEY)};
        const id = Math.random().toString(36).slice(2);
        const timer = setTimeout(() => { removeEventListener('message', on); resolve(JSON.stringify({ noBridge: true })); }, 1000);
        function on(event) {
          if (event.source !== window || !event.data || event.data[key] !== 'answer' || event.data.id !== id) return;
          clearTimeout(timer);
          removeEventListener('message', on);
          resolve(JSON.stringify({ answer: event.data.answer }));
        }
        addEventListener('message', on);
        postMessage({ [key]: 'ask', id, request: ${JSON.stringify(body)} }, location.origin);
      })`,
    )) as string,
    ) as { noBridge?: true; answer?: unknown };
    if (!answer.noBridge) {
      const value = answer.answer as { error?: unknown } | null;
      if (value && typeof value === 'object' && typeof value.error === 'string') throw new Error(`worker answered ${request.type} with an error: ${value.error}`);
      return value as unknown as ResponseMap[T];
    }
    if (Date.now() > deadline) throw new Error(`the test bridge did not answer ${request.type} on ${page.url()} within ${timeoutMs} ms (is this the Firefox test build?)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

