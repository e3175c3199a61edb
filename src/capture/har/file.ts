import type { Exchange } from '../../engine/types.ts';
import { asRecord, readEntry, type Entry } from './entries.ts';
import { HarStream } from './stream.ts';

export interface HarMappingResult {
  exchanges: Exchange[];
  /** Entries that were same-origin, not HTTP, navigations, or unreadable. */
  skipped: number;
}

export interface HarMappingOptions {
  /** The inspected page's origin, used when an entry carries no Origin header. */
  pageOrigin?: string;
}

/** Maps the entries of a HAR log (or a bare entry array) to Exchanges (an exported HAR file). */
export function harToExchanges(har: unknown, options: HarMappingOptions = {}): HarMappingResult {
  const log = asRecord(asRecord(har)?.log);
  const rawEntries: unknown[] = Array.isArray(har) ? har : Array.isArray(log?.entries) ? (log.entries as unknown[]) : [];
  const exchanges: Exchange[] = [];
  // The whole file is at hand: every actual request waits for the end, so every preflight comes first.
  const stream = new HarExchangeStream((e) => exchanges.push(e), { ...options, window: Infinity });
  for (const raw of rawEntries) stream.push(raw);
  stream.end();
  return { exchanges, skipped: stream.skipped };
}

/**
 * The same mapping for a file read as a stream of entries (src/capture/har/har-reader.ts), in
 * bounded memory. A file lists entries by start time, and an actual request starts before its
 * preflight, so each actual request is held back until `window` more entries have been read:
 * a preflight written within that distance after its request is fed first, as harToExchanges
 * does for a whole file.
 */
export class HarExchangeStream {
  /** Actual requests held back, each with the entry read from it (read once). */
  private readonly held: Array<{ raw: unknown; entry: Entry | undefined }> = [];
  private now = 0;
  private readonly stream: HarStream;

  constructor(emit: (exchange: Exchange) => void, options: HarMappingOptions & { window?: number } = {}) {
    this.stream = new HarStream((e) => emit({ ...e, source: 'har' }), { source: 'har', idPrefix: 'har', now: () => this.now });
    this.stream.pageOrigin = options.pageOrigin;
    this.window = options.window ?? 512;
  }

  private readonly window: number;

  push(raw: unknown): void {
    const entry = readEntry(raw, 0);
    if (entry?.preflightFor !== undefined) this.feed({ raw, entry });
    else this.held.push({ raw, entry });
    while (this.held.length > this.window) this.feed(this.held.shift()!);
  }

  /** End of the file: feeds what is held and emits every pending chain. */
  end(): void {
    for (const held of this.held.splice(0)) this.feed(held);
    this.stream.flush(true);
  }

  /** Entries that were same-origin, not HTTP, navigations, or unreadable. */
  get skipped(): number {
    return this.stream.skipped;
  }

  private feed({ raw, entry }: { raw: unknown; entry: Entry | undefined }): void {
    this.now++;
    this.stream.pushRead(raw, entry);
  }
}
