/**
 * Private by default. Cookies, credentials and query strings are the user's secrets; the engine
 * needs only whether a Cookie (or Authorization) header was there, never its value.
 * - At capture (the worker, unless the user keeps them): the values of credential headers are
 *   replaced, their presence kept, before anything is stored or journaled.
 * - On export (report, HAR; unless the user includes them): the same, plus every query value and
 *   userinfo password in URLs (the URL stays parseable and identical wherever it appears, so a
 *   redacted HAR imports back with the same verdicts).
 * Pure.
 */
import type { Diagnosis, Exchange, HttpHeader } from '../engine/types.ts';
import { mapExchange } from './exchange-map.ts';
import { toReportEntry, type TabReport } from './report.ts';

export const REDACTED = 'redacted-by-corsight';

/** Headers whose value is a credential: Cookie, Authorization and their response twins. */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['cookie', 'authorization', 'proxy-authorization', 'set-cookie', 'set-cookie2']);
const SECRET_NAME_LENGTHS: ReadonlySet<number> = new Set([...SECRET_HEADERS].map((name) => name.length));

export function isSecretHeader(name: unknown): boolean {
  // By length first: this runs on every captured header line.
  return typeof name === 'string' && SECRET_NAME_LENGTHS.has(name.length) && SECRET_HEADERS.has(name.toLowerCase());
}

/** The same array when nothing is to redact (the common case: the worker runs this on every capture). */
export function redactHeaders<H extends HttpHeader>(headers: H[]): H[] {
  if (!headers.some((h) => isSecretHeader(h.name) && h.value !== REDACTED)) return headers;
  return headers.map((h) => (isSecretHeader(h.name) && h.value !== REDACTED ? { ...h, value: REDACTED } : h));
}

/**
 * A URL with every query value and any userinfo password replaced; names, path and origin kept
 * (the engine reads origins; `user:` stays so a redirect to credentials is still seen). Works on
 * relative URLs too (a Location header). The fragment goes: it never reaches a server.
 */
export function redactUrl(url: string): string {
  const noFragment = url.replace(/#.*$/s, '');
  const withoutPassword = noFragment.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*?:)[^/?#@]*@/i, `$1${REDACTED}@`);
  return withoutPassword.replace(/([?&][^=&#]*)=[^&#]*/g, `$1=${REDACTED}`);
}

/** What is kept at capture: credential header values replaced, presence kept. */
export function redactSecrets(ex: Exchange): Exchange {
  return mapExchange(ex, redactHeaders, (u) => u);
}

/**
 * What the worker stores of a captured exchange: credential values replaced unless the user keeps
 * them. Nothing else is cut: a header line Chromium read may be the one that decides (the lab's
 * hostile-2000-lines has Allow-Origin as its 2,001st line), and Chromium itself refuses response
 * headers over 256 KB; what a tab keeps is bounded by its byte budget (tab-log.ts).
 */
export function forStorage(ex: Exchange, keepSecrets: boolean): Exchange {
  return keepSecrets ? ex : redactSecrets(ex);
}

/** URL-bearing headers: their query values and passwords are redacted like the URLs. */
const URL_HEADERS: ReadonlySet<string> = new Set(['location', 'referer', 'content-location']);

/** What leaves in an export: secrets, query values and passwords, everywhere. */
export function redactForExport(ex: Exchange): Exchange {
  const headers = (list: HttpHeader[]) =>
    redactHeaders(list).map((h) => (typeof h.name === 'string' && URL_HEADERS.has(h.name.toLowerCase()) && typeof h.value === 'string' ? { ...h, value: redactUrl(h.value) } : h));
  return mapExchange(ex, headers, redactUrl);
}

/**
 * A report as it leaves the extension: each exchange redacted for export and diagnosed again, so
 * no text of the diagnosis (headline, explanation) carries a value the exchange no longer has;
 * the verdicts are the same (no check reads a credential value or a query).
 */
export function redactReport(report: TabReport, diagnose: (ex: Exchange) => Diagnosis): TabReport {
  const entries = report.entries.map((e) => {
    const exchange = redactForExport(e.exchange);
    return toReportEntry({ seq: e.seq, exchange, verdict: diagnose(exchange) }, diagnose);
  });
  return { ...report, tab: { ...report.tab, url: report.tab.url === null ? null : redactUrl(report.tab.url) }, entries, redacted: true };
}
