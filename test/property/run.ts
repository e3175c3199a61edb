/**
 * `npm run fuzz:hostile -- [--count N] [--seed S]`: hostile exchanges through diagnose, plans,
 * every stack's snippet (parsed by real parsers where installed) and the exports
 * (test/property/hostile-pipeline.ts). Exit 1 on any failure.
 */
import { parsedLine, runHostilePipeline } from './hostile-pipeline.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    console.error(`fuzz:hostile: --${name} needs a whole number, got ${JSON.stringify(process.argv[i + 1])}`);
    process.exit(2);
  }
  return value;
}

const count = option('count', 100_000);
const seed = option('seed', 20261204);
const t0 = performance.now();
const tty = process.stderr.isTTY;
const run = runHostilePipeline({ seed, count, onProgress: (done) => tty && process.stderr.write(`\r${done.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} cases`) });
if (tty) process.stderr.write('\n');
console.log(
  `hostile pipeline (seed ${seed}): ${run.cases.toLocaleString('en-US')} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s, ${run.blocked.toLocaleString('en-US')} blocked, ` +
    `${run.plans.toLocaleString('en-US')} plans (${run.plansChecked.toLocaleString('en-US')} plan and origin pairs answered as planned, trusting nothing too much), ${run.snippets.toLocaleString('en-US')} snippets, ${run.exports.toLocaleString('en-US')} export round trips; ${run.failures.length} failures`,
);
console.log(`parsed: ${parsedLine(run)}`);
for (const f of run.failures) console.log(`  FAIL ${f}`);
process.exit(run.failures.length ? 1 : 0);
