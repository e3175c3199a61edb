/**
 * The request context (issue 15, class 4) in a real Chromium with the built extension: the hook
 * is in a diagnosed tab's pages and in no other tab; it changes nothing the page can observe (the
 * same probes give the same results in a hooked and an unhooked tab); what it records reaches the
 * diagnosis (credentials mode known without a Cookie, a renderer-refused call logged with
 * Chromium's code, the calling stack); the setting turns it off. Verdicts against Chromium on the
 * whole lab: pipeline.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { TabReport } from '../../src/store/report.ts';
import { runScenario } from '../harness/lab-runner.ts';
import { attachOracle } from '../harness/oracle.ts';
import { LNA_CONFIGS, LNA_SCENARIOS, type LnaConfigName } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { PAGE_REQUEST_EVENT } from '../../src/context/page-request.ts';
import { sleep, startRig, waitForDevtoolsPort, type Rig } from './pipeline-support.ts';

let lab: Lab | undefined;
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.close();
  await lab?.close();
});

const hooked = (page: Page) => page.evaluate(() => Symbol.for('corsight.page-request-hook') in window);

/** Probes of fetch, XHR and EventSource whose results a hook must not change. */
async function probe(page: Page, urls: { same: string; cross: string }): Promise<unknown> {
  return page.evaluate(async (u) => {
    const settle = async (f: () => Promise<unknown>): Promise<unknown[]> => {
      try {
        return ['ok', await f()];
      } catch (e) {
        return ['err', (e as Error).name, String((e as Error).message)];
      }
    };
    const out: Record<string, unknown> = {};
    out.fetchMeta = [fetch.name, fetch.length, Function.prototype.toString.call(fetch)];
    out.xhrMeta = ['open', 'send', 'setRequestHeader'].map((k) => {
      const f = (XMLHttpRequest.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[k] as (...a: unknown[]) => unknown;
      return [f.name, f.length];
    });
    out.eventSourceMeta = [EventSource.name, EventSource.length, EventSource.prototype.constructor === EventSource];
    out.same = await settle(async () => (await fetch(u.same)).status);
    out.cross = await settle(async () => (await fetch(u.cross)).status);
    out.badUrl = await settle(() => fetch('http://[bad'));
    // oxlint-disable-next-line unicorn/no-invalid-fetch-options -- the TypeError is the point
    out.getWithBody = await settle(() => fetch(u.same, { method: 'GET', body: 'x' }));
    out.sameOriginMode = await settle(() => fetch(u.cross, { mode: 'same-origin' }));
    // Page code behind getters and toString runs exactly as often as without the hook.
    let getterCalls = 0;
    const init = { get method() { getterCalls++; return 'GET'; } };
    out.getter = [await settle(async () => (await fetch(u.same, init)).status), getterCalls];
    let toStringCalls = 0;
    const urlLike = { toString() { toStringCalls++; return u.same; } };
    out.urlLike = [await settle(async () => (await fetch(urlLike as unknown as string)).status), toStringCalls];
    let headerGetter = 0;
    const headers = { get 'X-Lazy'() { headerGetter++; return '1'; } };
    out.headerGetter = [await settle(async () => (await fetch(u.same, { headers })).status), headerGetter];
    out.stream = await settle(async () => {
      const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('x')); c.close(); } });
      return (await fetch(u.same, { method: 'POST', body, duplex: 'half' } as RequestInit)).status;
    });
    out.request = await settle(async () => (await fetch(new Request(u.same, { method: 'POST', body: 'abc' }))).status);
    // A page that wraps fetch after the hook, and one that keeps calling the original.
    const before = window.fetch;
    let wrapped = 0;
    window.fetch = function (this: unknown, ...a: Parameters<typeof fetch>) { wrapped++; return before.apply(this, a); };
    out.wrapped = [await settle(async () => (await fetch(u.same)).status), wrapped];
    window.fetch = before;
    out.xhr = await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', u.same);
      x.setRequestHeader('X-A', '1');
      x.upload.addEventListener('progress', () => undefined);
      x.onload = () => resolve(['load', x.status, x.responseText.length]);
      x.onerror = () => resolve(['error']);
      x.send();
    });
    out.xhrErrors = [
      (() => { const x = new XMLHttpRequest(); x.open('GET', u.same); try { x.setRequestHeader('bad name', 'v'); return 'no throw'; } catch (e) { return (e as Error).name; } })(),
      (() => { const x = new XMLHttpRequest(); try { x.send(); return 'no throw'; } catch (e) { return (e as Error).name; } })(),
      (() => { const x = new XMLHttpRequest(); try { x.open('GET', 'http://[bad'); return 'no throw'; } catch (e) { return (e as Error).name; } })(),
    ];
    out.eventSource = [
      (() => { try { new EventSource('http://[bad'); return 'no throw'; } catch (e) { return (e as Error).name; } })(),
      (() => { const es = new EventSource(u.same); const r = [es instanceof EventSource, es.url, es.withCredentials]; es.close(); return r; })(),
    ];
    // Ordering: the call's synchronous part and its promise settle as without the hook.
    const order: string[] = [];
    const p = fetch(u.same).then(() => order.push('resolved'));
    order.push('after call');
    await p;
    out.order = order;
    return out;
  }, urls);
}

/**
 * Runs, in a diagnosed tab, a credentialed call answered with `*` (only the call shows its
 * credentials mode and stack when no Cookie is sent) and a call the renderer refuses before any
 * network activity (only the call shows it); their report entries once both are logged.
 */
async function runWildcardAndRefused(r: Rig, page: Page, l: Lab, tabId: number) {
  const wildcard = await runScenario(page, l, 'fetch-cred-wildcard');
  const refused = await runScenario(page, l, 'same-origin-mode-cross');
  let report: TabReport | undefined;
  const entryOf = (url: string) => report?.entries.find((e) => e.url === url);
  for (let i = 0; i < 50 && !(entryOf(wildcard.url) && entryOf(refused.url)); i++) {
    await sleep(100);
    report = await r.ask({ type: 'tab/report', tabId });
  }
  return { report, wildcard: entryOf(wildcard.url), refused: entryOf(refused.url) };
}

describe('request context', () => {
  it('is in the diagnosed tab only, changes nothing the page sees, and reaches the diagnosis', async () => {
    lab = await startLab();
    rig = await startRig();
    const r = rig;
    const l = lab;
    const diagnosedPage = await r.browser.context.newPage();
    await diagnosedPage.goto(l.pageUrl);
    const otherPage = await r.browser.context.newPage();
    await otherPage.goto(`${l.pageUrl}?other`);
    const tabId = await r.tabIdOf(l.pageUrl.replace(/\/$/, '') + '/');
    const otherTab = await r.tabIdOf(`${l.pageUrl}?other`);
    expect((await r.ask({ type: 'settings/get' })).pageContext).toBe(true);

    // Diagnosed from here on, the page reloaded so the hook is in before its scripts.
    await r.ask({ type: 'capture/start', tabId, reload: true });
    await diagnosedPage.waitForLoadState('load');
    await diagnosedPage.waitForFunction(() => 'corsightLab' in window);
    const state = await r.ask({ type: 'debug/state' });
    expect(state.pageContextTabs).toEqual([tabId]);
    expect(await hooked(diagnosedPage)).toBe(true);
    expect(await hooked(otherPage)).toBe(false);

    const urls = { same: `${l.origins.app}/scenarios.json`, cross: `${l.origins.api1}/s/fetch-get-acao-ok/?r=probe` };
    const withHook = await probe(diagnosedPage, urls);
    const without = await probe(otherPage, urls);
    expect(withHook).toEqual(without);
    expect(await hooked(otherPage)).toBe(false);

    // What only the call shows: its redirect mode and where it came from.
    const logged = await runWildcardAndRefused(r, diagnosedPage, l, tabId);
    let report: TabReport | undefined = logged.report;
    const entryOf = (url: string) => report?.entries.find((e) => e.url === url);
    const cred = logged.wildcard;
    expect(cred?.corsError).toBe('WildcardOriginNotAllowed');
    expect(cred?.exchange.credentials).toBe('include');
    expect(cred?.exchange.redirect).toBe('follow');
    // Where the call came from: the lab page's own script.
    expect(cred?.exchange.initiator?.stack?.some((f) => f.url.startsWith(l.origins.app))).toBe(true);
    const mode = logged.refused;
    expect([mode?.corsError, mode?.source, mode?.diagnosis.stage.kind]).toEqual(['DisallowedByMode', 'page', 'mode']);
    // The probes' own refused call (mode same-origin to the API) was logged the same way; the
    // other tab, not diagnosed, has nothing.
    expect(report?.entries.some((e) => e.url === urls.cross && e.corsError === 'DisallowedByMode')).toBe(true);
    expect((await r.ask({ type: 'tab/report', tabId: otherTab })).entries).toEqual([]);

    // A relative URL is resolved against the base the document had at the call: here a <base>
    // pointing to the API's origin, removed right after the call, before the hook's batch leaves.
    const viaBase = `${l.origins.api1}/s/fetch-get-acao-ok/?r=base`;
    await diagnosedPage.evaluate(async (dir) => {
      const base = document.createElement('base');
      base.href = dir;
      document.head.append(base);
      const call = fetch('?r=base', { mode: 'same-origin' }).catch(() => undefined);
      base.remove();
      await call;
    }, `${l.origins.api1}/s/fetch-get-acao-ok/`);
    for (let i = 0; i < 50 && !entryOf(viaBase); i++) {
      await sleep(100);
      report = await r.ask({ type: 'tab/report', tabId });
    }
    expect([entryOf(viaBase)?.corsError, entryOf(viaBase)?.source]).toEqual(['DisallowedByMode', 'page']);

    // A page listening to the hook's own event and calling fetch() from that listener: its calls
    // made there are not recorded, so one call makes one event, not an endless chain of them.
    const events = await diagnosedPage.evaluate(async (name) => {
      let seen = 0;
      const listener = () => {
        seen++;
        if (seen < 50) void fetch('/scenarios.json').catch(() => undefined);
      };
      document.addEventListener(name, listener);
      await fetch('/scenarios.json').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      document.removeEventListener(name, listener);
      return seen;
    }, PAGE_REQUEST_EVENT);
    expect(events).toBe(1);

    // Off: no hook after the next navigation; the exchange has only what the wire shows.
    await r.ask({ type: 'settings/set', patch: { pageContext: false } });
    expect((await r.ask({ type: 'debug/state' })).pageContextTabs).toEqual([]);
    await diagnosedPage.reload();
    await diagnosedPage.waitForFunction(() => 'corsightLab' in window);
    expect(await hooked(diagnosedPage)).toBe(false);
    const inferred = await runScenario(diagnosedPage, l, 'fetch-cred-wildcard');
    const refusedUnseen = await runScenario(diagnosedPage, l, 'same-origin-mode-cross');
    for (let i = 0; i < 50 && !entryOf(inferred.url); i++) {
      await sleep(100);
      report = await r.ask({ type: 'tab/report', tabId });
    }
    expect(entryOf(inferred.url)?.corsError).toBe('WildcardOriginNotAllowed');
    expect(entryOf(inferred.url)?.exchange.redirect).toBe('unknown');
    expect(entryOf(inferred.url)?.exchange.initiator?.stack).toBeUndefined();
    expect(entryOf(refusedUnseen.url)).toBeUndefined();

    // Capture stopped: the tab is no longer diagnosed, its next document gets no hook.
    await r.ask({ type: 'settings/set', patch: { pageContext: true } });
    expect((await r.ask({ type: 'debug/state' })).pageContextTabs).toEqual([tabId]);
    await r.ask({ type: 'capture/stop', tabId });
    expect((await r.ask({ type: 'debug/state' })).pageContextTabs).toEqual([]);
    await diagnosedPage.reload();
    await diagnosedPage.waitForFunction(() => 'corsightLab' in window);
    expect(await hooked(diagnosedPage)).toBe(false);
  }, 120_000);

  it('through DevTools: marks the tab so, and every exchange still has its calling stack (the network log\'s, or the hook\'s for a refused call)', async () => {
    const l = (lab ??= await startLab());
    const devtoolsRig = await startRig({ devtools: true });
    try {
      const page = await devtoolsRig.browser.context.newPage();
      await page.goto(l.pageUrl);
      const tabId = await devtoolsRig.tabIdOf(l.pageUrl.replace(/\/$/, '') + '/');
      await waitForDevtoolsPort(devtoolsRig, tabId);
      // Diagnosing the tab starts the DevTools page's listening, and with it the hook.
      await devtoolsRig.ask({ type: 'tab/report', tabId });
      for (let i = 0; i < 50 && !(await devtoolsRig.ask({ type: 'debug/state' })).pageContextTabs.includes(tabId); i++) await sleep(100);
      for (let i = 0; i < 50 && !(await hooked(page)); i++) await sleep(100);
      // The hook takes a stack only for calls the network log may not have (PAGE_CONTEXT_MARK).
      expect(await page.evaluate(() => sessionStorage.getItem('corsight.diagnosed'))).toBe('devtools');
      const { wildcard, refused } = await runWildcardAndRefused(devtoolsRig, page, l, tabId);
      const fromLabPage = (e: typeof wildcard) => e?.exchange.initiator?.stack?.some((f) => f.url.startsWith(l.origins.app)) === true;
      expect([wildcard?.corsError, wildcard?.source, fromLabPage(wildcard)]).toEqual(['WildcardOriginNotAllowed', 'devtools', true]);
      expect([refused?.corsError, refused?.source, fromLabPage(refused)]).toEqual(['DisallowedByMode', 'page', true]);
    } finally {
      await devtoolsRig.close();
    }
  }, 120_000);

  // Local Network Access leaves only net::ERR_FAILED on the wire; the page's context settles it.
  // Each configuration is its own browser (Chromium flags put the lab page in the public space).
  const LNA_CASES: ReadonlyArray<readonly [LnaConfigName, string, string]> = [
    ['public-page', 'lna-public-page-denied', 'LocalNetworkAccessPermissionDenied'],
    ['insecure-page', 'lna-insecure-page', 'InsecureLocalNetwork'],
    ['default', 'lna-target-space-mismatch', 'InvalidLocalNetworkAccess'],
    ['granted', 'lna-granted', 'ok'],
  ];
  for (const source of ['webrequest', 'devtools'] as const) {
    it(`names Local Network Access refusals as Chromium does (${source})`, async () => {
      const seen: string[] = [];
      const chromium: string[] = [];
      for (const [config, id] of LNA_CASES) {
        const cfg = LNA_CONFIGS[config];
        const lnaLab = await startLab({ scenarios: LNA_SCENARIOS.filter((s) => s.id === id), appHost: cfg.appHost });
        const appPort = new URL(lnaLab.origins.app).port;
        const lnaRig = await startRig({ devtools: source === 'devtools', args: cfg.args.map((a) => a.replaceAll('{appPort}', appPort)) });
        try {
          if (cfg.grant) await lnaRig.browser.context.grantPermissions(['local-network-access'], { origin: lnaLab.origins.app });
          const page = await lnaRig.browser.context.newPage();
          // Chromium's own verdict for the same request, from the DevTools protocol.
          const oracle = await attachOracle(lnaRig.browser.context, page);
          await page.goto(lnaLab.pageUrl);
          const tabId = await lnaRig.tabIdOf(lnaLab.origins.app);
          if (source === 'devtools') {
            await waitForDevtoolsPort(lnaRig, tabId);
            // Diagnosing the tab starts the DevTools page's listening, and with it the hook.
            await lnaRig.ask({ type: 'tab/report', tabId });
          } else {
            await lnaRig.ask({ type: 'capture/start', tabId, reload: false });
          }
          for (let i = 0; i < 50 && !(await lnaRig.ask({ type: 'debug/state' })).pageContextTabs.includes(tabId); i++) await sleep(100);
          const run = await runScenario(page, lnaLab, id, { oracle });
          const v = run.verdict;
          chromium.push(!v ? 'none' : v.ok ? 'ok' : (v.corsError ?? v.errorText ?? 'failed'));
          let verdict = '';
          for (let i = 0; i < 50 && !verdict; i++) {
            await sleep(100);
            const entry = (await lnaRig.ask({ type: 'tab/report', tabId })).entries.find((e) => e.url === run.url);
            if (entry) verdict = entry.status === 'ok' ? 'ok' : (entry.corsError ?? entry.status);
          }
          seen.push(verdict);
        } finally {
          await lnaRig.close();
          await lnaLab.close();
        }
      }
      console.log(`request context, Local Network Access (${source}): ${LNA_CASES.map(([, id], i) => `${id} ${seen[i]} (Chromium ${chromium[i]})`).join('; ')}`);
      expect(seen).toEqual(chromium);
      expect(seen).toEqual(LNA_CASES.map(([, , code]) => code));
    }, 120_000);
  }

  it("is in before the page's first script when a diagnosed tab reloads (document_start), and only in that tab", async () => {
    // A page whose first inline script notes whether the hook is there and calls the lab API.
    const l = (lab ??= await startLab());
    const api = `${l.origins.api1}/s/fetch-get-no-acao/`;
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>first script</title><script>
        window.hookedAtStart = Symbol.for('corsight.page-request-hook') in window;
        fetch(${JSON.stringify(api)} + '?r=' + encodeURIComponent(location.search)).catch(() => undefined);
      </script>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const firstRig = await startRig();
    try {
      const page = await firstRig.browser.context.newPage();
      await page.goto(`${origin}/?load=0`);
      const other = await firstRig.browser.context.newPage();
      await other.goto(`${origin}/?other=0`);
      const tabId = await firstRig.tabIdOf(`${origin}/?load=0`);
      await firstRig.ask({ type: 'capture/start', tabId, reload: false });
      const atStart: boolean[] = [];
      const joined: string[] = [];
      for (let load = 1; load <= 3; load++) {
        await page.goto(`${origin}/?load=${load}`);
        atStart.push(await page.evaluate(() => (window as unknown as { hookedAtStart: boolean }).hookedAtStart));
        const url = `${api}?r=${encodeURIComponent(`?load=${load}`)}`;
        let entry;
        for (let i = 0; i < 50 && !entry; i++) {
          await sleep(100);
          entry = (await firstRig.ask({ type: 'tab/report', tabId })).entries.find((e) => e.url === url);
        }
        // The call's redirect mode reached the exchange: the hook saw the first script's fetch.
        joined.push(String(entry?.exchange.redirect));
      }
      // Another tab on the same host, loaded now: the registered script runs there and returns at once.
      await other.goto(`${origin}/?other=1`);
      const otherHooked = await other.evaluate(() => (window as unknown as { hookedAtStart: boolean }).hookedAtStart);
      console.log(`request context at the first script: diagnosed tab ${JSON.stringify(atStart)}, calls joined ${JSON.stringify(joined)}; other tab on the same host ${otherHooked}`);
      expect(atStart).toEqual([true, true, true]);
      expect(joined).toEqual(['follow', 'follow', 'follow']);
      expect(otherHooked).toBe(false);
    } finally {
      await firstRig.close();
      server.close();
    }
  }, 120_000);
});
