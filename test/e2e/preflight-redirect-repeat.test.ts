/**
 * A preflight answered with a redirect, many times over with DevTools open (issue 15, class 6):
 * DevTools does not always record the preflight's 3xx response (measured, Chromium 156: some
 * OPTIONS entries carry only net::ERR_INVALID_REDIRECT), so a verdict that depended on which
 * entry arrived would change from run to run. Every copy must come out PreflightDisallowedRedirect,
 * like Chromium's own verdict (CDP oracle).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TabReport } from '../../src/store/report.ts';
import { attachOracle } from '../harness/oracle.ts';
import { runAll } from '../harness/lab-runner.ts';
import { SCENARIOS, type Scenario } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { agrees, entryVerdict, fmt, sleep, startRig, waitForDevtoolsPort, type SimpleVerdict } from './pipeline-support.ts';

const COPIES = 8;

/** A preflight answered with a redirect Chromium refuses (3xx with a Location; 300 and 304 are not redirects). */
function isRedirected(scenario: Scenario | undefined): boolean {
  return scenario !== undefined && /^preflight-status-30[12378]-/.test(scenario.id);
}

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.close();
});

describe('a redirected preflight, repeated, with DevTools open', () => {
  it('is PreflightDisallowedRedirect every time, as Chromium says', async () => {
    // The redirected ones among their neighbours (2xx, 300, 304): the race shows under load.
    const statuses = SCENARIOS.filter((s) => /^preflight-status-(20|30)/.test(s.id));
    expect(statuses.filter((s) => isRedirected(s)).length).toBe(10);
    const copies: Scenario[] = statuses.flatMap((s) => Array.from({ length: COPIES }, (_, k) => ({ ...s, id: `${s.id}-copy${k}` })));
    lab = await startLab({ scenarios: copies });
    const rig = await startRig({ devtools: true, args: ['--remote-debugging-port=0'] });
    try {
      const page = await rig.browser.context.newPage();
      const oracle = await attachOracle(rig.browser.context, page);
      await page.goto(lab.pageUrl);
      const tabId = await rig.tabIdOf(lab.pageUrl);
      await waitForDevtoolsPort(rig, tabId);
      // Nothing starts the DevTools page's listener until the report asked halfway: the first half
      // is read from its getHAR() backlog, the rest live (both views of the network log).
      await rig.ask({ type: 'settings/set', patch: { cheapWatch: false } });
      const running = runAll(page, lab, { oracle });
      const half = Math.floor(copies.length / 2);
      while ((await page.evaluate(() => document.querySelectorAll('.result[data-state="done"]').length)) < half) await sleep(100);
      await rig.ask({ type: 'tab/report', tabId });
      const runs = await running;
      let entries: TabReport['entries'] = [];
      for (let i = 0; i < 40 && entries.length < runs.length; i++) {
        await sleep(250);
        entries = (await rig.ask({ type: 'tab/report', tabId })).entries;
      }
      const wrong: string[] = [];
      for (const run of runs) {
        const v = run.verdict;
        const chromium: SimpleVerdict = !v ? { kind: 'net', error: 'none' } : v.ok ? { kind: 'ok' } : v.corsError ? { kind: 'cors', corsError: v.corsError, failedParameter: v.failedParameter ?? '' } : { kind: 'net', error: v.errorText ?? '' };
        const entry = entries.find((e) => e.url === run.url);
        const mine = entry ? entryVerdict(entry) : undefined;
        const redirected = isRedirected(copies.find((c) => c.id === run.id));
        if ((redirected && (chromium.kind !== 'cors' || chromium.corsError !== 'PreflightDisallowedRedirect')) || !mine || !agrees(chromium, mine)) {
          wrong.push(`${run.id}: chromium ${fmt(chromium)}, corsight ${fmt(mine)}`);
        }
      }
      console.log(`preflight statuses x${COPIES} (DevTools): ${runs.length - wrong.length} of ${runs.length} agree with Chromium (${copies.filter(isRedirected).length} redirected: PreflightDisallowedRedirect)`);
      expect(wrong).toEqual([]);
    } finally {
      await rig.close();
    }
  });
});
