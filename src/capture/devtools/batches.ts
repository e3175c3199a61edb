/**
 * Delivery of the DevTools page's exchange batches to the worker without a worker-side journal.
 *
 * The DevTools page outlives worker restarts, so it is the durable copy: it numbers its batches
 * (1, 2, 3... per page instance), sends them one at a time in order, and keeps each until the
 * worker says a checkpoint holds it (`persisted`). After a worker restart it sends what is not
 * confirmed again. The worker takes batches strictly in sequence per (tab, page): a number it
 * already took is a duplicate (its log holds it: ignored), a gap is refused with the number it
 * expects (the page goes back to it). The worker's last taken number per tab is written with
 * each checkpoint, so a new worker knows exactly which resent batches its restored log holds.
 * Measured: journaling each DevTools exchange in the worker cost ~10% page load (docs/capture.md).
 * Pure (no chrome.*).
 */

export interface BatchId {
  /** The sending DevTools page instance. */
  page: string;
  n: number;
}

/** A batch as sent: `oldest` is the lowest number the page still keeps (it drops beyond a bound). */
export interface SentBatch extends BatchId {
  oldest: number;
}

export type BatchVerdict = { kind: 'take' } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/** Worker side: the last batch taken per tab. */
export class BatchSequence {
  private readonly taken = new Map<number, BatchId>();

  /** Decides on a batch; a taken one becomes the tab's last. */
  accept(tabId: number, batch: SentBatch): BatchVerdict {
    const last = this.taken.get(tabId);
    if (last && last.page === batch.page) {
      if (batch.n <= last.n) return { kind: 'duplicate' };
      // A gap the page can still fill: ask for it. One it cannot (it dropped those) is accepted.
      if (batch.n > last.n + 1 && batch.oldest <= last.n + 1) return { kind: 'gap', expected: last.n + 1 };
    } else if (batch.n > batch.oldest) {
      // A page this worker has no batch of (DevTools reopened, or none checkpointed yet): no log
      // holds its unconfirmed batches, so it starts with the oldest. Taking a later one first (a
      // send to the previous worker instance arriving late) would make the older ones duplicates.
      return { kind: 'gap', expected: batch.oldest };
    }
    this.taken.set(tabId, { page: batch.page, n: batch.n });
    return { kind: 'take' };
  }

  forgetTab(tabId: number): void {
    this.taken.delete(tabId);
  }

  /** For the checkpoint: written together with the logs that hold these batches. */
  snapshot(): Array<[number, BatchId]> {
    return [...this.taken].map(([tabId, b]) => [tabId, { ...b }]);
  }

  restore(value: unknown): void {
    if (!Array.isArray(value)) return;
    for (const item of value) {
      if (!Array.isArray(item)) continue;
      const [tabId, b] = item as [unknown, unknown];
      const batch = b as Partial<BatchId> | null;
      if (typeof tabId === 'number' && batch && typeof batch.page === 'string' && typeof batch.n === 'number' && Number.isInteger(batch.n)) {
        this.taken.set(tabId, { page: batch.page, n: batch.n });
      }
    }
  }
}

/** DevTools page side: batches sent or to send, kept until a checkpoint holds them. */
export class OutgoingBatches<T> {
  private readonly batches: Array<{ n: number; items: T[] }> = [];
  private nextN = 1;
  /** Highest batch number the current worker has taken (or had already). */
  private sentUpTo = 0;
  /** Batches dropped unconfirmed because too many waited (only lost if the worker also restarts). */
  droppedUnconfirmed = 0;

  constructor(
    readonly page: string,
    private readonly maxKept = 200,
  ) {}

  add(items: T[]): void {
    this.batches.push({ n: this.nextN++, items });
    if (this.batches.length > this.maxKept) {
      const dropped = this.batches.shift()!;
      this.droppedUnconfirmed++;
      this.sentUpTo = Math.max(this.sentUpTo, dropped.n);
    }
  }

  /** The next batch to send, in order, or undefined when all were taken. */
  next(): (SentBatch & { items: T[] }) | undefined {
    const batch = this.batches.find((b) => b.n > this.sentUpTo);
    return batch && { page: this.page, n: batch.n, oldest: this.batches[0]!.n, items: batch.items };
  }

  /** The worker answered batch `n`: taken or duplicate -> sent; a gap -> go back to `expected`. */
  answered(n: number, expected?: number): void {
    if (expected !== undefined) this.sentUpTo = Math.min(this.sentUpTo, expected - 1);
    else this.sentUpTo = Math.max(this.sentUpTo, n);
  }

  /** A checkpoint holds everything up to `n`. */
  persisted(upTo: number): void {
    while (this.batches.length && this.batches[0]!.n <= upTo) this.batches.shift();
  }

  /** A new worker: everything not confirmed is sent again (it skips what its log holds). */
  resendUnconfirmed(): void {
    this.sentUpTo = 0;
  }

  get waiting(): number {
    return this.batches.length;
  }
}

/** The worker's answer to a batch: `expected` when it refused a gap. */
export interface BatchAnswer {
  expected?: number;
}

/**
 * DevTools page side: sends the batches the worker has not taken, one at a time and in order.
 * An answer that does not come within `answerWaitMs` counts as lost and the batch goes again
 * later: a message sent while the worker is being stopped is not guaranteed an answer, and one
 * unanswered send would otherwise hold every later batch back until DevTools closes. Sending a
 * batch twice is safe: the worker skips a number it already took (BatchSequence).
 */
export class BatchSender<T> {
  private sending: Promise<void> = Promise.resolve();
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** Gives up on the answer being waited for, if any. */
  private abandonWait: (() => void) | undefined;

  constructor(
    private readonly outgoing: OutgoingBatches<T>,
    /** Rejects when no answer came (ask() does when the worker stopped mid-message). */
    private readonly send: (batch: SentBatch & { items: T[] }) => Promise<BatchAnswer>,
    private readonly answerWaitMs: number,
    private readonly retryMs: number,
  ) {}

  /**
   * Sends what waits; resolves when the worker took all of it or a send failed (a retry is set).
   * Never rejects: a rejected link would make every later call a no-op, and nothing would be sent
   * again until DevTools closes.
   */
  sendPending(): Promise<void> {
    this.sending = this.sending
      .then(async () => {
        for (let batch = this.outgoing.next(); batch; batch = this.outgoing.next()) {
          const answer = await this.answerOf(batch);
          this.outgoing.answered(batch.n, answer.expected);
        }
      })
      // No answer, or none usable (the worker is restarting): its new connection sends again; if
      // none comes, the retry does. Whether it took the batch is unknown: a duplicate is skipped.
      .catch(() => this.retryLater());
    return this.sending;
  }

  /** A new worker connected: stop waiting on the old one and send everything unconfirmed again. */
  reconnected(): void {
    this.abandonWait?.();
    this.outgoing.resendUnconfirmed();
    void this.sendPending();
  }

  private answerOf(batch: SentBatch & { items: T[] }): Promise<BatchAnswer> {
    return new Promise((resolve, reject) => {
      const settle = (finish: () => void) => {
        clearTimeout(deadline);
        if (this.abandonWait === abandon) this.abandonWait = undefined;
        finish();
      };
      const abandon = () => settle(() => reject(new Error(`batch ${batch.n}: no answer`)));
      const deadline = setTimeout(abandon, this.answerWaitMs);
      this.abandonWait = abandon;
      this.send(batch).then(
        (answer) => settle(() => resolve(answer)),
        (err: unknown) => settle(() => reject(err instanceof Error ? err : new Error(String(err)))),
      );
    });
  }

  private retryLater(): void {
    if (this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.sendPending();
    }, this.retryMs);
  }
}
