/**
 * The worker's journal (src/store/journal.ts): which keys a restarted worker replays onto the
 * stored checkpoint, in which order, and what it ignores.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/diagnose.ts';
import type { RawWebRequestEvent } from '../../../src/capture/webrequest/raw-event.ts';
import { ExchangeAssembler, ORPHAN_GRACE_MS, type AssemblerSnapshot } from '../../../src/capture/webrequest/assembler.ts';
import { ASSEMBLER_KEY, CAPTURE_KEY, DEVTOOLS_BATCHES_KEY, recover } from '../../../src/background/recovery.ts';
import { BatchSequence } from '../../../src/capture/devtools/batches.ts';
import { CHECKPOINT_KEY, journalKey, JournalWriter, readJournal, type JournalEntry } from '../../../src/store/journal.ts';
import { packString } from '../../../src/store/pack.ts';
import type { Exchange } from '../../../src/engine/types.ts';

const PAGE = 'http://app.test:8000';
const API = 'http://api.test:9000';

function ev(phase: RawWebRequestEvent['phase'], requestId: string, over: Partial<RawWebRequestEvent> = {}): RawWebRequestEvent {
  return { phase, requestId, tabId: 3, frameId: 0, url: `${API}/r${requestId}`, method: 'GET', type: 'xmlhttprequest', initiator: PAGE, timeStamp: 1_700_000_000_000 + Number(requestId), ...over };
}
const stored = (entries: JournalEntry[]) => packString(entries);

describe('journal', () => {
  it('replays only the stored generation and later, in writing order across instances', () => {
    const all: Record<string, unknown> = {
      [journalKey(4, 100, 0)]: stored([{ event: ev('beforeSendHeaders', '1') }]),
      [journalKey(5, 200, 1)]: stored([{ event: ev('completed', '3') }]),
      [journalKey(5, 100, 7)]: stored([{ event: ev('beforeSendHeaders', '2') }]),
      [journalKey(5, 200, 0)]: stored([{ event: ev('headersReceived', '3') }]),
      [journalKey(6, 100, 2)]: stored([{ event: ev('error', '4') }]),
      [journalKey(5, 100, 10)]: stored([{ event: ev('completed', '2') }]),
      't:3:m': { seq: 1 },
      assembler: 'x',
    };
    const journal = readJournal(all, 5);
    expect(journal.entries.map((e) => `${e.event?.requestId}:${e.event?.phase}`)).toEqual([
      '2:beforeSendHeaders',
      '2:completed',
      '3:headersReceived',
      '3:completed',
      '4:error',
    ]);
    // Every journal key is reported (the obsolete generation 4 too, to be removed), nothing else.
    expect(journal.keys.map(([g, k]) => `${g} ${k}`).sort()).toEqual(
      ['4 j:4:100:0', '5 j:5:100:10', '5 j:5:100:7', '5 j:5:200:0', '5 j:5:200:1', '6 j:6:100:2'].sort(),
    );
  });

  it('skips torn, foreign and malformed values without throwing', () => {
    const all: Record<string, unknown> = {
      [journalKey(1, 1, 0)]: '[{"event":',
      [journalKey(1, 1, 1)]: { not: 'a string' },
      [journalKey(1, 1, 2)]: '"not an array"',
      'j:x:y:z': stored([{ event: ev('completed', '9') }]),
      'j:1:2': stored([{ event: ev('completed', '9') }]),
      [journalKey(1, 1, 3)]: stored([{ exchange: [3, { id: 'dt-1' } as Exchange] }]),
    };
    const journal = readJournal(all, 1);
    expect(journal.entries).toEqual([{ exchange: [3, { id: 'dt-1' }] }]);
    expect(journal.keys).toHaveLength(4);
  });

  it('checkpoint + replayed journal rebuild what a stopped worker had in memory: the exchange is emitted once', () => {
    // The old worker checkpointed after the request's beforeSendHeaders, journaled its response
    // and completion, and was stopped before the next checkpoint.
    const emitted: Exchange[] = [];
    const old = new ExchangeAssembler((e) => emitted.push(e), diagnose);
    const send = ev('beforeSendHeaders', '7', { requestHeaders: [{ name: 'Origin', value: PAGE }] });
    old.push(send);
    const checkpoint = packString(old.snapshot());
    const headers = ev('headersReceived', '7', { statusCode: 200, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] });
    const done = ev('completed', '7', { statusCode: 200 });
    old.push(headers);
    old.push(done);
    expect(emitted).toHaveLength(1);
    const journal = { [journalKey(2, 10, 0)]: stored([{ event: headers }]), [journalKey(2, 10, 1)]: stored([{ event: done }]), [journalKey(1, 10, 0)]: stored([{ event: send }]) };
    const storage = { ...journal, [ASSEMBLER_KEY]: checkpoint, [CHECKPOINT_KEY]: 2, [CAPTURE_KEY]: [3] };

    // The worker's own start-up recovery, on what the old instance left.
    const rebuilt: Exchange[] = [];
    const next = new ExchangeAssembler((e) => rebuilt.push(e), diagnose);
    const recovered = recover(storage, next, new BatchSequence(), Date.now());
    expect(recovered.capturedTabs).toEqual([3]);
    expect(recovered.checkpointGen).toBe(2);
    expect(recovered.journalKeys).toHaveLength(3);
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]!.hops[0]!.requestHeaders).toEqual([{ name: 'Origin', value: PAGE }]);
    expect(rebuilt[0]!.hops[0]!.response?.status).toBe(200);
    expect(next.pendingCount).toBe(0);
    // A beforeSendHeaders seen twice (replayed from an older generation as well, or delivered
    // again by Chromium) is not taken for a redirect hop.
    const again: Exchange[] = [];
    const twice = new ExchangeAssembler((e) => again.push(e), diagnose);
    recover({ ...storage, [CHECKPOINT_KEY]: 1 }, twice, new BatchSequence(), Date.now());
    expect(again).toHaveLength(1);
    expect(again[0]!.hops.map((h) => h.url)).toEqual([send.url]);
  });

  it('hands exchanges journaled without events (DevTools) back in order, and restores the DevTools batch sequence', () => {
    const batches = new BatchSequence();
    const storage = {
      [journalKey(1, 10, 1)]: stored([{ exchange: [5, { id: 'dt-2' } as Exchange] }]),
      [journalKey(1, 10, 0)]: stored([{ exchange: [5, { id: 'dt-1' } as Exchange] }]),
      [CHECKPOINT_KEY]: 1,
      [DEVTOOLS_BATCHES_KEY]: [[5, { page: 'p1', n: 4 }]],
    };
    const recovered = recover(storage, new ExchangeAssembler(() => undefined, diagnose), batches, Date.now());
    expect(recovered.replayedExchanges.map(([tab, e]) => `${tab}:${e.id}`)).toEqual(['5:dt-1', '5:dt-2']);
    expect(recovered.capturedTabs).toEqual([]);
    expect(batches.snapshot()).toEqual([[5, { page: 'p1', n: 4 }]]);
    // The restored sequence knows batch 4 of that page: it is a duplicate now.
    expect(batches.accept(5, { page: 'p1', n: 4, oldest: 1 })).toEqual({ kind: 'duplicate' });
  });

  it('a request whose response was journaled but whose completion no worker got is settled from it after the grace period', () => {
    const old = new ExchangeAssembler(() => undefined, diagnose);
    const send = ev('beforeSendHeaders', '8', { requestHeaders: [{ name: 'Origin', value: PAGE }] });
    old.push(send);
    const checkpoint = JSON.parse(JSON.stringify(old.snapshot())) as AssemblerSnapshot;
    // Journaled after the checkpoint: the response (no Access-Control-Allow-Origin); the error
    // event never reached any worker.
    const blockedResponse = ev('headersReceived', '8', { statusCode: 200, responseHeaders: [] });
    const all = { [journalKey(3, 10, 0)]: stored([{ event: blockedResponse }]) };

    const rebuilt: Exchange[] = [];
    const next = new ExchangeAssembler((e) => rebuilt.push(e), diagnose);
    const now = 1_800_000_000_000;
    // The replayed event is the old worker's, not a sign of life here: recovery watches it as an orphan.
    recover({ ...all, [ASSEMBLER_KEY]: packString(checkpoint), [CHECKPOINT_KEY]: 3 }, next, new BatchSequence(), now);
    expect(next.orphanDeadline).toBe(now + ORPHAN_GRACE_MS);
    expect(next.settleOrphans(now + ORPHAN_GRACE_MS)).toBe(1);
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]!.outcomeInferred).toBe(true);
    expect(rebuilt[0]!.outcome).toEqual({ kind: 'failed', error: 'net::ERR_FAILED' });
  });
});

describe('JournalWriter', () => {
  /** Waits (bounded) until `done()` holds: the writer works on timers of its own. */
  async function until(done: () => boolean): Promise<void> {
    for (let i = 0; i < 2500 && !done(); i++) await new Promise((r) => setTimeout(r, 2));
    expect(done()).toBe(true);
  }

  it('writes what was appended, sealed under the generation it belongs to, and replays in order', async () => {
    const storage = new Map<string, unknown>();
    const writer = new JournalWriter(100, async (key, value) => void storage.set(key, value), 0);
    writer.adopt([[1, journalKey(1, 50, 0)]], 1);
    writer.append({ event: ev('beforeSendHeaders', '1') });
    writer.append({ event: ev('completed', '1') });
    await until(() => writer.entries === 2);
    writer.append({ event: ev('beforeSendHeaders', '2') });
    writer.seal(2); // a checkpoint of generation 2 starts
    writer.append({ event: ev('completed', '2') });
    await until(() => writer.entries === 4);
    const all = Object.fromEntries(storage);
    const order = (gen: number) => readJournal(all, gen).entries.map((e) => `${e.event?.requestId}:${e.event?.phase}`);
    // The checkpoint of generation 2 never landed: everything replays onto generation 1's.
    expect(order(1)).toEqual(['1:beforeSendHeaders', '1:completed', '2:beforeSendHeaders', '2:completed']);
    // It landed: only what came after it.
    expect(order(2)).toEqual(['2:completed']);
    // Its keys before generation 2 are obsolete once that checkpoint is stored, the adopted one too.
    const obsolete = writer.takeObsolete(2);
    expect(obsolete).toContain(journalKey(1, 50, 0));
    expect(obsolete.map((k) => readJournal({ [k]: all[k] ?? '[]' }, 0).keys[0]![0])).toEqual(obsolete.map(() => 1));
    expect(writer.takeObsolete(2)).toEqual([]);
  });

  it('never gives up the key being written', async () => {
    let land: () => void = () => undefined;
    const writer = new JournalWriter(100, () => new Promise<void>((r) => (land = r)), 0);
    writer.append({ event: ev('completed', '3') });
    await until(() => writer.writes === 1);
    writer.seal(1);
    expect(writer.takeObsolete(1)).toEqual([]);
    land();
    const taken: string[] = [];
    await until(() => (taken.push(...writer.takeObsolete(1)), taken.length === 1));
    expect(taken).toEqual([journalKey(0, 100, 0)]);
  });
});
