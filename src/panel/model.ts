import { labelOf } from '../engine/codes.ts';
import { FINDINGS } from '../engine/findings.ts';
import type { DiagnosisStatus, Verdict } from '../engine/types.ts';
import type { ExchangeRecord } from '../store/report.ts';

/**
 * Pure view model of the request list: one flat Row per record, computed once when the record
 * arrives, so that filtering 10,000 rows is a tight loop over precomputed strings.
 */
export interface Row {
  seq: number;
  status: DiagnosisStatus;
  method: string;
  url: string;
  /** Host + path, query and fragment shortened. */
  shortUrl: string;
  from: string;
  to: string;
  verdict: string;
  startedAt: number | undefined;
  durationMs: number | undefined;
  /** Lower-cased text searched by the filter box. */
  haystack: string;
  record: ExchangeRecord;
}

export type StatusFilter = 'all' | 'blocked' | 'warning';

export interface Filter {
  status: StatusFilter;
  text: string;
  /** '' = every target origin. */
  target: string;
}

export const EMPTY_FILTER: Filter = { status: 'all', text: '', target: '' };

export function verdictWords(d: Verdict): string {
  if (d.status === 'blocked') {
    if (!d.corsError) return 'Blocked (preflight not seen)';
    return labelOf(d.corsError, d.failedParameter ?? '');
  }
  if (d.status === 'warning') {
    const worst = d.findings.find((f) => f.severity === 'error') ?? d.findings.find((f) => f.severity === 'warning') ?? d.findings[0];
    if (!worst) return 'Warning';
    return (FINDINGS as Record<string, { title: string } | undefined>)[worst.id]?.title ?? worst.id;
  }
  return 'Allowed';
}

function parsedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** A row's target origin ('' when the URL does not parse; the scheme for an opaque origin). */
function originOfParsed(u: URL | undefined): string {
  if (!u) return '';
  return u.origin === 'null' ? `${u.protocol}` : u.origin;
}

/** The longest short URL a row or a label shows. */
const SHORT_URL_MAX = 80;

/** `api.example.com/v1/items?…` : host, path (middle elided past `max`), query marked. */
export function shortenUrl(url: string, max = SHORT_URL_MAX): string {
  return shortenParsed(url, parsedUrl(url), max);
}

function shortenParsed(url: string, u: URL | undefined, max: number): string {
  const text = u && (u.protocol === 'http:' || u.protocol === 'https:') ? u.host + u.pathname + (u.search ? '?…' : '') : url;
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep * 0.6);
  return text.slice(0, head) + '…' + text.slice(text.length - (keep - head));
}

export function toRow(record: ExchangeRecord): Row {
  const { exchange, verdict } = record;
  const url = exchange.hops[0]?.url ?? '';
  // One parse for both: 10,000 rows of an imported file are made at once.
  const parsed = parsedUrl(url);
  const to = originOfParsed(parsed);
  const words = verdictWords(verdict);
  return {
    seq: record.seq,
    status: verdict.status,
    method: exchange.method,
    url,
    shortUrl: shortenParsed(url, parsed, SHORT_URL_MAX),
    from: exchange.initiatorOrigin,
    to,
    verdict: words,
    startedAt: exchange.startedAt,
    durationMs: exchange.durationMs,
    haystack: [exchange.method, url, exchange.initiatorOrigin, words, verdict.corsError ?? '', verdict.headline]
      .join('\n')
      .toLowerCase(),
    record,
  };
}

/** Rows that pass the filter, in order. A tight loop: no allocation per row beyond the result. */
/**
 * The live rows after a `records` batch: a record whose seq is already listed replaces that row
 * (an unobserved outcome seen after all), the others are appended; the newest `max` are kept.
 */
export function mergeRows(prev: readonly Row[], fresh: readonly Row[], max: number): Row[] {
  const lastSeq = prev.length ? prev[prev.length - 1]!.seq : -Infinity;
  let next: Row[];
  if (fresh.every((r) => r.seq > lastSeq)) next = prev.concat(fresh);
  else {
    const replacing = new Map(fresh.filter((r) => r.seq <= lastSeq).map((r) => [r.seq, r]));
    next = prev.map((r) => replacing.get(r.seq) ?? r).concat(fresh.filter((r) => r.seq > lastSeq));
  }
  return next.length > max ? next.slice(next.length - max) : next;
}

export function filterRows(rows: readonly Row[], filter: Filter): Row[] {
  const text = filter.text.trim().toLowerCase();
  const { status, target } = filter;
  if (status === 'all' && !text && !target) return rows as Row[];
  const out: Row[] = [];
  for (const row of rows) {
    if (status !== 'all' && row.status !== status) continue;
    if (target && row.to !== target) continue;
    if (text && !row.haystack.includes(text)) continue;
    out.push(row);
  }
  return out;
}

export interface Counts {
  all: number;
  blocked: number;
  warning: number;
  ok: number;
}

export function countRows(rows: readonly Row[]): Counts {
  const c: Counts = { all: rows.length, blocked: 0, warning: 0, ok: 0 };
  for (const r of rows) c[r.status]++;
  return c;
}

/** Distinct target origins, most requested first. */
export function targetOrigins(rows: readonly Row[]): Array<{ origin: string; count: number; blocked: number }> {
  const map = new Map<string, { origin: string; count: number; blocked: number }>();
  for (const r of rows) {
    let e = map.get(r.to);
    if (!e) map.set(r.to, (e = { origin: r.to, count: 0, blocked: 0 }));
    e.count++;
    if (r.status === 'blocked') e.blocked++;
  }
  return [...map.values()].sort((a, b) => b.count - a.count || a.origin.localeCompare(b.origin));
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatClock(epochMs: number | undefined): string {
  if (epochMs === undefined || !Number.isFinite(epochMs) || epochMs <= 0) return '';
  const d = new Date(epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export const STATUS_LABEL: Record<DiagnosisStatus, string> = { blocked: 'Blocked', warning: 'Warning', ok: 'OK' };
