import type { Exchange } from '../../engine/types.ts';
import { asRecord, readEntry } from './entries.ts';
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
  // A file is ordered by start time (the actual request starts before its preflight): feed
  // preflights first so each actual request finds its own.
  const entries = rawEntries.map((raw, index) => ({ raw, entry: readEntry(raw, index) }));
  const exchanges: Exchange[] = [];
  let now = 0;
  const stream = new HarStream((e) => exchanges.push({ ...e, source: 'har' }), { source: 'har', idPrefix: 'har', now: () => now });
  stream.pageOrigin = options.pageOrigin;
  const ordered = [
    ...entries.filter((e) => e.entry?.preflightFor !== undefined),
    ...entries.filter((e) => e.entry?.preflightFor === undefined),
  ];
  for (const { raw } of ordered) {
    now++;
    stream.push(raw);
  }
  stream.flush(true);
  return { exchanges, skipped: stream.skipped };
}
