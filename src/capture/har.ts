import type { Exchange, Hop, HttpHeader, Initiator, PreflightObservation } from '../engine/types.ts';
import { PreflightCacheModel, type ObservedPreflightAnswer } from './preflight-cache.ts';
import { credentialsEvidence, headerValue, isSameOrigin, originOfUrl, requestModeOf } from './request-facts.ts';

/**
 * HAR (as DevTools writes it, `chrome.devtools.network` entries or an exported file) -> Exchange.
 * Pure and lenient: every field is read defensively, since files come from anywhere.
 *
 * DevTools specifics (measured on Chromium 156): each preflight is its own entry with
 * `_resourceType: "preflight"` and `_initiator: {type: "preflight", url: <actual URL>}`; a
 * CORS-blocked response keeps its real status with `response._error: "net::ERR_FAILED"`; an
 * actual request stopped by its preflight has status 0 and provisional request headers (no
 * Origin). Redirect hops are separate entries linked by `response.redirectURL`. A redirect
 * target that still needs a preflight gets its own preflight entry (its `Origin: null` after a
 * cross-origin redirect), which becomes that hop's `Hop.preflight`; when it fails, the target's
 * entry has status 0 and `net::ERR_FAILED`, like a first URL stopped by its preflight.
 */

export interface HarMappingResult {
  exchanges: Exchange[];
  /** Entries that were same-origin, not HTTP, navigations, or unreadable. */
  skipped: number;
}

export interface HarMappingOptions {
  /** The inspected page's origin, used when an entry carries no Origin header. */
  pageOrigin?: string;
}

/** One HAR entry, read defensively. */
export interface Entry {
  index: number;
  method: string;
  url: string;
  requestHeaders: HttpHeader[];
  status: number;
  responseHeaders: HttpHeader[];
  redirectURL: string;
  error: string | undefined;
  resourceType: string;
  initiator: Initiator | undefined;
  preflightFor: string | undefined;
  startedAt: number;
  durationMs: number;
  fromCache: boolean;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function readHeaders(value: unknown): HttpHeader[] {
  if (!Array.isArray(value)) return [];
  const out: HttpHeader[] = [];
  for (const item of value) {
    const record = asRecord(item);
    const name = asString(record?.name);
    if (name === undefined) continue;
    out.push({ name, value: asString(record?.value) ?? '' });
  }
  return out;
}

function readInitiator(value: unknown): Initiator | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const initiator: Initiator = {};
  const type = asString(record.type);
  if (type !== undefined) initiator.type = type;
  const url = asString(record.url);
  if (url !== undefined) initiator.url = url;
  const lineNumber = asNumber(record.lineNumber);
  if (lineNumber !== undefined) initiator.lineNumber = lineNumber;
  const columnNumber = asNumber(record.columnNumber);
  if (columnNumber !== undefined) initiator.columnNumber = columnNumber;
  // DevTools nests async stacks under `parent`; keep the first frames of each level.
  const frames: NonNullable<Initiator['stack']> = [];
  for (let stack = asRecord(record.stack); stack && frames.length < 50; stack = asRecord(stack.parent)) {
    const callFrames = Array.isArray(stack.callFrames) ? stack.callFrames : [];
    for (const frame of callFrames) {
      const f = asRecord(frame);
      if (!f) continue;
      frames.push({
        functionName: asString(f.functionName) ?? '',
        url: asString(f.url) ?? '',
        lineNumber: asNumber(f.lineNumber) ?? 0,
        columnNumber: asNumber(f.columnNumber) ?? 0,
      });
      if (frames.length >= 50) break;
    }
  }
  if (frames.length > 0) {
    initiator.stack = frames;
    if (initiator.url === undefined && frames[0]) {
      initiator.url = frames[0].url;
      initiator.lineNumber = frames[0].lineNumber;
      initiator.columnNumber = frames[0].columnNumber;
    }
  }
  return initiator;
}

export function readEntry(raw: unknown, index: number): Entry | undefined {
  const entry = asRecord(raw);
  const request = asRecord(entry?.request);
  const response = asRecord(entry?.response);
  if (!entry || !request) return undefined;
  const url = asString(request.url);
  const method = asString(request.method);
  if (url === undefined || method === undefined) return undefined;
  const initiator = readInitiator(entry._initiator);
  const resourceType = asString(entry._resourceType) ?? '';
  const started = Date.parse(asString(entry.startedDateTime) ?? '');
  return {
    index,
    method,
    url,
    requestHeaders: readHeaders(request.headers),
    status: asNumber(response?.status) ?? 0,
    responseHeaders: readHeaders(response?.headers),
    redirectURL: asString(response?.redirectURL) ?? '',
    error: asString(response?._error) || undefined,
    resourceType,
    initiator,
    preflightFor: resourceType === 'preflight' || initiator?.type === 'preflight' ? (initiator?.url ?? url) : undefined,
    startedAt: Number.isFinite(started) ? started : 0,
    durationMs: asNumber(entry.time) ?? 0,
    fromCache: asString(entry._fromCache) !== undefined || response?.status === 304,
  };
}

/**
 * A navigation (an iframe's document, a top-level redirect): not a CORS request. A cross-site
 * iframe's document is cross-origin to the page and would otherwise become an exchange; the
 * webRequest capture does not listen to main_frame/sub_frame either.
 */
function isNavigation(entry: Entry): boolean {
  return entry.resourceType === 'document' || headerValue(entry.requestHeaders, 'sec-fetch-mode') === 'navigate';
}

/** The request's page origin: Origin header, then the preflight's, then Referer's origin, then the page. */
function pageOriginOf(first: Entry, preflight: Entry | undefined, fallback: string | undefined): string | undefined {
  const origin = headerValue(first.requestHeaders, 'origin') ?? (preflight ? headerValue(preflight.requestHeaders, 'origin') : undefined);
  if (origin) return origin;
  const referer = headerValue(first.requestHeaders, 'referer');
  return (referer && originOfUrl(referer)) || fallback;
}

function preflightObservation(preflight: Entry): PreflightObservation {
  const observation: PreflightObservation = {
    kind: 'sent',
    url: preflight.url,
    requestHeaders: preflight.requestHeaders,
    startedAt: preflight.startedAt,
    durationMs: preflight.durationMs,
  };
  if (preflight.status > 0) observation.response = { status: preflight.status, headers: preflight.responseHeaders };
  if (preflight.error) observation.error = preflight.error;
  return observation;
}

/**
 * Builds the Exchange of one redirect chain (undefined when same-origin or not HTTP).
 * `hopPreflights[i]` is the preflight sent for the redirect target `chain[i]` (i >= 1).
 */
export function chainToExchange(
  chain: readonly Entry[],
  preflight: Entry | undefined,
  options: {
    pageOrigin?: string;
    cached?: { at: number; maxAgeSeconds?: number };
    source?: 'har' | 'devtools';
    id?: string;
    hopPreflights?: ReadonlyArray<Entry | undefined>;
  },
): Exchange | undefined {
  const first = chain[0];
  if (!first) return undefined;
  const last = chain[chain.length - 1] ?? first;
  const pageOrigin = pageOriginOf(first, preflight, options.pageOrigin);
  if (!originOfUrl(first.url) || !pageOrigin) return undefined;
  if (chain.every((e) => isSameOrigin(e.url, pageOrigin))) return undefined;

  const hops: Hop[] = chain.map((entry, i) => {
    const hop: Hop = { url: entry.url, requestHeaders: entry.requestHeaders };
    // Status 0 means no response came back (e.g. stopped by its preflight).
    if (entry.status > 0) {
      hop.response = { status: entry.status, headers: entry.responseHeaders };
      if (entry.fromCache) hop.response.fromCache = true;
    }
    const hopPreflight = i > 0 ? options.hopPreflights?.[i] : undefined;
    if (hopPreflight) hop.preflight = preflightObservation(hopPreflight);
    return hop;
  });
  let preflightObs: PreflightObservation = { kind: 'none' };
  if (preflight) preflightObs = preflightObservation(preflight);
  else if (options.cached) {
    preflightObs = { kind: 'cached', fromPreflightAt: options.cached.at };
    if (options.cached.maxAgeSeconds !== undefined) preflightObs.maxAgeSeconds = options.cached.maxAgeSeconds;
  }
  const credentials = credentialsEvidence(chain.map((e) => e.requestHeaders));
  const startedAt = Math.min(first.startedAt, preflight?.startedAt ?? first.startedAt);
  const exchange: Exchange = {
    id: options.id ?? `har-${first.index}`,
    source: options.source ?? 'har',
    initiatorOrigin: pageOrigin,
    method: first.method,
    requestHeaders: first.requestHeaders,
    mode: requestModeOf(first.requestHeaders),
    credentials,
    redirect: 'unknown',
    hops,
    preflight: preflightObs,
    outcome: last.error ? { kind: 'failed', error: last.error } : { kind: 'completed' },
    resourceType: first.resourceType,
    startedAt,
    durationMs: Math.max(0, last.startedAt + last.durationMs - startedAt),
  };
  if (first.initiator) exchange.initiator = first.initiator;
  return exchange;
}

function requestedMethod(preflight: Entry): string {
  return headerValue(preflight.requestHeaders, 'access-control-request-method') ?? '';
}

function sameUrl(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

interface PendingChain {
  chain: Entry[];
  /** When the last hop arrived (ms, the stream's clock). */
  at: number;
  /**
   * Complete, but its last hop never got a response (stopped by its preflight?) and no
   * preflight for it has arrived: DevTools may report the preflight after the request it
   * stopped, so the chain waits for it (at most `chainTimeoutMs`).
   */
  awaitingPreflight?: boolean;
}

/**
 * Incremental HAR -> Exchange mapping for a live DevTools network log, where entries arrive
 * as requests finish: a preflight's entry comes before its actual request's; each redirect hop
 * is an entry of its own, linked by `response.redirectURL`, arriving in order. Preflights wait
 * (bounded, 60 s) for their actual request; a chain waits for its next hop until a hop without
 * redirectURL (or with an error) arrives, or `flush()` finds it older than `chainTimeoutMs`
 * (a redirect that was not followed: redirect mode manual/error). Entries already seen (the
 * `getHAR()` backfill overlaps `onRequestFinished`) are skipped.
 */
export class HarStream {
  private preflights: Entry[] = [];
  private chains: PendingChain[] = [];
  private readonly seen = new Set<string>();
  private seenOrder: string[] = [];
  private readonly cache = new PreflightCacheModel(2000);
  private index = 0;
  pageOrigin: string | undefined;
  skipped = 0;

  constructor(
    private readonly emit: (exchange: Exchange) => void,
    private readonly options: { source?: 'har' | 'devtools'; idPrefix?: string; chainTimeoutMs?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** Navigation: DevTools starts a new log; pending state of the old page is dropped. */
  reset(pageOrigin?: string): void {
    this.flush(true);
    this.preflights = [];
    this.seen.clear();
    this.seenOrder = [];
    if (pageOrigin !== undefined) this.pageOrigin = pageOrigin;
  }

  private key(raw: Record<string, unknown>, entry: Entry): string {
    return `${String(raw.startedDateTime)}|${entry.method}|${entry.url}|${String(raw.time)}|${entry.status}`;
  }

  push(raw: unknown): void {
    const entry = readEntry(raw, this.index++);
    if (!entry || isNavigation(entry)) {
      this.skipped++;
      return;
    }
    const key = this.key(raw as Record<string, unknown>, entry);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length > 20_000) {
      for (const k of this.seenOrder.splice(0, 10_000)) this.seen.delete(k);
    }
    if (entry.preflightFor !== undefined) {
      this.preflights.push(entry);
      if (this.preflights.length > 2000) this.preflights.splice(0, 1000);
      const origin = headerValue(entry.requestHeaders, 'origin');
      if (origin) {
        const answer: ObservedPreflightAnswer = { status: entry.status, headers: entry.responseHeaders, startedAt: entry.startedAt, answeredAt: entry.startedAt + entry.durationMs };
        if (entry.error) answer.error = entry.error;
        this.cache.remember(`${origin}\n${entry.url}`, answer);
      }
      const stopped = this.chains.find((c) => c.awaitingPreflight && c.chain[c.chain.length - 1]?.url === entry.preflightFor);
      if (stopped) this.finish(stopped);
      return;
    }
    // A redirect hop continues the oldest chain waiting for this URL.
    let pending =
      this.chains.find((c) => c.chain[c.chain.length - 1]?.redirectURL === entry.url) ??
      // redirectURL is the Location as written; the next hop's URL is parsed (`//:@host` -> `//host`).
      this.chains.find((c) => sameUrl(c.chain[c.chain.length - 1]?.redirectURL, entry.url));
    if (pending) pending.chain.push(entry);
    else {
      pending = { chain: [entry], at: this.now() };
      this.chains.push(pending);
    }
    pending.at = this.now();
    if (!entry.redirectURL || entry.error) {
      const maybeStoppedByPreflight = entry.status === 0 && entry.error === 'net::ERR_FAILED' && !this.preflights.some((p) => p.preflightFor === entry.url);
      if (maybeStoppedByPreflight) pending.awaitingPreflight = true;
      else this.finish(pending);
    }
    this.flush();
  }

  /** Emits chains whose next hop never came (or all of them with `all`). */
  flush(all = false): void {
    const cutoff = this.now() - (this.options.chainTimeoutMs ?? 2000);
    for (const pending of this.chains) if (all || pending.at < cutoff) this.finish(pending);
    const preflightCutoff = this.now() - 60_000;
    if (this.preflights.length && (this.preflights[0]?.startedAt ?? 0) < preflightCutoff) {
      this.preflights = this.preflights.filter((p) => p.startedAt >= preflightCutoff);
    }
  }

  get pendingChains(): number {
    return this.chains.length;
  }

  /**
   * Removes and returns the oldest waiting preflight for `url` and `method` whose Origin
   * `originFits`, started at or after `startedFrom`.
   */
  private takePreflight(url: string, method: string, originFits: (origin: string | undefined) => boolean, startedFrom = 0): Entry | undefined {
    const preflight = this.preflights.find(
      (p) => p.preflightFor === url && requestedMethod(p) === method && p.startedAt >= startedFrom && originFits(headerValue(p.requestHeaders, 'origin')),
    );
    if (preflight) this.preflights = this.preflights.filter((p) => p !== preflight);
    return preflight;
  }

  /**
   * The preflight of each redirect target of a chain (index = hop; undefined: none seen): the
   * OPTIONS to that URL started after the previous hop did (a target's own entry starts before
   * its preflight, so only the previous hop bounds it), sent with the hop's Origin or, when the
   * hop never reached the network (provisional headers, no Origin), `null` (tainted by a
   * cross-origin redirect) or the page's.
   */
  private takeHopPreflights(chain: readonly Entry[], pageOrigin: string | undefined): Array<Entry | undefined> {
    const found: Array<Entry | undefined> = [];
    const method = chain[0]?.method ?? '';
    for (let i = 1; i < chain.length; i++) {
      const hop = chain[i]!;
      const sentOrigin = headerValue(hop.requestHeaders, 'origin');
      const originFits = (o: string | undefined) => (sentOrigin !== undefined ? o === sentOrigin : o === 'null' || o === pageOrigin);
      found[i] = this.takePreflight(hop.url, method, originFits, chain[i - 1]!.startedAt);
    }
    return found;
  }

  private finish(pending: PendingChain): void {
    this.chains = this.chains.filter((c) => c !== pending);
    const first = pending.chain[0];
    if (!first) return;
    const origin = headerValue(first.requestHeaders, 'origin');
    // Stopped by its preflight, the first request shows no Origin (provisional headers): an
    // `Origin: null` OPTIONS to the same URL is more likely another chain's redirect-target
    // preflight, so it is taken only when no other fits.
    const preflight =
      origin !== undefined
        ? this.takePreflight(first.url, first.method, (o) => o === origin)
        : (this.takePreflight(first.url, first.method, (o) => o !== 'null') ?? this.takePreflight(first.url, first.method, () => true));
    const pageOrigin = pageOriginOf(first, preflight, this.pageOrigin);
    const hopPreflights = this.takeHopPreflights(pending.chain, pageOrigin);
    const cached = !preflight && pageOrigin ? this.cache.lookup(`${pageOrigin}\n${first.url}`, first.startedAt) : undefined;
    const exchange = chainToExchange(pending.chain, preflight, {
      pageOrigin: this.pageOrigin,
      cached,
      source: this.options.source ?? 'devtools',
      id: `${this.options.idPrefix ?? 'dt'}-${first.startedAt}-${first.index}`,
      hopPreflights,
    });
    if (exchange) this.emit(exchange);
    else this.skipped++;
  }
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
