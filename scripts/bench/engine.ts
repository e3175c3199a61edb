/**
 * The engine per exchange over a mix of six exchanges (engine-timing.ts): judge(), what the
 * worker runs on every captured request, and diagnose(), the verdict explained (the request a
 * user opens, a report, the CLI). Timed in Chromium's V8, where the engine runs in the product
 * (the extension's worker and panel), and in Node (the CLI). The two entries run in alternating
 * blocks of rounds, so that both see the same moments of a machine whose speed drifts (on a
 * shared 2-core machine the same build measured 2.2 and 4 µs minutes apart). Each figure is the
 * median of 21 rounds with its bootstrap 95% interval, against issue 20's target of 2 µs per
 * request; judge() / diagnose() is the ratio of their medians. Prints figures; asserts nothing.
 *   npx tsx scripts/bench/engine.ts      (Chromium from the system; skipped with a reason when absent)
 */
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import path from 'node:path';
import { diagnose, judge } from '../../src/engine/index.ts';
import { BASE_ARGS, REPO_ROOT, chromiumVersion, installedChromium } from '../../test/harness/browser.ts';
import { ENGINE_MIX, timeEngine } from './engine-timing.ts';
import { formatInterval, medianInterval, ratioOfMedians, targetLine } from './stats.ts';

const ROUNDS = 21;
/** Rounds per block: each entry runs a block in turn until it has ROUNDS. */
const BLOCK = 3;
const PER_ROUND = 10_000;
const TARGET_US = 2;

console.log(`The engine per exchange: mix of ${ENGINE_MIX.length}, fresh copies each round, ${ROUNDS} rounds of ${PER_ROUND.toLocaleString('en')}`);
const ENTRIES = [
  ['judge', 'judge(), every captured request'],
  ['diagnose', 'diagnose(), a request explained'],
] as const;
type Entry = (typeof ENTRIES)[number][0];

/** ROUNDS samples per entry, taken in alternating blocks of BLOCK rounds. */
async function alternating(run: (entry: Entry, rounds: number) => Promise<number[]> | number[]): Promise<Map<Entry, number[]>> {
  const samples = new Map<Entry, number[]>(ENTRIES.map(([entry]) => [entry, []]));
  for (let done = 0; done < ROUNDS; done += BLOCK) {
    for (const [entry] of ENTRIES) samples.get(entry)!.push(...(await run(entry, Math.min(BLOCK, ROUNDS - done))));
  }
  return samples;
}

function report(samples: Map<Entry, number[]>, where: string): void {
  for (const [entry, label] of ENTRIES) console.log(`  ${targetLine(`${label}, ${where}`, medianInterval(samples.get(entry)!), TARGET_US, 2, ' µs')}`);
  console.log(`  judge() / diagnose(), ${where}: ${formatInterval(ratioOfMedians(samples.get('judge')!, samples.get('diagnose')!))}`);
}

const chromiumPath = process.env.CHROME_PATH ?? installedChromium();
if (!chromiumPath) {
  console.log('  Chromium: not measured (no Chromium on this machine; install the chromium package or set CHROME_PATH)');
} else {
  const bundle = await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    build: { write: false, minify: true, lib: { entry: path.join(REPO_ROOT, 'scripts/bench/engine-in-page.ts'), formats: ['iife'], name: 'corsightEngineBenchBundle' } },
  });
  const output = (Array.isArray(bundle) ? bundle[0] : bundle) as { output: Array<{ type: string; code?: string }> };
  const code = output.output.find((o) => o.type === 'chunk')?.code;
  if (!code) throw new Error('the engine bench bundle has no code');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: BASE_ARGS, headless: true });
  try {
    // A page of its own per entry: one entry's calls would warm the functions the other shares.
    const pages = new Map<Entry, Page>();
    for (const [entry] of ENTRIES) {
      const page = await browser.newPage();
      await page.goto('about:blank');
      await page.evaluate(code);
      pages.set(entry, page);
    }
    const samples = await alternating((entry, rounds) =>
      pages.get(entry)!.evaluate(
        ([name, count, perRound]) =>
          (globalThis as unknown as { corsightEngineBench: (e: string, r: number, p: number) => number[] }).corsightEngineBench(name, count, perRound),
        [entry, rounds, PER_ROUND] as const,
      ),
    );
    report(samples, `${chromiumVersion(chromiumPath)} (worker, panel)`);
  } finally {
    await browser.close();
  }
}

report(await alternating((entry, rounds) => timeEngine(entry === 'judge' ? judge : diagnose, rounds, PER_ROUND)), `Node ${process.versions.node} (CLI)`);
