/**
 * When the worker writes a checkpoint (the storage batch of log chunks and in-flight state): at
 * most one every `lazyMs` while things change (the journal covers the time between), or "soon"
 * (at most every `soonMs`) when asked; one batch in flight at a time, and what is asked for
 * meanwhile runs once after it. Each batch costs the browser's UI thread, so never one per event.
 *
 * A change whose source keeps its own copy until a checkpoint confirms it (a DevTools page's
 * numbered batches) is 'relaxed': it is written once such changes have stopped for
 * `relaxedQuietMs`, or `relaxedMaxMs` after the first of them at the latest. While a page keeps
 * sending (a page load), the worker then neither packs nor stores its exchanges again and again;
 * the DevTools page holds them meanwhile (up to 200 batches, src/capture/devtools/batches.ts).
 * Measured: writing every second during the 500-request bench page was a third of the worker's
 * own time (issue 20). Any other change brings the batch forward as usual.
 */
export type CheckpointPace = 'relaxed' | 'lazy' | 'soon';

const ORDER: Record<CheckpointPace | 'none', number> = { none: 0, relaxed: 1, lazy: 2, soon: 3 };

export class CheckpointScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = 0;
  private inFlight = false;
  private again: CheckpointPace | 'none' = 'none';
  private last = 0;
  /** The pace the pending timer was set for. */
  private pending: CheckpointPace | 'none' = 'none';
  /** When the first relaxed change not yet written came. */
  private relaxedSince: number | undefined;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly lazyMs: number,
    private readonly soonMs: number,
    private readonly relaxedQuietMs = lazyMs,
    private readonly relaxedMaxMs = relaxedQuietMs,
  ) {}

  /** 'lazy' is the pace of most changes. */
  schedule(wanted: CheckpointPace = 'lazy'): void {
    const now = Date.now();
    if (wanted === 'relaxed') this.relaxedSince ??= now;
    if (this.inFlight) {
      if (ORDER[wanted] > ORDER[this.again]) this.again = wanted;
      return;
    }
    let due: number;
    if (wanted === 'relaxed') {
      due = Math.min(now + this.relaxedQuietMs, (this.relaxedSince ?? now) + this.relaxedMaxMs);
    } else {
      due = Math.max(now, this.last + (wanted === 'soon' ? this.soonMs : this.lazyMs));
    }
    if (this.timer !== undefined) {
      // A pending relaxed batch moves with each relaxed change (the quiet period starts again);
      // any other pending batch only ever comes earlier.
      const movable = wanted === 'relaxed' && this.pending === 'relaxed';
      if (due >= this.due && !movable) return;
      clearTimeout(this.timer);
    }
    this.due = due;
    this.pending = wanted;
    this.timer = setTimeout(() => void this.run(), Math.max(0, due - now));
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.pending = 'none';
    this.relaxedSince = undefined;
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
