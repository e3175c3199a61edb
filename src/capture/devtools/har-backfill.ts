/**
 * Merging the DevTools network log's two views of the same requests: `getHAR()` (everything
 * since the last navigation, read once when Corsight starts listening) and `onRequestFinished`
 * (each request as it finishes, from the moment the listener is registered). The listener is
 * registered first and `getHAR()` asked second, so no request falls between the two, and a
 * request that finished in between is in both: it must be taken once. Pure (no chrome.*).
 *
 * Measured on Chromium 156: `getHAR()` also lists requests still in flight. One with no response
 * yet has status 0 and no `_error` (it will be reported by the listener when it finishes: skip it
 * here); one whose body is still arriving already has its status and headers (the CORS verdict is
 * decided by then: take it, and skip its later listener entry). Both views of one request share
 * `startedDateTime`, method, URL and resource type: the key below.
 */

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** What identifies one request in both views (identical requests started in the same ms share it: counted). */
export function harEntryKey(entry: unknown): string {
  const e = record(entry);
  const request = record(e.request);
  return `${String(e._resourceType ?? '')}|${String(request.method ?? '')}|${String(request.url ?? '')}|${String(e.startedDateTime ?? '')}`;
}

/** An entry `getHAR()` listed before its request got any response or error (still waiting). */
export function isUnanswered(entry: unknown): boolean {
  const e = record(entry);
  const response = record(e.response);
  return (response.status === 0 || response.status === undefined) && !response._error;
}

/** When the entry's request finished (start + total time), for replaying a backlog in live order. */
function finishedAt(entry: unknown): number {
  const e = record(entry);
  const start = Date.parse(String(e.startedDateTime ?? ''));
  const time = typeof e.time === 'number' && Number.isFinite(e.time) && e.time > 0 ? e.time : 0;
  return (Number.isFinite(start) ? start : 0) + time;
}

/**
 * Moves each entry that must come before an earlier one (the first earlier entry `precedes`
 * matches) to just before it; entries with no such rule (`precedes` undefined) stay.
 */
function moveEachBefore(entries: readonly unknown[], precedes: (entry: Record<string, unknown>) => ((earlier: Record<string, unknown>) => boolean) | undefined): unknown[] {
  const ordered = [...entries];
  for (let i = 0; i < ordered.length; i++) {
    const matches = precedes(record(ordered[i]));
    if (!matches) continue;
    const at = ordered.findIndex((e, j) => j < i && matches(record(e)));
    if (at < 0) continue;
    const [moved] = ordered.splice(i, 1);
    ordered.splice(at, 0, moved);
  }
  return ordered;
}

const urlOf = (e: Record<string, unknown>): string => String(record(e.request).url ?? '');
const startOf = (e: Record<string, unknown>): string => String(e.startedDateTime ?? '');

/**
 * Moves each redirect hop before the hop it redirected to, as the listener reports them: a hop
 * and its redirect target can finish in the same millisecond (a target refused at once), and
 * then getHAR()'s own order, which lists the target first, would split the chain in two.
 */
export function redirectSourcesFirst(entries: readonly unknown[]): unknown[] {
  return moveEachBefore(entries, (source) => {
    const target = String(record(source.response).redirectURL ?? '');
    return target ? (e) => urlOf(e) === target && startOf(e) >= startOf(source) : undefined;
  });
}

/** The URL a preflight entry guards (its initiator's), or undefined when the entry is no preflight. */
function guardedUrl(e: Record<string, unknown>): string | undefined {
  const initiator = record(e._initiator);
  const isPreflight = e._resourceType === 'preflight' || initiator.type === 'preflight';
  if (!isPreflight) return undefined;
  return String(initiator.url ?? urlOf(e));
}

/**
 * Moves each preflight before the request it guards, as the listener reports them (the OPTIONS
 * finishes before the request is even sent). Finish times (start + time) need not say so: the
 * request's entry starts when the page called fetch(), before its preflight. (A clean run once
 * got a preflighted request from the backlog without its preflight; that this order was the
 * cause was not reproduced.)
 */
export function preflightsFirst(entries: readonly unknown[]): unknown[] {
  return moveEachBefore(entries, (preflight) => {
    const guarded = guardedUrl(preflight);
    // The request it guards: an earlier entry to that URL that is no preflight, started no later.
    return guarded ? (e) => guardedUrl(e) === undefined && urlOf(e) === guarded && startOf(e) <= startOf(preflight) : undefined;
  });
}

const MAX_REMEMBERED = 5000;

export class BackfillMerge {
  /** Keys the listener delivered while the backlog was being read (counts). */
  private readonly liveBeforeBacklog = new Map<string, number>();
  /** Keys taken from the backlog whose listener entry may still come (counts). */
  private readonly fromBacklog = new Map<string, number>();
  private backlogRead = false;

  /** A listener entry: true when it is new, false when the backlog already gave it. */
  live(entry: unknown): boolean {
    const key = harEntryKey(entry);
    if (take(this.fromBacklog, key)) return false;
    if (!this.backlogRead) add(this.liveBeforeBacklog, key);
    return true;
  }

  /**
   * The `getHAR()` entries still to be taken, in the order the listener would have reported
   * them (by finish time: a preflight before the request it guards); each key taken at most as
   * many times as it was listed, minus what the listener already delivered.
   */
  backlog(entries: readonly unknown[]): unknown[] {
    this.backlogRead = true;
    const out: unknown[] = [];
    for (const entry of entries) {
      if (isUnanswered(entry)) continue;
      const key = harEntryKey(entry);
      if (take(this.liveBeforeBacklog, key)) continue;
      if (this.fromBacklog.size < MAX_REMEMBERED) add(this.fromBacklog, key);
      out.push(entry);
    }
    this.liveBeforeBacklog.clear();
    const byFinish = out
      .map((entry, index) => ({ entry, index, at: finishedAt(entry) }))
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map((x) => x.entry);
    return redirectSourcesFirst(preflightsFirst(byFinish));
  }

  /** A navigation: requests of the old page will not be listed again. */
  reset(): void {
    this.fromBacklog.clear();
    this.liveBeforeBacklog.clear();
  }
}

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function take(counts: Map<string, number>, key: string): boolean {
  const n = counts.get(key);
  if (!n) return false;
  if (n === 1) counts.delete(key);
  else counts.set(key, n - 1);
  return true;
}
