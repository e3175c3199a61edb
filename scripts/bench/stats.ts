/**
 * Figures with their uncertainty, for the benchmarks: medians, a bootstrap 95% interval on the
 * ratio of two medians, and the verdict against a target ("met", "missed", "cannot tell").
 * Seeded, so the same samples always print the same interval.
 */
import { prng } from '../../test/conformance/fuzzgen.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function resample(values: readonly number[], random: () => number): number[] {
  return values.map(() => values[Math.floor(random() * values.length)]!);
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Fewer runs than this give no interval (NaN bounds: "cannot tell"): resampling one or two values
 * gives a narrow interval that says nothing about the noise.
 */
const MIN_SAMPLES = 3;

/**
 * The percentile-bootstrap 95% interval around `estimate`: `draw` computes the statistic once on
 * data resampled with `random`, `rounds` times; no interval (NaN bounds) when `enough` is false.
 */
function bootstrap(estimate: number, enough: boolean, rounds: number, seed: number, draw: (random: () => number) => number): Interval {
  if (!enough) return { estimate, low: Number.NaN, high: Number.NaN };
  const random = prng(seed);
  const draws: number[] = [];
  for (let i = 0; i < rounds; i++) draws.push(draw(random));
  draws.sort((x, y) => x - y);
  return { estimate, low: draws[Math.floor(rounds * 0.025)]!, high: draws[Math.ceil(rounds * 0.975) - 1]! };
}

/**
 * median(a) / median(b) with a percentile-bootstrap 95% interval: both samples resampled with
 * replacement `rounds` times (independent: interleaved runs of two configurations).
 */
export function ratioOfMedians(a: readonly number[], b: readonly number[], rounds = 4000, seed = 1): Interval {
  return bootstrap(median(a) / median(b), a.length >= MIN_SAMPLES && b.length >= MIN_SAMPLES, rounds, seed, (random) => median(resample(a, random)) / median(resample(b, random)));
}

/**
 * What one process adds to a load's CPU, as a ratio: 1 + (median(own) - median(baseOwn)) /
 * median(baseTotal), where `own` is that process's CPU in the measured configuration's runs, and
 * `baseOwn` and `baseTotal` are the same process's and all processes' CPU in the baseline's runs
 * (same index, same run). Bootstrap 95% interval: the runs of each configuration resampled, the
 * baseline's two figures together. One process's CPU varies far less from run to run than the
 * whole browser's, so this says with a narrow interval what the process itself costs.
 */
export function processShare(own: readonly number[], baseOwn: readonly number[], baseTotal: readonly number[], rounds = 4000, seed = 1): Interval {
  const share = (o: readonly number[], bo: readonly number[], bt: readonly number[]) => 1 + (median(o) - median(bo)) / median(bt);
  const n = Math.min(baseOwn.length, baseTotal.length);
  return bootstrap(share(own, baseOwn, baseTotal), own.length >= MIN_SAMPLES && n >= MIN_SAMPLES, rounds, seed, (random) => {
    const picked = Array.from({ length: n }, () => Math.floor(random() * n));
    return share(resample(own, random), picked.map((k) => baseOwn[k]!), picked.map((k) => baseTotal[k]!));
  });
}

/** The `q` quantile of `values` by nearest rank (p95: the smallest value at or above 95% of them). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

/** A sample's `q` quantile with its bootstrap 95% interval (a tail quantile needs many values). */
export function quantileInterval(values: readonly number[], q: number, rounds = 4000, seed = 1): Interval {
  return bootstrap(quantile(values, q), values.length >= MIN_SAMPLES, rounds, seed, (random) => quantile(resample(values, random), q));
}

/** A sample's median with its bootstrap 95% interval. */
export function medianInterval(values: readonly number[], rounds = 4000, seed = 1): Interval {
  return bootstrap(median(values), values.length >= MIN_SAMPLES, rounds, seed, (random) => median(resample(values, random)));
}

export type TargetVerdict = 'met' | 'missed' | 'cannot tell';

/** Against "at most `target`": met when the whole interval is under it, missed when above (no interval: cannot tell). */
export function againstAtMost(interval: Interval, target: number): TargetVerdict {
  if (interval.high <= target) return 'met';
  if (interval.low > target) return 'missed';
  return 'cannot tell';
}

/** `1.091 [1.052, 1.130]` with `digits` decimals. */
export function formatInterval(interval: Interval, digits = 3): string {
  if (Number.isNaN(interval.low)) return `${interval.estimate.toFixed(digits)} [too few runs for an interval]`;
  return `${interval.estimate.toFixed(digits)} [${interval.low.toFixed(digits)}, ${interval.high.toFixed(digits)}]`;
}

/** One figure line: name, value with interval, target and verdict. */
export function targetLine(name: string, interval: Interval, target: number, digits = 3, unit = ''): string {
  return `${name}: ${formatInterval(interval, digits)}${unit} (95% interval; target <= ${target}${unit}: ${againstAtMost(interval, target)})`;
}
