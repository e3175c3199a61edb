import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BurstPacer, type BurstPacerOptions } from '../../../src/capture/devtools/burst-pacer.ts';

const OPTIONS: BurstPacerOptions = { tickMs: 100, burstPerTick: 5, quietMs: 250, maxHoldMs: 1000, maxHeld: 50 };

function pacerWithLog(options = OPTIONS): { pacer: BurstPacer<number>; released: number[][] } {
  const released: number[][] = [];
  const pacer = new BurstPacer<number>((items) => released.push(items), options);
  return { pacer, released };
}

/** Pushes `count` entries spread over one tick, numbered from `from`. */
function arriveOverOneTick(pacer: BurstPacer<number>, from: number, count: number): number {
  for (let i = 0; i < count; i++) {
    pacer.push(from + i);
    vi.advanceTimersByTime(Math.floor(OPTIONS.tickMs / count));
  }
  // The rest of the tick, so that exactly one tick has passed.
  vi.advanceTimersByTime(OPTIONS.tickMs - Math.floor(OPTIONS.tickMs / count) * count);
  return from + count;
}

describe('BurstPacer: when the DevTools page maps and sends what it received', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('outside a burst, releases each tick what arrived in it', () => {
    const { pacer, released } = pacerWithLog();
    pacer.push(1);
    pacer.push(2);
    vi.advanceTimersByTime(99);
    expect(released).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(released).toEqual([[1, 2]]);
    pacer.push(3);
    vi.advanceTimersByTime(100);
    expect(released).toEqual([[1, 2], [3]]);
  });

  it('during a burst, holds everything until no entry came for quietMs, then releases it all', () => {
    const { pacer, released } = pacerWithLog();
    let next = 0;
    // Bursts separated by a gap shorter than quietMs are one burst.
    for (let tick = 0; tick < 3; tick++) next = arriveOverOneTick(pacer, next, 6);
    vi.advanceTimersByTime(OPTIONS.quietMs - 100);
    for (let tick = 0; tick < 2; tick++) next = arriveOverOneTick(pacer, next, 2);
    expect(released).toEqual([]);
    expect(pacer.heldCount).toBe(22);
    const lastArrival = Date.now() - (OPTIONS.tickMs - Math.floor(OPTIONS.tickMs / 2));
    vi.advanceTimersByTime(OPTIONS.quietMs - (Date.now() - lastArrival) - 1);
    expect(released).toEqual([]);
    vi.advanceTimersByTime(OPTIONS.tickMs);
    expect(released).toEqual([Array.from({ length: 22 }, (_, i) => i)]);
    expect(pacer.heldCount).toBe(0);
  });

  it('after a burst released at maxHoldMs, a lone entry much later is released within a tick', () => {
    const { pacer, released } = pacerWithLog({ ...OPTIONS, maxHeld: 1000 });
    let next = 0;
    // Exactly maxHoldMs of burst: released at the bound, with the burst not yet seen to end.
    for (let tick = 0; tick < OPTIONS.maxHoldMs / OPTIONS.tickMs; tick++) next = arriveOverOneTick(pacer, next, 6);
    expect(released.flat()).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(pacer.heldCount).toBe(0);
    vi.advanceTimersByTime(5000);
    pacer.push(next);
    vi.advanceTimersByTime(OPTIONS.tickMs);
    expect(released.at(-1)).toEqual([next]);
  });

  it('a steady trickle under the burst rate is never held past its tick', () => {
    const { pacer, released } = pacerWithLog();
    let next = 0;
    for (let tick = 0; tick < 10; tick++) next = arriveOverOneTick(pacer, next, 4);
    expect(released.length).toBeGreaterThanOrEqual(9);
    expect(released.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const items of released) expect(items.length).toBeLessThanOrEqual(5);
  });

  it('a burst that does not end is released every maxHoldMs at the latest', () => {
    const { pacer, released } = pacerWithLog();
    let next = 0;
    const releasedAt: number[] = [];
    const start = Date.now();
    for (let tick = 0; tick < 25; tick++) {
      const before = released.length;
      next = arriveOverOneTick(pacer, next, 6);
      if (released.length > before) releasedAt.push(Date.now() - start);
    }
    expect(releasedAt.length).toBeGreaterThanOrEqual(2);
    expect(releasedAt[0]).toBeLessThanOrEqual(OPTIONS.maxHoldMs + OPTIONS.tickMs);
    for (let i = 1; i < releasedAt.length; i++) expect(releasedAt[i]! - releasedAt[i - 1]!).toBeLessThanOrEqual(OPTIONS.maxHoldMs + OPTIONS.tickMs);
    vi.advanceTimersByTime(OPTIONS.tickMs);
    expect(released.flat()).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('holds no burst while holdsBursts is off, and turning it off releases what is held', () => {
    const { pacer, released } = pacerWithLog();
    let next = 0;
    for (let tick = 0; tick < 3; tick++) next = arriveOverOneTick(pacer, next, 6);
    expect(released).toEqual([]);
    pacer.holdsBursts = false;
    expect(released).toEqual([Array.from({ length: 18 }, (_, i) => i)]);
    for (let tick = 0; tick < 3; tick++) next = arriveOverOneTick(pacer, next, 6);
    expect(released.slice(1)).toEqual([[18, 19, 20, 21, 22, 23], [24, 25, 26, 27, 28, 29], [30, 31, 32, 33, 34, 35]]);
    pacer.holdsBursts = true;
    for (let tick = 0; tick < 3; tick++) next = arriveOverOneTick(pacer, next, 6);
    expect(released).toHaveLength(4);
  });

  it('never holds more than maxHeld entries', () => {
    const { pacer, released } = pacerWithLog();
    for (let i = 0; i < 120; i++) pacer.push(i);
    expect(released.map((items) => items.length)).toEqual([50, 50]);
    expect(pacer.heldCount).toBe(20);
    vi.advanceTimersByTime(OPTIONS.quietMs + OPTIONS.tickMs);
    expect(released.flat()).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  it('releaseNow hands over what is held at once, and a later tick has nothing left to release', () => {
    const { pacer, released } = pacerWithLog();
    for (let i = 0; i < 8; i++) pacer.push(i);
    pacer.releaseNow();
    expect(released).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
    pacer.releaseNow();
    vi.advanceTimersByTime(OPTIONS.tickMs * 3);
    expect(released).toHaveLength(1);
  });
});
