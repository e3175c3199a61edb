/** Prints a Firefox conformance run (run.ts --browser firefox); returns the exit code. */
import type { Scenario } from '../lab/scenarios.ts';
import { FIREFOX_EXPECTED, runFirefoxConformance } from './firefox.ts';

export async function printFirefoxConformance(scenarios: readonly Scenario[], options: { verbose?: boolean } = {}): Promise<number> {
  const result = await runFirefoxConformance(scenarios, { onProgress: (text) => process.stderr.write(`\rFirefox HAR: ${text}   `) });
  process.stderr.write('\n');
  const disagree = result.cases.filter((c) => !c.agree && !c.unjudged);
  const listed = disagree.filter((c) => c.expected);
  const fileLimits = disagree.filter((c) => !c.expected && c.fileCannotTell);
  const unexpected = disagree.filter((c) => !c.expected && !c.fileCannotTell);
  const unjudged = result.cases.filter((c) => c.unjudged);
  const stale = result.cases.filter((c) => c.agree && c.expected).map((c) => c.id);
  const missing = Object.keys(FIREFOX_EXPECTED).filter((id) => !result.cases.some((c) => c.id === id) && scenarios.some((s) => s.id === id));
  console.log(`${result.version}: HAR recorded in ${result.seconds.har.toFixed(0)} s, console verdicts read in ${result.seconds.console.toFixed(0)} s`);
  for (const c of listed) console.log(`  listed ${c.id}: Firefox ${c.firefox}, Corsight ${c.corsight} (${c.expected})`);
  for (const c of fileLimits) console.log(`  file cannot tell ${c.id}: Firefox ${c.firefox}, Corsight ${c.corsight} (${c.fileCannotTell})`);
  for (const c of unjudged) console.log(`  not judged ${c.id}: Firefox refused it; its console message about a dedicated worker's request does not reach WebDriver BiDi (Corsight ${c.corsight})`);
  for (const c of unexpected) {
    console.log(`  DISAGREE ${c.id}: Firefox ${c.firefox}${c.firefoxParam !== undefined ? `(${c.firefoxParam})` : ''}, Corsight ${c.corsight}`);
    if (options.verbose && c.exchange) console.log(JSON.stringify(c.exchange, null, 1));
  }
  for (const id of stale) console.log(`note: ${id} is listed in test/conformance/firefox.ts but agrees now`);
  for (const id of missing) console.log(`note: ${id} is listed in test/conformance/firefox.ts but did not run`);
  for (const text of result.unparsed) console.log(`unreadable Firefox message: ${text}`);
  const agree = result.cases.filter((c) => c.agree).length;
  console.log(
    `conformance (firefox): ${agree} agree, ${disagree.length} disagree (${listed.length} listed in test/conformance/firefox.ts, ${fileLimits.length} where Firefox's HAR cannot tell or the two runs' caches differ, ` +
      `${unexpected.length} unexplained; all in docs/conformance.md), ${unjudged.length} not judged`,
  );
  return unexpected.length || stale.length || result.unparsed.length ? 1 : 0;
}
