/**
 * Conformance in CI: the whole scenario corpus and a fixed-seed fuzz batch, Chromium's verdict
 * (CDP) against Corsight's (diagnose() on the Exchange built from the wire only). No
 * disagreement beyond test/conformance/expectations.ts, and every hand-written `expect` holds.
 */
import { describe, expect, it } from 'vitest';
import { ALL_SCENARIOS } from '../lab/scenarios.ts';
import { formatVerdict, runScenarios, type CaseResult } from '../conformance/harness.ts';
import { summarize } from '../conformance/report.ts';
import { fuzz } from '../conformance/fuzz.ts';
import { countPlans, plansLine } from '../conformance/plans.ts';

/** Cases whose plan, applied to the lab server, did not let the request through: id and Chromium's verdict then. */
const planFailures = (results: readonly CaseResult[], which: 'planOwn' | 'planCombined') =>
  results.flatMap((r) => {
    const o = r[which];
    return o?.kind === 'fail' ? [`${r.scenario.id}: plan applied, Chromium ${formatVerdict(o.chromium)}`] : [];
  });

const describeRow = (r: CaseResult) => `${r.scenario.id}: Chromium ${formatVerdict(r.chromium)}, Corsight ${formatVerdict(r.corsight)}`;

describe('conformance: Corsight agrees with Chromium', () => {
  it('on every lab scenario (LNA configurations included)', async () => {
    const results = await runScenarios(ALL_SCENARIOS, { tabs: 4, plans: 'combined' });
    expect(results).toHaveLength(ALL_SCENARIOS.length);
    const sum = summarize(results);
    // The figures CI shows: same closing lines as `npm run conformance`.
    console.log(`conformance: ${sum.agree} agree, ${sum.disagree} disagree (${sum.disagree - sum.unexpected.length} listed in expectations.ts)`);
    console.log(plansLine('plans', countPlans(results, 'planOwn')));
    console.log(plansLine('plans merged per origin', countPlans(results, 'planCombined')));
    expect(sum.beliefMismatches.map((r) => `${r.scenario.id}: expect ${JSON.stringify(r.scenario.expect)}, Chromium ${formatVerdict(r.chromium)}`)).toEqual([]);
    expect(sum.unexpected.map(describeRow)).toEqual([]);
    expect(sum.stale, 'expectations.ts entries that agree now').toEqual([]);
    // Every blocked case's own plan, and the plans of all merged per origin, let it through.
    expect(planFailures(results, 'planOwn')).toEqual([]);
    expect(planFailures(results, 'planCombined')).toEqual([]);
    // Proving happened: the lab has header-fixable failures.
    expect(countPlans(results, 'planOwn').pass).toBeGreaterThan(100);
  }, 240_000);

  it('on 300 fuzzed cases (seed 20260101), with their fix plans proven', async () => {
    const out = await fuzz(20260101, 300, 4, () => undefined, true);
    const ambiguous = out.results.filter((r) => !r.agree && r.credentialsAmbiguous).length;
    const disagree = out.results.filter((r) => !r.agree && !r.credentialsAmbiguous).length;
    console.log(`fuzz (seed 20260101): ${out.results.length - disagree - ambiguous} agree, ${disagree} disagree, ${ambiguous} settled only by the unobservable credentials mode`);
    console.log(plansLine('plans (fuzz seed 20260101)', countPlans(out.results, 'planOwn')));
    expect(out.rows).toEqual([]);
    expect(planFailures(out.results, 'planOwn')).toEqual([]);
    expect(out.results.filter((r) => !r.agree && !r.credentialsAmbiguous).map(describeRow)).toEqual([]);
  }, 180_000);
});
