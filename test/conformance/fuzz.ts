/**
 * `npm run fuzz -- --seed S --count N [--tabs T]`: differential fuzzing of Corsight's engine
 * against Chromium. Random servers and requests (fuzzgen.ts) run through the lab; every
 * disagreement is shrunk to a minimal scenario, printed as a row to paste into scenarios.ts.
 * Exits 1 on any disagreement.
 */
import type { LabOrigins } from '../lab/scenarios.ts';
import { formatVerdict, startRunner, type CaseResult } from './harness.ts';
import { generate, pasteRow, shrink } from './fuzzgen.ts';
import { perCodeText } from './report.ts';
import { countPlans, plansLine, provePlans } from './plans.ts';

export interface FuzzOutcome {
  results: CaseResult[];
  shrunk: CaseResult[];
  rows: string[];
  ms: number;
  origins: LabOrigins;
}

export async function fuzz(seed: number, count: number, tabs = 4, log: (s: string) => void = () => undefined, plans = false): Promise<FuzzOutcome> {
  const t0 = Date.now();
  const scenarios = Array.from({ length: count }, (_, i) => generate(seed, i));
  const runner = await startRunner(scenarios, { tabs });
  try {
    const results = await runner.run(scenarios);
    // Before shrinking adds scenarios of its own: each blocked case's plan, applied and replayed.
    if (plans) await provePlans(runner, results, false);
    const shrunk: CaseResult[] = [];
    const rows: string[] = [];
    const seen = new Set<string>();
    for (const bad of results.filter((r) => !r.agree && !r.credentialsAmbiguous)) {
      const small = await shrink(runner, bad);
      // Report each minimal disagreement once (same verdict pair, same shape).
      const key = `${formatVerdict(small.chromium)}|${formatVerdict(small.corsight)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      shrunk.push(small);
      const row = pasteRow(small, runner.lab.origins);
      rows.push(row);
      log(row);
    }
    return { results, shrunk, rows, ms: Date.now() - t0, origins: runner.lab.origins };
  } finally {
    await runner.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '-');
if (isMain) {
  const argv = process.argv.slice(2);
  const opt = (name: string, def: number) => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? Number(argv[i + 1]) : def;
    if (!Number.isFinite(v)) throw new Error(`${name} needs a number`);
    return v;
  };
  const seed = opt('--seed', 1);
  const count = opt('--count', 200);
  const tabs = opt('--tabs', 4);
  const withPlans = argv.includes('--plans');
  const out = await fuzz(seed, count, tabs, (row) => console.log(row), withPlans);
  const dis = out.results.filter((r) => !r.agree && !r.credentialsAmbiguous).length;
  const amb = out.results.filter((r) => r.credentialsAmbiguous).length;
  console.log('\nChromium verdicts of the generated cases:');
  console.log(perCodeText(out.results));
  console.log(`\nfuzz seed ${seed}: ${count} cases in ${(out.ms / 1000).toFixed(1)} s: ${count - dis - amb} agree, ${dis} disagree (${out.shrunk.length} distinct after shrinking), ${amb} only the unobservable credentials mode settles`);
  let planFail = 0;
  if (withPlans) {
    for (const r of out.results) {
      if (r.planOwn?.kind !== 'fail') continue;
      planFail++;
      console.log(`plan failed: case ${r.scenario.id} (Corsight ${formatVerdict(r.corsight)}), plan applied -> Chromium ${formatVerdict(r.planOwn.chromium)}`);
      console.log(`  ${pasteRow(r, out.origins)}`);
    }
    const structural = new Map<string, number>();
    for (const r of out.results) if (r.planOwn?.kind === 'structural') structural.set(r.planOwn.reason, (structural.get(r.planOwn.reason) ?? 0) + 1);
    for (const [reason, n] of structural) console.log(`structural: ${n} x ${reason}`);
    console.log(plansLine(`plans (fuzz seed ${seed})`, countPlans(out.results, 'planOwn')));
  }
  // Exit once stdout is flushed (into a pipe, process.exit() alone can cut the output short).
  process.stdout.write('', () => process.exit(dis || planFail ? 1 : 0));
}
