/**
 * First extension smoke test: the built extension (dist/) loads in headless Chromium, its
 * service worker starts, and once capture is started for the lab tab (capture/start: webRequest
 * listeners with `extraHeaders`, filtered to that tab) it sees the preflight of the lab's
 * custom-header scenario with the raw headers (Origin, Access-Control-Request-*).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_EXTENSION_DIR, launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachOracle, type Oracle } from '../harness/oracle.ts';
import { runScenario } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';

const MANIFEST = path.join(DEFAULT_EXTENSION_DIR, 'manifest.json');
const SCENARIO = 'fetch-custom-header-denied';

interface RawEvent {
  phase: 'beforeSendHeaders' | 'headersReceived' | 'completed' | 'error';
  requestId: string;
  tabId: number;
  url: string;
  method: string;
  type: string;
  requestHeaders?: Array<{ name: string; value: string }>;
  responseHeaders?: Array<{ name: string; value: string }>;
  statusCode?: number;
  error?: string;
  timeStamp: number;
}

let lab: Lab;
let browser: LaunchedBrowser;
let labPage: Page;
let oracle: Oracle;

/** An extension page to talk to the worker from: the popup, else any HTML file the build has. */
async function openAnyExtensionPage(b: LaunchedBrowser): Promise<Page> {
  const id = b.extensionId;
  if (!id) throw new Error('no extension id');
  const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as { action?: { default_popup?: string }; devtools_page?: string };
  const candidates = [manifest.action?.default_popup, 'src/popup/index.html', manifest.devtools_page];
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.html') ? [path.join(dir, e.name)] : [],
    );
  candidates.push(...walk(DEFAULT_EXTENSION_DIR).map((f) => path.relative(DEFAULT_EXTENSION_DIR, f).split(path.sep).join('/')));
  const page = await b.context.newPage();
  for (const rel of candidates) {
    if (!rel || !fs.existsSync(path.join(DEFAULT_EXTENSION_DIR, rel))) continue;
    const res = await page.goto(`chrome-extension://${id}/${rel}`).catch(() => null);
    if (res === null || res.ok()) return page;
  }
  throw new Error(`no HTML page found in ${DEFAULT_EXTENSION_DIR}`);
}

beforeAll(async () => {
  if (!fs.existsSync(MANIFEST)) {
    throw new Error(`${MANIFEST} is missing: build the extension first (\`npx vite build --mode test\`, or run \`npm run test:browser\`, which builds).`);
  }
  lab = await startLab();
  browser = await launchBrowser({ extensionDir: DEFAULT_EXTENSION_DIR });
  labPage = await browser.context.newPage();
  oracle = await attachOracle(browser.context, labPage);
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('extension smoke test', () => {
  it('loads the extension and starts its service worker', async () => {
    expect(browser.extensionId).toMatch(/^[a-p]{32}$/);
    expect(browser.serviceWorker?.url()).toContain(`chrome-extension://${browser.extensionId}/`);
    expect(await browser.serviceWorker?.evaluate(() => 1 + 1)).toBe(2);
  });

  it('sees the preflight of the custom-header scenario with its raw headers', async () => {
    await labPage.goto(lab.pageUrl);
    const extPage0 = await openAnyExtensionPage(browser);
    const tabId = await extPage0.evaluate(async (p) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(p))?.id, lab.pageUrl);
    // Tabs are not watched until asked: start the capture of the lab tab first.
    const started = (await extPage0.evaluate((id) => chrome.runtime.sendMessage({ type: 'capture/start', tabId: id, reload: false }), tabId)) as { capture: { webRequest: boolean } };
    expect(started.capture.webRequest).toBe(true);
    await extPage0.close();
    const run = await runScenario(labPage, lab, SCENARIO, { oracle });
    // The lab did what it says (the oracle is Chromium's own verdict).
    expect(run.verdict).toMatchObject({ ok: false, corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-custom-header' });

    const extPage = await openAnyExtensionPage(browser);
    const scenarioPath = `/s/${SCENARIO}/`;
    let events: RawEvent[] = [];
    // webRequest events reach the worker asynchronously: poll briefly until the error is in.
    for (let i = 0; i < 50; i++) {
      const reply = await extPage.evaluate(() => chrome.runtime.sendMessage({ type: 'debug/raw-events' }));
      const list = (Array.isArray(reply) ? reply : (reply as { events?: unknown } | undefined)?.events) as RawEvent[] | undefined;
      events = (list ?? []).filter((e) => e.url === run.url);
      if (events.some((e) => e.phase === 'error') && events.some((e) => e.method === 'OPTIONS')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await extPage.close();

    const summary = events.map((e) => `${e.phase} ${e.method} ${e.statusCode ?? ''} ${e.error ?? ''}`).join('\n');
    const preflight = events.find((e) => e.phase === 'beforeSendHeaders' && e.method === 'OPTIONS');
    expect(preflight, `an OPTIONS beforeSendHeaders event for ${scenarioPath}; seen:\n${summary}`).toBeDefined();
    const header = (n: string) => preflight?.requestHeaders?.find((h) => h.name.toLowerCase() === n)?.value;
    expect(header('origin')).toBe(lab.origins.app);
    expect(header('access-control-request-method')).toBe('GET');
    expect(header('access-control-request-headers')).toBe('x-custom-header');
    // The blocked actual request ends in an error event.
    expect(events.some((e) => e.phase === 'error' && e.method === 'GET'), summary).toBe(true);

    // And the report holds one exchange for it, with Chromium's verdict.
    const ext2 = await openAnyExtensionPage(browser);
    const report = (await ext2.evaluate((id) => chrome.runtime.sendMessage({ type: 'tab/report', tabId: id }), tabId)) as {
      entries: Array<{ url: string; corsError: string | null; failedParameter: string | null }>;
    };
    await ext2.close();
    const mine = report.entries.filter((e) => e.url === run.url);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-custom-header' });
  });
});
