/**
 * Drive the lab page: click a scenario's button (or "Run all"), wait for the page's result,
 * then for the oracle to have the request's loadingFinished/loadingFailed.
 */
import type { Page } from 'playwright-core';
import type { Lab } from '../lab/server.ts';
import type { LabRunResult } from '../lab/page.ts';
import type { Oracle, OracleRequest, Verdict } from './oracle.ts';

export interface RunOptions {
  /** When given, also wait for the oracle to see the request settle. */
  oracle?: Oracle;
  timeoutMs?: number;
}

export interface ScenarioRun {
  id: string;
  /** What the page saw (fetch resolved/rejected, XHR load/error). */
  page: LabRunResult;
  /** The exact URL requested (with the per-run `r=` query). */
  url: string;
  /** Present when an oracle was given. */
  request?: OracleRequest;
  verdict?: Verdict;
}

/** Navigate to the lab page unless already there, and wait for its script. */
export async function openLab(page: Page, lab: Lab): Promise<void> {
  if (!page.url().startsWith(lab.pageUrl)) await page.goto(lab.pageUrl);
  await page.waitForFunction(() => 'corsightLab' in window);
  await page.evaluate(async () => {
    await (window as unknown as { corsightLab: { ready: Promise<unknown> } }).corsightLab.ready;
  });
}

async function readResult(page: Page, id: string, timeoutMs: number): Promise<LabRunResult> {
  const sel = `[id="result-${id}"][data-state="done"]`;
  await page.waitForSelector(sel, { state: 'attached', timeout: timeoutMs });
  const json = await page.getAttribute(sel, 'data-result');
  return JSON.parse(json ?? '{}') as LabRunResult;
}

async function settle(id: string, pageResult: LabRunResult, options: RunOptions, timeoutMs: number): Promise<ScenarioRun> {
  const run: ScenarioRun = { id, page: pageResult, url: pageResult.url };
  const oracle = options.oracle;
  if (oracle) {
    try {
      run.request = await oracle.waitForSettled(pageResult.url, Math.min(timeoutMs, 5_000));
    } catch {
      // Some errors are decided in the renderer (DisallowedByMode...): no Network event.
      // Give Audits a moment, then take whatever the oracle has.
      await new Promise((r) => setTimeout(r, 200));
    }
    run.verdict = oracle.verdictFor(pageResult.url);
  }
  return run;
}

/** Click the scenario's button and wait until the request settles (page and oracle). */
export async function runScenario(page: Page, lab: Lab, id: string, options: RunOptions = {}): Promise<ScenarioRun> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  await openLab(page, lab);
  // Reset the result line so a previous run is not read back.
  await page.evaluate((sid) => {
    const el = document.getElementById('result-' + sid);
    if (el) el.dataset.state = 'queued';
  }, id);
  await page.click(`[id="run-${id}"]`);
  const result = await readResult(page, id, timeoutMs);
  return settle(id, result, options, timeoutMs);
}

/** Click "Run all" and wait for every scenario of the lab (sequential in the page). */
export async function runAll(page: Page, lab: Lab, options: RunOptions = {}): Promise<ScenarioRun[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  await openLab(page, lab);
  await page.evaluate(() => {
    for (const el of document.querySelectorAll<HTMLElement>('.result')) el.dataset.state = 'queued';
    const summary = document.getElementById('summary');
    if (summary) summary.dataset.state = 'queued';
  });
  await page.click('#run-all');
  await page.waitForSelector('#summary[data-state="done"]', {
    state: 'attached',
    timeout: timeoutMs * Math.max(1, lab.scenarios.length),
  });
  const out: ScenarioRun[] = [];
  for (const s of lab.scenarios) out.push(await settle(s.id, await readResult(page, s.id, timeoutMs), options, timeoutMs));
  return out;
}
