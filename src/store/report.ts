import type { CorsErrorCode, Diagnosis, DiagnosisStatus, Exchange, ExchangeSource, Verdict } from '../engine/types.ts';
import { isExplained } from '../engine/explained.ts';
import { logFindings, type EchoedOriginsFinding } from '../engine/log-findings.ts';
import type { TrialState } from '../trial/state.ts';

/**
 * The per-tab record and the report format. The report is what the message API returns for a
 * tab and what the panel exports as JSON ("corsight-report", documented in docs/report.md).
 * Pure data: shared by the worker, the pages, the CLI and the tests.
 */

/**
 * One judged exchange as the per-tab log keeps it. The worker keeps the verdict (the engine's
 * judge()); a reader that needs the explanation asks `explainedRecord` with diagnose(), which is
 * pure: the same exchange gives the same verdict, explained.
 */
export interface ExchangeRecord {
  /** Per-tab sequence number, increasing; survives worker restarts. */
  seq: number;
  exchange: Exchange;
  verdict: Verdict;
}

/** The engine's diagnose(), passed in: src/store never judges (the worker and the pages do). */
export type Explain = (exchange: Exchange) => Diagnosis;

/** The record's verdict explained: the verdict itself when it is a whole Diagnosis already. */
export function explainedRecord(record: ExchangeRecord, explain: Explain): Diagnosis {
  return isExplained(record.verdict) ? record.verdict : explain(record.exchange);
}

/** How a tab is being watched right now. */
export interface CaptureState {
  /** DevTools is open on the tab and its network log feeds Corsight. */
  devtools: boolean;
  /** The user asked to diagnose the tab with DevTools closed: webRequest capture is on. */
  webRequest: boolean;
  /** The cheap watch (counting likely-CORS failures) is on for tabs not captured. */
  cheapWatch: boolean;
  /** A "Try this fix" trial edits responses in this tab (src/background/trials.ts). */
  trial?: TrialState;
}

export interface StatusCounts {
  ok: number;
  warning: number;
  blocked: number;
}

/** One exchange in the exported report. */
export interface ReportEntry {
  seq: number;
  url: string;
  method: string;
  initiatorOrigin: string;
  targetOrigin: string;
  status: DiagnosisStatus;
  corsError: CorsErrorCode | null;
  failedParameter: string | null;
  findingIds: string[];
  headline: string;
  source: ExchangeSource | null;
  startedAt: number | null;
  durationMs: number | null;
  /** Full detail, for tools that want more than the summary fields. */
  exchange: Exchange;
  diagnosis: Diagnosis;
}

export interface TabReport {
  format: 'corsight-report';
  version: 1;
  generatedAt: string;
  tab: { id: number; url: string | null };
  capture: CaptureState;
  preserveLog: boolean;
  counts: StatusCounts;
  /** Exchanges dropped because the per-tab log is bounded (oldest first). */
  dropped: number;
  /** Failures seen by the cheap watch on this tab that look like CORS (no diagnosis). */
  likelyCorsFailures: number;
  entries: ReportEntry[];
  /** Findings read across the entries (engine/log-findings.ts), none when absent. */
  acrossRequests?: EchoedOriginsFinding[];
  /**
   * In an exported file: true when cookie and authorization values, query values and URL
   * passwords were replaced (src/store/redact.ts), false when the user included them.
   */
  redacted?: boolean;
}

function targetOriginOf(exchange: Exchange): string {
  const url = exchange.hops[0]?.url ?? '';
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

export function toReportEntry(record: ExchangeRecord, explain: Explain): ReportEntry {
  const { exchange } = record;
  const diagnosis = explainedRecord(record, explain);
  return {
    seq: record.seq,
    url: exchange.hops[0]?.url ?? '',
    method: exchange.method,
    initiatorOrigin: exchange.initiatorOrigin,
    targetOrigin: targetOriginOf(exchange),
    status: diagnosis.status,
    corsError: diagnosis.corsError ?? null,
    failedParameter: diagnosis.failedParameter ?? null,
    findingIds: diagnosis.findings.map((f) => f.id),
    headline: diagnosis.headline,
    source: exchange.source ?? null,
    startedAt: exchange.startedAt ?? null,
    durationMs: exchange.durationMs ?? null,
    exchange,
    diagnosis,
  };
}

export function countStatuses(records: readonly { verdict: Verdict }[]): StatusCounts {
  const counts: StatusCounts = { ok: 0, warning: 0, blocked: 0 };
  for (const record of records) counts[record.verdict.status]++;
  return counts;
}

export interface ReportMeta {
  tabId: number | undefined;
  url: string | null;
  capture?: CaptureState;
  preserveLog?: boolean;
  dropped?: number;
  likelyCorsFailures?: number;
  now?: Date;
}

/**
 * A TabReport (the "corsight-report" JSON format) of these records: the one builder, used by
 * the worker's tab logs (the message API's report) and by the panel's export.
 */
export function buildReport(records: readonly ExchangeRecord[], meta: ReportMeta, explain: Explain): TabReport {
  return {
    format: 'corsight-report',
    version: 1,
    generatedAt: (meta.now ?? new Date()).toISOString(),
    tab: { id: meta.tabId ?? -1, url: meta.url },
    capture: meta.capture ?? { devtools: false, webRequest: false, cheapWatch: false },
    preserveLog: meta.preserveLog ?? false,
    counts: countStatuses(records),
    dropped: meta.dropped ?? 0,
    likelyCorsFailures: meta.likelyCorsFailures ?? 0,
    entries: records.map((record) => toReportEntry(record, explain)),
    ...acrossRequestsOf(records),
  };
}

function acrossRequestsOf(records: readonly ExchangeRecord[]): Pick<TabReport, 'acrossRequests'> {
  const found = logFindings(records.map((r) => r.exchange));
  return found.length ? { acrossRequests: found } : {};
}
