/**
 * One smoke test of the real DevTools panel: Chromium with Corsight, DevTools opened for the tab
 * (--auto-open-devtools-for-tabs) and a debugging port. The DevTools front-end is told to show
 * the "CORS" panel (DevTools internals: InspectorView.showPanel), then the panel's iframe is
 * driven over raw CDP while the lab page makes a blocked request.
 * Needs a WebSocket client: Node >= 22, or Node 20 with NODE_OPTIONS=--experimental-websocket.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { openLab, runScenario } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { EXTENSION_DIR } from './panel-helpers.ts';

interface TargetInfo {
  type: string;
  url: string;
  webSocketDebuggerUrl?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function webSocketClass(): Promise<typeof WebSocket> {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  throw new Error('No WebSocket in this Node: run with NODE_OPTIONS=--experimental-websocket (Node 20) or Node >= 22.');
}

interface CdpReply {
  id?: number;
  result?: { result?: { value?: unknown }; exceptionDetails?: unknown };
  error?: unknown;
}

/** A minimal CDP client over one target's WebSocket. */
async function cdp(url: string): Promise<{ evaluate<T>(expression: string): Promise<T>; close(): void }> {
  const WS = await webSocketClass();
  const ws = new WS(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)));
  });
  let next = 1;
  const pending = new Map<number, (msg: CdpReply) => void>();
  ws.addEventListener('message', (event) => {
    const msg = JSON.parse(String(event.data)) as CdpReply;
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
  });
  return {
    async evaluate<T>(expression: string): Promise<T> {
      const id = next++;
      const reply = await new Promise<CdpReply>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }));
      });
      if (reply.error || reply.result?.exceptionDetails) throw new Error(JSON.stringify(reply.error ?? reply.result?.exceptionDetails));
      return reply.result?.result?.value as T;
    },
    close: () => ws.close(),
  };
}

async function targets(port: number): Promise<TargetInfo[]> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  return (await res.json()) as TargetInfo[];
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

let lab: Lab;
let browser: LaunchedBrowser;
let port: number;

beforeAll(async () => {
  if (!fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) throw new Error('build the extension first: npx vite build --mode test');
  lab = await startLab();
  port = await freePort();
  browser = await launchBrowser({ extensionDir: EXTENSION_DIR, devtools: true, args: [`--remote-debugging-port=${port}`] });
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('the real DevTools panel', () => {
  it('shows the CORS panel inside DevTools with a blocked lab request, live', async () => {
    await webSocketClass();
    // Only the first tab: it is the one whose DevTools window we drive.
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openLab(page, lab);
    const front = await waitFor('the DevTools front-end', async () =>
      (await targets(port)).find((t) => t.type === 'page' && t.url.startsWith('devtools://devtools/') && t.webSocketDebuggerUrl),
    );
    const devtools = await cdp(front.webSocketDebuggerUrl!);
    const panelId = `chrome-extension://${browser.extensionId}CORS`;
    // showPanel succeeds quietly before the extension has registered its panel: call it until
    // the panel's iframe exists.
    const frame = await waitFor('the CORS panel iframe', async () => {
      await devtools.evaluate<boolean>(`(async () => {
        const legacy = await import('devtools://devtools/bundled/ui/legacy/legacy.js');
        const view = (legacy.InspectorView?.InspectorView ?? legacy.InspectorView).instance();
        await view.showPanel(${JSON.stringify(panelId)});
        return true;
      })()`);
      await new Promise((r) => setTimeout(r, 300));
      return (await targets(port)).find((t) => t.type === 'iframe' && t.url.includes(`${browser.extensionId}/src/panel/index.html`) && t.webSocketDebuggerUrl);
    }, 30_000);
    const panel = await cdp(frame.webSocketDebuggerUrl!);

    const run = await runScenario(page, lab, 'fetch-get-no-acao');
    const row = await waitFor('the blocked row in the panel', async () =>
      panel.evaluate<{ verdict: string; status: string | null; theme: string | undefined } | null>(`(() => {
        const row = [...document.querySelectorAll('.vrow')].find((r) => r.querySelector('.c-url')?.getAttribute('title') === ${JSON.stringify(run.url)});
        return row ? { verdict: row.querySelector('.c-verdict')?.textContent ?? '', status: row.querySelector('[role="img"]')?.getAttribute('aria-label'), theme: document.documentElement.dataset.theme } : null;
      })()`).then((v) => v ?? undefined),
    );
    expect(row).toEqual({ verdict: 'No Access-Control-Allow-Origin', status: 'Blocked', theme: 'light' });
    // The panel knows the inspected tab and can reach Sources (chrome.devtools is real here).
    expect(await panel.evaluate<string>('typeof chrome.devtools.inspectedWindow.tabId')).toBe('number');
    expect(await panel.evaluate<string>('typeof chrome.devtools.panels.openResource')).toBe('function');

    // While the panel is shown, a burst's rows come during it: the DevTools page holds a burst's
    // entries until it is over only while nobody watches them (src/capture/devtools/burst-pacer.ts).
    // The page fires 20 blocked requests every 100 ms for 4 s (shorter than the longest hold, 5 s,
    // so a held burst would show only its first tick's rows before its end); 200 more blocked rows
    // (the list is virtual: counted by the status filter) must be in the panel while it still runs.
    const blockedCount = () => panel.evaluate<number>(`Number(document.querySelector('[data-filter="blocked"] .count')?.textContent ?? NaN)`);
    const before = await blockedCount();
    expect(before).toBeGreaterThanOrEqual(1);
    await page.evaluate(`(() => {
      window.__burstDone = false;
      let k = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < 20; i++) fetch(${JSON.stringify(run.url)} + ${JSON.stringify(run.url.includes('?') ? '&' : '?')} + 'burst=' + k++).catch(() => {});
        if (k >= 800) { clearInterval(timer); window.__burstDone = true; }
      }, 100);
    })()`);
    await waitFor('200 rows of the burst in the panel', async () => ((await blockedCount()) >= before + 200 ? true : undefined));
    expect(await page.evaluate('window.__burstDone')).toBe(false);
    panel.close();
    devtools.close();
  });
});
