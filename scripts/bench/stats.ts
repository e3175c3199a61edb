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
 * median(a) / median(b) with a percentile-bootstrap 95% interval: both samples resampled with
 * replacement `rounds` times (independent: interleaved runs of two configurations).
 */
export function ratioOfMedians(a: readonly number[], b: readonly number[], rounds = 4000, seed = 1): Interval {
  if (a.length < MIN_SAMPLES || b.length < MIN_SAMPLES) return { estimate: median(a) / median(b), low: Number.NaN, high: Number.NaN };
  const random = prng(seed);
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) ratios.push(median(resample(a, random)) / median(resample(b, random)));
  ratios.sort((x, y) => x - y);
  return { estimate: median(a) / median(b), low: ratios[Math.floor(rounds * 0.025)]!, high: ratios[Math.ceil(rounds * 0.975) - 1]! };
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
  const estimate = share(own, baseOwn, baseTotal);
  const n = Math.min(baseOwn.length, baseTotal.length);
  if (own.length < MIN_SAMPLES || n < MIN_SAMPLES) return { estimate, low: Number.NaN, high: Number.NaN };
  const random = prng(seed);
  const shares: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const picked = Array.from({ length: n }, () => Math.floor(random() * n));
    shares.push(share(resample(own, random), picked.map((k) => baseOwn[k]!), picked.map((k) => baseTotal[k]!)));
  }
  shares.sort((x, y) => x - y);
  return { estimate, low: shares[Math.floor(rounds * 0.025)]!, high: shares[Math.ceil(rounds * 0.975) - 1]! };
}

/** The `q` quantile of `values` by nearest rank (p95: the smallest value at or above 95% of them). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

/** A sample's `q` quantile with its bootstrap 95% interval (a tail quantile needs many values). */
export function quantileInterval(values: readonly number[], q: number, rounds = 4000, seed = 1): Interval {
  if (values.length < MIN_SAMPLES) return { estimate: quantile(values, q), low: Number.NaN, high: Number.NaN };
  const random = prng(seed);
  const estimates: number[] = [];
  for (let i = 0; i < rounds; i++) estimates.push(quantile(resample(values, random), q));
  estimates.sort((x, y) => x - y);
  return { estimate: quantile(values, q), low: estimates[Math.floor(rounds * 0.025)]!, high: estimates[Math.ceil(rounds * 0.975) - 1]! };
}

/** A sample's median with its bootstrap 95% interval. */
export function medianInterval(values: readonly number[], rounds = 4000, seed = 1): Interval {
  if (values.length < MIN_SAMPLES) return { estimate: median(values), low: Number.NaN, high: Number.NaN };
  const random = prng(seed);
  const medians: number[] = [];
  for (let i = 0; i < rounds; i++) medians.push(median(resample(values, random)));
  medians.sort((x, y) => x - y);
  return { estimate: median(values), low: medians[Math.floor(rounds * 0.025)]!, high: medians[Math.ceil(rounds * 0.975) - 1]! };
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
