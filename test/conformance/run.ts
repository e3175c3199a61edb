/**
 * `npm run conformance`: every lab scenario in headless Chromium; Chromium's verdict (CDP) vs
 * Corsight's (diagnose() on the Exchange built from the wire). Prints a table, the scenario count
 * per Chromium code and `conformance: N agree, M disagree`; exits 1 on a disagreement not listed
 * in expectations.ts or on a scenario whose hand-written `expect` Chromium contradicts.
 *
 * Options: `--only <substring>` runs matching ids; `--tabs N` (default 4); `--verbose` prints the
 * Exchange and Diagnosis of each disagreement. `--browser firefox`: Firefox is the judge instead
 * (firefox.ts): every scenario Firefox can run, `conformance (firefox): N agree, M disagree`.
 */
import { ALL_SCENARIOS, IFRAME_SCENARIOS, SCENARIOS, WORKER_SCENARIOS } from '../lab/scenarios.ts';
import { printFirefoxConformance } from './firefox-report.ts';
import { formatVerdict, runScenarios } from './harness.ts';
import { expectedById } from './expectations.ts';
import { perCodeText, summarize, table } from './report.ts';
import { countPlans, plansLine } from './plans.ts';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = opt('--only');
const tabs = Number(opt('--tabs') ?? 4);
const verbose = argv.includes('--verbose');
const browser = opt('--browser') ?? 'chromium';
if (browser !== 'chromium' && browser !== 'firefox') {
  console.error(`conformance: --browser ${browser} is not one this runs; use chromium (the default) or firefox`);
  process.exit(2);
}
if (browser === 'firefox') {
  // Local Network Access is Chromium's alone: its scenarios are not Firefox's to judge.
  const firefoxScenarios = [...SCENARIOS, ...WORKER_SCENARIOS, ...IFRAME_SCENARIOS].filter((s) => !only || s.id.includes(only));
  const code = await printFirefoxConformance(firefoxScenarios, { verbose });
  process.stdout.write('', () => process.exit(code));
} else {

  const scenarios = ALL_SCENARIOS.filter((s) => !only || s.id.includes(only));
  const t0 = Date.now();
  const results = await runScenarios(scenarios, { tabs, plans: 'combined' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);

  console.log(table(results));
  console.log('\nscenarios per Chromium code:');
  console.log(perCodeText(results));
  const sum = summarize(results);
  if (sum.beliefMismatches.length) {
    console.log(`\nChromium contradicts the hand-written expect of ${sum.beliefMismatches.length} scenario(s):`);
    for (const r of sum.beliefMismatches) console.log(`  ${r.scenario.id}: expect ${JSON.stringify(r.scenario.expect)}, Chromium ${formatVerdict(r.chromium)} (${r.source})`);
}
if (sum.unexpected.length) {
  console.log(`\nunexpected disagreements (${sum.unexpected.length}):`);
  for (const r of sum.unexpected) {
    console.log(`  ${r.scenario.id}: Chromium ${formatVerdict(r.chromium)}, Corsight ${formatVerdict(r.corsight)}`);
    if (verbose) console.log(JSON.stringify({ exchange: r.exchange, diagnosis: r.diagnosis && { status: r.diagnosis.status, corsError: r.diagnosis.corsError, failedParameter: r.diagnosis.failedParameter, headline: r.diagnosis.headline, assumptions: r.diagnosis.assumptions } }, null, 1));
  }
}
for (const id of sum.stale) console.log(`note: ${id} is listed in expectations.ts but agrees now (${expectedById.get(id)})`);
const planFailures = results.filter((r) => r.planOwn?.kind === 'fail' || r.planCombined?.kind === 'fail');
if (planFailures.length) {
  console.log(`\nfix plans that did not let the request through once applied (${planFailures.length}):`);
  for (const r of planFailures) {
    const how = (o: typeof r.planOwn) => (o?.kind === 'fail' ? `Chromium ${formatVerdict(o.chromium)}` : o?.kind ?? '-');
    console.log(`  ${r.scenario.id} (Corsight ${formatVerdict(r.corsight)}): its plan -> ${how(r.planOwn)}; combined plan -> ${how(r.planCombined)}`);
    if (verbose) console.log(JSON.stringify({ exchange: r.exchange, fixPlan: r.diagnosis?.fixPlan, chainPlans: r.diagnosis?.chainPlans }, null, 1));
  }
}
const structural = new Map<string, number>();
for (const r of results) if (r.planOwn?.kind === 'structural') structural.set(r.planOwn.reason, (structural.get(r.planOwn.reason) ?? 0) + 1);
if (structural.size) {
  console.log('\nstructural plans (no header can do it), by action:');
  for (const [reason, n] of [...structural].sort((a, b) => b[1] - a[1])) console.log(`  ${n} x ${reason}`);
}
console.log(`\n${results.length} scenarios in ${secs} s`);
console.log(plansLine('plans', countPlans(results, 'planOwn')));
console.log(plansLine('plans merged per origin', countPlans(results, 'planCombined')));
console.log(`conformance: ${sum.agree} agree, ${sum.disagree} disagree`);
// Exit once stdout is flushed: into a pipe, process.exit() alone can cut the table short.
const code = sum.unexpected.length || sum.beliefMismatches.length || planFailures.length ? 1 : 0;
process.stdout.write('', () => process.exit(code));
}
