/**
 * Helpers for the panel's browser tests, the screenshot script and the panel benchmark: open the
 * panel page (chrome-extension://<id>/src/panel/index.html) as an ordinary tab with a small fake
 * of chrome.devtools (inspected tab id, theme, openResource recorder), find a tab's id, read the
 * DevTools network log the DevTools page forwarded to the worker.
 */
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { DEFAULT_EXTENSION_DIR } from '../harness/browser.ts';

/** The built extension: dist/, or CORSIGHT_EXTENSION_DIR (a private build while others rebuild dist/). */
export const EXTENSION_DIR = process.env.CORSIGHT_EXTENSION_DIR || DEFAULT_EXTENSION_DIR;

export const PANEL_PATH = 'src/panel/index.html';

export interface FakeDevtools {
  tabId: number;
  themeName?: 'default' | 'dark';
}

const installed = new WeakSet<BrowserContext>();

/**
 * Installs, for every panel page of the context opened with `#fake-devtools=<json>`, a fake
 * `chrome.devtools` before the panel's scripts run. Calls to openResource are kept in
 * `window.__openedResources`, copied text in `window.__clipboard`. A context-level init script:
 * a page-level one is sometimes not injected after the swap into the extension's process.
 */
export async function installFakeDevtools(context: BrowserContext): Promise<void> {
  if (installed.has(context)) return;
  installed.add(context);
  // tsx (esbuild keepNames) wraps named functions in `__name(...)`: give the page that helper,
  // since the init script below is serialised with Function.toString().
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await context.addInitScript(() => {
    const m = /#fake-devtools=(.*)$/.exec(location.hash);
    if (!m || !location.protocol.startsWith('chrome-extension')) return;
    const f = JSON.parse(decodeURIComponent(m[1] ?? '{}')) as FakeDevtools;
    const w = window as unknown as { chrome?: Record<string, unknown>; __openedResources: unknown[] };
    w.__openedResources = [];
    const devtools = {
      inspectedWindow: { tabId: f.tabId },
      panels: {
        themeName: f.themeName ?? 'default',
        openResource: (url: string, lineNumber: number, columnNumber: number, cb?: () => void) => {
          w.__openedResources.push({ url, lineNumber, columnNumber });
          cb?.();
        },
      },
    };
    // The extension bindings may (lazily) replace or rebuild window.chrome after this script:
    // re-attach the fake on every read of `chrome`.
    const attach = (c: Record<string, unknown> | undefined) => {
      if (c && (c as { devtools?: unknown }).devtools !== devtools) {
        try {
          Object.defineProperty(c, 'devtools', { value: devtools, configurable: true });
        } catch {
          /* frozen: nothing to do */
        }
      }
      return c;
    };
    const desc = Object.getOwnPropertyDescriptor(window, 'chrome');
    let current = (desc?.get ? desc.get.call(window) : desc?.value) as Record<string, unknown> | undefined;
    Object.defineProperty(window, 'chrome', {
      configurable: true,
      get: () => attach(desc?.get ? (desc.get.call(window) as Record<string, unknown>) : current),
      set: (v: Record<string, unknown>) => {
        current = v;
      },
    });
    if (!current) current = {};
    // Record what the panel copies (Playwright cannot grant clipboard permissions to
    // chrome-extension:// origins): the async API, and the execCommand('copy') fallback.
    const rec = window as unknown as { __clipboard: string[] };
    rec.__clipboard = [];
    const clip = navigator.clipboard;
    if (clip) {
      const original = clip.writeText.bind(clip);
      clip.writeText = async (text: string) => {
        rec.__clipboard.push(text);
        await original(text).catch(() => undefined);
      };
    }
    document.addEventListener('copy', () => {
      const el = document.activeElement;
      rec.__clipboard.push(el instanceof HTMLTextAreaElement ? el.value : String(document.getSelection() ?? ''));
    });
  });
}

/** The last text the panel put on the clipboard. */
export async function lastCopied(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as { __clipboard: string[] }).__clipboard.at(-1));
}

export async function openPanel(context: BrowserContext, extensionId: string, fake: FakeDevtools, viewport = { width: 1280, height: 800 }): Promise<Page> {
  await installFakeDevtools(context);
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`chrome-extension://${extensionId}/${PANEL_PATH}#fake-devtools=${encodeURIComponent(JSON.stringify(fake))}`);
  for (let i = 0; i < 3 && !(await page.evaluate(() => 'devtools' in chrome)); i++) await page.reload();
  if (!(await page.evaluate(() => 'devtools' in chrome))) {
    throw new Error('could not install the chrome.devtools fake (the init script did not run in the panel page)');
  }
  await page.waitForSelector('.panel');
  return page;
}

/** The browser's tab id of the page whose URL starts with `urlPrefix` (asked from the service worker). */
export async function tabIdOf(worker: Worker, urlPrefix: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const id = await worker.evaluate(async (prefix) => {
      const tabs = await chrome.tabs.query({});
      return tabs.find((t) => (t.url ?? t.pendingUrl ?? '').startsWith(prefix))?.id ?? -1;
    }, urlPrefix);
    if (id >= 0) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no tab at ${urlPrefix}`);
}

/** True when the worker implements the panel's contract (tab/report + the subscribe port). */
export async function workerHasContract(page: Page, tabId: number): Promise<boolean> {
  return page.evaluate(async (id) => {
    try {
      const r = (await chrome.runtime.sendMessage({ type: 'tab/report', tabId: id })) as { format?: string } | undefined;
      return r?.format === 'corsight-report';
    } catch {
      return false;
    }
  }, tabId);
}

/** The raw DevTools network-log entries the DevTools page forwarded for the tab (debug API). */
export async function forwardedHarEntries(page: Page, tabId: number): Promise<Record<string, unknown>[]> {
  return page.evaluate(async (id) => {
    const r = (await chrome.runtime.sendMessage({ type: 'debug/har-entries', tabId: id })) as { entries?: Record<string, unknown>[] };
    return r?.entries ?? [];
  }, tabId);
}

/** Loads a HAR (object) into the panel through its "Import HAR" file input. */
export async function importHar(page: Page, har: unknown, name = 'capture.har'): Promise<void> {
  await page.setInputFiles('[data-testid="import-file"]', { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(har)) });
  await page.waitForSelector('[data-testid="notice"]');
}

/**
 * Waits until Corsight captures the lab tab (the DevTools page starts a moment after the tab):
 * runs the lab's control scenario until the worker's report has it. `ext` is any extension page.
 */
export async function waitForCapture(ext: Page, tabId: number, runControl: () => Promise<string>, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const url = await runControl();
    for (let i = 0; i < 10; i++) {
      const seen = await ext.evaluate(
        async ({ id, u }) => {
          try {
            const r = (await chrome.runtime.sendMessage({ type: 'tab/report', tabId: id })) as { entries?: Array<{ url: string }> } | undefined;
            return Boolean(r?.entries?.some((e) => e.url === u));
          } catch {
            return false;
          }
        },
        { id: tabId, u: url },
      );
      if (seen) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return false;
}
