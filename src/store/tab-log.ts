import type { Diagnosis, Exchange, Verdict } from '../engine/types.ts';
import { GrowingListPacker, unpackStored } from './pack.ts';
import { buildReport, type CaptureState, type ExchangeRecord, type TabReport } from './report.ts';

/**
 * The per-tab logs of diagnosed exchanges, bounded and persisted in a key-value area
 * (chrome.storage.session in the worker; a Map in tests) so they survive the service worker
 * being stopped. Pure apart from the injected storage.
 *
 * Storage layout (docs/capture.md): `t:<tab>:m` the tab's meta (next seq, dropped count,
 * preserve-log flag, likely-CORS-failure count, oldest kept seq, chunk numbers) and
 * `t:<tab>:c:<k>` chunk k = the exchanges with seq in [k*CHUNK, (k+1)*CHUNK), as
 * `[seq, exchange]` pairs in the packed form of src/store/pack.ts (header lists interned, one
 * JSON string). The store keeps what the worker's diagnosis step gives it; only the diagnosis
 * inputs are stored, and the engine's judge() (the same step: pure, about 2 µs) runs again on
 * the records read back by `load()`. A report explains each record with the engine's diagnose(). Writes happen in batches (`flush()`): each batch
 * rewrites the meta and the chunks touched since the last one, never the whole log.
 */

/** An exchange with its verdict (engine judge()), as the worker's pipeline hands it to the store. */
export interface DiagnosedExchange {
  exchange: Exchange;
  verdict: Verdict;
}

export interface KeyValueArea {
  get(keys: string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

/** The engine, passed in by the worker: src/store never judges itself. */
export interface TabLogEngine {
  judge(exchange: Exchange): Verdict;
  diagnose(exchange: Exchange): Diagnosis;
}

export const DEFAULT_CAPACITY = 2000;
/**
 * Bytes of exchanges one tab may keep, counted unpacked (approxBytes: headers and URLs): a tab
 * whose responses carry huge headers drops its own oldest records, not other tabs'. Typical
 * exchanges count about 1.5-2 KB (packed in storage they take a third of that), so 2,000 of them
 * stay under it; half of storage.session's 10 MB at most for headers that do not repeat.
 */
export const DEFAULT_BYTE_BUDGET = 5_000_000;

const sizeCache = new WeakMap<Exchange, number>();

function headersBytes(headers: readonly { name: unknown; value: unknown }[] | undefined): number {
  let n = 0;
  for (const h of headers ?? []) n += (typeof h.name === 'string' ? h.name.length : 0) + (typeof h.value === 'string' ? h.value.length : 0) + 8;
  return n;
}

/** What a record costs when stored, roughly: header lines and URLs dominate. Cached per exchange. */
export function approxBytes(ex: Exchange): number {
  const cached = sizeCache.get(ex);
  if (cached !== undefined) return cached;
  let n = 300 + headersBytes(ex.requestHeaders);
  const pf = ex.preflight;
  if (pf.kind === 'sent') n += pf.url.length + headersBytes(pf.requestHeaders) + headersBytes(pf.response?.headers);
  for (const hop of ex.hops) {
    n += hop.url.length + headersBytes(hop.requestHeaders) + headersBytes(hop.response?.headers);
    if (hop.preflight?.kind === 'sent') n += hop.preflight.url.length + headersBytes(hop.preflight.requestHeaders) + headersBytes(hop.preflight.response?.headers);
  }
  sizeCache.set(ex, n);
  return n;
}
export const CHUNK = 100;

interface TabMeta {
  seq: number;
  dropped: number;
  preserveLog: boolean;
  likely: number;
  firstSeq: number;
  url: string | null;
  chunks: number[];
}

interface TabState extends TabMeta {
  records: ExchangeRecord[];
  /** approxBytes of the kept records, kept up to date as they come and go (not stored). */
  bytes: number;
  dirtyChunks: Set<number>;
  metaDirty: boolean;
}

export type TabLogEvent =
  | { type: 'records'; tabId: number; records: ExchangeRecord[]; dropped: number }
  | { type: 'reset'; tabId: number }
  | { type: 'counts'; tabId: number };

const metaKey = (tabId: number) => `t:${tabId}:m`;
const chunkKey = (tabId: number, k: number) => `t:${tabId}:c:${k}`;
const KEY_RE = /^t:(\d+):(m|c:(\d+))$/;

function emptyState(): TabState {
  return { seq: 1, dropped: 0, preserveLog: false, likely: 0, firstSeq: 1, url: null, chunks: [], records: [], bytes: 0, dirtyChunks: new Set(), metaDirty: false };
}

export class TabLogs {
  private readonly tabs = new Map<number, TabState>();
  private readonly removedKeys = new Set<string>();
  private readonly listeners = new Set<(event: TabLogEvent) => void>();
  /**
   * Per tab, the records whose outcome was not observed, by exchange id: the capture emits the
   * real exchange under the same id if the request's events come after all, and it replaces them.
   */
  private readonly unobserved = new Map<number, Map<string, ExchangeRecord>>();
  /** Number of storage batches written (for diagnostics and tests). */
  flushes = 0;
  /** Per tab, the packer of the chunk written last (the one filling up), by its storage key. */
  private readonly packers = new Map<number, { key: string; packer: GrowingListPacker }>();

  constructor(
    private readonly area: KeyValueArea,
    private readonly engine: TabLogEngine,
    readonly capacity = DEFAULT_CAPACITY,
    readonly byteBudget = DEFAULT_BYTE_BUDGET,
  ) {}

  /** Reads every persisted tab log (worker start-up). */
  /** `all`: everything the area holds, when the caller has already read it. */
  async load(all?: Record<string, unknown>): Promise<void> {
    all ??= await this.area.get(null);
    const chunksByTab = new Map<number, Array<[number, Exchange]>>();
    for (const [key, value] of Object.entries(all)) {
      const m = KEY_RE.exec(key);
      if (!m) continue;
      const tabId = Number(m[1]);
      if (m[2] === 'm') {
        const meta = value as TabMeta;
        const state = this.tabs.get(tabId) ?? emptyState();
        Object.assign(state, { ...meta, records: state.records, bytes: state.bytes, dirtyChunks: state.dirtyChunks, metaDirty: state.metaDirty });
        this.tabs.set(tabId, state);
      } else {
        // Packed (src/store/pack.ts), or a plain pair list written by an older version.
        const pairs = unpackStored(value);
        if (!Array.isArray(pairs)) continue;
        const list = chunksByTab.get(tabId) ?? [];
        list.push(...(pairs as Array<[number, Exchange]>));
        chunksByTab.set(tabId, list);
      }
    }
    for (const [tabId, state] of this.tabs) {
      const pairs = (chunksByTab.get(tabId) ?? []).filter(([seq]) => seq >= state.firstSeq).sort((a, b) => a[0] - b[0]);
      const loaded: ExchangeRecord[] = pairs.map(([seq, exchange]) => ({ seq, exchange, verdict: this.engine.judge(exchange) }));
      // Records appended before the load finished (events that woke the worker) come after.
      const early = state.records;
      if (early.length) {
        let next = state.seq;
        for (const r of early) {
          r.seq = next++;
          state.dirtyChunks.add(Math.floor(r.seq / CHUNK));
        }
        state.seq = next;
        state.metaDirty = true;
      }
      state.records = [...loaded, ...early];
      for (const record of loaded) {
        state.bytes += approxBytes(record.exchange);
        this.noteUnobserved(tabId, record);
      }
      this.trim(state, tabId);
    }
  }

  subscribe(listener: (event: TabLogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: TabLogEvent): void {
    for (const l of this.listeners) l(event);
  }

  private state(tabId: number): TabState {
    let state = this.tabs.get(tabId);
    if (!state) {
      state = emptyState();
      state.metaDirty = true;
      this.tabs.set(tabId, state);
    }
    return state;
  }

  has(tabId: number): boolean {
    return this.tabs.has(tabId);
  }

  tabIds(): number[] {
    return [...this.tabs.keys()];
  }

  /** Remembers a record whose outcome was not observed, so its real exchange can replace it. */
  private noteUnobserved(tabId: number, record: ExchangeRecord): void {
    const id = record.exchange.id;
    if (id === undefined || record.exchange.outcome?.kind !== 'unobserved') return;
    let byId = this.unobserved.get(tabId);
    if (!byId) this.unobserved.set(tabId, (byId = new Map()));
    byId.set(id, record);
  }

  /**
   * Appends diagnosed exchanges; returns the new records. An exchange with the id of a kept
   * record whose outcome was not observed replaces that record (same seq) instead.
   */
  append(tabId: number, items: readonly DiagnosedExchange[]): ExchangeRecord[] {
    if (items.length === 0) return [];
    const state = this.state(tabId);
    const added: ExchangeRecord[] = [];
    for (const { exchange, verdict } of items) {
      const unobserved = exchange.id === undefined ? undefined : this.unobserved.get(tabId);
      const earlier = unobserved?.get(exchange.id!);
      if (unobserved && earlier) {
        unobserved.delete(exchange.id!);
        // Still kept (not dropped as the oldest): replace it where it is.
        if (earlier.seq >= state.firstSeq) {
          state.bytes += approxBytes(exchange) - approxBytes(earlier.exchange);
          earlier.exchange = exchange;
          earlier.verdict = verdict;
          state.dirtyChunks.add(Math.floor(earlier.seq / CHUNK));
          this.noteUnobserved(tabId, earlier);
          added.push(earlier);
          continue;
        }
      }
      const record: ExchangeRecord = { seq: state.seq++, exchange, verdict };
      this.noteUnobserved(tabId, record);
      state.records.push(record);
      state.bytes += approxBytes(exchange);
      const k = Math.floor(record.seq / CHUNK);
      state.dirtyChunks.add(k);
      if (!state.chunks.includes(k)) state.chunks.push(k);
      added.push(record);
    }
    this.trim(state, tabId);
    state.metaDirty = true;
    this.emit({ type: 'records', tabId, records: added, dropped: state.dropped });
    return added;
  }

  /**
   * Keeps the newest `capacity` records within the tab's byte budget (always the newest one);
   * whole chunks below the oldest kept seq are removed.
   */
  private trim(state: TabState, tabId: number): void {
    const excess = state.records.length - this.capacity;
    if (excess > 0) this.dropOldest(state, tabId, excess);
    let total = state.bytes;
    let n = 0;
    while (total > this.byteBudget && n < state.records.length - 1) total -= approxBytes(state.records[n++]!.exchange);
    if (n > 0) this.dropOldest(state, tabId, n);
  }

  /** Bytes the tab's kept records take, roughly (approxBytes). */
  bytes(tabId: number): number {
    return this.tabs.get(tabId)?.bytes ?? 0;
  }

  /** Drops the `n` oldest records, counts them as dropped, and forgets the chunks they emptied. */
  private dropOldest(state: TabState, tabId: number, n: number): void {
    for (const r of state.records.splice(0, n)) state.bytes -= approxBytes(r.exchange);
    state.dropped += n;
    state.firstSeq = state.records[0]?.seq ?? state.seq;
    const firstChunk = Math.floor(state.firstSeq / CHUNK);
    for (const k of state.chunks) if (k < firstChunk) this.removedKeys.add(chunkKey(tabId, k));
    for (const k of state.dirtyChunks) if (k < firstChunk) state.dirtyChunks.delete(k);
    state.chunks = state.chunks.filter((k) => k >= firstChunk);
    state.metaDirty = true;
  }

  countLikelyFailure(tabId: number, n = 1): void {
    const state = this.state(tabId);
    state.likely += n;
    state.metaDirty = true;
    this.emit({ type: 'counts', tabId });
  }

  setUrl(tabId: number, url: string | null): void {
    const state = this.state(tabId);
    if (state.url !== url) {
      state.url = url;
      state.metaDirty = true;
    }
  }

  preserveLog(tabId: number): boolean {
    return this.tabs.get(tabId)?.preserveLog ?? false;
  }

  setPreserveLog(tabId: number, preserve: boolean): void {
    const state = this.state(tabId);
    state.preserveLog = preserve;
    state.metaDirty = true;
  }

  /** Empties a tab's log (user clear, or top-level navigation without preserve log). */
  clear(tabId: number): void {
    const state = this.tabs.get(tabId);
    if (!state) return;
    for (const k of state.chunks) this.removedKeys.add(chunkKey(tabId, k));
    for (const k of state.dirtyChunks) this.removedKeys.add(chunkKey(tabId, k));
    state.records = [];
    state.bytes = 0;
    this.unobserved.delete(tabId);
    this.packers.delete(tabId);
    state.chunks = [];
    state.dirtyChunks.clear();
    state.dropped = 0;
    state.likely = 0;
    state.firstSeq = state.seq;
    state.metaDirty = true;
    this.emit({ type: 'reset', tabId });
  }

  /** The tab closed: forget it entirely. */
  delete(tabId: number): void {
    const state = this.tabs.get(tabId);
    if (!state) return;
    this.removedKeys.add(metaKey(tabId));
    for (const k of new Set([...state.chunks, ...state.dirtyChunks])) this.removedKeys.add(chunkKey(tabId, k));
    this.tabs.delete(tabId);
    this.unobserved.delete(tabId);
    this.packers.delete(tabId);
  }

  get dirty(): boolean {
    if (this.removedKeys.size) return true;
    for (const s of this.tabs.values()) if (s.metaDirty || s.dirtyChunks.size) return true;
    return false;
  }

  /** Storage batches that hit the quota (the oldest chunks were shed and the batch retried). */
  quotaErrors = 0;

  /**
   * The stored form of one chunk (packString(pairs)). The chunk written last keeps its packer: when
   * its records are those already packed plus new ones at the end (the chunk filling up between
   * checkpoints), only the new ones are packed; any other change packs the chunk anew.
   */
  private packChunk(tabId: number, key: string, pairs: ReadonlyArray<[number, Exchange]>): string {
    const kept = this.packers.get(tabId);
    let packer = kept?.key === key ? kept.packer : undefined;
    if (packer && !isPrefix(packer.items as ReadonlyArray<[number, Exchange]>, pairs)) packer = undefined;
    if (!packer) {
      packer = new GrowingListPacker();
      this.packers.set(tabId, { key, packer });
    }
    for (let i = packer.items.length; i < pairs.length; i++) packer.append(pairs[i]);
    return packer.toString();
  }

  /**
   * Writes the batch of changes since the last flush: one set() and at most one remove().
   * When the area is full (storage.session's quota), the oldest chunk of the largest log is
   * dropped (counted in `dropped`) and the batch is retried, up to 20 chunks per flush.
   */
  async flush(extra: Record<string, unknown> = {}): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const written: Array<[TabState, number]> = [];
      const metas: TabState[] = [];
      const items: Record<string, unknown> = { ...extra };
      const removed = new Set(this.removedKeys);
      this.removedKeys.clear();
      for (const [tabId, state] of this.tabs) {
        if (state.dirtyChunks.size) {
          const base = state.records[0]?.seq ?? state.seq;
          for (const k of state.dirtyChunks) {
            const lo = Math.max(k * CHUNK, base);
            const hi = (k + 1) * CHUNK;
            const pairs: Array<[number, Exchange]> = [];
            for (let i = lo - base; i < state.records.length && i >= 0; i++) {
              const r = state.records[i];
              if (!r || r.seq >= hi) break;
              pairs.push([r.seq, r.exchange]);
            }
            if (pairs.length) {
              items[chunkKey(tabId, k)] = this.packChunk(tabId, chunkKey(tabId, k), pairs);
              removed.delete(chunkKey(tabId, k));
              written.push([state, k]);
            } else removed.add(chunkKey(tabId, k));
          }
          state.dirtyChunks.clear();
        }
        if (state.metaDirty) {
          const meta: TabMeta = {
            seq: state.seq,
            dropped: state.dropped,
            preserveLog: state.preserveLog,
            likely: state.likely,
            firstSeq: state.firstSeq,
            url: state.url,
            chunks: state.chunks,
          };
          items[metaKey(tabId)] = meta;
          removed.delete(metaKey(tabId));
          state.metaDirty = false;
          metas.push(state);
        }
      }
      this.flushes++;
      try {
        if (removed.size) await this.area.remove([...removed]);
        if (Object.keys(items).length) await this.area.set(items);
        return;
      } catch (e) {
        for (const key of removed) this.removedKeys.add(key);
        if (!/quota/i.test(String(e)) || attempt >= 20) {
          // Not written: keep it dirty for the next batch.
          for (const [state, k] of written) state.dirtyChunks.add(k);
          for (const state of metas) state.metaDirty = true;
          throw e;
        }
        this.quotaErrors++;
        for (const [state, k] of written) state.dirtyChunks.add(k);
        for (const state of metas) state.metaDirty = true;
        this.shedOldestChunk();
      }
    }
  }

  /**
   * Drops the oldest stored chunk of the largest log in bytes (quota pressure: the tab that takes
   * the room pays, not the one with the most small records); its records count as dropped.
   */
  private shedOldestChunk(): void {
    let victim: [number, TabState] | undefined;
    let victimBytes = -1;
    for (const entry of this.tabs) {
      if (!entry[1].records.length) continue;
      const bytes = this.bytes(entry[0]);
      if (bytes > victimBytes) {
        victim = entry;
        victimBytes = bytes;
      }
    }
    if (!victim) return;
    const [tabId, state] = victim;
    const firstSeq = state.records[0]?.seq ?? state.seq;
    const end = (Math.floor(firstSeq / CHUNK) + 1) * CHUNK;
    let n = 0;
    while (n < state.records.length && (state.records[n]?.seq ?? end) < end) n++;
    this.dropOldest(state, tabId, n);
    this.emit({ type: 'reset', tabId });
  }

  records(tabId: number): ExchangeRecord[] {
    return this.tabs.get(tabId)?.records ?? [];
  }

  /** Failures the cheap watch counted on this tab (likely CORS, not diagnosed). */
  likelyFailures(tabId: number): number {
    return this.tabs.get(tabId)?.likely ?? 0;
  }

  dropped(tabId: number): number {
    return this.tabs.get(tabId)?.dropped ?? 0;
  }

  report(tabId: number, capture: CaptureState, url: string | null = null): TabReport {
    const state = this.tabs.get(tabId);
    return buildReport(state?.records ?? [], {
      tabId,
      url: url ?? state?.url ?? null,
      capture,
      preserveLog: state?.preserveLog ?? false,
      dropped: state?.dropped ?? 0,
      likelyCorsFailures: state?.likely ?? 0,
    }, (exchange) => this.engine.diagnose(exchange));
  }
}

/** `packed` are the first pairs of `pairs`: the same sequence numbers with the same exchange objects. */
function isPrefix(packed: ReadonlyArray<[number, Exchange]>, pairs: ReadonlyArray<[number, Exchange]>): boolean {
  if (packed.length > pairs.length) return false;
  for (let i = 0; i < packed.length; i++) {
    if (packed[i]![0] !== pairs[i]![0] || packed[i]![1] !== pairs[i]![1]) return false;
  }
  return true;
}
