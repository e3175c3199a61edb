/**
 * Requests made by a page's service worker and shared worker: what each source sees of them,
 * against Chromium's own verdict read from the workers' own CDP targets (Network.loadingFailed
 * corsErrorStatus), attached from the browser endpoint. The DevTools network log of the tab
 * holds the service worker's requests (raw headers, preflight) but not the shared worker's.
 * webRequest reports both with tabId -1, so the tab-filtered capture does not see them; a
 * listener filtered to tabId -1 is no way out: Chromium takes -1 as "no tab filter" (measured:
 * every event of the captured tab then arrived twice). docs/capture.md, "Open".
 */
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { devToolsEndpoint, openSocket } from '../harness/oracle.ts';
import { listenOnLoopback, openTab, sleep, startRig, startSource, type Rig } from './pipeline-support.ts';

const servers: http.Server[] = [];
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.close();
  for (const s of servers) s.close();
});

interface WorkerVerdicts {
  /** Service and shared worker targets of the app origin attached so far. */
  attached: Set<string>;
  /** Actual request URL -> Chromium's verdict: 'ok' or the CorsError name. */
  verdicts: Map<string, string>;
  close(): void;
}

/** Raw CDP on the browser endpoint: attach to every service/shared worker of `origin`, record its requests' outcomes. */
async function watchWorkerTargets(endpoint: string, origin: string): Promise<WorkerVerdicts> {
  const ws = openSocket(endpoint);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error(`cannot connect to ${endpoint}`)));
  });
  let id = 1;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) => ws.send(JSON.stringify({ id: id++, method, params, ...(sessionId ? { sessionId } : {}) }));
  const out: WorkerVerdicts = { attached: new Set(), verdicts: new Map(), close: () => ws.close() };
  const requests = new Map<string, { url: string; method: string }>();
  const pendingAttach = new Set<string>();
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(String(ev.data)) as { method?: string; params?: Record<string, any>; sessionId?: string };
    const p = m.params ?? {};
    if (m.method === 'Target.targetCreated' || m.method === 'Target.targetInfoChanged') {
      const info = p.targetInfo as { targetId: string; type: string; url: string };
      if ((info.type === 'service_worker' || info.type === 'shared_worker') && info.url.startsWith(origin) && !pendingAttach.has(info.targetId)) {
        pendingAttach.add(info.targetId);
        send('Target.attachToTarget', { targetId: info.targetId, flatten: true });
      }
    } else if (m.method === 'Target.attachedToTarget') {
      const info = p.targetInfo as { type: string; url: string };
      send('Network.enable', {}, p.sessionId as string);
      send('Runtime.runIfWaitingForDebugger', {}, p.sessionId as string);
      out.attached.add(`${info.type} ${info.url}`);
    } else if (m.method === 'Network.requestWillBeSent' && m.sessionId) {
      requests.set(`${m.sessionId}/${p.requestId}`, { url: p.request.url, method: p.request.method });
    } else if ((m.method === 'Network.loadingFailed' || m.method === 'Network.loadingFinished') && m.sessionId) {
      const r = requests.get(`${m.sessionId}/${p.requestId}`);
      if (!r || r.method === 'OPTIONS') return;
      out.verdicts.set(r.url, m.method === 'Network.loadingFinished' ? 'ok' : (p.corsErrorStatus?.corsError ?? `net:${p.errorText}`));
    }
  });
  send('Target.setDiscoverTargets', { discover: true });
  return out;
}

async function runWorkers(source: 'webrequest' | 'devtools'): Promise<Array<{ url: string; chromium: string | undefined; corsight: string[] }>> {
  let appOrigin = '';
  const api = await listenOnLoopback(servers, (req, res) => {
    // ok: both answers allow; preflight-only: the preflight allows, the actual response does not.
    const allow = req.url?.includes('/ok') || (req.method === 'OPTIONS' && req.url?.includes('/preflight-only'));
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, allow ? { 'access-control-allow-origin': appOrigin, 'access-control-allow-headers': 'x-test' } : {});
    res.end('ok');
  });
  // The page on `localhost`, the API on 127.0.0.1: cross-origin.
  const fetchAndReply = (reply: string) =>
    `fetch(m.data.url, { headers: { 'x-test': '1' } }).then((r) => r.text().then(() => true), () => false).then((ok) => ${reply}({ url: m.data.url, ok }))`;
  const app = await listenOnLoopback(servers, (req, res) => {
    const js = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(body);
    };
    if (req.url === '/sw.js') return js(`self.addEventListener('message', (m) => m.waitUntil(${fetchAndReply('m.source.postMessage')}));`);
    if (req.url === '/shared.js') return js(`onconnect = (c) => { const port = c.ports[0]; port.onmessage = (m) => ${fetchAndReply('port.postMessage')}; };`);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>workers</title>');
  });
  appOrigin = app.replace('127.0.0.1', 'localhost');

  await rig?.close();
  rig = await startRig({ devtools: source === 'devtools', args: ['--remote-debugging-port=0'] });
  const targets = await watchWorkerTargets(await devToolsEndpoint(rig.browser.profileDir), appOrigin);
  try {
    const { page, tabId } = await openTab(rig, appOrigin);
    await startSource(rig, tabId, source);
    // Start both workers, and give the CDP client time to attach before they fetch anything.
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
      const shared = new SharedWorker('/shared.js');
      shared.port.start();
      (window as unknown as { shared: SharedWorker }).shared = shared;
    });
    for (let i = 0; i < 50 && targets.attached.size < 2; i++) await sleep(100);
    expect([...targets.attached].map((t) => t.split(' ')[0]).sort()).toEqual(['service_worker', 'shared_worker']);
    await sleep(300);
    const urls = ['sw', 'shared'].flatMap((kind) => ['ok', 'blocked', 'preflight-only'].map((what) => `${api}/${kind}/${what}`));
    const pageSaw = await page.evaluate(async (list) => {
      const reg = await navigator.serviceWorker.ready;
      const shared = (window as unknown as { shared: SharedWorker }).shared;
      const results: boolean[] = [];
      for (const url of list) {
        results.push(
          await new Promise<boolean>((resolve) => {
            if (url.includes('/sw/')) {
              navigator.serviceWorker.addEventListener('message', (e) => resolve((e.data as { ok: boolean }).ok), { once: true });
              reg.active!.postMessage({ url });
            } else {
              shared.port.onmessage = (e) => resolve((e.data as { ok: boolean }).ok);
              shared.port.postMessage({ url });
            }
          }),
        );
      }
      return results;
    }, urls);
    expect(pageSaw).toEqual([true, false, false, true, false, false]);
    for (let i = 0; i < 50 && targets.verdicts.size < urls.length; i++) await sleep(100);
    await sleep(1000);
    const report = await rig.ask({ type: 'tab/report', tabId });
    const rows = urls.map((url) => ({
      url,
      chromium: targets.verdicts.get(url),
      corsight: report.entries.filter((e) => e.url === url).map((e) => (e.status === 'blocked' ? (e.corsError ?? 'blocked') : e.status)),
    }));
    console.log(`worker kinds (${source}): ${rows.map((r) => `${r.url.slice(api.length)} chromium ${r.chromium} corsight [${r.corsight.join(',')}]`).join('; ')}`);
    return rows;
  } finally {
    targets.close();
  }
}

describe('service and shared workers', () => {
  it('webRequest capture (tab-filtered) does not see them: they come with tabId -1', async () => {
    const rows = await runWorkers('webrequest');
    expect(rows.map((r) => r.chromium)).not.toContain(undefined);
    expect(rows.map((r) => r.corsight)).toEqual(rows.map(() => []));
  }, 120_000);

  it('the DevTools network log has the service worker\'s requests (agreeing), not the shared worker\'s', async () => {
    const rows = await runWorkers('devtools');
    expect(rows.filter((r) => r.url.includes('/sw/')).map((r) => r.corsight)).toEqual(rows.filter((r) => r.url.includes('/sw/')).map((r) => [r.chromium]));
    expect(rows.filter((r) => r.url.includes('/shared/')).map((r) => r.corsight)).toEqual([[], [], []]);
  }, 120_000);
});
