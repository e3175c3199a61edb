/**
 * The one place where a captured request becomes an `Exchange`, whatever its source (webRequest
 * events, the DevTools network log, a HAR file). Each source gathers what it saw of one request
 * (its hops, the OPTIONS it paired with it, how it ended) into an `ObservedRequest`; this module
 * decides the rest the same way for all of them: whether the request is cross-origin at all
 * (same-origin ones are dismissed), its request mode and credentials evidence (request-facts.ts),
 * and, when no OPTIONS was seen, whether the browser's preflight cache explains why (the model in
 * preflight-cache.ts, fed with every preflight answer the source saw).
 */
import type { Exchange, ExchangeSource, Hop, HttpHeader, Initiator, Outcome, PreflightObservation } from '../engine/types.ts';
import { refusedRedirectLocation } from '../engine/replay.ts';
import { PreflightCacheModel, type PreflightCacheEntry } from './preflight-cache.ts';
import { credentialsEvidence, headerValue, isSameOrigin, originOfUrl, requestModeOf } from './request-facts.ts';

/** An OPTIONS as the capture saw it. */
export type SentPreflight = Extract<PreflightObservation, { kind: 'sent' }>;

/** What a capture source saw of one request, before anything is inferred from it. */
export interface ObservedRequest {
  id: string;
  source: ExchangeSource;
  /** The page's origin as the source knows it (Origin header, initiator, Referer, inspected page). */
  pageOrigin: string | undefined;
  method: string;
  /** The first hop's headers as sent (or provisional, when it never reached the network). */
  requestHeaders: HttpHeader[];
  /** The first URL, then each redirect target; a target's own OPTIONS is its `preflight`. */
  hops: Hop[];
  /** The OPTIONS paired with the first URL, if one was seen. */
  preflight: SentPreflight | undefined;
  outcome: Outcome;
  resourceType?: string;
  initiator?: Initiator;
  /** When the request started and when it ended (ms since the epoch, the source's clock). */
  startedAt: number;
  endedAt: number;
}

/**
 * Builds Exchanges for one capture source. `cacheScope(request)` names whose preflight cache a
 * request belongs to beyond its origin and URL (the tab, for a source that sees several tabs).
 */
export class ExchangeBuilder {
  private readonly preflightCache: PreflightCacheModel;

  constructor(cacheCapacity: number) {
    this.preflightCache = new PreflightCacheModel(cacheCapacity);
  }

  /**
   * Feeds the preflight-cache model with a settled OPTIONS (answers that cannot be cached are
   * ignored there). `scope` as in `build`.
   */
  rememberPreflight(scope: string, preflight: SentPreflight, answeredAt: number): void {
    const origin = headerValue(preflight.requestHeaders, 'origin');
    if (!preflight.response || origin === undefined) return;
    const answer = { status: preflight.response.status, headers: preflight.response.headers, startedAt: preflight.startedAt ?? answeredAt, answeredAt };
    this.preflightCache.remember(cacheKey(scope, origin, preflight.url), preflight.error !== undefined ? { ...answer, error: preflight.error } : answer);
  }

  /**
   * The Exchange of an observed request, or undefined when it is not a cross-origin HTTP(S)
   * request (same-origin at every hop, no known page origin, or not HTTP): those cannot fail CORS.
   * `scope`: whose preflight cache covers it (e.g. the tab), '' when the source sees one page.
   */
  build(observed: ObservedRequest, scope: string): Exchange | undefined {
    const firstUrl = observed.hops[0]?.url ?? '';
    const pageOrigin = observed.pageOrigin;
    if (!pageOrigin || originOfUrl(firstUrl) === undefined) return undefined;
    // A string compare per hop: this runs on every captured request.
    if (observed.hops.every((hop) => isSameOrigin(hop.url, pageOrigin)) && !refusedCrossOriginRedirect(observed, pageOrigin)) return undefined;
    const preflight = observed.preflight ?? this.cachedPreflight(scope, headerValue(observed.requestHeaders, 'origin') ?? pageOrigin, firstUrl, observed.startedAt);
    const startedAt = Math.min(observed.startedAt, observed.preflight?.startedAt ?? observed.startedAt);
    const exchange: Exchange = {
      id: observed.id,
      source: observed.source,
      initiatorOrigin: pageOrigin,
      method: observed.method,
      requestHeaders: observed.requestHeaders,
      mode: requestModeOf(observed.requestHeaders),
      credentials: credentialsEvidence(observed.hops, pageOrigin),
      redirect: 'unknown',
      hops: observed.hops,
      preflight,
      outcome: observed.outcome,
      startedAt,
      durationMs: Math.max(0, observed.endedAt - startedAt),
    };
    if (observed.resourceType !== undefined) exchange.resourceType = observed.resourceType;
    if (observed.initiator) exchange.initiator = observed.initiator;
    return exchange;
  }

  /** Forgets the cache entries of one scope (a closed tab). */
  forgetScope(scope: string): void {
    this.preflightCache.forgetPrefix(`${scope}\n`);
  }

  /** The preflight-cache entries, for a restart snapshot. */
  snapshotCache(): Array<[string, PreflightCacheEntry]> {
    return this.preflightCache.snapshot();
  }

  restoreCache(entries: ReadonlyArray<readonly [string, PreflightCacheEntry]>): void {
    this.preflightCache.restore(entries);
  }

  /** No OPTIONS seen: `cached` when an earlier answer for this origin and URL still covers the request. */
  private cachedPreflight(scope: string, origin: string, url: string, startedAt: number): PreflightObservation {
    const cached = this.preflightCache.lookup(cacheKey(scope, origin, url), startedAt);
    if (!cached) return { kind: 'none' };
    const observation: PreflightObservation = { kind: 'cached', fromPreflightAt: cached.at };
    if (cached.maxAgeSeconds !== undefined) observation.maxAgeSeconds = cached.maxAgeSeconds;
    return observation;
  }
}

/**
 * The request failed on a redirect to another origin that the browser refused to follow (e.g. a
 * Location with `user:pass@`): no hop went there, but the request was cross-origin all the same.
 */
function refusedCrossOriginRedirect(observed: ObservedRequest, pageOrigin: string): boolean {
  const last = observed.hops[observed.hops.length - 1];
  if (!last?.response || observed.outcome.kind !== 'failed') return false;
  const target = refusedRedirectLocation(last.url, last.response, observed.outcome.error);
  // Parsed (this path is rare): `https://u:p@host/` is the origin `https://host`.
  return target !== undefined && new URL(target).origin !== pageOrigin;
}

function cacheKey(scope: string, origin: string, url: string): string {
  return `${scope}\n${origin}\n${url}`;
}
