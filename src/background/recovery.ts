/**
 * Start-up recovery: what the previous service-worker instance left in storage.session, applied
 * to the new instance's assembler and DevTools batch sequence. No chrome.* here, so the journal
 * tests run exactly this (docs/capture.md, "Worker restarts").
 *
 * Order matters and is the one the worker relied on before it was stopped: the checkpoint (the
 * assembler's snapshot and the DevTools batches it held), then every journal entry of the
 * checkpoint's generation and later, in writing order; requests still pending after that are
 * watched as orphans (their end may have been dispatched to the stopped instance).
 */
import type { AssemblerSnapshot, ExchangeAssembler } from '../capture/webrequest/assembler.ts';
import type { BatchSequence } from '../capture/devtools/batches.ts';
import type { Exchange } from '../engine/types.ts';
import { CHECKPOINT_KEY, readJournal } from '../store/journal.ts';
import { unpackStored } from '../store/pack.ts';

/** storage.session keys of the worker's own state (the tab logs have theirs: src/store/tab-log.ts). */
export const CAPTURE_KEY = 'capture';
export const ASSEMBLER_KEY = 'assembler';
/** The DevTools pages' last batch taken per tab, written with the logs that hold it. */
export const DEVTOOLS_BATCHES_KEY = 'devtoolsBatches';
/** Exchanges the pipeline held for their page's call when the checkpoint was written: [tabId, exchange][]. */
export const HELD_EXCHANGES_KEY = 'heldExchanges';

export interface Recovered {
  /** Tabs that were being captured with webRequest. */
  capturedTabs: number[];
  /** The generation of the stored checkpoint. */
  checkpointGen: number;
  /** Every journal key found, with its generation (older ones are removed by the next checkpoint). */
  journalKeys: Array<[number, string]>;
  /**
   * Exchanges for the pipeline to take again, in order: those it held at the checkpoint, then
   * those journaled without events (from DevTools).
   */
  replayedExchanges: Array<[number, Exchange]>;
  /** The stored checkpoint held exchanges for their page's call (the first of replayedExchanges). */
  heldStored: boolean;
}

/** The captured-tab set as stored; anything else reads as none. */
export function storedCapturedTabs(stored: Record<string, unknown>): number[] {
  const tabs = stored[CAPTURE_KEY];
  return Array.isArray(tabs) ? tabs.filter((t): t is number => Number.isInteger(t)) : [];
}

/** The held exchanges as stored (the worker's own storage, like the journal's exchanges): [tabId, exchange] pairs. */
function storedHeldExchanges(value: unknown): Array<[number, Exchange]> {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is [number, Exchange] => Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && typeof v[1] === 'object' && v[1] !== null);
}

/** Restores the checkpoint and replays the journal onto `assembler` and `batches`; `now` starts the orphan watch. */
export function recover(stored: Record<string, unknown>, assembler: ExchangeAssembler, batches: BatchSequence, now: number): Recovered {
  assembler.restore(unpackStored(stored[ASSEMBLER_KEY]) as AssemblerSnapshot | undefined, now);
  const checkpointGen = typeof stored[CHECKPOINT_KEY] === 'number' ? stored[CHECKPOINT_KEY] : 0;
  batches.restore(stored[DEVTOOLS_BATCHES_KEY]);
  const journal = readJournal(stored, checkpointGen);
  const replayedExchanges = storedHeldExchanges(unpackStored(stored[HELD_EXCHANGES_KEY]));
  const heldStored = replayedExchanges.length > 0;
  for (const entry of journal.entries) {
    if (entry.event) assembler.push(entry.event);
    else if (entry.exchange) replayedExchanges.push(entry.exchange);
  }
  // The replayed events are the old worker's, not signs of life here.
  assembler.watchPendingAsOrphans(now);
  return { capturedTabs: storedCapturedTabs(stored), checkpointGen, journalKeys: journal.keys, replayedExchanges, heldStored };
}
