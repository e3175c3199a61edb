import { methodAfterRedirect } from '../../engine/fetch.ts';
import type { Diagnosis, Exchange, Hop, HttpHeader, Outcome } from '../../engine/types.ts';
import { ExchangeBuilder, type SentPreflight } from '../exchange-builder.ts';
import type { PreflightCacheEntry } from '../preflight-cache.ts';
import { headerValue } from '../request-facts.ts';
import type { RawWebRequestEvent } from './raw-event.ts';

/**
 * Rebuilds Exchanges from webRequest events (pure: no chrome.* here, so it is testable and
 * reusable). Chrome, with `extraHeaders`, reports for a preflighted request: the OPTIONS as its
 * own request (beforeSendHeaders -> headersReceived -> completed), then the actual request; if
 * the preflight failed the actual request only gets `error`. A redirect of the actual request
 * is a new beforeSendHeaders under the same requestId. Firefox reports the actual request's
 * beforeSendHeaders before the OPTIONS, and a CORS-rejected response as `completed`.
 *
 * Pairing a preflight with the request it guards: same tab and frame, same URL, same Origin,
 * Access-Control-Request-Method = the method (a redirect target's: as the redirect left it, a 303
 * makes a GET), started before the actual request settled,
 * not claimed yet, oldest first (identical requests in flight pair in the order they were made);
 * when several fit, the one whose Access-Control-Request-Headers equals the actual request's
 * CORS-unsafe header names wins. An actual request without a visible preflight is matched
 * against a model of the preflight cache (earlier 2xx preflight answers and their Max-Age).
 * A redirect target gets its own preflight when the request still needs one (Chromium sends it
 * after the redirect, with `Origin: null` once a cross-origin redirect tainted the origin): the
 * OPTIONS to that URL started after the redirect response is that hop's `Hop.preflight`, never
 * the first URL's. When it fails, the actual request's only event for the target is `error`.
 *
 * The in-flight state is small and plain: `snapshot()` / `restore()` carry it across a
 * service-worker restart, so a request whose events straddle the restart is still paired.
 *
 * Orphans: a forced worker stop can lose a request's completion event (docs/capture.md, "Worker
 * restarts"). A request restored by `restore()` that gets no event at all in the new worker by
 * `orphanDeadline` is settled by `settleOrphans()` when its response headers were seen: the
 * outcome is inferred from the engine's CORS verdict on them (blocked -> `net::ERR_FAILED`) and
 * marked `outcomeInferred`. One without a response is emitted with the outcome `unobserved`
 * (its response and completion went to the stopping worker) and stays pending: if its events do
 * come after all (a slow server), the real exchange is emitted under the same `id`, and the log
 * replaces the unobserved one. A restored preflight that failed and that no request claimed is
 * settled as the request it stopped (its lone `error` event was lost), also `outcomeInferred`;
 * so is one restored with its answer but not its end (both ends went to the stopping worker).
 * One restored without an answer that then hears nothing is emitted as the request it guarded,
 * `unobserved`, under `wr-pf-<OPTIONS requestId>`, an id the exchange claiming it later takes.
 * Requests never restored are never settled this way.
 *
 * Every emitted request's id is remembered for a while (in the snapshot too): a late event for
 * it (after an inferred outcome, or an event Chromium delivered again to the next worker after
 * the stopped one had handled and persisted it) never makes a second exchange.
 */

interface PendingRequest {
  requestId: string;
  tabId: number;
  frameId: number;
  method: string;
  type: string;
  initiator?: string;
  startedAt: number;
  hops: Hop[];
  /** Headers of the first hop as sent. */
  requestHeaders: HttpHeader[];
  /** When the last response headers arrived. */
  respondedAt?: number;
  /** Already emitted with the outcome `unobserved` (settleOrphans): never emitted so twice. */
  unobservedEmitted?: true;
  /**
   * When the redirect to hops[i + 1] arrived (the redirect response's headers), set only for
   * redirected requests: a redirect target's own preflight starts after it.
   */
  redirectedAt?: number[];
}

interface PreflightRecord {
  requestId: string;
  tabId: number;
  frameId: number;
  url: string;
  origin: string | undefined;
  requestedMethod: string;
  requestedHeaders: string;
  observation: SentPreflight;
  settled: boolean;
  claimed: boolean;
  settledAt?: number;
  /**
   * Restored without an answer, and no event came for it after the restore: the request it
   * guarded was emitted with the outcome `unobserved` (settleOrphans), under `wr-pf-<requestId>`;
   * the exchange that claims this preflight later takes that id, so the log replaces it.
   */
  unobservedEmitted?: true;
}

/** What an OPTIONS must match to be the preflight of one URL of a request. */
interface PreflightWanted {
  url: string;
  /** The method the OPTIONS asks for (Access-Control-Request-Method). */
  method: string;
  /** `Origin` values the OPTIONS may carry. */
  origins: readonly string[];
  /** The OPTIONS started within [startedFrom, startedBy]. */
  startedFrom: number;
  startedBy: number;
}

/** Plain, JSON-serialisable in-flight state (for storage across worker restarts). */
export interface AssemblerSnapshot {
  requests: PendingRequest[];
  preflights: PreflightRecord[];
  cache: Array<[string, PreflightCacheEntry]>;
  /** Requests already emitted (requestId, when): their late events are ignored. */
  settled?: Array<[string, number]>;
}

/** How long an unclaimed preflight waits for its actual request before it is forgotten. */
const PREFLIGHT_CLAIM_WINDOW_MS = 60_000;
/** A request with no event for this long is dropped from the in-flight table. */
const STALE_REQUEST_MS = 10 * 60_000;
/** Bounds, so a misbehaving page cannot grow the worker without limit. */
const MAX_PENDING = 5000;
const MAX_CACHE = 2000;
/** How long a restored request may stay silent before it is settled as an orphan. */
export const ORPHAN_GRACE_MS = 3000;
/** How long (and how many) settled orphans are remembered, to ignore their late events. */
const SETTLED_MEMORY_MS = STALE_REQUEST_MS;
const MAX_SETTLED = 300;

/** Sorted, lower-case, comma-joined names that are not CORS-safelisted by name (approximation for tie-breaks). */
const SAFE_OR_BROWSER = new Set([
  'accept',
  'accept-language',
  'content-language',
  'content-type',
  'range',
  'origin',
  'referer',
  'user-agent',
  'cookie',
  'host',
  'connection',
  'accept-encoding',
  'content-length',
  'cache-control',
  'pragma',
]);
function unsafeNames(headers: readonly HttpHeader[]): string {
  const names: string[] = [];
  for (const h of headers) {
    const n = h.name.toLowerCase();
    if (SAFE_OR_BROWSER.has(n) || n.startsWith('sec-') || n.startsWith('proxy-')) continue;
    names.push(n);
  }
  return names.sort().join(',');
}

function isPreflight(event: RawWebRequestEvent): boolean {
  return (
    event.method === 'OPTIONS' &&
    headerValue(event.requestHeaders, 'access-control-request-method') !== undefined &&
    headerValue(event.requestHeaders, 'origin') !== undefined
  );
}

/** Appends a redirect target, noting when the redirect (the last response seen) arrived. */
function appendRedirectHop(request: PendingRequest, hop: Hop): void {
  request.hops.push(hop);
  (request.redirectedAt ??= []).push(request.respondedAt ?? request.startedAt);
}

/** A request as its first event shows it (not registered anywhere). */
function pendingRequestOf(event: RawWebRequestEvent, headers: HttpHeader[]): PendingRequest {
  const request: PendingRequest = {
    requestId: event.requestId,
    tabId: event.tabId,
    frameId: event.frameId,
    method: event.method,
    type: event.type,
    startedAt: event.timeStamp,
    hops: [{ url: event.url, requestHeaders: headers }],
    requestHeaders: headers,
  };
  if (event.initiator !== undefined) request.initiator = event.initiator;
  return request;
}

/**
 * An event of the request a preflight guarded, as its lost events would have brought it: the
 * preflight's URL, the method and Origin it asked about, under the id `pf-<OPTIONS requestId>`.
 */
function guardedRequestEvent(record: PreflightRecord, phase: RawWebRequestEvent['phase'], timeStamp: number): RawWebRequestEvent {
  const event: RawWebRequestEvent = {
    phase,
    requestId: `pf-${record.requestId}`,
    tabId: record.tabId,
    frameId: record.frameId,
    url: record.url,
    method: record.requestedMethod,
    type: 'xmlhttprequest',
    timeStamp,
  };
  if (record.origin !== undefined) event.initiator = record.origin;
  return event;
}

/** The Origin a request was sent with, else its initiator ('' when neither is known): what its preflight carried. */
function requestOriginOf(request: PendingRequest): string {
  return headerValue(request.requestHeaders, 'origin') ?? request.initiator ?? '';
}

export class ExchangeAssembler {
  private readonly requests = new Map<string, PendingRequest>();
  private readonly preflightsByRequestId = new Map<string, PreflightRecord>();
  private settledPreflights: PreflightRecord[] = [];
  /** Same-origin dismissal, mode, credentials and the preflight-cache model (scoped by tab). */
  private readonly builder = new ExchangeBuilder(MAX_CACHE);
  /** Restored requests that have had no event since the restore. */
  private readonly orphans = new Set<string>();
  /** Restored settled preflights not claimed by an actual request yet (by OPTIONS requestId). */
  private readonly orphanPreflights = new Set<string>();
  /** Restored preflights without an answer that have had no event since the restore. */
  private readonly silentPreflights = new Set<string>();
  private orphanDue: number | undefined;
  /** Requests already emitted (requestId -> when): their late events are dropped. */
  private readonly settledIds = new Map<string, number>();
  /** Set whenever the in-flight state changed (the worker persists it in its next batch). */
  dirty = false;
  /** Requests dismissed as same-origin (a counter, for diagnostics). */
  dismissed = 0;

  /**
   * `judge` is the engine's verdict (the worker passes diagnose()): the assembler asks it only to
   * settle requests whose end it never saw (after a worker restart), never to label exchanges.
   * `completionShowsCors`: false where onCompleted does not mean the CORS check passed (Firefox
   * ends a refused response as completed: shared/platform.ts); its exchanges are marked
   * Outcome.corsUnchecked.
   */
  constructor(
    private readonly emit: (exchange: Exchange, tabId: number) => void,
    private readonly judge: (exchange: Exchange) => Pick<Diagnosis, 'status' | 'stage'>,
    private readonly completionShowsCors = true,
  ) {}

  /** Feeds one event, in the order the browser delivered it. */
  push(event: RawWebRequestEvent): void {
    // Already emitted: a late or repeated event must not make a second exchange.
    if (this.settledIds.has(event.requestId)) return;
    this.dirty = true;
    // An event reached this worker: the request is alive here, not an orphan.
    this.orphans.delete(event.requestId);
    this.silentPreflights.delete(event.requestId);
    const preflight = this.preflightsByRequestId.get(event.requestId);
    // An OPTIONS first seen after its beforeSendHeaders (that event went to a worker that was
    // stopped before persisting it): a page's own OPTIONS is rare, treat it as a preflight.
    const orphanOptions = !preflight && event.phase !== 'beforeSendHeaders' && event.method === 'OPTIONS' && !this.requests.has(event.requestId);
    if (orphanOptions) {
      this.pushPreflight({ ...event, phase: 'beforeSendHeaders', requestHeaders: [] }, undefined);
      this.pushPreflight(event, this.preflightsByRequestId.get(event.requestId));
      return;
    }
    if (preflight || (event.phase === 'beforeSendHeaders' && isPreflight(event))) {
      this.pushPreflight(event, preflight);
      return;
    }
    switch (event.phase) {
      case 'beforeSendHeaders':
        this.onSend(event);
        break;
      case 'headersReceived':
        this.onHeaders(event);
        break;
      case 'completed':
      case 'error':
        this.onSettled(event);
        break;
    }
  }

  /** Forget everything about a tab (closed). */
  forgetTab(tabId: number): void {
    for (const [id, r] of this.requests) if (r.tabId === tabId) this.requests.delete(id);
    for (const [id, p] of this.preflightsByRequestId) if (p.tabId === tabId) this.preflightsByRequestId.delete(id);
    this.settledPreflights = this.settledPreflights.filter((p) => p.tabId !== tabId);
    this.builder.forgetScope(String(tabId));
    this.dirty = true;
  }

  /** When settleOrphans() is due (undefined: no restored request is waiting for it). */
  get orphanDeadline(): number | undefined {
    return this.hasOrphans() ? this.orphanDue : undefined;
  }

  private hasOrphans(): boolean {
    return this.orphans.size > 0 || this.orphanPreflights.size > 0 || this.silentPreflights.size > 0;
  }

  /**
   * Settles the restored requests that got no event since the restore: those with a response
   * are emitted with an outcome inferred from it; those without are emitted once with the
   * outcome `unobserved` and keep waiting for their events; restored failed preflights nobody
   * claimed become the request they stopped. Returns how many were emitted.
   */
  settleOrphans(now: number): number {
    let emitted = 0;
    for (const id of this.orphans) {
      const request = this.requests.get(id);
      if (!request) continue;
      const lastHop = request.hops[request.hops.length - 1];
      if (!lastHop?.response) {
        if (request.unobservedEmitted) continue;
        // Built without claiming preflights: the real exchange may still come and need them.
        const exchange = this.build(request, now, false);
        request.unobservedEmitted = true;
        if (!exchange) continue;
        exchange.outcome = { kind: 'unobserved' };
        exchange.hops = request.hops.map((hop) => ({ ...hop }));
        this.emit(exchange, request.tabId);
        emitted++;
        continue;
      }
      this.requests.delete(id);
      this.rememberSettled(id, now);
      const at = request.respondedAt ?? now;
      const exchange = this.build(request, at);
      if (!exchange) continue;
      exchange.outcomeInferred = true;
      if (this.judge(exchange).status === 'blocked') exchange.outcome = { kind: 'failed', error: 'net::ERR_FAILED' };
      this.emit(exchange, request.tabId);
      this.forgetPreflightsBefore(at - PREFLIGHT_CLAIM_WINDOW_MS);
      emitted++;
    }
    // A restored preflight that got its answer but whose end (and then its request's lone error)
    // went to a stopping worker: it ended with that answer.
    for (const id of this.orphanPreflights) {
      const record = this.preflightsByRequestId.get(id);
      if (record?.observation.response) this.settlePreflight(record, record.observation.startedAt ?? now);
    }
    emitted += this.settleStoppedByPreflight();
    emitted += this.emitSilentPreflightsUnobserved(now);
    this.orphans.clear();
    this.orphanPreflights.clear();
    this.silentPreflights.clear();
    this.orphanDue = undefined;
    this.dirty = true;
    return emitted;
  }

  /**
   * A restored preflight that failed and that no actual request claimed: Chromium never sent the
   * request it guarded, whose only event, `error`, came right after the preflight and reached no
   * worker (it was being stopped). Settled as that error event would have been, marked
   * `outcomeInferred`. A preflight that passed is left alone (its request may still come).
   */
  private settleStoppedByPreflight(): number {
    let emitted = 0;
    // Claiming replaces this.settledPreflights with a filtered copy: this loop keeps the old one.
    for (const record of this.settledPreflights) {
      if (record.claimed || !this.orphanPreflights.has(record.requestId) || record.requestedMethod === '' || record.origin === undefined) continue;
      const error = guardedRequestEvent(record, 'error', record.settledAt ?? record.observation.startedAt ?? 0);
      error.error = 'net::ERR_FAILED';
      // The engine judges whether this preflight stopped its request, on what the event would bring.
      const probe = this.build(pendingRequestOf(error, []), error.timeStamp, false);
      if (!probe) continue;
      probe.outcome = { kind: 'failed', error: 'net::ERR_FAILED' };
      // Without credentials: a preflight that only fails if the request carried them is not proof.
      probe.credentials = 'omit';
      const verdict = this.judge(probe);
      if (verdict.status !== 'blocked' || verdict.stage.kind !== 'preflight') continue;
      this.onSettled(error, true);
      emitted++;
    }
    return emitted;
  }

  /**
   * A restored preflight without an answer that got no event since: its answer and end, and then
   * its request's events, went to a stopping worker. The request it guarded is emitted once with
   * the outcome `unobserved` (seen leaving, no verdict), under `wr-pf-<OPTIONS requestId>`. The
   * preflight stays pending, unclaimed: if its events come after all (a slow server), the
   * exchange that claims it takes that id (build), and the log replaces the unobserved one.
   * A preflight whose request was seen leaving is left to that request, which settles as an
   * orphan or by its own events.
   */
  private emitSilentPreflightsUnobserved(now: number): number {
    let emitted = 0;
    const ownedByPending = this.preflightsOfPendingRequests(this.silentPreflights, now);
    for (const id of this.silentPreflights) {
      const record = this.preflightsByRequestId.get(id);
      if (!record || record.claimed || record.unobservedEmitted || record.observation.response || record.requestedMethod === '' || record.origin === undefined) continue;
      if (ownedByPending.has(record)) continue;
      const leaving = guardedRequestEvent(record, 'beforeSendHeaders', record.observation.startedAt ?? now);
      record.unobservedEmitted = true;
      // Built without claiming: the real exchange may still come and need the preflight.
      const exchange = this.build(pendingRequestOf(leaving, []), now, false);
      if (!exchange) continue;
      exchange.outcome = { kind: 'unobserved' };
      this.emit(exchange, record.tabId);
      emitted++;
    }
    return emitted;
  }

  /**
   * Which of these preflights a pending request would pair with at `now` (nothing is claimed).
   * Only requests whose first URL one of them went to are looked at: this runs after a restart.
   */
  private preflightsOfPendingRequests(ids: ReadonlySet<string>, now: number): Set<PreflightRecord> {
    const owned = new Set<PreflightRecord>();
    const urls = new Set<string>();
    for (const id of ids) {
      const record = this.preflightsByRequestId.get(id);
      if (record) urls.add(record.url);
    }
    if (urls.size === 0) return owned;
    for (const request of this.requests.values()) {
      if (!urls.has(request.hops[0]?.url ?? '')) continue;
      const preflight = this.firstUrlPreflight(request, requestOriginOf(request), now);
      if (preflight) owned.add(preflight);
    }
    return owned;
  }

  private rememberSettled(id: string, now: number): void {
    for (const [k, at] of this.settledIds) {
      if (at >= now - SETTLED_MEMORY_MS && this.settledIds.size < MAX_SETTLED) break;
      this.settledIds.delete(k);
    }
    this.settledIds.set(id, now);
  }

  get pendingCount(): number {
    return this.requests.size + this.preflightsByRequestId.size;
  }

  snapshot(): AssemblerSnapshot {
    return {
      requests: [...this.requests.values()],
      preflights: [...this.preflightsByRequestId.values(), ...this.settledPreflights],
      cache: this.builder.snapshotCache(),
      settled: [...this.settledIds],
    };
  }

  /**
   * Every request pending now becomes an orphan candidate, due at `now + ORPHAN_GRACE_MS`: called
   * once the events an earlier worker journaled have been replayed (those events came from that
   * worker, not this one, so they do not show the request is alive here).
   */
  watchPendingAsOrphans(now = Date.now()): void {
    for (const id of this.requests.keys()) this.orphans.add(id);
    for (const record of this.settledPreflights) if (!record.claimed) this.orphanPreflights.add(record.requestId);
    // An answered preflight whose end never came: settled from its answer (settleOrphans).
    for (const [id, record] of this.preflightsByRequestId) {
      if (record.observation.response) this.orphanPreflights.add(id);
      else this.silentPreflights.add(id);
    }
    if (this.hasOrphans()) this.orphanDue = now + ORPHAN_GRACE_MS;
  }

  /**
   * Merges a snapshot taken by an earlier worker (entries already known are kept). The requests
   * it brings become orphan candidates, due at `now + ORPHAN_GRACE_MS` (see settleOrphans).
   */
  restore(snapshot: AssemblerSnapshot | undefined, now = Date.now()): void {
    if (!snapshot) return;
    for (const [id, at] of snapshot.settled ?? []) if (!this.settledIds.has(id)) this.settledIds.set(id, at);
    for (const r of snapshot.requests ?? []) {
      if (this.requests.has(r.requestId) || this.settledIds.has(r.requestId)) continue;
      this.requests.set(r.requestId, r);
      this.orphans.add(r.requestId);
    }
    for (const p of snapshot.preflights ?? []) {
      if (p.settled) {
        if (!this.settledPreflights.some((q) => q.requestId === p.requestId)) this.settledPreflights.push(p);
        if (!p.claimed) this.orphanPreflights.add(p.requestId);
      } else if (!this.preflightsByRequestId.has(p.requestId)) {
        this.preflightsByRequestId.set(p.requestId, p);
        if (p.observation.response) this.orphanPreflights.add(p.requestId);
        else this.silentPreflights.add(p.requestId);
      }
    }
    if (this.hasOrphans()) this.orphanDue = now + ORPHAN_GRACE_MS;
    this.builder.restoreCache(snapshot.cache ?? []);
  }

  private pushPreflight(event: RawWebRequestEvent, record: PreflightRecord | undefined): void {
    if (!record) {
      const headers = event.requestHeaders ?? [];
      record = {
        requestId: event.requestId,
        tabId: event.tabId,
        frameId: event.frameId,
        url: event.url,
        origin: headerValue(headers, 'origin'),
        requestedMethod: headerValue(headers, 'access-control-request-method') ?? '',
        requestedHeaders: (headerValue(headers, 'access-control-request-headers') ?? '').toLowerCase(),
        observation: { kind: 'sent', url: event.url, requestHeaders: headers, startedAt: event.timeStamp },
        settled: false,
        claimed: false,
      };
      this.preflightsByRequestId.set(event.requestId, record);
      return;
    }
    const observation = record.observation;
    if (event.phase === 'headersReceived') {
      observation.response = { status: event.statusCode ?? 0, headers: event.responseHeaders ?? [] };
    } else if (event.phase === 'completed' || event.phase === 'error') {
      if (event.phase === 'error' && event.error) observation.error = event.error;
      if (observation.response && event.statusCode !== undefined) observation.response.status = event.statusCode;
      this.settlePreflight(record, event.timeStamp);
    }
    // A redirected preflight gets a new beforeSendHeaders under the same requestId: the
    // redirect response is already recorded (Chromium never follows it).
  }

  private settlePreflight(record: PreflightRecord, at: number): void {
    const observation = record.observation;
    observation.durationMs = at - (observation.startedAt ?? at);
    record.settled = true;
    record.settledAt = at;
    this.preflightsByRequestId.delete(record.requestId);
    if (!record.claimed) this.settledPreflights.push(record);
    this.builder.rememberPreflight(String(record.tabId), observation, at);
  }

  private newRequest(event: RawWebRequestEvent, headers: HttpHeader[]): PendingRequest {
    if (this.requests.size >= MAX_PENDING) this.dropStale(event.timeStamp, true);
    const request = pendingRequestOf(event, headers);
    this.requests.set(event.requestId, request);
    return request;
  }

  private onSend(event: RawWebRequestEvent): void {
    const existing = this.requests.get(event.requestId);
    const headers = event.requestHeaders ?? [];
    if (existing) {
      // The same beforeSendHeaders again (delivered twice across a worker restart, or replayed
      // from the journal as well): not a hop. A redirect always follows a response.
      const last = existing.hops[existing.hops.length - 1];
      if (last && !last.response && last.url === event.url) return;
      // A redirect hop: same requestId, new URL.
      appendRedirectHop(existing, { url: event.url, requestHeaders: headers });
      return;
    }
    this.newRequest(event, headers);
  }

  private onHeaders(event: RawWebRequestEvent): void {
    // Unknown id: its beforeSendHeaders went to an earlier worker that did not persist it.
    const request = this.requests.get(event.requestId) ?? this.newRequest(event, []);
    let hop = request.hops[request.hops.length - 1];
    if (!hop || hop.url !== event.url) {
      hop = { url: event.url };
      appendRedirectHop(request, hop);
    }
    hop.response = { status: event.statusCode ?? 0, headers: event.responseHeaders ?? [] };
    request.respondedAt = event.timeStamp;
  }

  private onSettled(event: RawWebRequestEvent, inferred = false): void {
    let request = this.requests.get(event.requestId);
    this.requests.delete(event.requestId);
    // Never reached the network: stopped by its preflight (or by the renderer).
    if (!request) {
      request = this.newRequest(event, []);
      this.requests.delete(event.requestId);
    }
    // Chromium's font loader first tries the HTTP cache alone: that probe is not a request.
    if (event.error === 'net::ERR_CACHE_MISS' && !request.hops.some((h) => h.response)) return;
    const lastHop = request.hops[request.hops.length - 1];
    if (lastHop?.response && event.fromCache) lastHop.response.fromCache = true;
    // Redirected to a URL that is never requested (e.g. ftp:): the error names the target.
    // Also a redirect target whose own preflight failed: the request never reached it.
    if (lastHop?.response && lastHop.response.status >= 300 && lastHop.response.status < 400 && event.url !== lastHop.url) {
      appendRedirectHop(request, { url: event.url });
    }
    this.finish(request, event, inferred);
  }

  private finish(request: PendingRequest, settled: RawWebRequestEvent, inferred = false): void {
    this.rememberSettled(request.requestId, settled.timeStamp);
    const outcome: Outcome =
      settled.phase === 'error' ? { kind: 'failed', error: settled.error ?? 'unknown error' } : this.completionShowsCors ? { kind: 'completed' } : { kind: 'completed', corsUnchecked: true };
    const exchange = this.build(request, settled.timeStamp, true, outcome);
    if (exchange) {
      if (inferred) exchange.outcomeInferred = true;
      this.emit(exchange, request.tabId);
    }
    this.forgetPreflightsBefore(settled.timeStamp - PREFLIGHT_CLAIM_WINDOW_MS);
  }

  /**
   * The Exchange of a settled request (outcome completed), or undefined when dismissed as
   * same-origin. `claim` false: a provisional view that leaves the preflights unclaimed.
   */
  private build(request: PendingRequest, settledAt: number, claim = true, outcome: Outcome = { kind: 'completed' }): Exchange | undefined {
    const pageOrigin = request.initiator ?? headerValue(request.requestHeaders, 'origin');
    const requestOrigin = requestOriginOf(request);
    const preflight = this.firstUrlPreflight(request, requestOrigin, settledAt);
    const exchange = this.builder.build(
      {
        // The request its preflight was emitted for as unobserved: the same id, to replace it.
        id: preflight?.unobservedEmitted ? `wr-pf-${preflight.requestId}` : `wr-${request.requestId}`,
        source: 'webrequest',
        pageOrigin,
        method: request.method,
        requestHeaders: request.requestHeaders,
        hops: request.hops,
        preflight: preflight?.observation,
        outcome,
        resourceType: request.type,
        startedAt: request.startedAt,
        endedAt: settledAt,
      },
      String(request.tabId),
    );
    if (!exchange) {
      this.dismissed++;
      return undefined;
    }
    if (claim) {
      if (preflight) this.claim(preflight);
      if (request.hops.length > 1) this.claimHopPreflights(request, requestOrigin, settledAt);
    }
    return exchange;
  }

  /** The OPTIONS Chromium sent for the request's first URL, if one is known; not claimed here. */
  private firstUrlPreflight(request: PendingRequest, requestOrigin: string, settledAt: number): PreflightRecord | undefined {
    // The first URL's preflight came before the first redirect; a later OPTIONS is a hop's.
    const startedBy = request.redirectedAt?.[0] ?? settledAt;
    return this.claimPreflight(request, { url: request.hops[0]?.url ?? '', method: request.method, origins: [requestOrigin], startedFrom: 0, startedBy }, false);
  }

  /**
   * Attaches to each redirect target (hops[1..]) the OPTIONS Chromium sent for it: to that URL,
   * started after the previous hop's (redirect) response, with the Origin the hop was sent with,
   * or, when the hop was never sent (its preflight failed), `null` (tainted) or the request's.
   */
  private claimHopPreflights(request: PendingRequest, requestOrigin: string, settledAt: number): void {
    let startedFrom = request.startedAt;
    let method = request.method;
    for (let i = 1; i < request.hops.length; i++) {
      const hop = request.hops[i]!;
      // The target's OPTIONS asks for the method the redirect left (a 303 makes a GET).
      method = methodAfterRedirect(request.hops[i - 1]?.response?.status ?? 0, method);
      startedFrom = Math.max(startedFrom, request.redirectedAt?.[i - 1] ?? startedFrom);
      const sentOrigin = headerValue(hop.requestHeaders, 'origin');
      const origins = sentOrigin !== undefined ? [sentOrigin] : ['null', requestOrigin];
      const preflight = this.claimPreflight(request, { url: hop.url, method, origins, startedFrom, startedBy: settledAt });
      if (!preflight) continue;
      hop.preflight = preflight.observation;
      startedFrom = preflight.observation.startedAt ?? startedFrom;
    }
  }

  private claimPreflight(request: PendingRequest, wanted: PreflightWanted, claim = true): PreflightRecord | undefined {
    const wantedHeaders = unsafeNames(request.requestHeaders);
    let first: PreflightRecord | undefined;
    let best: PreflightRecord | undefined;
    const consider = (record: PreflightRecord) => {
      if (record.claimed || record.tabId !== request.tabId || record.url !== wanted.url) return;
      if (record.frameId !== request.frameId && record.frameId >= 0 && request.frameId >= 0) return;
      // requestedMethod '' / origin undefined: an orphan OPTIONS whose request headers were not seen.
      if (record.requestedMethod !== wanted.method && record.requestedMethod !== '') return;
      if (record.origin !== undefined && !wanted.origins.includes(record.origin)) return;
      const startedAt = record.observation.startedAt ?? 0;
      if (startedAt > wanted.startedBy || startedAt < wanted.startedFrom) return;
      if (!first) first = record;
      if (!best && record.requestedHeaders === wantedHeaders) best = record;
    };
    for (const record of this.settledPreflights) consider(record);
    for (const record of this.preflightsByRequestId.values()) consider(record);
    const chosen = best ?? first;
    if (chosen && claim) this.claim(chosen);
    return chosen;
  }

  private claim(record: PreflightRecord): void {
    record.claimed = true;
    if (record.settled) this.settledPreflights = this.settledPreflights.filter((r) => r !== record);
  }

  private forgetPreflightsBefore(cutoff: number): void {
    if (this.settledPreflights.length === 0) return;
    const first = this.settledPreflights[0];
    if (first && (first.settledAt ?? 0) >= cutoff) return;
    this.settledPreflights = this.settledPreflights.filter((r) => !r.claimed && (r.settledAt ?? 0) >= cutoff);
  }

  /** Drops in-flight requests with no news for a long time (or the oldest half when full). */
  private dropStale(now: number, force = false): void {
    const cutoff = now - STALE_REQUEST_MS;
    for (const [id, r] of this.requests) if (r.startedAt < cutoff) this.requests.delete(id);
    if (force && this.requests.size >= MAX_PENDING) {
      let n = Math.floor(this.requests.size / 2);
      for (const id of this.requests.keys()) {
        if (n-- <= 0) break;
        this.requests.delete(id);
      }
    }
  }
}
