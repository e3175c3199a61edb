/** The worker's checkpoint pacing, on fake time: how many storage batches, and when. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointScheduler } from '../../../src/background/checkpoint-scheduler.ts';

describe('CheckpointScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  function scheduler(writeMs = 0) {
    const writes: number[] = [];
    const s = new CheckpointScheduler(async () => {
      writes.push(Date.now());
      if (writeMs) await new Promise((r) => setTimeout(r, writeMs));
    }, 250, 100, 1000, 10_000);
    return { s, writes };
  }

  it('groups changes: at most one batch every 250 ms while things change', async () => {
    const { s, writes } = scheduler();
    s.schedule();
    await vi.advanceTimersByTimeAsync(0);
    for (let t = 0; t < 1000; t += 10) {
      s.schedule();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(writes.length).toBeGreaterThanOrEqual(4);
    expect(writes.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(250);
  });

  it('"soon" comes after 100 ms, and replaces a later lazy batch', async () => {
    const { s, writes } = scheduler();
    s.schedule();
    await vi.advanceTimersByTimeAsync(0);
    s.schedule(); // lazy: due 250 ms after the first
    s.schedule('soon'); // soon: due 100 ms after it
    await vi.advanceTimersByTimeAsync(300);
    expect(writes.map((t) => t - 1_000_000)).toEqual([0, 100]);
  });

  it('never runs two batches at once; what is asked meanwhile runs once, after', async () => {
    const { s, writes } = scheduler(500);
    s.schedule();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 5; i++) s.schedule();
    await vi.advanceTimersByTimeAsync(499);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(writes).toHaveLength(2);
    expect(writes[1]! - writes[0]!).toBeGreaterThanOrEqual(500);
  });

  it('changes whose source keeps them until confirmed are written once they stop for 1 s', async () => {
    const { s, writes } = scheduler();
    // A burst of relaxed changes over 3 s (a page load): nothing written during it.
    for (let t = 0; t < 3000; t += 10) {
      s.schedule('relaxed');
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes.map((t) => t - 1_000_000)).toEqual([3990]);
  });

  it('relaxed changes that never stop are written 10 s after the first unwritten one', async () => {
    const { s, writes } = scheduler();
    for (let t = 0; t < 25_000; t += 100) {
      s.schedule('relaxed');
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(writes.map((t) => t - 1_000_000)).toEqual([10_000, 20_000]);
  });

  it('any other change brings a waiting relaxed batch forward, and a relaxed one never delays it', async () => {
    const { s, writes } = scheduler();
    s.schedule('relaxed');
    await vi.advanceTimersByTimeAsync(100);
    s.schedule('lazy'); // due at once: no batch was written in the last 250 ms
    await vi.advanceTimersByTimeAsync(0);
    expect(writes.map((t) => t - 1_000_000)).toEqual([100]);
    s.schedule('relaxed');
    s.schedule('lazy'); // due 250 ms after the last batch
    s.schedule('relaxed'); // must not push it back
    await vi.advanceTimersByTimeAsync(300);
    expect(writes.map((t) => t - 1_000_000)).toEqual([100, 350]);
  });
});
