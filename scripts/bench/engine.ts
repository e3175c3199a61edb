/**
 * The engine per exchange over a mix of six exchanges (engine-timing.ts): judge(), what the
 * worker runs on every captured request, and diagnose(), the verdict explained (the request a
 * user opens, a report, the CLI). Timed in Chromium's V8, where the engine runs in the product
 * (the extension's worker and panel), and in Node (the CLI). Each figure is the median of 21
 * rounds with its bootstrap 95% interval, against issue 20's target of 2 µs per request.
 * Prints figures; asserts nothing.
 *   npx tsx scripts/bench/engine.ts      (Chromium from the system; skipped with a reason when absent)
 */
import { chromium } from 'playwright-core';
import { build } from 'vite';
import path from 'node:path';
import { diagnose, judge } from '../../src/engine/index.ts';
import { BASE_ARGS, REPO_ROOT, chromiumVersion, installedChromium } from '../../test/harness/browser.ts';
import { ENGINE_MIX, timeEngine } from './engine-timing.ts';
import { medianInterval, targetLine } from './stats.ts';

const ROUNDS = 21;
const PER_ROUND = 10_000;
const TARGET_US = 2;

console.log(`The engine per exchange: mix of ${ENGINE_MIX.length}, fresh copies each round, ${ROUNDS} rounds of ${PER_ROUND.toLocaleString('en')}`);
const ENTRIES = [
  ['judge', 'judge(), every captured request'],
  ['diagnose', 'diagnose(), a request explained'],
] as const;

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
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.evaluate(code);
    const version = chromiumVersion(chromiumPath);
    for (const [entry, label] of ENTRIES) {
      const samples = await page.evaluate(
        ([name, rounds, perRound]) =>
          (globalThis as unknown as { corsightEngineBench: (e: string, r: number, p: number) => number[] }).corsightEngineBench(name, rounds, perRound),
        [entry, ROUNDS, PER_ROUND] as const,
      );
      console.log(`  ${targetLine(`${label}, ${version} (worker, panel)`, medianInterval(samples), TARGET_US, 2, ' µs')}`);
    }
  } finally {
    await browser.close();
  }
}

for (const [entry, label] of ENTRIES) {
  const nodeSamples = timeEngine(entry === 'judge' ? judge : diagnose, ROUNDS, PER_ROUND);
  console.log(`  ${targetLine(`${label}, Node ${process.versions.node} (CLI)`, medianInterval(nodeSamples), TARGET_US, 2, ' µs')}`);
}
