import type { RawWebRequestEvent } from '../capture/webrequest/raw-event.ts';
import type { Exchange } from '../engine/types.ts';
import { packString, unpackStored } from './pack.ts';

/**
 * The worker's write-ahead journal (docs/capture.md, "Worker restarts"). Between two
 * checkpoints (a batch holding the log chunks and the assembler's snapshot, tagged with a
 * generation number) every webRequest event and every exchange that did not come from events is
 * appended to small journal keys, written at once. A worker started after a forced stop replays,
 * onto the stored snapshot, the journal keys of the stored generation and later, in the order
 * they were written. No chrome.* here: the writer is given its storage call.
 */

const JOURNAL_PREFIX = 'j:';
/** The storage key of the generation of the last stored checkpoint. */
export const CHECKPOINT_KEY = 'checkpoint';

export interface JournalEntry {
  event?: RawWebRequestEvent;
  /** [tabId, exchange]: an exchange not rebuilt from events (DevTools). */
  exchange?: [number, Exchange];
}

/** A journal key: generation, then the writing worker instance's start time, then a counter. */
export function journalKey(generation: number, instance: number, n: number): string {
  return `${JOURNAL_PREFIX}${generation}:${instance}:${n}`;
}

export interface StoredJournal {
  /** Every journal key found, with its generation (the obsolete ones are removed later). */
  keys: Array<[number, string]>;
  /** The entries to replay (generation >= the stored checkpoint's), in writing order. */
  entries: JournalEntry[];
}

/**
 * Reads the journal out of everything the storage area holds. Keys of older generations are
 * covered by the stored checkpoint; torn or foreign values are skipped.
 */
export function readJournal(all: Record<string, unknown>, checkpointGeneration: number): StoredJournal {
  const keys: Array<[number, string]> = [];
  const found: Array<{ generation: number; instance: number; n: number; entries: JournalEntry[] }> = [];
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(JOURNAL_PREFIX)) continue;
    const parts = key.slice(JOURNAL_PREFIX.length).split(':');
    if (parts.length !== 3) continue;
    const [generation, instance, n] = parts.map(Number) as [number, number, number];
    if (!Number.isInteger(generation) || !Number.isFinite(instance) || !Number.isInteger(n)) continue;
    keys.push([generation, key]);
    if (generation < checkpointGeneration || typeof value !== 'string') continue;
    // Written by packString (header lists interned: a write often holds many events).
    const entries = unpackStored(value);
    if (Array.isArray(entries)) found.push({ generation, instance, n, entries: entries as JournalEntry[] });
  }
  // Instances start one after another, so (generation, instance start, counter) is writing order.
  found.sort((a, b) => a.generation - b.generation || a.instance - b.instance || a.n - b.n);
  return { keys, entries: found.flatMap((f) => f.entries) };
}

/**
 * The writing side, one per worker instance. Entries are written as small keys: one write in
 * flight, at most one every `minGapMs`, what arrives meanwhile goes into the next (group commit).
 * A checkpoint `seal()`s the entries queued so far under the generation they belong to, and moves
 * on to the next generation: if that checkpoint never lands (a stop in the middle), the sealed
 * entries are replayed onto the one before it. Once a checkpoint is stored, `takeObsolete()`
 * gives the keys it made useless (never the one being written).
 */
export class JournalWriter {
  private queue: JournalEntry[] = [];
  private readonly sealed: Array<[number, JournalEntry[]]> = [];
  private seq = 0;
  private writing = false;
  private lastWrite = 0;
  /** The key being written: a checkpoint must not remove it before its write lands. */
  private keyInFlight: string | undefined;
  /** Journal keys written or found, by generation: removed once a later checkpoint is stored. */
  private readonly keys: Array<[number, string]> = [];
  /** The generation entries are written under now (the last checkpoint's, or the one being written). */
  generation = 0;
  /** Counters, for the worker's debug state. */
  writes = 0;
  entries = 0;

  constructor(
    /** This worker instance's start time: orders the keys of successive instances. */
    private readonly instance: number,
    private readonly store: (key: string, value: string) => Promise<void>,
    private readonly minGapMs: number,
  ) {}

  /** Keys found at start-up (readJournal), to be removed by a later checkpoint like ours. */
  adopt(keys: ReadonlyArray<[number, string]>, generation: number): void {
    this.keys.push(...keys);
    this.generation = generation;
  }

  append(entry: JournalEntry): void {
    this.queue.push(entry);
    if (!this.writing) {
      this.writing = true;
      setTimeout(() => void this.write(), 0);
    }
  }

  /** A checkpoint of `next` starts: what is queued belongs to the current generation. */
  seal(next: number): void {
    if (this.queue.length > 0) {
      this.sealed.push([this.generation, this.queue]);
      this.queue = [];
    }
    this.generation = next;
  }

  /** The keys of generations before `stored` (a checkpoint now in storage), forgotten here. */
  takeObsolete(stored: number): string[] {
    const isObsolete = ([g, key]: [number, string]) => g < stored && key !== this.keyInFlight;
    const obsolete = this.keys.filter(isObsolete).map(([, key]) => key);
    for (let i = this.keys.length - 1; i >= 0; i--) if (isObsolete(this.keys[i]!)) this.keys.splice(i, 1);
    return obsolete;
  }

  private async write(): Promise<void> {
    for (;;) {
      const wait = this.lastWrite + this.minGapMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      let batch = this.sealed.shift();
      if (!batch && this.queue.length > 0) {
        batch = [this.generation, this.queue];
        this.queue = [];
      }
      if (!batch) break;
      const [generation, entries] = batch;
      this.lastWrite = Date.now();
      const key = journalKey(generation, this.instance, this.seq++);
      this.keys.push([generation, key]);
      this.keyInFlight = key;
      this.writes++;
      this.entries += entries.length;
      try {
        await this.store(key, packString(entries));
      } catch (e) {
        // Kept in memory and in the next checkpoint all the same.
        console.warn('Corsight: journal write failed', e);
      }
      this.keyInFlight = undefined;
    }
    this.writing = false;
  }
}
