/**
 * Conformance machinery shared by `npm run conformance`, `npm run fuzz` and the e2e test: run
 * scenarios in headless Chromium (a few tabs at once), take Chromium's verdict from the CDP
 * oracle, build the Exchange from the observations only, run the engine, compare.
 *
 * What the extension observes is the wire plus, in a diagnosed tab, the page's request context:
 * each tab runs the extension's own page-world hook (src/context/page-hook.ts) from document
 * start, its records are joined to the wire's exchange by the extension's own join
 * (src/capture/page-context.ts), and a call the engine stops at its request mode becomes the
 * exchange, as in the worker. `requestContext: false` runs without it (the wire alone).
 */
import type { Page } from 'playwright-core';
import { diagnose } from '../../src/engine/index.ts';
import type { Diagnosis, Exchange } from '../../src/engine/types.ts';
import { launchBrowser, type LaunchedBrowser } from '../harness/browser.ts';
import { attachOracle, devToolsEndpoint, type Oracle, type OracleRequest } from '../harness/oracle.ts';
import type { LabRunResult } from '../lab/page.ts';
import { LNA_CONFIGS, resolvedExpect, type Expect, type LnaConfigName, type Scenario } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';
import { observedExchange } from './observed.ts';
import { PageRequestLog, splitCalls } from '../../src/capture/page-context.ts';
import { installPageRequestHook } from '../../src/context/page-hook.ts';
import { PAGE_REQUEST_EVENT, readPagePermissions, readPageRequests } from '../../src/context/page-request.ts';
import { provePlans, type PlanOutcome } from './plans.ts';

/** A verdict in comparable form. */
export type Verdict =
  | { kind: 'ok' }
  | { kind: 'cors'; corsError: string; failedParameter: string }
  /** Failed without a CORS code (net::ERR_..., or nothing seen). */
  | { kind: 'net'; error: string };

export interface CaseResult {
  scenario: Scenario;
  url: string;
  page: LabRunResult;
  /** Chromium's verdict (CDP Network.loadingFailed, Audits for renderer-decided errors). */
  chromium: Verdict;
  /** Where Chromium's verdict came from. */
  source: 'network' | 'audits' | 'none';
  /** Built from the wire; absent when the request never reached the network. */
  exchange?: Exchange;
  diagnosis?: Diagnosis;
  corsight: Verdict | { kind: 'unobserved' };
  agree: boolean;
  /**
   * A disagreement the wire cannot settle: credentials were unknown (no Cookie seen) and the
   * engine, told the real credentials mode, gives Chromium's verdict.
   */
  credentialsAmbiguous?: boolean;
  /** Chromium's verdict equals the scenario's hand-written `expect`. */
  expectHolds: boolean;
  lna?: LnaConfigName;
  /** Its own fix plan applied to the lab servers, replayed (plans.ts); only for cases the engine reports blocked. */
  planOwn?: PlanOutcome;
  /** The fix plans of all blocked cases of the run merged per origin, applied and replayed. */
  planCombined?: PlanOutcome;
}

export function formatVerdict(v: Verdict | { kind: 'unobserved' }): string {
  switch (v.kind) {
    case 'ok': return 'ok';
    case 'cors': return v.failedParameter ? `${v.corsError}(${v.failedParameter})` : v.corsError;
    case 'net': return v.error || 'failed';
    case 'unobserved': return 'n/a: nothing on the wire';
  }
}

export function sameVerdict(a: Verdict | { kind: 'unobserved' }, b: Verdict | { kind: 'unobserved' }): boolean {
  if (a.kind === 'cors' && b.kind === 'cors') return a.corsError === b.corsError && a.failedParameter === b.failedParameter;
  if (a.kind === 'cors' || b.kind === 'cors') return false;
  if (a.kind === 'unobserved' || b.kind === 'unobserved') return false;
  // ok vs a plain network failure: the engine is not asked to name non-CORS failures.
  return a.kind === b.kind || a.kind === 'net' || b.kind === 'net';
}

function expectVerdict(e: Expect): Verdict {
  if ('ok' in e) return { kind: 'ok' };
  if ('corsError' in e) return { kind: 'cors', corsError: e.corsError, failedParameter: e.failedParameter };
  return { kind: 'net', error: e.netError };
}

function strictSame(a: Verdict, b: Verdict): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'cors' && b.kind === 'cors') return a.corsError === b.corsError && a.failedParameter === b.failedParameter;
  if (a.kind === 'net' && b.kind === 'net') return a.error === b.error;
  return true;
}

export function engineVerdict(d: Diagnosis): Verdict {
  if (d.status === 'blocked' && d.corsError) return { kind: 'cors', corsError: d.corsError, failedParameter: d.failedParameter ?? '' };
  if (d.status === 'blocked') return { kind: 'net', error: 'blocked (no CORS code)' };
  return { kind: 'ok' };
}

/** One browser tab with its oracle (which also records the dedicated workers the tab starts). */
interface Tab {
  page: Page;
  oracle: Oracle;
  /** The page's calls, as the extension's worker would hold them (tab id 0). */
  calls?: PageRequestLog;
  /** Calls the engine stops at their request mode (never on the wire), by URL, as the worker logs them. */
  callOnly?: Map<string, Exchange>;
}

/**
 * The extension's hook in every document of `page` from its start, its records delivered to
 * `calls` (a binding instead of the extension's relay and runtime message; the same validation).
 */
async function installRequestContext(page: Page, calls: PageRequestLog, callOnly: Map<string, Exchange>): Promise<void> {
  await page.exposeBinding('__corsightPageRequest', (_source, detail: unknown) => {
    if (typeof detail !== 'string') return;
    let records;
    try {
      // One event is a batch of the page's calls, as the relay reads it.
      const parsed: unknown = JSON.parse(detail);
      calls.notePermissions(0, readPagePermissions(parsed));
      records = readPageRequests(parsed);
    } catch {
      return; // Malformed: dropped, as the worker does.
    }
    // The worker's rule (src/background/index.ts onPageRequests).
    const { refused, waiting } = splitCalls(records, diagnose, () => `page-${callOnly.size}`);
    for (const exchange of refused) callOnly.set(exchange.hops[0]?.url ?? '', exchange);
    calls.add(0, waiting);
  });
  const event = JSON.stringify(PAGE_REQUEST_EVENT);
  await page.addInitScript(`(() => {
    const post = (e) => window.__corsightPageRequest(e.detail);
    document.addEventListener(${event}, post);
    document.addEventListener(${event} + ':hello', () => document.dispatchEvent(new CustomEvent(${event} + ':ready')));
    document.dispatchEvent(new CustomEvent(${event} + ':ready'));
  })();`);
  // Serialized as chrome.scripting does; \\`__name\\` covers a transform that keeps function names.
  await page.addInitScript(`(() => { const __name = (f) => f; (${installPageRequestHook.toString()})(${event}); })();`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The actual requests whose first URL is exactly `url`. */
const exactly = (oracle: Oracle, url: string): OracleRequest[] => oracle.requests.filter((r) => !r.isPreflight && r.url === url);

/**
 * `ownTarget`: the request is made in a dedicated worker or an iframe, whose events may come on
 * their own CDP session (the oracle's second socket), later than the page's: no early "nothing on
 * the wire" (on a slow machine the workers' refused requests came after it and were missed).
 */
async function settleCase(tab: Tab, url: string, hasAgain: boolean, ownTarget: boolean): Promise<OracleRequest | undefined> {
  const want = hasAgain ? 2 : 1;
  for (let i = 0; i < 60; i++) {
    const seen = exactly(tab.oracle, url);
    const last = seen.at(-1);
    if (seen.length >= want && last && (last.failed || last.finished)) {
      // responseReceivedExtraInfo (a blocked response's only trace) may trail loadingFailed.
      for (let j = 0; j < 8 && last.failed && !last.hops.at(-1)?.response; j++) await sleep(15);
      return last;
    }
    // Nothing on the wire after the page has settled: decided in the renderer (Audits) or a worker.
    if (seen.length === 0 && i >= 4 && !ownTarget) return undefined;
    await sleep(25);
  }
  return exactly(tab.oracle, url).at(-1);
}

function chromiumVerdict(tab: Tab, req: OracleRequest | undefined, url: string, page: LabRunResult): { v: Verdict; source: CaseResult['source'] } {
  if (req?.failed) {
    const c = req.failed.corsErrorStatus;
    return { v: c ? { kind: 'cors', corsError: c.corsError, failedParameter: c.failedParameter } : { kind: 'net', error: req.failed.errorText }, source: 'network' };
  }
  if (req?.finished) return { v: { kind: 'ok' }, source: 'network' };
  const issue = tab.oracle.issues.filter((i) => !i.isWarning && i.url === url && i.corsErrorStatus).at(-1);
  if (issue?.corsErrorStatus) return { v: { kind: 'cors', ...issue.corsErrorStatus }, source: 'audits' };
  return { v: page.ok ? { kind: 'ok' } : { kind: 'net', error: page.error ?? 'not seen' }, source: 'none' };
}

async function runCase(tab: Tab, lab: Lab, s: Scenario): Promise<CaseResult> {
  const page = (await tab.page.evaluate(
    (id) => (window as unknown as { corsightLab: { run(id: string): Promise<LabRunResult> } }).corsightLab.run(id),
    s.id,
  )) as LabRunResult;
  const req = await settleCase(tab, page.url, s.request.again !== undefined, s.request.kind === 'worker-fetch' || s.request.kind === 'iframe-fetch');
  if (!req) await sleep(30);
  const { v: chromium, source } = chromiumVerdict(tab, req, page.url, page);
  const result: CaseResult = {
    scenario: s,
    url: page.url,
    page,
    chromium,
    source,
    corsight: { kind: 'unobserved' },
    agree: false,
    expectHolds: strictSame(chromium, expectVerdict(resolvedExpect(s, lab.origins))),
    lna: s.lna,
  };
  // The calls of this URL, one per request on the wire in order (an `again` scenario makes two).
  const onWire = exactly(tab.oracle, page.url);
  const joined = onWire.map((r) => {
    const wire = observedExchange(r, { all: tab.oracle.requests, pageOrigin: lab.origins.app });
    return tab.calls ? tab.calls.join(0, wire) : wire;
  });
  const refused = req ? undefined : tab.callOnly?.get(page.url);
  if (refused) {
    // Nothing on the wire: the renderer refused the call, and the page's record is the exchange.
    result.exchange = refused;
    result.diagnosis = diagnose(refused);
    result.corsight = engineVerdict(result.diagnosis);
  }
  if (req) {
    const exchange = joined.at(-1) ?? observedExchange(req, { all: tab.oracle.requests, pageOrigin: lab.origins.app });
    result.exchange = exchange;
    try {
      result.diagnosis = diagnose(exchange);
      result.corsight = engineVerdict(result.diagnosis);
    } catch (e) {
      result.corsight = { kind: 'net', error: `engine threw: ${String(e)}` };
    }
  }
  result.agree = sameVerdict(chromium, result.corsight);
  if (!result.agree && result.exchange?.credentials === 'unknown') {
    const known = (['include', 'omit'] as const).some((c) => {
      try {
        return sameVerdict(chromium, engineVerdict(diagnose({ ...(result.exchange as Exchange), credentials: c })));
      } catch {
        return false;
      }
    });
    if (known) result.credentialsAmbiguous = true;
  }
  return result;
}

export interface BatchOptions {
  /** Concurrent tabs. Default 4. */
  tabs?: number;
  /** LNA configuration of this browser (flags, page host, permission). */
  lna?: LnaConfigName;
  onResult?: (r: CaseResult) => void;
  /** Prove the fix plans of the blocked cases (plans.ts): 'own' each alone, 'combined' also merged per origin. */
  plans?: 'own' | 'combined';
  /** Judge with the page's request context (the extension's hook), as a diagnosed tab has it. Default true. */
  requestContext?: boolean;
}

/** A started lab + browser + tabs, reusable for several batches (the fuzzer adds scenarios). */
export interface Runner {
  lab: Lab;
  run(scenarios: readonly Scenario[]): Promise<CaseResult[]>;
  close(): Promise<void>;
}

export async function startRunner(scenarios: readonly Scenario[], options: BatchOptions = {}): Promise<Runner> {
  const cfg = options.lna ? LNA_CONFIGS[options.lna] : undefined;
  const lab = await startLab({ scenarios, appHost: cfg?.appHost });
  const appPort = new URL(lab.origins.app).port;
  let browser: LaunchedBrowser;
  try {
    // The DevTools port is for the oracle's raw CDP client (dedicated workers' requests).
    browser = await launchBrowser({ args: ['--remote-debugging-port=0', ...(cfg?.args ?? []).map((a) => a.replaceAll('{appPort}', appPort))] });
  } catch (e) {
    await lab.close();
    throw e;
  }
  if (cfg?.grant) await browser.context.grantPermissions(['local-network-access'], { origin: lab.origins.app }).catch(() => undefined);
  let workers: string;
  try {
    workers = await devToolsEndpoint(browser.profileDir);
  } catch (e) {
    await browser.close();
    await lab.close();
    throw e;
  }
  const tabs: Tab[] = [];
  const n = Math.max(1, options.tabs ?? 4);
  for (let i = 0; i < n; i++) {
    const page = i === 0 && browser.context.pages()[0] ? (browser.context.pages()[0] as Page) : await browser.context.newPage();
    const oracle = await attachOracle(browser.context, page, { workers });
    const tab: Tab = { page, oracle };
    if (options.requestContext !== false) {
      tab.calls = new PageRequestLog(1000);
      tab.callOnly = new Map();
      await installRequestContext(page, tab.calls, tab.callOnly);
    }
    await page.goto(lab.pageUrl);
    await page.waitForFunction(() => 'corsightLab' in window);
    tabs.push(tab);
  }
  const run = async (batch: readonly Scenario[]): Promise<CaseResult[]> => {
    await Promise.all(tabs.map((t) => t.page.evaluate(() => (window as unknown as { corsightLab: { refresh(): Promise<unknown> } }).corsightLab.refresh())));
    const out: CaseResult[] = [];
    let next = 0;
    await Promise.all(
      tabs.map(async (tab) => {
        while (next < batch.length) {
          const i = next++;
          const s = batch[i] as Scenario;
          const r = await runCase(tab, lab, s);
          out[i] = r;
          options.onResult?.(r);
          // Keep the oracle small: forget what is older than this case.
          if (tab.oracle.requests.length > 400) tab.oracle.clear();
        }
      }),
    );
    return out;
  };
  return {
    lab,
    run,
    close: async () => {
      await Promise.all(tabs.map((t) => t.oracle.detach()));
      await browser.close();
      await lab.close();
    },
  };
}

/** Run scenarios: the default-flag ones in one browser, each LNA configuration in its own. */
export async function runScenarios(scenarios: readonly Scenario[], options: BatchOptions = {}): Promise<CaseResult[]> {
  const plain = scenarios.filter((s) => !s.lna);
  const byConfig = new Map<LnaConfigName, Scenario[]>();
  for (const s of scenarios) if (s.lna) byConfig.set(s.lna, [...(byConfig.get(s.lna) ?? []), s]);
  const results: CaseResult[] = [];
  const jobs: Array<Promise<void>> = [];
  if (plain.length) {
    jobs.push((async () => {
      const r = await startRunner(plain, options);
      try {
        const batch = await r.run(plain);
        if (options.plans) await provePlans(r, batch, options.plans === 'combined');
        results.push(...batch);
      } finally { await r.close(); }
    })());
  }
  // LNA browsers one after another (the machine has two cores), next to the main one.
  jobs.push((async () => {
    for (const [cfg, list] of byConfig) {
      const r = await startRunner(list, { ...options, lna: cfg, tabs: 1 });
      try {
        const batch = await r.run(list);
        if (options.plans) await provePlans(r, batch, false);
        results.push(...batch);
      } finally { await r.close(); }
    }
  })());
  await Promise.all(jobs);
  const order = new Map(scenarios.map((s, i) => [s.id, i]));
  return results.sort((x, y) => (order.get(x.scenario.id) ?? 0) - (order.get(y.scenario.id) ?? 0));
}
