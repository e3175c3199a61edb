/**
 * With DevTools open, Corsight's DevTools page starts idle (no network-log listener: an
 * onRequestFinished listener alone slows every page load, docs/capture.md "Cost") and listens
 * once the tab is to be diagnosed. The pipeline test covers a report starting it mid-run; here:
 * successful cross-origin requests leave it idle, a failure the cheap watch sees starts it and
 * the requests made before come from its getHAR() backlog; "preserve log" starts it too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { sleep, startRig, waitForDevtoolsPort, type Rig } from './pipeline-support.ts';

let lab: Lab | undefined;
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.close();
  await lab?.close();
});

describe('DevTools capture on demand', () => {
  it('stays idle through successful requests, starts on a CORS-like failure or preserve log, and loses nothing before', async () => {
    lab = await startLab();
    rig = await startRig({ devtools: true });
    const r = rig;
    const listening = async (tabId: number) => (await r.ask({ type: 'debug/state' })).devtoolsActiveTabs.includes(tabId);
    expect((await r.ask({ type: 'settings/get' })).cheapWatch).toBe(true);

    const page = await r.browser.context.newPage();
    await page.goto(lab.pageUrl);
    const tabId = await r.tabIdOf(lab.pageUrl);
    await waitForDevtoolsPort(r, tabId);
    const passed = await runScenario(page, lab, 'fetch-get-acao-ok');
    const preflighted = await runScenario(page, lab, 'fetch-preflight-ok');
    await sleep(500);
    const idleAfterSuccesses = !(await listening(tabId));

    const blocked = await runScenario(page, lab, 'fetch-get-no-acao');
    let startedByFailure = false;
    for (let i = 0; i < 50 && !startedByFailure; i++) {
      await sleep(100);
      startedByFailure = await listening(tabId);
    }
    // getHAR() may list the blocked request before DevTools finished it (the cheap watch sees the
    // network error first): the backfill then takes it from the listener a moment after `active`.
    const runs = [passed, preflighted, blocked];
    let report = await r.ask({ type: 'tab/report', tabId });
    for (let i = 0; i < 50 && !runs.every((run) => report.entries.some((e) => e.url === run.url)); i++) {
      await sleep(100);
      report = await r.ask({ type: 'tab/report', tabId });
    }
    const verdicts = runs.map((run) => report.entries.filter((e) => e.url === run.url).map((e) => `${e.status}:${e.corsError ?? ''}:${e.exchange.preflight.kind}`));
    console.log(`devtools on demand: idle after 2 successful requests: ${idleAfterSuccesses}; listening after a blocked one: ${startedByFailure}; exchanges ${JSON.stringify(verdicts)}`);
    expect(idleAfterSuccesses).toBe(true);
    expect(startedByFailure).toBe(true);
    expect(verdicts).toEqual([['ok::none'], ['ok::sent'], ['blocked:MissingAllowOriginHeader:none']]);

    // Preserve log needs the listener (getHAR() forgets the previous page): it starts it.
    const other = await r.browser.context.newPage();
    await other.goto(lab.pageUrl + '?second');
    const otherTab = await r.tabIdOf(lab.pageUrl + '?second');
    await waitForDevtoolsPort(r, otherTab);
    expect(await listening(otherTab)).toBe(false);
    await r.ask({ type: 'tab/preserve-log', tabId: otherTab, preserve: true });
    let startedByPreserve = false;
    for (let i = 0; i < 50 && !startedByPreserve; i++) {
      await sleep(100);
      startedByPreserve = await listening(otherTab);
    }
    expect(startedByPreserve).toBe(true);
  }, 120_000);
});
