/**
 * When the worker writes a checkpoint (the storage batch of log chunks and in-flight state): at
 * most one every `lazyMs` while things change (the journal covers the time between), or "soon"
 * (at most every `soonMs`) when asked; one batch in flight at a time, and what is asked for
 * meanwhile runs once after it. Each batch costs the browser's UI thread, so never one per event.
 *
 * A change whose source keeps its own copy until a checkpoint confirms it (a DevTools page's
 * numbered batches) may wait `relaxedMs`: a burst of such changes then pays for a few batches
 * instead of one every `lazyMs` (the worker's checkpoints were a third of its own time under the
 * 500-request bench page, issue 20). Any other change brings the batch forward as usual.
 */
export type CheckpointPace = 'relaxed' | 'lazy' | 'soon';

const ORDER: Record<CheckpointPace | 'none', number> = { none: 0, relaxed: 1, lazy: 2, soon: 3 };

export class CheckpointScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = 0;
  private inFlight = false;
  private again: CheckpointPace | 'none' = 'none';
  private last = 0;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly lazyMs: number,
    private readonly soonMs: number,
    private readonly relaxedMs = lazyMs,
  ) {}

  /** 'lazy' is the pace of most changes. */
  schedule(wanted: CheckpointPace = 'lazy'): void {
    if (this.inFlight) {
      if (ORDER[wanted] > ORDER[this.again]) this.again = wanted;
      return;
    }
    const now = Date.now();
    const gap = wanted === 'soon' ? this.soonMs : wanted === 'lazy' ? this.lazyMs : this.relaxedMs;
    const delay = Math.max(0, this.last + gap - now);
    if (this.timer !== undefined) {
      if (now + delay >= this.due) return;
      clearTimeout(this.timer);
    }
    this.due = now + delay;
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.inFlight = true;
    this.last = Date.now();
    try {
      await this.write();
    } finally {
      this.inFlight = false;
    }
    const next = this.again;
    this.again = 'none';
    if (next !== 'none') this.schedule(next);
  }
}
