/**
 * When the DevTools page works on the network-log entries it receives: mapping them to exchanges
 * and sending those to the worker.
 *
 * Outside a burst, entries are released in batches every `tickMs`, as before (a failed request
 * reaches the worker about a tick after DevTools reports it). During a burst (a page loading
 * hundreds of requests), the work Corsight does per entry competes for the cores with the page it
 * watches: on the 2-core bench machine, mapping, sending and judging 500 requests added about
 * 500 ms of CPU to a load of 3-5 s (docs/performance.md). So once a tick brings `burstPerTick`
 * entries, they are only kept until the burst is over: no entry for `quietMs`. DevTools delivers
 * a loading page's entries steadily (logged on the bench page: 10-40 per 100 ms, gaps under
 * 150 ms), so a whole load is held. Memory and delay stay bounded: everything goes after
 * `maxHoldMs` or at `maxHeld` entries. The total work is the same; it moves out of the burst.
 * Pure (timers are passed in).
 */

export interface BurstPacerOptions {
  /** Batching period, and the window over which the arrival rate is counted. */
  tickMs: number;
  /** Entries in one tick from which the page counts as loading in a burst. */
  burstPerTick: number;
  /** A burst is over once no entry came for this long. */
  quietMs: number;
  /** The longest an entry is held during a burst. */
  maxHoldMs: number;
  /** The most entries held: memory stays bounded whatever the page does. */
  maxHeld: number;
}

export interface PacerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const DEFAULT_PACER_OPTIONS: BurstPacerOptions = { tickMs: 100, burstPerTick: 16, quietMs: 250, maxHoldMs: 5000, maxHeld: 1000 };

const realClock: PacerClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class BurstPacer<T> {
  private held: T[] = [];
  /** When the oldest held entry arrived. */
  private heldSince = 0;
  /** Entries arrived since the last tick. */
  private arrivedThisTick = 0;
  private lastArrival = 0;
  /** In a burst: held until it is quiet (or the bounds). */
  private bursting = false;
  private timer: unknown;
  private holding = true;

  constructor(
    private readonly release: (items: T[]) => void,
    private readonly options: BurstPacerOptions = DEFAULT_PACER_OPTIONS,
    private readonly clock: PacerClock = realClock,
  ) {}

  /**
   * Off while someone watches the tab's rows live (the CORS panel is shown): then every tick's
   * entries go at the tick, burst or not. Turning it off releases what is held.
   */
  get holdsBursts(): boolean {
    return this.holding;
  }

  set holdsBursts(hold: boolean) {
    this.holding = hold;
    if (!hold) {
      this.bursting = false;
      this.releaseNow();
    }
  }

  get heldCount(): number {
    return this.held.length;
  }

  push(item: T): void {
    const now = this.clock.now();
    // A burst that ended while nothing was held (released at a bound) is not this entry's.
    if (this.bursting && now - this.lastArrival >= this.options.quietMs) this.bursting = false;
    if (this.held.length === 0) this.heldSince = now;
    this.held.push(item);
    this.arrivedThisTick++;
    this.lastArrival = now;
    if (this.held.length >= this.options.maxHeld) this.releaseNow();
    else if (this.timer === undefined) this.timer = this.clock.setTimeout(() => this.tick(), this.options.tickMs);
  }

  /** Releases everything held now (DevTools closing, a navigation). */
  releaseNow(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.arrivedThisTick = 0;
    if (this.held.length === 0) return;
    const items = this.held;
    this.held = [];
    this.release(items);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.holding && this.arrivedThisTick >= this.options.burstPerTick) this.bursting = true;
    this.arrivedThisTick = 0;
    const now = this.clock.now();
    if (this.bursting && now - this.lastArrival >= this.options.quietMs) this.bursting = false;
    if (this.bursting && now - this.heldSince < this.options.maxHoldMs) {
      this.timer = this.clock.setTimeout(() => this.tick(), this.options.tickMs);
      return;
    }
    this.releaseNow();
  }
}
