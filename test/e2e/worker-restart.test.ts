/**
 * A captured tab loses nothing when the service worker is stopped and restarted mid-run.
 * The page fires waves of cross-origin requests (some preflighted, some slow enough to straddle
 * a stop, some blocked) while the test stops the extension's worker several times from a
 * CDP session (ServiceWorker.stopAllWorkers; each stop+wake cycle checked with the
 * ServiceWorker domain's running status).
 * Every request must end up exactly once in the tab's report, with Chromium's verdict, or, when
 * its response and completion events reached no worker instance (dispatched while it was being
 * stopped), as an exchange whose outcome is `unobserved` (no verdict claimed), or, when only its
 * response event did (the failure arrived at the next instance), as a failure without a response
 * and without a verdict claimed (a warning, no code).
 */
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { ORPHAN_GRACE_MS, type AssemblerSnapshot } from '../../src/capture/webrequest/assembler.ts';
import { unpackStored } from '../../src/store/pack.ts';
import { emptyPage, listenOnLoopback, openTab, sleep, startRig, startSource, watchExtensionWorker, type Rig } from './pipeline-support.ts';

const N_WAVES = 12;
const PER_WAVE = 25;
const STOPS = 4;
/** More stops, after the traffic, while a DevTools page's held batches arrive. */
const STOPS_DURING_DELIVERY = 3;

let rig: Rig | undefined;
const servers: http.Server[] = [];
afterAll(async () => {
  await rig?.close();
  for (const s of servers) s.close();
});

const listen = (handler: http.RequestListener): Promise<string> => listenOnLoopback(servers, handler);

async function restartRun(source: 'webrequest' | 'devtools'): Promise<void> {
  let appOrigin = '';
  const api = await listen((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const delay = Number(u.searchParams.get('d') ?? 0);
    const blocked = u.searchParams.get('b') === '1';
    setTimeout(() => {
      const headers: Record<string, string> = blocked ? {} : { 'access-control-allow-origin': appOrigin, 'access-control-allow-headers': 'x-test' };
      res.writeHead(req.method === 'OPTIONS' ? 204 : 200, headers);
      res.end('ok');
    }, req.method === 'OPTIONS' ? 0 : delay);
  });
  appOrigin = await listen(emptyPage('restart'));

  await rig?.close();
  rig = await startRig({ devtools: source === 'devtools' });
  const { page, tabId } = await openTab(rig, appOrigin);
  await startSource(rig, tabId, source);
  const firstStart = (await rig.ask({ type: 'debug/state' })).startedAt;
  // Each stop+wake cycle of the extension's worker, as the ServiceWorker domain reports it.
  const { cdp: pageCdp, statuses: statusLog } = await watchExtensionWorker(rig, page);

  // Request i: delay up to 900 ms, every 3rd preflighted (x-test), every 5th blocked (no ACAO).
  const plan = Array.from({ length: N_WAVES * PER_WAVE }, (_, i) => ({
    url: `${api}/r?i=${i}&d=${(i * 37) % 900}&b=${i % 5 === 0 ? 1 : 0}`,
    preflight: i % 3 === 0,
    blocked: i % 5 === 0,
  }));
  const run = page.evaluate(
    async ([list, waves, perWave]) => {
      const results: boolean[] = [];
      const all: Promise<void>[] = [];
      for (let w = 0; w < waves; w++) {
        for (let j = 0; j < perWave; j++) {
          const k = w * perWave + j;
          const item = list[k]!;
          all.push(
            fetch(item.url, item.preflight ? { headers: { 'x-test': '1' } } : {}).then(
              (r) => r.text().then(() => void (results[k] = true)),
              () => void (results[k] = false),
            ),
          );
        }
        await new Promise((r) => setTimeout(r, 150));
      }
      await Promise.all(all);
      return results;
    },
    [plan, N_WAVES, PER_WAVE] as const,
  );

  const delaysBeforeStops: number[] = [];
  let stops = 0;
  let restartsSeen = 0;
  const cycleSeen = (from: number) => {
    const after = statusLog.slice(from);
    const stopped = after.indexOf('stopped');
    return stopped >= 0 && after.indexOf('running', stopped) > stopped;
  };
  const stopAndWake = async () => {
    // How late the instance about to be stopped was getting its events (Chromium's delivery).
    delaysBeforeStops.push((await rig!.ask({ type: 'debug/state' })).maxEventDelayMs);
    const from = statusLog.length;
    await pageCdp.send('ServiceWorker.stopAllWorkers');
    stops++;
    // The page's next request (or the DevTools page reconnecting) wakes the worker again: wait
    // for stopped, then running.
    for (let i = 0; i < 80 && !cycleSeen(from); i++) await sleep(25);
    if (cycleSeen(from)) restartsSeen++;
  };
  for (let s = 0; s < STOPS; s++) {
    await sleep(380);
    await stopAndWake();
  }
  const pageResults = await run;
  // The DevTools page holds a burst's entries until it is over (src/capture/devtools/burst-pacer.ts):
  // most of its batches go after the traffic. Stop the worker while they are still arriving too.
  let stopsDuringDelivery = 0;
  for (let s = 0; source === 'devtools' && s < STOPS_DURING_DELIVERY; s++) {
    await sleep(200);
    if ((await rig.ask({ type: 'tab/report', tabId })).entries.length >= plan.length) break;
    await stopAndWake();
    stopsDuringDelivery++;
  }
  // Requests whose completion event a stop lost are settled ORPHAN_GRACE_MS after the last
  // restore (ExchangeAssembler.settleOrphans): wait past that, then for the storage batch.
  await sleep(ORPHAN_GRACE_MS + 1500);

  const state = await rig.ask({ type: 'debug/state' });
  const report = await rig.ask({ type: 'tab/report', tabId });
  const byUrl = new Map<string, number>();
  for (const e of report.entries) byUrl.set(e.url, (byUrl.get(e.url) ?? 0) + 1);
  const missing = plan.filter((p) => !byUrl.has(p.url)).map((p) => p.url);
  const duplicated = [...byUrl].filter(([, n]) => n > 1).map(([u]) => u);
  // Seen leaving, but its response and completion went to a stopping worker: kept, no verdict.
  const unobserved = report.entries.filter((e) => e.exchange.outcome.kind === 'unobserved');
  // A refused request whose response event went to a stopping worker and whose failure reached the
  // next one: no response, so no verdict claimed (a warning without a code), not a wrong one.
  const responseLost = (e: (typeof report.entries)[number]) =>
    e.exchange.outcome.kind === 'failed' &&
    e.exchange.preflight.kind !== 'sent' &&
    e.exchange.hops.every((h) => !h.response) &&
    e.status === 'warning' &&
    e.corsError === null &&
    plan.find((x) => x.url === e.url)?.blocked === true;
  const withoutResponse = report.entries.filter(responseLost);
  const wrong = report.entries.filter((e) => {
    if (responseLost(e)) return false;
    if (e.exchange.outcome.kind === 'unobserved') return e.status !== 'warning' || e.corsError !== null;
    const p = plan.find((x) => x.url === e.url);
    if (!p) return true;
    return p.blocked ? e.status !== 'blocked' : e.status === 'blocked';
  });
  const unpaired = report.entries.filter((e) => e.exchange.outcome.kind !== 'unobserved' && plan.find((x) => x.url === e.url)?.preflight && e.exchange.preflight.kind !== 'sent');
  console.log(
    `worker restart (${source}): ${plan.length} requests, ${stops} stops (${stopsDuringDelivery} after the traffic, while the tab's log was incomplete; ${restartsSeen} stop+wake cycles reported by ServiceWorker.workerVersionUpdated, worker instance changed: ${state.startedAt !== firstStart}), ` +
      `${report.entries.length} exchanges kept, ${missing.length} lost, ${duplicated.length} duplicated, ${wrong.length} wrong verdicts, ${unobserved.length} with an unobserved outcome, ${unpaired.length} preflights not paired; ${state.pending} requests still pending in the worker, ${state.flushes} storage batches and ${state.journalWrites} journal writes (${state.journalEntries} entries) in the last instance, events delivered up to ${state.maxEventDelayMs} ms after they happened`,
  );
  console.log(`  largest event delivery delay of each instance before its stop: ${delaysBeforeStops.join(', ')} ms`);
  for (const u of duplicated.slice(0, 3)) console.log('  dup', u, report.entries.filter((e) => e.url === u).map((e) => `${e.seq}:${e.exchange.id}:${e.status}:${e.exchange.preflight.kind}`).join(' '));
  if (missing.length) {
    const raw = await rig.ask({ type: 'debug/raw-events', tabId });
    const stored = Object.entries(await rig.ext.evaluate(() => chrome.storage.session.get(null)));
    const where = (u: string) => stored.filter(([, v]) => JSON.stringify(v).includes(u.slice(u.indexOf('/r?')))).map(([k]) => k).join(',');
    const snapshot = unpackStored(stored.find(([k]) => k === 'assembler')?.[1]) as AssemblerSnapshot | undefined;
    const pendingAs = (u: string) =>
      (snapshot?.requests ?? []).filter((r) => r.hops[0]?.url === u).map((r) => `pending ${r.requestId} responses [${r.hops.map((h) => h.response?.status ?? '-').join(',')}]`).join(' ');
    const preflightsAs = (u: string) =>
      (snapshot?.preflights ?? [])
        .filter((p) => p.url === u)
        .map((p) => `preflight ${p.requestId} ${p.settled ? 'settled' : 'pending'}${p.claimed ? ' claimed' : ''} answer ${p.observation.response?.status ?? '-'}`)
        .join(' ');
    for (const u of missing.slice(0, 3)) console.log('  lost', u, 'stored in:', where(u), pendingAs(u), preflightsAs(u), raw.events.filter((e) => e.url === u).map((e) => `${e.phase}:${e.requestId}:${e.method}`).join(' '));
  }
  const inferred = report.entries.filter((e) => e.exchange.outcomeInferred);
  console.log(`  ${inferred.length} exchanges settled from their response headers (completion event missed): ${inferred.map((e) => `${e.url.slice(e.url.indexOf('/r?'))}:${e.status}`).join(' ')}`);
  for (const e of unobserved) console.log('  unobserved', e.url.slice(e.url.indexOf('/r?')), 'seen leaving; response and completion reached no worker');
  for (const e of withoutResponse) console.log('  response lost', e.url.slice(e.url.indexOf('/r?')), `failed (${e.exchange.outcome.kind === 'failed' ? e.exchange.outcome.error : ''}) with no response event in any instance: ${e.status}, no code`);
  for (const e of wrong.slice(0, 3)) console.log('  wrong', e.url, e.status, e.corsError, e.exchange.outcome.kind, JSON.stringify(e.exchange.hops.map((h) => h.response?.status)));
  for (const e of unpaired.slice(0, 3)) console.log('  unpaired', e.url, e.seq, e.exchange.preflight.kind, e.exchange.requestHeaders.length);
  expect(pageResults.filter((ok, i) => ok === plan[i]!.blocked)).toEqual([]);
  expect(restartsSeen).toBe(stops);
  expect(state.startedAt).not.toBe(firstStart);
  expect(missing).toEqual([]);
  expect(duplicated).toEqual([]);
  expect(wrong.map((e) => `${e.url} ${e.status}`)).toEqual([]);
  expect(report.entries).toHaveLength(plan.length);
  expect(unpaired.map((e) => e.url)).toEqual([]);
}

describe('worker restarts during a captured run', () => {
  it('loses and duplicates no exchange (webRequest capture)', () => restartRun('webrequest'), 120_000);
  it('loses and duplicates no exchange (DevTools open on the tab)', () => restartRun('devtools'), 120_000);
});
