import { describe, expect, it } from 'vitest';
import { againstAtMost, median, medianInterval, ratioOfMedians } from '../../../scripts/bench/stats.ts';

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
