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

const describeRow = (r: CaseResult) => `${r.scenario.id}: Chromium ${formatVerdict(r.chromium)}, Corsight ${formatVerdict(r.corsight)}`;

describe('conformance: Corsight agrees with Chromium', () => {
  it('on every lab scenario (LNA configurations included)', async () => {
    const results = await runScenarios(ALL_SCENARIOS, { tabs: 4 });
    expect(results).toHaveLength(ALL_SCENARIOS.length);
    const sum = summarize(results);
    // The figure CI shows: same closing line as `npm run conformance`.
    console.log(`conformance: ${sum.agree} agree, ${sum.disagree} disagree (${sum.disagree - sum.unexpected.length} listed in expectations.ts)`);
    expect(sum.beliefMismatches.map((r) => `${r.scenario.id}: expect ${JSON.stringify(r.scenario.expect)}, Chromium ${formatVerdict(r.chromium)}`)).toEqual([]);
    expect(sum.unexpected.map(describeRow)).toEqual([]);
    expect(sum.stale, 'expectations.ts entries that agree now').toEqual([]);
  }, 180_000);

  it('on 300 fuzzed cases (seed 20260101)', async () => {
    const out = await fuzz(20260101, 300, 4);
    const ambiguous = out.results.filter((r) => !r.agree && r.credentialsAmbiguous).length;
    const disagree = out.results.filter((r) => !r.agree && !r.credentialsAmbiguous).length;
    console.log(`fuzz (seed 20260101): ${out.results.length - disagree - ambiguous} agree, ${disagree} disagree, ${ambiguous} settled only by the unobservable credentials mode`);
    expect(out.rows).toEqual([]);
    expect(out.results.filter((r) => !r.agree && !r.credentialsAmbiguous).map(describeRow)).toEqual([]);
  }, 180_000);
});
