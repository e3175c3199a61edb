/**
 * The browser's CORS-preflight cache, as far as the captured traffic shows it. A request that
 * needed a preflight but was sent without one was answered from this cache; the capture sources
 * (webRequest assembler, DevTools/HAR stream) remember each passing-looking answer here, so the
 * exchange can say `preflight: cached` instead of "preflight not observed".
 *
 * Lifetime: Access-Control-Max-Age read exactly as the engine reads it (getHeader +
 * accessControlMaxAge: default 5 s, negative = not cached, cap 7200 s), counted from when the
 * answer arrived.
 */
import { accessControlMaxAge } from '../engine/fetch.ts';
import { getHeader } from '../engine/headers.ts';
import type { HttpHeader } from '../engine/types.ts';

/** One remembered answer. Plain data: the assembler keeps these in its restart snapshot. */
export interface PreflightCacheEntry {
  /** When the preflight started (the exchange's `fromPreflightAt`). */
  at: number;
  /** Until when (ms) it covers requests. */
  expires: number;
  /** Access-Control-Max-Age as sent, when it was an integer. */
  maxAgeSeconds?: number;
}

/** A preflight answer as the capture saw it. */
export interface ObservedPreflightAnswer {
  status: number;
  headers: readonly HttpHeader[];
  /** A network error ended the preflight. */
  error?: string;
  startedAt: number;
  answeredAt: number;
}

/** A bounded map from a cache key (origin and URL, plus the tab for webRequest) to its entry; oldest out first. */
export class PreflightCacheModel {
  private readonly entries = new Map<string, PreflightCacheEntry>();

  constructor(private readonly capacity: number) {}

  /** Remembers an answer that lets requests through the cache: 2xx, no error, a positive lifetime. */
  remember(key: string, answer: ObservedPreflightAnswer): void {
    if (answer.error || answer.status < 200 || answer.status > 299) return;
    const maxAge = accessControlMaxAge(getHeader(answer.headers, 'access-control-max-age'));
    if (maxAge.chromium <= 0) return;
    const entry: PreflightCacheEntry = { at: answer.startedAt, expires: answer.answeredAt + maxAge.chromium * 1000 };
    if (maxAge.requested !== null) entry.maxAgeSeconds = maxAge.requested;
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
  }

  /** The entry covering a request to `key` started at `startedAt`, if any. */
  lookup(key: string, startedAt: number): PreflightCacheEntry | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expires >= startedAt ? entry : undefined;
  }

  /** Forgets every entry whose key starts with `prefix` (a closed tab's). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** The entries, for a snapshot. */
  snapshot(): Array<[string, PreflightCacheEntry]> {
    return [...this.entries];
  }

  /** Takes entries from a snapshot, keeping those already known. */
  restore(entries: ReadonlyArray<readonly [string, PreflightCacheEntry]>): void {
    for (const [key, entry] of entries) if (!this.entries.has(key)) this.entries.set(key, entry);
  }
}
