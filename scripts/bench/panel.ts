/**
 * Panel benchmark in real Chromium: 10,000 diagnosed exchanges loaded into the CORS panel page
 * (through its HAR import, the same path as a file the user picks), then:
 *  - first render: from the rows reaching the panel to the first paint of the list;
 *  - filter: from a keystroke in the filter box (or a status button) to the next paint;
 *  - import: parsing + diagnosing the 10,000 entries in the panel, as its notice reports it.
 * Each figure is a median over rounds (a fresh panel page each) with its bootstrap 95% interval,
 * against issue 20's targets: first render <= 100 ms, HAR import <= 200 ms, filter <= 50 ms.
 * Run: npx tsx scripts/bench/panel.ts [rounds]   (default 10; builds dist/ first when missing)
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import type { Exchange, HttpHeader } from '../../src/engine/types.ts';
import { exchangesToHar } from '../../src/panel/exporters.ts';
import { REPO_ROOT, launchBrowser } from '../../test/harness/browser.ts';
import { EXTENSION_DIR, importHar, openPanel } from '../../test/e2e/panel-helpers.ts';
import { medianInterval, targetLine } from './stats.ts';

const N = 10_000;
const ROUNDS = Number(process.argv[2] ?? 10);
const PAGE = 'https://app.example.com';
const APIS = ['https://api.example.com', 'https://cdn.example.net', 'https://auth.example.org', 'http://localhost:8080', 'https://api2.example.com'];
const h = (name: string, value: string): HttpHeader => ({ name, value });

function exchangeAt(i: number): Exchange {
  const api = APIS[i % APIS.length] ?? APIS[0]!;
  const url = `${api}/v1/items/${i}?page=${i % 7}`;
  const kind = i % 5;
  const base = {
    initiatorOrigin: PAGE, mode: 'cors', credentials: 'unknown', redirect: 'follow', source: 'har', resourceType: 'fetch',
    startedAt: 1_760_000_000_000 + i * 10, durationMs: 20 + (i % 90),
  } as const;
  const origin = h('Origin', PAGE);
  if (kind === 0) {
    return { ...base, method: 'GET', requestHeaders: [origin], hops: [{ url, response: { status: 200, headers: [h('Access-Control-Allow-Origin', PAGE), h('Vary', 'Origin')] } }], preflight: { kind: 'none' }, outcome: { kind: 'completed' } };
  }
  if (kind === 1) {
    return { ...base, method: 'GET', requestHeaders: [origin], hops: [{ url, response: { status: 200, headers: [] } }], preflight: { kind: 'none' }, outcome: { kind: 'failed', error: 'net::ERR_FAILED' } };
  }
  if (kind === 2) {
    return {
      ...base, method: 'PUT', requestHeaders: [h('X-Api-Key', 'k')], hops: [{ url }],
      preflight: { kind: 'sent', url, requestHeaders: [origin, h('Access-Control-Request-Method', 'PUT'), h('Access-Control-Request-Headers', 'x-api-key')],
        response: { status: 204, headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Headers', 'x-api-key')] } },
      outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
    };
  }
  if (kind === 3) {
    return { ...base, method: 'GET', requestHeaders: [origin], hops: [{ url, response: { status: 200, headers: [h('Access-Control-Allow-Origin', PAGE)] } }], preflight: { kind: 'none' }, outcome: { kind: 'completed' } };
  }
  return { ...base, method: 'POST', requestHeaders: [origin, h('Cookie', 'a=b')], hops: [{ url, response: { status: 200, headers: [h('Access-Control-Allow-Origin', '*')] } }], preflight: { kind: 'none' }, outcome: { kind: 'failed', error: 'net::ERR_FAILED' } };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) await build({ root: REPO_ROOT, logLevel: 'warn' });
  const har = exchangesToHar(Array.from({ length: N }, (_, i) => exchangeAt(i)));
  const browser = await launchBrowser({ extensionDir: EXTENSION_DIR });
  try {
    const renders: number[] = [];
    const imports: number[] = [];
    const filters: number[] = [];
    const statusFilters: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A tab id no tab has: the panel shows the imported file only.
      const page = await openPanel(browser.context, browser.extensionId!, { tabId: 999_999 }, { width: 1280, height: 800 });
      await importHar(page, har, 'bench.har');
      await page.waitForSelector('.vrow');
      const { render, importMs, rows } = await page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const received = performance.getEntriesByName('corsight:rows-received').at(-1)?.startTime ?? NaN;
        const painted = performance.getEntriesByName('corsight:rows-painted').find((e) => e.startTime >= received)?.startTime ?? NaN;
        const notice = document.querySelector('[data-testid="notice"]')?.textContent ?? '';
        return { render: painted - received, importMs: Number((/in ([\d,]+) ms/.exec(notice)?.[1] ?? 'NaN').replace(/,/g, '')), rows: document.querySelector('.statusbar span')?.textContent };
      });
      if (!rows?.startsWith(`${N} `)) throw new Error(`expected ${N} rows, the panel says ${rows}`);
      renders.push(render);
      imports.push(importMs);
      // Keystrokes in the filter box: input event -> React render -> next paint.
      const typed = await page.evaluate(async () => {
        const input = document.querySelector<HTMLInputElement>('.tb-search')!;
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        const out: number[] = [];
        for (const text of ['a', 'ap', 'api', 'api2', 'api2.', 'api2.e', '', 'items/99', 'header not', 'localhost', '']) {
          const t0 = performance.now();
          setValue.call(input, text);
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          out.push(performance.now() - t0);
        }
        return out;
      });
      filters.push(...typed);
      const clicked = await page.evaluate(async () => {
        const out: number[] = [];
        for (const id of ['blocked', 'warning', 'all']) {
          const button = document.querySelector<HTMLButtonElement>(`[data-filter="${id}"]`)!;
          const t0 = performance.now();
          button.click();
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          out.push(performance.now() - t0);
        }
        return out;
      });
      statusFilters.push(...clicked);
      await page.close();
    }
    console.log(`panel, ${N.toLocaleString('en')} rows, ${ROUNDS} rounds (a fresh panel page each), ${browser.executablePath}`);
    console.log(`  ${targetLine('first render (rows in -> list painted)', medianInterval(renders), 100, 1, ' ms')}`);
    console.log(`  ${targetLine(`HAR import (parse + diagnose ${N.toLocaleString('en')} entries)`, medianInterval(imports), 200, 0, ' ms')}`);
    console.log(`  ${targetLine('filter keystroke -> paint', medianInterval(filters), 50, 1, ' ms')}   (${filters.length} keystrokes, max ${Math.max(...filters).toFixed(1)} ms)`);
    console.log(`  ${targetLine('status filter click -> paint', medianInterval(statusFilters), 50, 1, ' ms')}   (${statusFilters.length} clicks, max ${Math.max(...statusFilters).toFixed(1)} ms)`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
