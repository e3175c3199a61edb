/** The worker's diagnosis step and its checkpoint writer, with the real assembler, journal and batch sequence. */
import { describe, expect, it, vi } from 'vitest';
import { Checkpointer } from '../../../src/background/checkpoint.ts';
import { DiagnosisPipeline } from '../../../src/background/pipeline.ts';
import { ASSEMBLER_KEY, DEVTOOLS_BATCHES_KEY, HELD_EXCHANGES_KEY, recover } from '../../../src/background/recovery.ts';
import { BatchSequence } from '../../../src/capture/devtools/batches.ts';
import { ExchangeAssembler } from '../../../src/capture/webrequest/assembler.ts';
import { judge } from '../../../src/engine/diagnose.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { CHECKPOINT_KEY, JournalWriter, journalKey } from '../../../src/store/journal.ts';
import { packString } from '../../../src/store/pack.ts';
import type { DiagnosedExchange } from '../../../src/store/tab-log.ts';

const exchange = (id: string): Exchange => ({
  id,
  initiatorOrigin: 'https://app.test',
  method: 'GET',
  requestHeaders: [],
  mode: 'cors',
  credentials: 'omit',
  redirect: 'follow',
  hops: [{ url: 'https://api.test/x', response: { status: 200, headers: [] } }],
  preflight: { kind: 'none' },
  outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
});

describe('DiagnosisPipeline', () => {
  it('holds exchanges until the logs are loaded, then judges each once, per tab, in order', () => {
    const appended: Array<[number, DiagnosedExchange[]]> = [];
    const judgeSpy = vi.fn(judge);
    const pipeline = new DiagnosisPipeline(judgeSpy, (tabId, diagnosed) => appended.push([tabId, diagnosed]));
    pipeline.push(1, exchange('a'));
    pipeline.push(2, exchange('b'));
    pipeline.push(1, exchange('c'));
    expect(pipeline.drain()).toEqual([]);
    expect(judgeSpy).not.toHaveBeenCalled();
    pipeline.openLogs();
    expect(pipeline.drain()).toEqual([1, 2]);
    expect(appended.map(([tab, list]) => [tab, list.map((d) => `${d.exchange.id}:${d.verdict.corsError}`)])).toEqual([
      [1, ['a:MissingAllowOriginHeader', 'c:MissingAllowOriginHeader']],
      [2, ['b:MissingAllowOriginHeader']],
    ]);
    expect(pipeline.drain()).toEqual([]);
    expect(judgeSpy).toHaveBeenCalledTimes(3);
  });
});

function parts(writeLogs: (extra: Record<string, unknown>) => Promise<void>, held: Array<[number, Exchange]> = []) {
  const assembler = new ExchangeAssembler(() => undefined, judge);
  const devtoolsBatches = new BatchSequence();
  const confirmed: Array<[number, number]> = [];
  const removed: string[][] = [];
  const drained = vi.fn((): Array<[number, Exchange]> => [...held]);
  const checkpointer = new Checkpointer({
    journal: new JournalWriter(1, async () => undefined, 0),
    assembler,
    devtoolsBatches,
    drainPipeline: drained,
    writeLogs,
    removeKeys: async (keys) => void removed.push(keys),
    confirmBatch: (tabId, batch) => confirmed.push([tabId, batch.n]),
  });
  return { assembler, devtoolsBatches, checkpointer, confirmed, removed, drained };
}

describe('Checkpointer', () => {
  it('writes the next generation with the in-flight state and the DevTools batches, then confirms the batches', async () => {
    const written: Array<Record<string, unknown>> = [];
    const p = parts(async (extra) => void written.push(extra));
    p.assembler.push({ phase: 'beforeSendHeaders', requestId: '1', tabId: 3, frameId: 0, url: 'https://api.test/x', method: 'GET', type: 'xmlhttprequest', timeStamp: 1 });
    expect(p.devtoolsBatches.accept(3, { page: 'p', n: 1, oldest: 1 }).kind).toBe('take');
    p.checkpointer.batchesDirty = true;
    await p.checkpointer.write();
    expect(p.drained).toHaveBeenCalledTimes(1);
    expect(Object.keys(written[0]!).sort()).toEqual([ASSEMBLER_KEY, CHECKPOINT_KEY, DEVTOOLS_BATCHES_KEY].sort());
    expect(written[0]![CHECKPOINT_KEY]).toBe(1);
    expect(p.confirmed).toEqual([[3, 1]]);
    // Nothing changed since: only the generation is written, nothing confirmed again.
    await p.checkpointer.write();
    expect(Object.keys(written[1]!)).toEqual([CHECKPOINT_KEY]);
    expect(p.confirmed).toHaveLength(1);
  });

  it('after a failed storage batch, writes the in-flight state and the batches again with the next one', async () => {
    let fail = true;
    const written: Array<Record<string, unknown>> = [];
    const p = parts(async (extra) => {
      if (fail) throw new Error('quota');
      written.push(extra);
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    p.assembler.push({ phase: 'beforeSendHeaders', requestId: '1', tabId: 3, frameId: 0, url: 'https://api.test/x', method: 'GET', type: 'xmlhttprequest', timeStamp: 1 });
    p.checkpointer.batchesDirty = true;
    await p.checkpointer.write();
    expect(warn).toHaveBeenCalled();
    expect(p.confirmed).toEqual([]);
    fail = false;
    await p.checkpointer.write();
    expect(Object.keys(written[0]!).sort()).toEqual([ASSEMBLER_KEY, CHECKPOINT_KEY, DEVTOOLS_BATCHES_KEY].sort());
    warn.mockRestore();
  });

  it('stores the exchanges the pipeline still holds with the checkpoint, clears them once, and start-up takes them back first', async () => {
    const written: Array<Record<string, unknown>> = [];
    const held: Array<[number, Exchange]> = [[7, exchange('held')]];
    const p = parts(async (extra) => void written.push(extra), held);
    await p.checkpointer.write();
    expect(written[0]![HELD_EXCHANGES_KEY]).toBe(packString([[7, exchange('held')]]));
    // A worker stopped now starts with the held exchange, before what was journaled after the checkpoint.
    const stored = {
      ...written[0],
      [journalKey(1, 10, 0)]: packString([{ exchange: [7, exchange('journaled')] }]),
    };
    const recovered = recover(stored, new ExchangeAssembler(() => undefined, judge), new BatchSequence(), Date.now());
    expect(recovered.replayedExchanges.map(([tab, e]) => `${tab}:${e.id}`)).toEqual(['7:held', '7:journaled']);
    // Judged since: the next checkpoint clears the key, the one after writes nothing for it.
    held.length = 0;
    await p.checkpointer.write();
    expect(written[1]![HELD_EXCHANGES_KEY]).toBe(packString([]));
    await p.checkpointer.write();
    expect(written[2]).not.toHaveProperty(HELD_EXCHANGES_KEY);
  });

  it('a new worker that took the held exchanges back clears them from storage with its first checkpoint', async () => {
    // Seen in the restart test: each later worker took the same held exchange back once more.
    const first: Array<Record<string, unknown>> = [];
    const before = parts(async (extra) => void first.push(extra), [[7, exchange('held')]]);
    await before.checkpointer.write();
    const recovered = recover(first[0]!, new ExchangeAssembler(() => undefined, judge), new BatchSequence(), Date.now());
    expect(recovered.heldStored).toBe(true);
    // The new worker judged it (its pipeline holds nothing now).
    const written: Array<Record<string, unknown>> = [];
    const after = parts(async (extra) => void written.push(extra));
    after.checkpointer.adoptStoredHeld(recovered.heldStored);
    await after.checkpointer.write();
    expect(written[0]![HELD_EXCHANGES_KEY]).toBe(packString([]));
    const next = recover({ ...first[0], ...written[0] }, new ExchangeAssembler(() => undefined, judge), new BatchSequence(), Date.now());
    expect(next.replayedExchanges).toEqual([]);
    expect(next.heldStored).toBe(false);
  });
});
