/**
 * A tab that is not being diagnosed must not wake Corsight's stopped service worker: the
 * all-tab capture listeners the worker registers at start-up (docs/capture.md, "Worker
 * restarts") must not stay behind as lazy listeners once they are removed. And a captured tab
 * must wake it (the lazy tab-filtered listeners are what a restart relies on).
 * Running status from the ServiceWorker domain; the page only fetches, it does not navigate
 * (a navigation wakes the worker through tabs.onUpdated, by design).
 */
import http from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyPage, listenOnLoopback, openTab, sleep, startRig, watchExtensionWorker, type Rig } from './pipeline-support.ts';

let rig: Rig | undefined;
const servers: http.Server[] = [];
afterAll(async () => {
  await rig?.close();
  for (const s of servers) s.close();
});

describe('a stopped worker and requests of tabs', () => {
  it('stays stopped for a tab that is not diagnosed, wakes for a captured one', async () => {
    const api = await listenOnLoopback(servers, (_req, res) => {
      res.writeHead(200, { 'access-control-allow-origin': '*' });
      res.end('ok');
    });
    const app = await listenOnLoopback(servers, emptyPage('idle'));
    rig = await startRig();
    const { page, tabId } = await openTab(rig, app);
    const { cdp, statuses } = await watchExtensionWorker(rig, page);

    /** Stops the worker, lets the page fetch, and returns the running statuses seen meanwhile. */
    const statusesWhileFetching = async (p: Page): Promise<string[]> => {
      await cdp.send('ServiceWorker.stopAllWorkers');
      for (let i = 0; i < 80 && statuses.at(-1) !== 'stopped'; i++) await sleep(25);
      expect(statuses.at(-1)).toBe('stopped');
      const from = statuses.length;
      await p.evaluate(async (url) => {
        for (let i = 0; i < 15; i++) await fetch(`${url}/x${i}?${Math.random()}`);
      }, api);
      await sleep(1000);
      return statuses.slice(from);
    };

    // Let start-up finish (the start-up listeners are removed once no captured tab is found).
    await sleep(1000);
    expect(await statusesWhileFetching(page)).toEqual([]);

    await rig.ask({ type: 'capture/start', tabId, reload: false });
    expect(await statusesWhileFetching(page)).toContain('running');
  }, 60_000);
});
