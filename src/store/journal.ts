import type { RawWebRequestEvent } from '../capture/raw-event.ts';
import type { Exchange } from '../engine/types.ts';
import { unpackStored } from './pack.ts';

/**
 * The worker's write-ahead journal (docs/capture.md, "Worker restarts"). Between two
 * checkpoints (a batch holding the log chunks and the assembler's snapshot, tagged with a
 * generation number) every webRequest event and every exchange that did not come from events is
 * appended to small journal keys, written at once. A worker started after a forced stop replays,
 * onto the stored snapshot, the journal keys of the stored generation and later, in the order
 * they were written. Pure: the worker does the storage calls.
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
