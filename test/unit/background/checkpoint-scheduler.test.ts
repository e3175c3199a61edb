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
    }, 250, 100, 1000);
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

  it('changes whose source keeps them until confirmed wait up to 1 s; any other change brings the batch forward', async () => {
    const { s, writes } = scheduler();
    s.schedule('relaxed');
    await vi.advanceTimersByTimeAsync(0);
    // A burst of relaxed changes over 2 s: one batch per second.
    for (let t = 0; t < 2000; t += 10) {
      s.schedule('relaxed');
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(writes.map((t) => t - 1_000_000)).toEqual([0, 1000, 2000]);
    s.schedule('relaxed');
    await vi.advanceTimersByTimeAsync(100);
    s.schedule('lazy'); // due 250 ms after the last batch, before the relaxed one
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes.map((t) => t - 1_000_000)).toEqual([0, 1000, 2000, 2250]);
  });
});
