/**
 * Firefox's own CORS verdicts, read from its console: one "Cross-Origin Request Blocked: ...
 * (Reason: ...)" error per refusal, delivered over WebDriver BiDi (log.entryAdded, puppeteer's
 * `pageerror`). The phrases are Firefox's (dom/security/... security.properties, en-US, as
 * installed with Firefox 153 ESR); the reason names are the MDN page names the engine uses.
 */
import type { Page } from 'puppeteer-core';
import type { FirefoxCorsReason } from '../../src/engine/types.ts';

export type FirefoxConsoleReason = FirefoxCorsReason | 'CORSAllowHeaderFromPreflightDeprecation';

/** The distinguishing part of each message, `(Reason: ...)`, with its parameter when it has one. */
const REASON_PATTERNS: ReadonlyArray<readonly [FirefoxConsoleReason, RegExp]> = [
  ['CORSDisabled', /\(Reason: CORS disabled\)/],
  ['CORSDidNotSucceed', /\(Reason: CORS request did not succeed\)/],
  ['CORSOriginHeaderNotAdded', /\(Reason: CORS header ‘Origin’ cannot be added\)/],
  ['CORSExternalRedirectNotAllowed', /\(Reason: CORS request external redirect not allowed\)/],
  ['CORSRequestNotHttp', /\(Reason: CORS request not http\)/],
  ['CORSMissingAllowOrigin', /\(Reason: CORS header ‘Access-Control-Allow-Origin’ missing\)/],
  ['CORSMultipleAllowOriginNotAllowed', /\(Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed\)/],
  ['CORSAllowOriginNotMatchingOrigin', /\(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘(.*)’\)/],
  ['CORSNotSupportingCredentials', /\(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘\*’\)/],
  ['CORSMethodNotFound', /\(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’\)/],
  ['CORSMissingAllowCredentials', /\(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’\)/],
  ['CORSPreflightDidNotSucceed', /\(Reason: CORS preflight response did not succeed\)/],
  ['CORSInvalidAllowMethod', /\(Reason: invalid token ‘(.*)’ in CORS header ‘Access-Control-Allow-Methods’\)/],
  ['CORSInvalidAllowHeader', /\(Reason: invalid token ‘(.*)’ in CORS header ‘Access-Control-Allow-Headers’\)/],
  ['CORSMissingAllowHeaderFromPreflight', /\(Reason: header ‘(.*)’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response\)/],
  ['CORSAllowHeaderFromPreflightDeprecation', /\(Reason: When the `Access-Control-Allow-Headers` is `\*`, the `Authorization` header is not covered/],
];

export interface FirefoxConsoleVerdict {
  reason: FirefoxConsoleReason;
  url: string;
  /** The value the message names (an origin, a token, a header), when it names one. */
  param?: string;
  /** `Status code: N` when the message gives one (`(null)`: no response). */
  status?: string;
  /** A warning (the request still passed), not a refusal. */
  warning: boolean;
  message: string;
}

/** Firefox's CORS console message as a verdict, or undefined when it is not one. */
export function parseFirefoxCorsMessage(message: string): FirefoxConsoleVerdict | undefined {
  const head = /^Cross-Origin Request (Blocked|Warning): The Same Origin Policy (?:disallows|will disallow) reading the remote resource at ‘?(\S+?)’?(?: soon)?\. \(Reason:/.exec(message);
  if (!head) return undefined;
  for (const [reason, pattern] of REASON_PATTERNS) {
    const m = pattern.exec(message);
    if (!m) continue;
    const status = /Status code: (\S+?)\.?$/.exec(message)?.[1];
    return { reason, url: head[2]!, warning: head[1] === 'Warning', message, ...(m[1] !== undefined ? { param: m[1] } : {}), ...(status ? { status } : {}) };
  }
  return undefined;
}

/** Collects Firefox's CORS console verdicts of `page` (and what else it logs as an error). */
export function watchFirefoxCorsConsole(page: Page): { verdicts: FirefoxConsoleVerdict[]; unparsed: string[] } {
  const seen = { verdicts: [] as FirefoxConsoleVerdict[], unparsed: [] as string[] };
  const take = (text: string) => {
    const verdict = parseFirefoxCorsMessage(text);
    if (verdict) seen.verdicts.push(verdict);
    else if (/Cross-Origin Request/.test(text)) seen.unparsed.push(text);
  };
  page.on('pageerror', (e) => take(e instanceof Error ? e.message : String(e)));
  page.on('console', (m) => take(m.text()));
  return seen;
}

/**
 * Firefox's verdict on one request from its messages: the first refusal that names a reason
 * (a failed preflight is followed by a second line, CORSDidNotSucceed, for the request it
 * guarded), CORSDidNotSucceed alone when that is all, `ok` when there is no refusal.
 */
export function firefoxVerdictOf(messages: readonly FirefoxConsoleVerdict[]): { reason: FirefoxConsoleReason | 'ok'; param?: string; warnings: FirefoxConsoleReason[] } {
  const refusals = messages.filter((m) => !m.warning);
  const warnings = messages.filter((m) => m.warning).map((m) => m.reason);
  const named = refusals.find((m) => m.reason !== 'CORSDidNotSucceed') ?? refusals[0];
  if (!named) return { reason: 'ok', warnings };
  return { reason: named.reason, ...(named.param !== undefined ? { param: named.param } : {}), warnings };
}

/** The lab scenario a URL belongs to: `/s/<id>/...` (test/lab/server.ts), redirect hops included. */
export function labScenarioOf(url: string): string | undefined {
  return /\/s\/([A-Za-z0-9_.-]+)/.exec(url)?.[1];
}

/**
 * Firefox's verdict on one run of a lab scenario, as the Firefox tests compare it: the reason it
 * logged for the scenario's URLs; `refused (no reason)` when the page's call failed and Firefox
 * logged no CORS message (`silent`: the request's own options, or a message that did not reach
 * the oracle); `ok`.
 */
export function firefoxVerdictOfRun(verdicts: readonly FirefoxConsoleVerdict[], run: { id: string; ok: boolean }): { seen: string; param?: string; silent: boolean } {
  const said = firefoxVerdictOf(verdicts.filter((v) => labScenarioOf(v.url) === run.id));
  if (said.reason !== 'ok') return { seen: said.reason, ...(said.param !== undefined ? { param: said.param } : {}), silent: false };
  return run.ok ? { seen: 'ok', silent: false } : { seen: 'refused (no reason)', silent: true };
}
