import { methodAfterRedirect } from '../../engine/fetch.ts';
import type { Exchange, Hop, ObservedResponse } from '../../engine/types.ts';
import { ExchangeBuilder, type ObservedRequest, type SentPreflight } from '../exchange-builder.ts';
import { headerValue, originOfUrl } from '../request-facts.ts';
import { isNavigation, readEntry, type Entry } from './entries.ts';

/**
 * HAR entries (the live DevTools network log, or an exported file) -> Exchange. Pure and lenient.
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

/** The request's page origin: Origin header, then the preflight's, then Referer's origin, then the page. */
function pageOriginOf(first: Entry, preflight: Entry | undefined, fallback: string | undefined): string | undefined {
  const origin = headerValue(first.requestHeaders, 'origin') ?? (preflight ? headerValue(preflight.requestHeaders, 'origin') : undefined);
  if (origin) return origin;
  const referer = headerValue(first.requestHeaders, 'referer');
  return (referer && originOfUrl(referer)) || fallback;
}

function preflightObservation(preflight: Entry): SentPreflight {
  const observation: SentPreflight = {
    kind: 'sent',
    url: preflight.url,
    requestHeaders: preflight.requestHeaders,
    startedAt: preflight.startedAt,
    durationMs: preflight.durationMs,
  };
  if (preflight.status > 0) observation.response = responseOf(preflight);
  if (preflight.error) observation.error = preflight.error;
  return observation;
}

function responseOf(entry: Entry): ObservedResponse {
  const response: ObservedResponse = { status: entry.status, headers: entry.responseHeaders };
  if (entry.statusUnknown) response.statusUnknown = true;
  return response;
}

/**
 * What the entries of one redirect chain show of its request. `hopPreflights[i]` is the
 * preflight sent for the redirect target `chain[i]` (i >= 1).
 */
function observedChain(
  chain: readonly [Entry, ...Entry[]],
  preflight: Entry | undefined,
  options: { pageOrigin: string | undefined; source: 'har' | 'devtools'; id: string; hopPreflights: ReadonlyArray<Entry | undefined> },
): ObservedRequest {
  const first = chain[0];
  const last = chain[chain.length - 1] ?? first;
  const hops: Hop[] = chain.map((entry, i) => {
    const hop: Hop = { url: entry.url, requestHeaders: entry.requestHeaders };
    // Status 0 means no response came back (e.g. stopped by its preflight).
    if (entry.status > 0) {
      hop.response = responseOf(entry);
      if (entry.fromCache) hop.response.fromCache = true;
    }
    const hopPreflight = i > 0 ? options.hopPreflights[i] : undefined;
    if (hopPreflight) hop.preflight = preflightObservation(hopPreflight);
    return hop;
  });
  const observed: ObservedRequest = {
    id: options.id,
    source: options.source,
    pageOrigin: options.pageOrigin,
    method: first.method,
    requestHeaders: first.requestHeaders,
    hops,
    preflight: preflight ? preflightObservation(preflight) : undefined,
    outcome: last.error ? { kind: 'failed', error: last.error } : { kind: 'completed' },
    resourceType: first.resourceType,
    startedAt: first.startedAt,
    endedAt: last.startedAt + last.durationMs,
  };
  if (first.initiator) observed.initiator = first.initiator;
  return observed;
}

function requestedMethod(preflight: Entry): string {
  return headerValue(preflight.requestHeaders, 'access-control-request-method') ?? '';
}


interface PendingChain {
  id: number;
  chain: Entry[];
  /** The URLs its last hop redirected to (the Location as written, and parsed), while it waits for that hop. */
  awaitedUrls?: string[];
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
/** A URL as the URL parser writes it (`//:@host` -> `//host`), or undefined when it does not parse. */
function parsedHref(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/**
 * Preflights waiting for their actual request, by the URL they were sent for, oldest first;
 * bounded (the oldest half goes when full). Every operation is proportional to the preflights
 * of one URL, never to all of them (a HAR file may hold hundreds of thousands of entries).
 */
class PreflightPool {
  private readonly byUrl = new Map<string, Entry[]>();
  /** Arrival order, for expiry and the bound; taken entries are skipped lazily. */
  private order: Entry[] = [];
  private head = 0;
  private readonly taken = new WeakSet<Entry>();
  private count = 0;

  constructor(private readonly capacity: number) {}

  add(entry: Entry, url: string): void {
    let list = this.byUrl.get(url);
    if (!list) this.byUrl.set(url, (list = []));
    list.push(entry);
    this.order.push(entry);
    this.count++;
    if (this.count > this.capacity) this.dropOldest(this.count - this.capacity / 2, () => true);
  }

  has(url: string): boolean {
    return (this.byUrl.get(url)?.length ?? 0) > 0;
  }

  /** Removes and returns the oldest preflight for `url` that `fits`. */
  take(url: string, fits: (entry: Entry) => boolean): Entry | undefined {
    const list = this.byUrl.get(url);
    const i = list ? list.findIndex(fits) : -1;
    if (!list || i < 0) return undefined;
    const [entry] = list.splice(i, 1);
    if (list.length === 0) this.byUrl.delete(url);
    this.taken.add(entry!);
    this.count--;
    return entry;
  }

  /** Forgets the preflights that started before `cutoff`, oldest first (arrival order). */
  expire(cutoff: number): void {
    this.dropOldest(Infinity, (entry) => entry.startedAt < cutoff);
  }

  clear(): void {
    this.byUrl.clear();
    this.order = [];
    this.head = 0;
    this.count = 0;
  }

  private dropOldest(n: number, drop: (entry: Entry) => boolean): void {
    while (n > 0 && this.head < this.order.length) {
      const entry = this.order[this.head]!;
      if (this.taken.has(entry)) {
        this.head++;
        continue;
      }
      if (!drop(entry)) break;
      this.head++;
      n--;
      const url = entry.preflightFor ?? entry.url;
      const list = this.byUrl.get(url);
      const i = list ? list.indexOf(entry) : -1;
      if (list && i >= 0) list.splice(i, 1);
      if (list && list.length === 0) this.byUrl.delete(url);
      this.count--;
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}

export class HarStream {
  private readonly preflights = new PreflightPool(2000);
  /** Pending chains, in the order they last changed (re-inserted on each hop): flush stops at the first recent one. */
  private readonly chains = new Map<number, PendingChain>();
  private nextChainId = 0;
  /** Pending chains by the URL their last hop redirected to, oldest first. */
  private readonly awaiting = new Map<string, PendingChain[]>();
  /** Complete chains waiting for the preflight that may have stopped their last hop, by that hop's URL. */
  private readonly awaitingPreflight = new Map<string, PendingChain[]>();
  private readonly seen = new Set<string>();
  private seenOrder: string[] = [];
  /** Same-origin dismissal, mode, credentials and the preflight-cache model (one page: one scope). */
  private readonly builder = new ExchangeBuilder(2000);
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
    this.preflights.clear();
    this.seen.clear();
    this.seenOrder = [];
    if (pageOrigin !== undefined) this.pageOrigin = pageOrigin;
  }

  private key(raw: Record<string, unknown>, entry: Entry): string {
    return `${String(raw.startedDateTime)}|${entry.method}|${entry.url}|${String(raw.time)}|${entry.status}`;
  }

  push(raw: unknown): void {
    this.pushRead(raw, readEntry(raw, 0));
  }

  /** `push` for an entry its caller has read already (HarExchangeStream reads each to sort it). */
  pushRead(raw: unknown, entry: Entry | undefined): void {
    if (entry) entry.index = this.index;
    this.index++;
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
      this.preflights.add(entry, entry.preflightFor);
      this.builder.rememberPreflight('', preflightObservation(entry), entry.startedAt + entry.durationMs);
      const stopped = this.awaitingPreflight.get(entry.preflightFor)?.[0];
      if (stopped) this.finish(stopped);
      return;
    }
    // A redirect hop continues the oldest chain waiting for this URL. redirectURL is the Location
    // as written; the next hop's URL is parsed (`//:@host` -> `//host`): both are keys.
    let pending = this.awaiting.get(entry.url)?.[0];
    // (No chain waiting at all, the usual case: no URL to parse.)
    if (!pending && this.awaiting.size > 0) {
      const href = parsedHref(entry.url);
      if (href !== undefined && href !== entry.url) pending = this.awaiting.get(href)?.[0];
    }
    if (pending) {
      this.stopAwaiting(pending);
      pending.chain.push(entry);
    } else pending = { id: this.nextChainId++, chain: [entry], at: 0 };
    this.touch(pending);
    if (!entry.redirectURL || entry.error) {
      const maybeStoppedByPreflight = entry.status === 0 && entry.error === 'net::ERR_FAILED' && !this.preflights.has(entry.url);
      if (maybeStoppedByPreflight) addTo(this.awaitingPreflight, entry.url, pending);
      else this.finish(pending);
    } else {
      const keys = [entry.redirectURL];
      const href = parsedHref(entry.redirectURL);
      if (href !== undefined && href !== entry.redirectURL) keys.push(href);
      pending.awaitedUrls = keys;
      for (const key of keys) addTo(this.awaiting, key, pending);
    }
    this.flush();
  }

  /** Emits chains whose next hop never came (or all of them with `all`). */
  flush(all = false): void {
    const cutoff = this.now() - (this.options.chainTimeoutMs ?? 2000);
    for (const pending of this.chains.values()) {
      if (!all && pending.at >= cutoff) break;
      this.finish(pending);
    }
    this.preflights.expire(this.now() - 60_000);
  }

  /** The chain changed now: it moves to the end of the flush order. */
  private touch(pending: PendingChain): void {
    pending.at = this.now();
    this.chains.delete(pending.id);
    this.chains.set(pending.id, pending);
  }

  private stopAwaiting(pending: PendingChain): void {
    for (const key of pending.awaitedUrls ?? []) removeFrom(this.awaiting, key, pending);
    delete pending.awaitedUrls;
    const last = pending.chain[pending.chain.length - 1];
    if (last) removeFrom(this.awaitingPreflight, last.url, pending);
  }

  get pendingChains(): number {
    return this.chains.size;
  }

  /**
   * Removes and returns the oldest waiting preflight for `url` and `method` whose Origin
   * `originFits`, started at or after `startedFrom`.
   */
  private takePreflight(url: string, method: string, originFits: (origin: string | undefined) => boolean, startedFrom = 0): Entry | undefined {
    return this.preflights.take(url, (p) => requestedMethod(p) === method && p.startedAt >= startedFrom && originFits(headerValue(p.requestHeaders, 'origin')));
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
    let method = chain[0]?.method ?? '';
    for (let i = 1; i < chain.length; i++) {
      const hop = chain[i]!;
      // The target's OPTIONS asks for the method the redirect left (a 303 makes a GET).
      method = methodAfterRedirect(chain[i - 1]!.status, method);
      const sentOrigin = headerValue(hop.requestHeaders, 'origin');
      const originFits = (o: string | undefined) => (sentOrigin !== undefined ? o === sentOrigin : o === 'null' || o === pageOrigin);
      found[i] = this.takePreflight(hop.url, method, originFits, chain[i - 1]!.startedAt);
    }
    return found;
  }

  private finish(pending: PendingChain): void {
    this.chains.delete(pending.id);
    this.stopAwaiting(pending);
    const chain = pending.chain;
    if (!isNonEmpty(chain)) return;
    const first = chain[0];
    const origin = headerValue(first.requestHeaders, 'origin');
    // Stopped by its preflight, the first request shows no Origin (provisional headers): an
    // `Origin: null` OPTIONS to the same URL is more likely another chain's redirect-target
    // preflight, so it is taken only when no other fits.
    const preflight =
      origin !== undefined
        ? this.takePreflight(first.url, first.method, (o) => o === origin)
        : (this.takePreflight(first.url, first.method, (o) => o !== 'null') ?? this.takePreflight(first.url, first.method, () => true));
    const pageOrigin = pageOriginOf(first, preflight, this.pageOrigin);
    const hopPreflights = this.takeHopPreflights(chain, pageOrigin);
    const observed = observedChain(chain, preflight, {
      pageOrigin,
      source: this.options.source ?? 'devtools',
      id: `${this.options.idPrefix ?? 'dt'}-${first.startedAt}-${first.index}`,
      hopPreflights,
    });
    const exchange = this.builder.build(observed, '');
    if (exchange) this.emit(exchange);
    else this.skipped++;
  }
}

function isNonEmpty<T>(list: T[]): list is [T, ...T[]] {
  return list.length > 0;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function removeFrom<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  const i = list ? list.indexOf(value) : -1;
  if (!list || i < 0) return;
  list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
