/**
 * The whole capture pipeline in a real Chromium, twice over the lab corpus (SCENARIOS plus the
 * dedicated-worker and iframe scenarios): once with DevTools open on the lab tab (the DevTools
 * network log is the source), once with capture/start and DevTools closed (webRequest). For
 * every scenario: the exchanges in the tab's report (read through the message API from an
 * extension page) are exactly the actual requests Chromium made for that URL (one per scenario,
 * two for the `again` ones), and the verdict of the last one equals Chromium's own (CDP oracle,
 * which taps the workers' and out-of-process iframes' own targets). Known exceptions below, each
 * with its reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TabReport } from '../../src/store/report.ts';
import { attachOracle, devToolsEndpoint } from '../harness/oracle.ts';
import { runAll } from '../harness/lab-runner.ts';
import { IFRAME_SCENARIOS, SCENARIOS, WORKER_SCENARIOS, crossSiteOrigin, redirectsLeavePageOrigin } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { agrees, entryVerdict, fmt, sleep, startRig, waitForDevtoolsPort, type SimpleVerdict } from './pipeline-support.ts';

const BEFORE_DIAGNOSIS =
  'decided in the renderer before any network activity (no webRequest event, no HAR entry), and made before the tab was diagnosed: the request context (src/context) is in a tab\'s pages only from then on';


const WORKER_PROVISIONAL =
  'not in the DevTools network log: measured with getHAR() in the lab tab\'s DevTools page (Chromium 156, seconds after the request settled), a dedicated worker\'s request keeps only its provisional request headers (User-Agent, Referer: no Origin, Sec-Fetch-Mode or Cookie) and a response Chromium blocked has neither status nor headers (status 0, net::ERR_FAILED), so a CORS refusal looks like a network error; the page\'s and iframes\' requests have their raw headers there, and a worker request stopped by its preflight agrees (the preflight entry is complete). The request context does not help: an extension cannot inject into a dedicated worker, and wrapping the page\'s Worker constructor to get in would change what the worker sees (its URL, its module loading). webRequest agrees on both';

/** Scenarios a source cannot judge like Chromium, with the reason. */
const KNOWN: Record<'devtools' | 'webrequest', Record<string, string>> = {
  devtools: {
    'worker-no-acao': WORKER_PROVISIONAL,
    'worker-cred-star': WORKER_PROVISIONAL,
  },
  webrequest: {},
};

let lab: Lab;
afterAll(async () => {
  await lab?.close();
});

async function runPipeline(source: 'devtools' | 'webrequest'): Promise<{ agree: number; problems: string[]; known: string[] }> {
  lab ??= await startLab({ scenarios: [...SCENARIOS, ...WORKER_SCENARIOS, ...IFRAME_SCENARIOS] });
  // The DevTools port is for the oracle's raw CDP client (dedicated workers, out-of-process iframes).
  const rig = await startRig({ devtools: source === 'devtools', args: ['--remote-debugging-port=0'] });
  try {
    const page = await rig.browser.context.newPage();
    const oracle = await attachOracle(rig.browser.context, page, { workers: await devToolsEndpoint(rig.browser.profileDir) });
    await page.goto(lab.pageUrl);
    const tabId = await rig.tabIdOf(lab.pageUrl);
    if (source === 'devtools') {
      // Nothing but the report below may start the DevTools page's listening (not a failure).
      await rig.ask({ type: 'settings/set', patch: { cheapWatch: false } });
      // The DevTools page of the lab tab announces itself over its port.
      await waitForDevtoolsPort(rig, tabId);
    } else {
      const { capture } = await rig.ask({ type: 'capture/start', tabId, reload: false });
      expect(capture.webRequest).toBe(true);
    }
    const running = runAll(page, lab, { oracle });
    /** Scenarios run before the tab was diagnosed (DevTools page idle): no request context for them. */
    let beforeDiagnosis = 0;
    if (source === 'devtools') {
      // The DevTools page listens on demand: half the corpus runs while it is idle (taken later
      // from getHAR()), the report asked in the middle starts its listener (requests finishing
      // meanwhile are in both views), the rest is taken live.
      const half = Math.floor(lab.scenarios.length / 2);
      let done = 0;
      while (done < half) {
        await sleep(100);
        done = await page.evaluate(() => document.querySelectorAll('.result[data-state="done"]').length);
      }
      const idle = !(await rig.ask({ type: 'debug/state' })).devtoolsActiveTabs.includes(tabId);
      beforeDiagnosis = done;
      expect((await rig.ask({ type: 'tab/report', tabId })).capture.devtools).toBe(true);
      const listening = (await rig.ask({ type: 'debug/state' })).devtoolsActiveTabs.includes(tabId);
      console.log(`pipeline (devtools): idle (no network-log listener) for the first ${done} of ${lab.scenarios.length} scenarios: ${idle}; listening after the report: ${listening}`);
      expect([idle, listening]).toEqual([true, true]);
    }
    const runs = await running;
    let report: TabReport | undefined;
    const total = () => runs.reduce((n, r) => n + oracle.requests.filter((q) => !q.isPreflight && q.url === r.url).length, 0);
    const want = total();
    for (let i = 0; i < 60; i++) {
      await sleep(250);
      report = await rig.ask({ type: 'tab/report', tabId });
      if (report.entries.filter((e) => e.url.startsWith('http://127.0.0.1') && !e.url.startsWith(lab.origins.app + '/')).length >= want) break;
    }
    await sleep(500);
    report = await rig.ask({ type: 'tab/report', tabId });
    const byUrl = new Map<string, typeof report.entries>();
    for (const e of report.entries) byUrl.set(e.url, [...(byUrl.get(e.url) ?? []), e]);
    let agree = 0;
    const problems: string[] = [];
    const known: string[] = [];
    for (const [index, run] of runs.entries()) {
      const v = run.verdict;
      const chromium: SimpleVerdict = !v ? { kind: 'net', error: 'none' } : v.ok ? { kind: 'ok' } : v.corsError ? { kind: 'cors', corsError: v.corsError, failedParameter: v.failedParameter ?? '' } : { kind: 'net', error: v.errorText ?? '' };
      const onWire = oracle.requests.filter((q) => !q.isPreflight && q.url === run.url).length;
      const entries = byUrl.get(run.url) ?? [];
      const last = entries.at(-1);
      const mine = last ? entryVerdict(last) : undefined;
      // Same-origin requests are dismissed by design (CORS does not apply): no exchange. A
      // request to the page's origin redirected to another one is cross-origin from there on.
      const scenario = lab.scenarios.find((s) => s.id === run.id);
      const sameOrigin = run.url.startsWith(lab.origins.app + '/') && !(scenario && redirectsLeavePageOrigin(scenario));
      // Refused by the renderer (nothing on the wire, a CORS code): one exchange from the page's call.
      const rendererOnly = onWire === 0 && chromium.kind === 'cors';
      const want = rendererOnly ? 1 : onWire;
      const ok = sameOrigin
        ? entries.length === 0 && chromium.kind !== 'cors'
        : entries.length === want && (mine ? agrees(chromium, mine) : want === 0 && chromium.kind !== 'cors');
      const reason = KNOWN[source][run.id] ?? (rendererOnly && !ok && index < beforeDiagnosis ? BEFORE_DIAGNOSIS : undefined);
      if (ok && !reason) agree++;
      else if (reason) known.push(`${run.id}: ${ok ? 'AGREES NOW' : `chromium ${fmt(chromium)}, corsight ${fmt(mine)}`} (${reason})`);
      else problems.push(`${run.id}: ${entries.length} exchange(s) for ${onWire} request(s) on the wire; chromium ${fmt(chromium)}, corsight ${fmt(mine)}`);
    }
    // Nothing else was recorded: every exchange belongs to a scenario URL.
    const scenarioUrls = new Set(runs.map((r) => r.url));
    const stray = report.entries.filter((e) => !scenarioUrls.has(e.url));
    for (const e of stray) problems.push(`stray exchange ${e.method} ${e.url}`);
    // Read across the log: api1 named the page and the cross-site iframe, each with credentials.
    const echoed = report.acrossRequests?.find((f) => f.server === lab.origins.api1);
    console.log(`pipeline (${source}): across requests: ${(report.acrossRequests ?? []).map((f) => `${f.id} ${f.server} [${f.origins.join(', ')}]`).join('; ') || 'none'}`);
    if (!echoed?.origins.includes(lab.origins.app) || !echoed.origins.includes(crossSiteOrigin(lab.origins))) problems.push(`no echoes-origins-with-credentials for ${lab.origins.api1} naming the page and the cross-site iframe`);
    console.log(`pipeline (${source}): ${agree} agree, ${problems.length} disagree (${known.length} known: ${Object.keys(KNOWN[source]).length} listed)`);
    for (const k of known) console.log(`  known ${k}`);
    for (const p of problems) console.log(`  DISAGREE ${p}`);
    return { agree, problems, known };
  } finally {
    await rig.close();
  }
}

describe('capture pipeline agrees with Chromium on the lab corpus', () => {
  it('with DevTools open on the lab tab (DevTools network log)', async () => {
    const r = await runPipeline('devtools');
    expect(r.problems).toEqual([]);
    expect(r.known.filter((k) => k.includes('AGREES NOW'))).toEqual([]);
  }, 300_000);

  it('with capture/start and DevTools closed (webRequest)', async () => {
    const r = await runPipeline('webrequest');
    expect(r.problems).toEqual([]);
    expect(r.known.filter((k) => k.includes('AGREES NOW'))).toEqual([]);
  }, 300_000);
});
