/**
 * When the worker writes a checkpoint (the storage batch of log chunks and in-flight state): at
 * most one every `lazyMs` while things change (the journal covers the time between), or "soon"
 * (at most every `soonMs`) when asked; one batch in flight at a time, and what is asked for
 * meanwhile runs once after it. Each batch costs the browser's UI thread, so never one per event.
 */
export class CheckpointScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = 0;
  private inFlight = false;
  private again: 'none' | 'lazy' | 'soon' = 'none';
  private last = 0;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly lazyMs: number,
    private readonly soonMs: number,
  ) {}

  schedule(soon = false): void {
    if (this.inFlight) {
      if (soon) this.again = 'soon';
      else if (this.again === 'none') this.again = 'lazy';
      return;
    }
    const now = Date.now();
    const delay = Math.max(0, this.last + (soon ? this.soonMs : this.lazyMs) - now);
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
    if (next !== 'none') this.schedule(next === 'soon');
  }
}
