/**
 * Shared by the capture e2e tests (pipeline, worker restarts, capacity, worker kinds...): a
 * browser with the built extension, an extension page to talk to the worker through the message
 * API, the tab under test, the worker's running status.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CDPSession, Page } from 'playwright-core';
import type { CorsightRequest, ResponseFor } from '../../src/messages/protocol.ts';
import type { ReportEntry, TabReport } from '../../src/store/report.ts';
import { DEFAULT_EXTENSION_DIR, launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachToTarget } from '../harness/cdp-target.ts';

export interface Rig {
  browser: LaunchedBrowser;
  /** chrome-extension:// page used to send messages (as the popup or panel would). */
  ext: Page;
  ask<R extends CorsightRequest>(request: R): Promise<ResponseFor<R>>;
  tabIdOf(urlPrefix: string): Promise<number>;
  close(): Promise<void>;
}

export async function startRig(options: { devtools?: boolean; args?: string[] } = {}): Promise<Rig> {
  const browser = await launchBrowser({ extensionDir: DEFAULT_EXTENSION_DIR, devtools: options.devtools, args: options.args });
  const ext = await browser.context.newPage();
  await ext.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
  const ask = async <R extends CorsightRequest>(request: R): Promise<ResponseFor<R>> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await ext.evaluate((r) => chrome.runtime.sendMessage(r), request as unknown as Record<string, unknown>)) as ResponseFor<R>;
      } catch (e) {
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const tabIdOf = async (prefix: string) => {
    for (let i = 0; i < 50; i++) {
      const id = await ext.evaluate(async (p) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(p))?.id, prefix);
      if (typeof id === 'number') return id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no tab at ${prefix}`);
  };
  return { browser, ext, ask, tabIdOf, close: () => browser.close() };
}

/** A handler serving an empty HTML page: the app whose tab is captured. */
export function emptyPage(title: string): http.RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>${title}</title>`);
  };
}

/** Opens `origin/` in a new tab; its page and tab id. */
export async function openTab(rig: Rig, origin: string): Promise<{ page: Page; tabId: number }> {
  const page = await rig.browser.context.newPage();
  await page.goto(origin + '/');
  return { page, tabId: await rig.tabIdOf(origin) };
}

/**
 * The extension worker's running statuses as the ServiceWorker domain reports them, in order,
 * through a CDP session on `page` (ServiceWorker.* lives on a page session; its stopAllWorkers
 * stops every worker of the profile's partition, the extension's included).
 */
export async function watchExtensionWorker(rig: Rig, page: Page): Promise<{ cdp: CDPSession; statuses: string[] }> {
  const cdp = await rig.browser.context.newCDPSession(page);
  const statuses: string[] = [];
  const prefix = `chrome-extension://${rig.browser.extensionId}/`;
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL.startsWith(prefix)) statuses.push(v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  return { cdp, statuses };
}

/** Waits until the tab's DevTools page has connected its port (DevTools is open on the tab). */
export async function waitForDevtoolsPort(rig: Rig, tabId: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await rig.ask({ type: 'debug/state' })).devtoolsTabs.includes(tabId)) return;
    await sleep(100);
  }
  throw new Error(`no DevTools page connected for tab ${tabId} within 10 s`);
}

/**
 * Makes `source` capture the tab: capture/start for webRequest; with DevTools open, asking for
 * the tab's report starts its DevTools page's listening (it starts idle).
 */
export async function startSource(rig: Rig, tabId: number, source: 'webrequest' | 'devtools'): Promise<void> {
  if (source === 'webrequest') {
    await rig.ask({ type: 'capture/start', tabId, reload: false });
    return;
  }
  await waitForDevtoolsPort(rig, tabId);
  await rig.ask({ type: 'tab/report', tabId });
  if (!(await rig.ask({ type: 'debug/state' })).devtoolsActiveTabs.includes(tabId)) throw new Error(`the DevTools page of tab ${tabId} did not start listening`);
}

export type SimpleVerdict = { kind: 'ok' } | { kind: 'cors'; corsError: string; failedParameter: string } | { kind: 'net'; error: string };

export function entryVerdict(e: ReportEntry): SimpleVerdict {
  if (e.status === 'blocked') return e.corsError ? { kind: 'cors', corsError: e.corsError, failedParameter: e.failedParameter ?? '' } : { kind: 'net', error: 'blocked (no code)' };
  return { kind: 'ok' };
}

export function fmt(v: SimpleVerdict | undefined): string {
  if (!v) return 'none';
  return v.kind === 'cors' ? `${v.corsError}(${v.failedParameter})` : v.kind === 'net' ? `net:${v.error}` : 'ok';
}

/** Same code and parameter, or neither is a CORS error (ok vs a plain network failure agree). */
export function agrees(a: SimpleVerdict, b: SimpleVerdict): boolean {
  if (a.kind === 'cors' && b.kind === 'cors') return a.corsError === b.corsError && a.failedParameter === b.failedParameter;
  if (a.kind === 'cors' || b.kind === 'cors') return false;
  return true;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts an HTTP server on a free loopback port, adds it to `servers` (to close later), returns its origin. */
export async function listenOnLoopback(servers: http.Server[], handler: http.RequestListener, keepAlive = false): Promise<string> {
  const server = http.createServer({ keepAlive }, handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The extension's service worker over CDP (browser session, non-flat attach): `heap()` is
 * Runtime.getHeapUsage; `collectGarbage()` runs a full GC first, for a figure without garbage.
 */
export async function workerHeap(r: Rig): Promise<(() => Promise<{ usedSize: number; totalSize: number }>) & { collectGarbage(): Promise<void> }> {
  const cdp = await r.browser.context.browser()!.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${r.browser.extensionId}/`));
  if (!target) throw new Error('no worker target');
  const send = await attachToTarget(cdp, target.targetId);
  const heap = async () => (await send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  return Object.assign(heap, { collectGarbage: async () => void (await send('HeapProfiler.collectGarbage')) });
}

/**
 * Fires `total` fetches of `${base}/r?i=N` from `page`, `inFlight` at a time, every 4th with an
 * `x-test` header (preflighted); returns how many the page saw fail.
 */
export async function fireFetches(page: Page, base: string, total: number, inFlight = 50): Promise<number> {
  // A string, not a function: tsx would add a helper the page does not have.
  return (await page.evaluate(`(async () => {
    let failures = 0;
    let next = 0;
    const one = (i) => fetch('${base}/r?i=' + i, i % 4 === 0 ? { headers: { 'x-test': '1' } } : {}).then((r) => r.text(), () => void failures++);
    await Promise.all(Array.from({ length: ${inFlight} }, async () => { while (next < ${total}) await one(next++); }));
    return failures;
  })()`)) as number;
}

/** The tab's report once it accounts for `total` exchanges (kept + dropped), or after 15 s. */
export async function reportOnceLogged(rig: Rig, tabId: number, total: number): Promise<TabReport> {
  let report = await rig.ask({ type: 'tab/report', tabId });
  for (let i = 0; i < 60 && report.entries.length + report.dropped < total; i++) {
    await sleep(250);
    report = await rig.ask({ type: 'tab/report', tabId });
  }
  return report;
}
