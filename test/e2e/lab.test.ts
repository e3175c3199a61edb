/**
 * Checks the lab itself: every scenario, run in real headless Chromium (no extension), must get
 * from Chromium (the CDP oracle) the verdict written by hand in its `expect`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachOracle, devToolsEndpoint, type Oracle } from '../harness/oracle.ts';
import { runAll, runScenario, type ScenarioRun } from '../harness/lab-runner.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { IFRAME_SCENARIOS, SCENARIOS, WORKER_SCENARIOS, frameUrl, resolvedExpect, type Scenario } from '../lab/scenarios.ts';

let lab: Lab;
let browser: LaunchedBrowser;
let page: Page;
let oracle: Oracle;

beforeAll(async () => {
  lab = await startLab();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  oracle = await attachOracle(browser.context, page);
  await page.goto(lab.pageUrl);
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

function checkRun(s: Scenario, run: ScenarioRun): void {
  const want = resolvedExpect(s, lab.origins);
  const v = run.verdict;
  if ('ok' in want) {
    expect(v, `oracle verdict for ${run.url}`).toMatchObject({ ok: true });
    expect(run.page.ok, s.id).toBe(true);
  } else if ('corsError' in want) {
    expect(v && !v.ok ? { corsError: v.corsError, failedParameter: v.failedParameter } : v, `oracle verdict for ${run.url}`).toEqual(want);
    expect(run.page.ok, s.id).toBe(false);
  } else {
    expect(v && !v.ok ? v.errorText : v, s.id).toBe(want.netError);
  }
}

describe('CORS lab scenarios match Chromium', () => {
  for (const s of SCENARIOS) {
    it(`${s.id}: ${s.title}`, async () => {
      const run = await runScenario(page, lab, s.id, { oracle });
      checkRun(s, run);
    });
  }

  it('the servers saw the preflight of the custom-header scenario with Origin and ACR* headers', () => {
    const seen = lab.requestsFor('fetch-custom-header-denied');
    const options = seen.find((r) => r.method === 'OPTIONS');
    expect(options).toBeDefined();
    const h = (n: string) => options?.headers.find((x) => x.name.toLowerCase() === n)?.value;
    expect(h('origin')).toBe(lab.origins.app);
    expect(h('access-control-request-method')).toBe('GET');
    expect(h('access-control-request-headers')).toBe('x-custom-header');
    // The actual request is never sent after a failed preflight.
    expect(seen.filter((r) => r.method !== 'OPTIONS')).toHaveLength(0);
  });

  it('the oracle keeps duplicate ACAO lines as two raw lines', () => {
    const r = oracle.requestsMatching('/s/fetch-get-acao-twice/').at(-1);
    const raw = r?.hops.at(-1)?.response?.rawHeaders ?? [];
    expect(raw.filter((x) => x.name.toLowerCase() === 'access-control-allow-origin')).toHaveLength(2);
  });

  it('the oracle builds a blocked response from ExtraInfo (no responseReceived for it)', () => {
    const r = oracle.requestsMatching('/s/fetch-get-no-acao/').at(-1);
    expect(r?.hops).toHaveLength(1);
    expect(r?.hops[0]?.response).toMatchObject({ status: 200, source: 'extraInfo' });
    const origin = r?.hops[0]?.rawHeaders?.find((h) => h.name.toLowerCase() === 'origin');
    expect(origin?.value).toBe(lab.origins.app);
  });

  it('the oracle records redirect hops, with Origin: null after a cross-origin redirect', () => {
    const r = oracle.requestsMatching('/s/fetch-redirect-ok/').at(-1);
    expect(r?.hops.map((h) => h.response?.status)).toEqual([302, 200]);
    expect(r?.hops[1]?.url).toContain(lab.origins.api2 + '/s/fetch-redirect-ok/_h1/');
    const origin = r?.hops[1]?.rawHeaders?.find((h) => h.name.toLowerCase() === 'origin');
    expect(origin?.value).toBe('null');
  });

  it('the oracle links the preflight to its actual request', () => {
    const pre = oracle.preflightsFor('/s/fetch-custom-header-denied/');
    expect(pre.length).toBeGreaterThan(0);
    expect(pre[0]?.method).toBe('OPTIONS');
    const actual = oracle.requestsMatching('/s/fetch-custom-header-denied/').at(-1);
    expect(pre[0]?.preflightFor?.requestId).toBe(actual?.requestId);
    expect(pre[0]?.hops[0]?.response?.status).toBe(200);
  });

  it('"Run all" runs every scenario again (fresh URLs, no preflight cache) with the same verdicts', async () => {
    const runs = await runAll(page, lab, { oracle });
    expect(runs.map((r) => r.id)).toEqual(SCENARIOS.map((s) => s.id));
    for (const [i, s] of SCENARIOS.entries()) {
      const run = runs[i];
      expect(run).toBeDefined();
      if (run) checkRun(s, run);
    }
    expect(await page.textContent('#summary')).toMatch(/\d+ ok, \d+ failed/);
  });
});

describe('the oracle sees dedicated workers and out-of-process iframes (raw CDP client, auto-attach)', () => {
  let wLab: Lab;
  let wBrowser: LaunchedBrowser;
  let wPage: Page;
  let wOracle: Oracle;

  beforeAll(async () => {
    wLab = await startLab({ scenarios: [...WORKER_SCENARIOS, ...IFRAME_SCENARIOS] });
    wBrowser = await launchBrowser({ args: ['--remote-debugging-port=0'] });
    wPage = await wBrowser.context.newPage();
    wOracle = await attachOracle(wBrowser.context, wPage, { workers: await devToolsEndpoint(wBrowser.profileDir) });
    await wPage.goto(wLab.pageUrl);
  });

  afterAll(async () => {
    await wOracle?.detach();
    await wBrowser?.close();
    await wLab?.close();
  });

  /** Runs a scenario in the worker/iframe page and checks Chromium's verdict against the table's. */
  async function runAndExpectVerdict(s: Scenario): Promise<ScenarioRun> {
    const want = resolvedExpect(s, wLab.origins);
    const run = await runScenario(wPage, wLab, s.id, { oracle: wOracle });
    const v = run.verdict;
    if ('ok' in want) expect(v, run.url).toMatchObject({ ok: true });
    else if ('corsError' in want) expect(v && !v.ok ? { corsError: v.corsError, failedParameter: v.failedParameter, source: v.source } : v, run.url).toEqual({ ...want, source: 'network' });
    return run;
  }

  for (const s of WORKER_SCENARIOS) {
    it(`${s.id}: ${s.title}`, async () => {
      const run = await runAndExpectVerdict(s);
      const r = wOracle.requestsMatching(run.url).at(-1);
      expect(r?.worker?.url).toBe(wLab.origins.app + '/worker.js');
    });
  }

  for (const s of IFRAME_SCENARIOS) {
    it(`${s.id}: ${s.title}`, async () => {
      const run = await runAndExpectVerdict(s);
      const r = wOracle.requestsMatching(run.url).at(-1);
      expect(r?.documentURL).toBe(frameUrl(s, wLab.origins));
      // Site isolation: only the cross-site iframe has a process, and a CDP target, of its own.
      expect(r?.outOfProcessFrame ?? false).toBe(s.request.frame === 'cross-site');
    });
  }

  it("records a worker request's raw headers and links its preflight", () => {
    const actual = wOracle.requestsMatching('/s/worker-preflight-denied/').at(-1);
    const pre = wOracle.preflightsFor('/s/worker-preflight-denied/');
    expect(pre[0]?.preflightFor?.requestId).toBe(actual?.requestId);
    const origin = pre[0]?.hops[0]?.rawHeaders?.find((h) => h.name.toLowerCase() === 'origin');
    expect(origin?.value).toBe(wLab.origins.app);
    const cred = wOracle.requestsMatching('/s/worker-cred-star/').at(-1);
    expect(cred?.hops[0]?.rawHeaders?.some((h) => h.name.toLowerCase() === 'cookie')).toBe(true);
    expect(cred?.hops[0]?.response).toMatchObject({ status: 200, source: 'extraInfo' });
  });
});
