/**
 * One importer for a file someone hands over (a HAR, or a Corsight JSON report), read as a
 * stream of text chunks in bounded memory: the `corsight` command and the panel's import (in a
 * worker) both use it. Entries go through the streaming reader (har-reader.ts), HAR entries
 * through the DevTools mapping (file.ts), a report's exchanges through the shape check
 * (store/read-exchange.ts). Throws HarReadError with one line for a file it cannot read.
 */
import type { Exchange } from '../../engine/types.ts';
import { readImportedExchange } from '../../store/read-exchange.ts';
import { HarExchangeStream, type HarMappingOptions } from './file.ts';
import { HarEntryReader, type HarFileKind } from './har-reader.ts';

export class HarFileImport {
  private readonly reader = new HarEntryReader();
  private readonly stream: HarExchangeStream;
  private reportSkipped = 0;
  private entryCount = 0;

  constructor(
    private readonly onExchange: (exchange: Exchange) => void,
    options: HarMappingOptions = {},
  ) {
    this.stream = new HarExchangeStream((exchange) => onExchange(this.completionShowsCors() ? exchange : markCorsUnchecked(exchange)), options);
  }

  /**
   * Firefox's HAR writes a response its CORS check refused as a plain completed entry, with no
   * error field (measured, Firefox 153 ESR): in its files a completion does not mean the check
   * passed. Read from the file's creator or browser, which come before the entries.
   */
  private completionShowsCors(): boolean {
    const fields = this.reader.fields;
    return !isFirefoxName(fields.creator) && !isFirefoxName(fields.browser);
  }

  /** Feeds the next chunk of the file's text; exchanges come out through `onExchange`. */
  push(chunk: string): void {
    this.take(this.reader.push(chunk));
  }

  /** End of the file: the last entries, and every request still waiting for its preflight or next hop. */
  end(): void {
    this.take(this.reader.end());
    this.stream.end();
  }

  /** 'har' or 'corsight-report' once the file showed which it is. */
  get kind(): HarFileKind | undefined {
    return this.reader.kind;
  }

  /** UTF-8 bytes read so far (for progress against the file's size). */
  get consumedBytes(): number {
    return this.reader.consumedBytes;
  }

  /** Entries read so far (a HAR's entries, or a report's). */
  get entries(): number {
    return this.entryCount;
  }

  /** Entries that gave no cross-origin exchange: same-origin, not HTTP, navigations, unreadable. */
  get skipped(): number {
    return this.stream.skipped + this.reportSkipped;
  }

  private take(list: unknown[]): void {
    for (const raw of list) {
      this.entryCount++;
      if (this.reader.kind === 'corsight-report') {
        const exchange = readImportedExchange(typeof raw === 'object' && raw !== null ? (raw as { exchange?: unknown }).exchange : undefined);
        if (exchange) this.onExchange(exchange);
        else this.reportSkipped++;
      } else this.stream.push(raw);
    }
  }
}

function isFirefoxName(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'Firefox';
}

function markCorsUnchecked(exchange: Exchange): Exchange {
  return exchange.outcome.kind === 'completed' ? { ...exchange, outcome: { kind: 'completed', corsUnchecked: true } } : exchange;
}
