import { HarFileImport } from '../capture/har/import.ts';
import { judge } from '../engine/index.ts';
import { REDACTED } from '../store/redact.ts';
import type { Exchange, HttpHeader } from '../engine/types.ts';
import type { ExchangeRecord } from '../store/report.ts';

/** Export (JSON report, HAR) and import (HAR, report) of the panel's exchanges. Pure. */

type HarHeader = { name: string; value: string };
interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; headers: HarHeader[]; queryString: []; cookies: []; headersSize: -1; bodySize: -1 };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarHeader[];
    cookies: [];
    content: { size: 0; mimeType: string };
    redirectURL: string;
    headersSize: -1;
    bodySize: -1;
    _error?: string;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  _resourceType: string;
  _initiator?: unknown;
  _fromCache?: string;
}

function iso(ms: number | undefined): string {
  return new Date(ms !== undefined && Number.isFinite(ms) ? ms : 0).toISOString();
}

function headers(list: readonly HttpHeader[] | undefined): HarHeader[] {
  return (list ?? []).map((h) => ({ name: h.name, value: h.value }));
}

function entry(method: string, url: string, reqHeaders: readonly HttpHeader[] | undefined, startedAt: number | undefined, time: number): HarEntry {
  return {
    startedDateTime: iso(startedAt),
    time,
    request: { method, url, httpVersion: 'HTTP/1.1', headers: headers(reqHeaders), queryString: [], cookies: [], headersSize: -1, bodySize: -1 },
    response: {
      status: 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: Math.max(0, time), receive: 0 },
    _resourceType: 'fetch',
  };
}

/**
 * HAR 1.2 of the exchanges, in the shape DevTools writes (preflights as their own entries with
 * `_resourceType: "preflight"`, blocked responses with `_error`), so it imports back here and
 * opens in any HAR viewer. Bodies are not captured.
 */
export function exchangesToHar(exchanges: readonly Exchange[], creatorVersion = '0.1.0', redacted = false): unknown {
  const entries: HarEntry[] = [];
  for (const ex of exchanges) {
    const first = ex.hops[0];
    if (!first) continue;
    const pf = ex.preflight;
    if (pf.kind === 'sent') {
      const e = entry('OPTIONS', pf.url, pf.requestHeaders, pf.startedAt ?? ex.startedAt, pf.durationMs ?? 0);
      e._resourceType = 'preflight';
      e._initiator = { type: 'preflight', url: first.url };
      if (pf.response) {
        e.response.status = pf.response.statusUnknown ? 0 : pf.response.status;
        e.response.statusText = pf.response.statusText ?? '';
        e.response.headers = headers(pf.response.headers);
      }
      if (pf.error) e.response._error = pf.error;
      entries.push(e);
    }
    // The page's origin must survive the trip: the first request names it unless the preflight does.
    let firstHeaders: readonly HttpHeader[] = first.requestHeaders ?? ex.requestHeaders;
    const named = (list: readonly HttpHeader[]) => list.some((h) => h.name.toLowerCase() === 'origin');
    if (!named(firstHeaders) && !(pf.kind === 'sent' && named(pf.requestHeaders))) {
      firstHeaders = [...firstHeaders, { name: 'Origin', value: ex.initiatorOrigin }];
    }
    ex.hops.forEach((hop, i) => {
      const last = i === ex.hops.length - 1;
      const e = entry(ex.method, hop.url, i === 0 ? firstHeaders : hop.requestHeaders, ex.startedAt, last ? (ex.durationMs ?? 0) : 0);
      e._resourceType = ex.resourceType || 'fetch';
      if (i === 0 && ex.initiator) {
        e._initiator = ex.initiator.stack
          ? { type: ex.initiator.type ?? 'script', stack: { callFrames: ex.initiator.stack.map((f) => ({ ...f, scriptId: '' })) } }
          : { ...ex.initiator };
      }
      if (hop.response) {
        e.response.status = hop.response.statusUnknown ? 0 : hop.response.status;
        e.response.statusText = hop.response.statusText ?? '';
        e.response.headers = headers(hop.response.headers);
        if (hop.response.fromCache) e._fromCache = 'disk';
      }
      const next = ex.hops[i + 1];
      if (next) e.response.redirectURL = next.url;
      if (last && ex.outcome.kind === 'failed') e.response._error = ex.outcome.error;
      entries.push(e);
    });
  }
  return {
    log: {
      version: '1.2',
      creator: { name: 'Corsight', version: creatorVersion },
      comment: redacted
        ? `Redacted by Corsight: cookie and authorization values, query values and URL passwords read ${REDACTED}.`
        : 'Not redacted: cookies, credentials and query strings are as captured.',
      pages: [],
      entries,
    },
  };
}

export interface ImportResult {
  records: ExchangeRecord[];
  /** Entries that gave no cross-origin exchange (same-origin, not HTTP, navigations, unreadable). */
  skipped: number;
  /** Cross-origin exchanges past `limit`, not kept. */
  dropped: number;
}

export interface ImportProgress {
  /** UTF-8 bytes read. */
  bytes: number;
  entries: number;
  exchanges: number;
}

/** What the panel keeps of one file: its list stays smooth, and `corsight har` reads any size. */
export const IMPORT_LIMIT = 50_000;

/**
 * Reads a HAR file or a Corsight JSON report chunk by chunk (capture/har/import.ts: bounded
 * memory, one clear line when the file cannot be read) and judges every cross-origin exchange
 * (the panel explains the one the user opens), keeping the first `limit`; a HAR's are ordered
 * by start time, a report's as written.
 */
export class FileImport {
  private readonly records: ExchangeRecord[] = [];
  private dropped = 0;
  private readonly file: HarFileImport;

  constructor(private readonly options: { pageOrigin?: string; limit?: number } = {}) {
    this.file = new HarFileImport((exchange) => this.add(exchange), options.pageOrigin ? { pageOrigin: options.pageOrigin } : {});
  }

  push(chunk: string): void {
    this.file.push(chunk);
  }

  get progress(): ImportProgress {
    return { bytes: this.file.consumedBytes, entries: this.file.entries, exchanges: this.records.length + this.dropped };
  }

  end(): ImportResult {
    this.file.end();
    if (this.file.kind === 'har') this.records.sort((a, b) => (a.exchange.startedAt ?? 0) - (b.exchange.startedAt ?? 0));
    this.records.forEach((r, i) => (r.seq = i + 1));
    return { records: this.records, skipped: this.file.skipped, dropped: this.dropped };
  }

  private add(exchange: Exchange): void {
    if (this.records.length >= (this.options.limit ?? IMPORT_LIMIT)) {
      this.dropped++;
      return;
    }
    this.records.push({ seq: 0, exchange, verdict: judge(exchange) });
  }
}

/** A whole file's text at once (tests, small files): the same import. */
export function importFile(text: string, pageOrigin?: string): ImportResult {
  const file = new FileImport(pageOrigin ? { pageOrigin } : {});
  file.push(text);
  return file.end();
}
