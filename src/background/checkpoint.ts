import type { AssemblerSnapshot, ExchangeAssembler } from '../capture/webrequest/assembler.ts';
import type { BatchId, BatchSequence } from '../capture/devtools/batches.ts';
import type { Exchange } from '../engine/types.ts';
import { CHECKPOINT_KEY, type JournalWriter } from '../store/journal.ts';
import { packString } from '../store/pack.ts';
import { ASSEMBLER_KEY, DEVTOOLS_BATCHES_KEY, HELD_EXCHANGES_KEY } from './recovery.ts';

/** At most this many entries of each list of the assembler's in-flight state are checkpointed. */
const MAX_SNAPSHOT = 300;

export interface CheckpointParts {
  journal: JournalWriter;
  assembler: ExchangeAssembler;
  devtoolsBatches: BatchSequence;
  /**
   * Judges and appends what the pipeline can (its exchanges must be in the logs written); returns
   * the exchanges it still holds, waiting for their page's call (pipeline.ts).
   */
  drainPipeline(): Array<[number, Exchange]>;
  /** Writes the logs' changed chunks together with `extra` in one storage batch. */
  writeLogs(extra: Record<string, unknown>): Promise<void>;
  removeKeys(keys: string[]): Promise<void>;
  /** Tells a tab's DevTools page that its batches up to `batch` are stored (it may drop them). */
  confirmBatch(tabId: number, batch: BatchId): void;
}

/**
 * One checkpoint (docs/capture.md, "Worker restarts"): the exchanges the assembler let go of are
 * written with the in-flight state that no longer holds them, and the DevTools batches with the
 * logs that hold them, in one storage batch, so a stop between two checkpoints neither loses nor
 * duplicates them; the journal then starts a new generation and the older one is removed.
 */
export class Checkpointer {
  /** A DevTools batch was taken since the last checkpoint. */
  batchesDirty = false;
  /** The stored checkpoint may hold exchanges the pipeline held: the next one writes the key again. */
  private heldStored = false;

  constructor(private readonly parts: CheckpointParts) {}

  /**
   * Start-up: whether the stored checkpoint holds exchanges a previous worker held (recover() hands
   * them to this worker's pipeline). They are this worker's now: its first checkpoint must write
   * the key again, or every later start would take them back once more.
   */
  adoptStoredHeld(stored: boolean): void {
    this.heldStored = stored;
  }

  async write(): Promise<void> {
    const { journal, assembler, devtoolsBatches } = this.parts;
    const held = this.parts.drainPipeline();
    const gen = journal.generation + 1;
    const extra: Record<string, unknown> = { [CHECKPOINT_KEY]: gen };
    // Held exchanges are in no log and their events leave the journal with this checkpoint: they
    // are stored with it (an empty list clears what an earlier checkpoint held).
    const heldDirty = held.length > 0 || this.heldStored;
    if (heldDirty) extra[HELD_EXCHANGES_KEY] = packString(held);
    const snapshotDirty = assembler.dirty;
    if (snapshotDirty) extra[ASSEMBLER_KEY] = packString(boundedSnapshot(assembler.snapshot()));
    assembler.dirty = false;
    const batches = devtoolsBatches.snapshot();
    const batchesDirty = this.batchesDirty;
    if (batchesDirty) extra[DEVTOOLS_BATCHES_KEY] = batches;
    this.batchesDirty = false;
    journal.seal(gen);
    try {
      await this.parts.writeLogs(extra);
      if (heldDirty) this.heldStored = held.length > 0;
      const obsolete = journal.takeObsolete(gen);
      if (obsolete.length) await this.parts.removeKeys(obsolete);
      if (batchesDirty) for (const [tabId, batch] of batches) this.parts.confirmBatch(tabId, batch);
    } catch (e) {
      // Written again by the next checkpoint.
      if (snapshotDirty) assembler.dirty = true;
      if (batchesDirty) this.batchesDirty = true;
      console.warn('Corsight: storage batch failed', e);
    }
  }
}

function boundedSnapshot(snapshot: AssemblerSnapshot): AssemblerSnapshot {
  return {
    requests: snapshot.requests.slice(-MAX_SNAPSHOT),
    preflights: snapshot.preflights.slice(-MAX_SNAPSHOT),
    cache: snapshot.cache.slice(-MAX_SNAPSHOT),
    settled: (snapshot.settled ?? []).slice(-MAX_SNAPSHOT),
  };
}
