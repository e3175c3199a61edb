import { describe, expect, it } from 'vitest';
import { againstAtMost, median, medianInterval, processShare, quantile, quantileInterval, ratioOfMedians } from '../../../scripts/bench/stats.ts';

describe('bench statistics', () => {
  it('median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('a ratio interval holds the ratio of medians, and narrows with less spread', () => {
    const a = [110, 112, 108, 111, 109, 113, 110, 107, 112, 110];
    const b = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100];
    const r = ratioOfMedians(a, b);
    expect(r.estimate).toBeCloseTo(1.1, 2);
    expect(r.low).toBeLessThanOrEqual(r.estimate);
    expect(r.high).toBeGreaterThanOrEqual(r.estimate);
    const noisy = ratioOfMedians([80, 140, 110, 95, 130, 105, 125, 90, 115, 100], b);
    expect(noisy.high - noisy.low).toBeGreaterThan(r.high - r.low);
  });

  it("one process's share of a load: its extra CPU over the baseline's, as a part of the baseline's total", () => {
    const baseOwn = [250, 260, 255, 265, 250, 258];
    const baseTotal = [7000, 6500, 8200, 7100, 6800, 7400];
    const own = [355, 365, 360, 350, 370, 362];
    const share = processShare(own, baseOwn, baseTotal);
    // (361 - 256.5) / 7050 over the medians.
    expect(share.estimate).toBeCloseTo(1 + (361 - 256.5) / 7050, 6);
    expect(share.low).toBeGreaterThan(1.01);
    expect(share.high).toBeLessThan(1.02);
    expect(againstAtMost(share, 1.02)).toBe('met');
    // Twice the extra CPU: missed.
    expect(againstAtMost(processShare(own.map((x) => x + 110), baseOwn, baseTotal), 1.02)).toBe('missed');
  });

  it('a tail quantile by nearest rank, with an interval that holds it', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.95)).toBe(95);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    const p95 = quantileInterval(values, 0.95);
    expect(p95.low).toBeLessThanOrEqual(95);
    expect(p95.high).toBeGreaterThanOrEqual(95);
    expect(p95.high).toBeLessThanOrEqual(100);
    expect(againstAtMost(p95, 100)).toBe('met');
    expect(againstAtMost(quantileInterval(values.map((v) => v + 100), 0.95), 100)).toBe('missed');
  });

  it('the same samples and seed give the same interval', () => {
    const s = [5, 7, 6, 9, 4, 8, 6, 7];
    expect(medianInterval(s)).toEqual(medianInterval(s));
  });

  it('met, missed or cannot tell against a target', () => {
    expect(againstAtMost({ estimate: 1.01, low: 1.0, high: 1.015 }, 1.02)).toBe('met');
    expect(againstAtMost({ estimate: 1.09, low: 1.05, high: 1.12 }, 1.02)).toBe('missed');
    expect(againstAtMost({ estimate: 1.02, low: 0.98, high: 1.06 }, 1.02)).toBe('cannot tell');
  });

  it('one or two runs give no interval, and so no verdict', () => {
    const one = ratioOfMedians([1076], [1000]);
    expect(one.estimate).toBeCloseTo(1.076, 3);
    expect(againstAtMost(one, 1.02)).toBe('cannot tell');
    expect(againstAtMost(medianInterval([3, 4]), 1)).toBe('cannot tell');
    expect(againstAtMost(medianInterval([3, 4, 3]), 1)).toBe('missed');
  });
});
