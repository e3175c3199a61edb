/**
 * The DevTools page's batches reach the worker's log exactly once across worker restarts, with
 * no worker-side journal: the page keeps what no checkpoint confirmed and sends it again; the
 * worker takes batches in sequence and knows from its checkpoint what its log holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchSender, BatchSequence, OutgoingBatches, type BatchAnswer, type BatchVerdict, type SentBatch } from '../../../src/capture/devtools/batches.ts';

const TAB = 3;

/** A worker: its log and sequence in memory, and what its last checkpoint wrote. */
class FakeWorker {
  log: number[] = [];
  seq = new BatchSequence();
  stored: { log: number[]; batches: unknown } = { log: [], batches: [] };
  /** Every batch the page sent, as sent (a late copy carries the `oldest` of its time). */
  sent: Array<SentBatch & { items: number[] }> = [];
  receive(page: OutgoingBatches<number>): boolean {
    const batch = page.next();
    if (!batch) return false;
    this.sent.push(batch);
    const verdict = this.seq.accept(TAB, batch);
    if (verdict.kind === 'take') this.log.push(...batch.items);
    page.answered(batch.n, verdict.kind === 'gap' ? verdict.expected : undefined);
    return true;
  }
  checkpoint(page: OutgoingBatches<number>): void {
    this.stored = { log: [...this.log], batches: JSON.parse(JSON.stringify(this.seq.snapshot())) };
    const mine = this.seq.snapshot().find(([tab]) => tab === TAB)?.[1];
    if (mine && mine.page === page.page) page.persisted(mine.n);
  }
  /**
   * A copy of the `i`-th send arrives again, late (sent before a restart or a reconnect); its
   * answer goes to a send loop that gave up on it, so the page learns nothing.
   */
  late(i: number): BatchVerdict | undefined {
    const batch = this.sent[i % Math.max(1, this.sent.length)];
    if (!batch) return undefined;
    const verdict = this.seq.accept(TAB, batch);
    if (verdict.kind === 'take') this.log.push(...batch.items);
    return verdict;
  }
  /** Stopped: everything since the checkpoint is gone; the next instance restores it. */
  restart(page: OutgoingBatches<number>): void {
    this.log = [...this.stored.log];
    this.seq = new BatchSequence();
    this.seq.restore(this.stored.batches);
    page.resendUnconfirmed();
  }
}

describe('DevTools batches across worker restarts', () => {
  it('a batch taken but not checkpointed before a stop is sent again and taken once', () => {
    const page = new OutgoingBatches<number>('p1');
    const worker = new FakeWorker();
    page.add([1, 2]);
    worker.receive(page);
    worker.checkpoint(page);
    expect(page.waiting).toBe(0);
    page.add([3]);
    page.add([4]);
    worker.receive(page);
    worker.receive(page);
    worker.restart(page);
    while (worker.receive(page));
    expect(worker.log).toEqual([1, 2, 3, 4]);
  });

  it('a batch sent to the old worker after the new one started is refused as a gap, and the page goes back', () => {
    const page = new OutgoingBatches<number>('p1');
    const worker = new FakeWorker();
    page.add([1]);
    worker.receive(page);
    worker.checkpoint(page);
    page.add([2]);
    page.add([3]);
    worker.receive(page); // 2 reached the old worker only
    worker.restart(page);
    page.answered(2); // the old loop's answer for 2 arrives after the reconnect reset
    // 3 goes to the new worker first: it expects 2.
    const seq = worker.seq.accept(TAB, { ...page.next()!, page: 'p1' });
    expect(seq).toEqual({ kind: 'gap', expected: 2 });
    page.answered(3, 2);
    while (worker.receive(page));
    expect(worker.log).toEqual([1, 2, 3]);
  });

  it('a gap the page can no longer fill (it dropped batches beyond its bound) is accepted', () => {
    const page = new OutgoingBatches<number>('p1', 2);
    const worker = new FakeWorker();
    page.add([1]);
    worker.receive(page);
    worker.checkpoint(page);
    for (let i = 2; i <= 5; i++) page.add([i]);
    expect(page.droppedUnconfirmed).toBe(2);
    worker.restart(page);
    while (worker.receive(page));
    expect(worker.log).toEqual([1, 4, 5]);
  });

  it('a reopened DevTools (a new page instance) starts its own sequence', () => {
    const worker = new FakeWorker();
    const first = new OutgoingBatches<number>('p1');
    first.add([1]);
    first.add([2]);
    while (worker.receive(first));
    const second = new OutgoingBatches<number>('p2');
    second.add([10]);
    while (worker.receive(second));
    expect(worker.log).toEqual([1, 2, 10]);
  });

  it('restores only well-formed checkpoint values', () => {
    const seq = new BatchSequence();
    seq.restore([[1, { page: 'a', n: 4 }], [2, { page: 5, n: 1 }], 'x', [3, null], [4, { page: 'b', n: 1.5 }]]);
    expect(seq.snapshot()).toEqual([[1, { page: 'a', n: 4 }]]);
    seq.restore('nonsense');
    expect(seq.accept(1, { page: 'a', n: 4, oldest: 1 })).toEqual({ kind: 'duplicate' });
  });

  it('a worker that knows no batch of the page, sent a later one first, asks for the oldest the page keeps', () => {
    const page = new OutgoingBatches<number>('p1');
    const worker = new FakeWorker();
    page.add([1]);
    page.add([2]);
    page.add([3]);
    // The old worker got 1, 2 and 3; none was checkpointed before it stopped.
    while (worker.receive(page));
    worker.restart(page);
    expect(worker.log).toEqual([]);
    // 3, sent before the restart, reaches the new worker first (no checkpoint named the page).
    expect(worker.late(2)).toEqual({ kind: 'gap', expected: 1 });
    while (worker.receive(page));
    expect(worker.log).toEqual([1, 2, 3]);
  });

  it('random sends, late sends, checkpoints and stops: every item exactly once, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('add', 'add', 'send', 'send', 'checkpoint', 'restart'), fc.constantFrom('add', 'send', 'restart'), fc.nat(40)), { minLength: 10, maxLength: 80 }), (steps) => {
        const page = new OutgoingBatches<number>('p');
        const worker = new FakeWorker();
        let item = 0;
        for (const step of steps) {
          if (typeof step === 'number') worker.late(step);
          else if (step === 'add') page.add([++item, ++item]);
          else if (step === 'send') worker.receive(page);
          else if (step === 'checkpoint') worker.checkpoint(page);
          else worker.restart(page);
        }
        while (worker.receive(page));
        expect(worker.log).toEqual(Array.from({ length: item }, (_, i) => i + 1));
      }),
      { seed: 20261127, numRuns: 500 },
    );
  });
});

/** A worker behind runtime.sendMessage: answers each batch, or (while `silent`) never answers. */
class MessagedWorker {
  log: number[] = [];
  readonly seq = new BatchSequence();
  silent = false;
  sends = 0;
  private waiters: Array<() => void> = [];
  receive = (batch: SentBatch & { items: number[] }): Promise<BatchAnswer> => {
    this.sends++;
    for (const wake of this.waiters.splice(0)) wake();
    if (this.silent) return new Promise(() => {});
    const verdict = this.seq.accept(TAB, batch);
    if (verdict.kind === 'take') this.log.push(...batch.items);
    return Promise.resolve(verdict.kind === 'gap' ? { expected: verdict.expected } : {});
  };
  /** Resolves at the next send. */
  nextSend(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

describe('sending DevTools batches', () => {
  it('a batch whose answer never comes is sent again, and the batches behind it follow', async () => {
    const page = new OutgoingBatches<number>('p');
    const worker = new MessagedWorker();
    const sender = new BatchSender(page, worker.receive, 20, 10);
    page.add([1]);
    worker.silent = true;
    const resent = worker.nextSend().then(() => worker.nextSend());
    await sender.sendPending();
    worker.silent = false;
    page.add([2]);
    await resent;
    await sender.sendPending();
    expect(worker.log).toEqual([1, 2]);
    expect(worker.sends).toBeGreaterThanOrEqual(3);
  });

  it('a send answered with nothing (the worker stopped while handling it) is sent again, and later sends still go', async () => {
    const page = new OutgoingBatches<number>('p');
    const worker = new MessagedWorker();
    let unanswered = 1;
    // As webextension-polyfill reports a worker stopped mid-message: resolved, with no answer
    // (ask() turns that into a rejection; a send that does not must not stop the sender either).
    const send = (batch: SentBatch & { items: number[] }): Promise<BatchAnswer> =>
      unanswered-- > 0 ? Promise.resolve(undefined as unknown as BatchAnswer) : worker.receive(batch);
    const sender = new BatchSender(page, send, 3_600_000, 10);
    page.add([1]);
    const retried = worker.nextSend();
    await sender.sendPending();
    await retried;
    page.add([2]);
    await sender.sendPending();
    expect(worker.log).toEqual([1, 2]);
    expect(page.next()).toBeUndefined();
  });

  it('a new worker connecting ends the wait for the old one at once', async () => {
    const page = new OutgoingBatches<number>('p');
    const worker = new MessagedWorker();
    // Neither the deadline nor the retry can fire within the test: only reconnected() sends again.
    const sender = new BatchSender(page, worker.receive, 3_600_000, 3_600_000);
    page.add([1, 2]);
    worker.silent = true;
    const firstSend = worker.nextSend();
    const stalled = sender.sendPending();
    await firstSend;
    worker.silent = false;
    const again = worker.nextSend();
    sender.reconnected();
    await stalled;
    await again;
    await sender.sendPending();
    expect(worker.log).toEqual([1, 2]);
    expect(page.next()).toBeUndefined();
  });
});
