/**
 * `npm run bench`: runs every benchmark script in this folder (or those named on the command
 * line, e.g. `npm run bench -- engine`), one after the other, each in its own process so one
 * cannot warm up or slow down another. Benchmarks print figures; they assert nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
/** Modules of this folder that the benchmarks share: not benchmarks themselves. */
const SHARED = new Set(['index', 'stats', 'bench-page', 'engine-timing', 'engine-in-page', 'target-profiles', 'browser-trace']);
const all = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => !SHARED.has(name))
  .sort();
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n== bench: ${name}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
