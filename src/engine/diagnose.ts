/**
 * The engine's entries. Both decide which rules apply to the exchange, in the browser's order
 * (Local Network Access, the request mode, the URL scheme, then the CORS checks):
 * - judge(exchange) gives the Verdict: status, Chromium's code, headline and findings. The worker
 *   runs it on every captured request;
 * - diagnose(exchange) gives the Diagnosis: the same verdict with its evidence, paragraphs and fix
 *   plans, for the request a user opens, a report and the CLI. About half of its time is that
 *   explanation (docs/performance.md), which no request pays until someone reads it.
 * The CORS checks are fetch.ts's (one function per spec algorithm); replay.ts walks them over
 * the exchange under a credentials mode chosen by credentials.ts; evidence.ts and prose.ts turn
 * the replay into evidence, findings and words; plan.ts into the fix plan.
 */
import { firefoxReasonOf, firefoxVerdict } from './firefox.ts';
import {
  accessControlMaxAge,
  CHROMIUM_MAX_AGE_CAP,
  ensureAllowedCrossOriginHeaders,
  isCorsSafelistedMethod,
  isRedirectStatus,
  normalizeMethod,
  parsePreflightResult,
} from './fetch.ts';
import { capitalize, headlineOf, listText } from './codes.ts';
import {
  addResponseEvidence,
  evidenceLine,
  originValueFindings,
  exposureFindings,
  varyFinding,
} from './evidence.ts';
import { finding } from './findings.ts';
import { getHeader } from './headers.ts';
import { buildFixPlan } from './plan.ts';
import { chainFixPlans } from './chain-plan.ts';
import { CURL_PARAGRAPH, requestValues, headlineFor, detailFor, failureFindings } from './prose.ts';
import { traceUnderCredentials } from './credentials.ts';
import {
  CORS_LIKE_ERROR,
  FAILED_WITHOUT_REASON,
  type Trace,
  type Ctx,
  isBlocked,
  failedAsObserved,
  originOfUrl,
  stageResponse,
  refusedRedirectLocation,
} from './replay.ts';
import type {
  CorsErrorCode,
  Diagnosis,
  Evidence,
  Exchange,
  Finding,
  FixActionId,
  ObservedResponse,
  FixPlan,
  Verdict,
} from './types.ts';
import { originDifferences, parseUrlShared, type ParsedUrl } from './url.ts';
import { addressSpaceOfHost, isMorePrivate, isPotentiallyTrustworthy } from './address-space.ts';

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/** Local Network Access codes (and the legacy Private Network names they replace). */
const LOCAL_NETWORK_CODES = new Map<string, CorsErrorCode>([
  ['InsecureLocalNetwork', 'InsecureLocalNetwork'],
  ['InvalidLocalNetworkAccess', 'InvalidLocalNetworkAccess'],
  ['LocalNetworkAccessPermissionDenied', 'LocalNetworkAccessPermissionDenied'],
  ['InsecurePrivateNetwork', 'InsecureLocalNetwork'],
  ['InvalidPrivateNetworkAccess', 'InvalidLocalNetworkAccess'],
  ['PrivateNetworkAccessPermissionDenied', 'LocalNetworkAccessPermissionDenied'],
]);

const NON_FETCH_RESOURCE_TYPES = new Set([
  'image', 'script', 'stylesheet', 'media', 'imageset', 'object', 'ping', 'csp_report',
  'beacon', 'other',
]);

const NAVIGATION_RESOURCE_TYPES = new Set(['main_frame', 'sub_frame', 'document', 'navigation']);

/** The assumptions line of an Exchange whose outcome the capture inferred (Exchange.outcomeInferred). */
export const OUTCOME_INFERRED_ASSUMPTION =
  "The browser's completion event was missed while Corsight's worker restarted; the outcome was inferred from the response headers.";

/**
 * Replays the browser's CORS decisions for one exchange and explains the verdict.
 * Never throws: malformed input yields a well-formed diagnosis saying so.
 */
export function diagnose(exchange: Exchange): Diagnosis {
  return diagnoseSafely(exchange, true);
}

/**
 * The verdict of diagnose(exchange) without its evidence, paragraphs, plans and Firefox's name
 * for the refusal: the same status, code, parameter, stage, headline and findings. Never throws.
 */
export function judge(exchange: Exchange): Verdict {
  const d = diagnoseSafely(exchange, false);
  const verdict: Verdict = {
    status: d.status,
    stage: d.stage,
    headline: d.headline,
    crossOriginBecause: d.crossOriginBecause,
    findings: d.findings,
    assumptions: d.assumptions,
    credentialsAssumed: d.credentialsAssumed,
  };
  if (d.corsError !== undefined) verdict.corsError = d.corsError;
  if (d.failedParameter !== undefined) verdict.failedParameter = d.failedParameter;
  return verdict;
}

/** `explain` false: the evidence, paragraphs and plans are left empty (judge()). */
function diagnoseSafely(exchange: Exchange, explain: boolean): Diagnosis {
  try {
    const diagnosis = diagnoseExchange(exchange, explain);
    // Firefox's name for the same refusal (engine/firefox.ts): only a blocked request has one,
    // and only the explained one needs it (the request list names Chromium's code).
    if (explain && diagnosis.status === 'blocked') {
      const reason = firefoxReasonOf(firefoxVerdict(exchange, diagnosis));
      if (reason) diagnosis.firefoxReason = reason;
    }
    return diagnosis;
  } catch (err) {
    return {
      status: 'warning',
      stage: { kind: 'none' },
      headline: 'Corsight could not read this exchange.',
      explanation: [`The captured data is malformed (${err instanceof Error ? err.message : String(err)}).`],
      crossOriginBecause: [],
      evidence: [],
      findings: [],
      assumptions: ['The exchange did not match the expected format.'],
      credentialsAssumed: 'omit',
    };
  }
}

function diagnoseExchange(ex: Exchange, explain: boolean): Diagnosis {
  const hops = Array.isArray(ex.hops) ? ex.hops : [];
  const firstUrl = hops[0]?.url ?? '';
  const pageOrigin = typeof ex.initiatorOrigin === 'string' ? ex.initiatorOrigin.trim() : 'null';
  const page = pageOrigin === 'null' ? null : parseUrlShared(pageOrigin);
  const outcome = ex.outcome ?? { kind: 'completed' };
  const targetOrNull = parseUrlShared(firstUrl);
  // One context object for the whole call (target null only for the invalid-URL answer): a
  // second one spread from a base cost a fifth of diagnose() (CPU profile, issue 20).
  const ctxOrInvalid: CtxBase & { target: ParsedUrl | null } = {
    ex,
    method: normalizeMethod(String(ex.method ?? 'GET')),
    pageOrigin: page ? page.origin : 'null',
    page,
    target: targetOrNull,
    hops,
    requestHeaders: Array.isArray(ex.requestHeaders) ? ex.requestHeaders : [],
    outcomeFailed: outcome.kind === 'failed',
    outcomeError: outcome.kind === 'failed' ? String(outcome.error ?? '') : '',
    outcomeCorsUnchecked: outcome.kind === 'completed' && outcome.corsUnchecked === true,
    outcomeCorsLike: outcome.kind === 'failed' && CORS_LIKE_ERROR.test(String(outcome.error ?? '')),
    assumptions: [] as string[],
    explain,
  };
  const assumptions = ctxOrInvalid.assumptions;
  if (ex.outcomeInferred === true) assumptions.push(OUTCOME_INFERRED_ASSUMPTION);

  if (!hasTarget(ctxOrInvalid)) {
    return simple(ctxOrInvalid, null, 'warning', `The request URL ${JSON.stringify(firstUrl)} is not a valid URL.`, [
      'The browser rejects an invalid URL before any network activity; no CORS rule is involved.',
    ], [finding('network-error-not-cors', `The URL ${JSON.stringify(firstUrl)} could not be parsed, so the request never left the browser.`)]);
  }
  const ctx = ctxOrInvalid;
  const target = ctx.target;
  const crossOriginBecause = page ? originDifferences(page, target) : [];
  // Cross-origin at some hop, or at a redirect target the browser refused to follow (a
  // Location with credentials): CORS applies from there on.
  const lastHop = hops[hops.length - 1];
  const refusedTarget = lastHop?.response ? refusedRedirectLocation(lastHop.url, lastHop.response, ctx.outcomeFailed ? ctx.outcomeError : null) : undefined;
  const anyCross =
    ctx.pageOrigin === 'null' ||
    hops.some((h) => originOfUrl(ctx, h.url) !== ctx.pageOrigin) ||
    (refusedTarget !== undefined && parseUrlShared(refusedTarget)?.origin !== ctx.pageOrigin);

  // 0. Local Network Access: decided on address spaces the headers do not show.
  const reported = ex.reportedCorsError?.corsError;
  const lna = typeof reported === 'string' ? LOCAL_NETWORK_CODES.get(reported) : undefined;
  if (lna) return localNetwork(ctx, lna, String(ex.reportedCorsError?.failedParameter ?? ''), crossOriginBecause);
  // 0b. Without the browser's report: what the page's request context shows (address spaces of
  // the hosts, the document's secure context and permission state, the fetch's targetAddressSpace).
  const inferred = inferredLocalNetwork(ex, target, page, ctx.outcomeFailed ? ctx.outcomeError : null);
  if (inferred) return localNetwork(ctx, inferred.code, '', crossOriginBecause, inferred.why);

  // 1. The request mode.
  let mode = ex.mode;
  if (mode === 'unknown' || mode === undefined) {
    const type = (ex.resourceType ?? '').toLowerCase();
    if (NAVIGATION_RESOURCE_TYPES.has(type)) mode = 'navigate';
    else if (NON_FETCH_RESOURCE_TYPES.has(type)) mode = 'no-cors';
    else mode = 'cors';
    if (anyCross) assumptions.push(`The request mode was not reported; assumed "${mode}" for a ${type || 'fetch-like'} request.`);
  }
  if (mode === 'navigate') {
    return simple(ctx, null, 'ok', `Navigation to ${target.origin}: CORS does not apply to navigations.`, [], []);
  }
  if (!anyCross) {
    return sameOrigin(ctx);
  }
  // The request was sent, but what the server answered was never seen: no verdict to give.
  if (outcome.kind === 'unobserved') {
    return simple(ctx, target, 'warning', `Corsight saw this request to ${target.origin} leave but not how it ended.`, [
      'Its response and completion events were lost while the browser restarted the extension\'s service worker, so there is nothing to judge it by.',
    ], [finding('outcome-unobserved', 'The response and completion of this request were not captured; reload the page to run it again.')]);
  }
  if (mode === 'same-origin') {
    return modeBlocked(ctx, 'DisallowedByMode', 'use-same-origin-or-cors', crossOriginBecause,
      'A "same-origin" request may not leave the page\'s origin, so the browser stopped it before any network activity. Use mode "cors" (the default of fetch) and have the server send CORS headers, or call a same-origin URL (for example through a proxy on the page\'s own origin).');
  }
  if (mode === 'no-cors') {
    if (ex.redirect === 'error' || ex.redirect === 'manual') {
      return modeBlocked(ctx, 'NoCorsRedirectModeNotFollow', 'redirect-mode-follow', crossOriginBecause,
        'The browser stopped the request before any network activity. Use redirect: "follow", or switch to mode "cors" if the page needs to handle redirects itself.');
    }
    return noCors(ctx, crossOriginBecause);
  }

  // 2. CORS mode: only HTTP(S) can be fetched cross-origin.
  if (!target.isHttp) {
    if (target.scheme === 'data' || target.scheme === 'blob' || target.scheme === 'about') {
      return simple(ctx, null, 'ok', `A ${target.scheme}: URL is not subject to CORS.`, [], []);
    }
    // Refused in the renderer (Blink's fetch, before the network service): Chromium names the
    // scheme (measured, lab scenario scheme-ftp: failedParameter "ftp"); a redirect to such a
    // URL is refused in the network service without a parameter (fetch.ts).
    return modeBlocked(ctx, 'CorsDisabledScheme', 'use-http-scheme', crossOriginBecause,
      `The browser refuses CORS requests to the ${target.scheme}: scheme. Serve the resource over http(s), or load the page from the same place (for a local file, serve both through a local web server).`, target.scheme);
  }

  // 3. Credentials: known, proven by a Cookie header, or chosen to fit the outcome.
  const trace = traceUnderCredentials(ctx);
  const extra: Finding[] = [];
  // A completion that cannot show a CORS refusal (Firefox) contradicts no failing check.
  if (failedAsObserved(trace) !== ctx.outcomeFailed && !ctx.outcomeCorsUnchecked) {
    const text = ctx.outcomeFailed
      ? `The browser reported ${ctx.outcomeError || 'a failure'}, but the captured headers pass every CORS check; something the capture could not see stopped it.`
      : 'The browser reported success, but the captured headers fail a CORS check; the capture may be missing or altering headers.';
    assumptions.push(text);
    extra.push(finding('outcome-mismatch', text));
  }
  if (trace.preflightState === 'assumed-cached') {
    assumptions.push('A preflight was needed but none was captured and the request went through: assumed a preflight-cache hit (an earlier OPTIONS answer still valid).');
  } else if (trace.preflightState === 'cached') {
    assumptions.push('The preflight was answered from the preflight cache.');
  }
  return fromTrace(ctx, trace, crossOriginBecause, extra);
}

/** The replay's context, and whether to build the explanation (diagnose) or only the verdict (judge). */
type CtxBase = Omit<Ctx, 'target'> & { explain: boolean };
type DiagnoseCtx = Ctx & { explain: boolean };

function hasTarget(ctx: CtxBase & { target: ParsedUrl | null }): ctx is DiagnoseCtx {
  return ctx.target !== null;
}

function statusFrom(blocked: boolean, findings: Finding[]): Diagnosis['status'] {
  if (blocked) return 'blocked';
  for (const f of findings) if (f.severity !== 'info') return 'warning';
  return 'ok';
}

function credentialsFrom(ex: Exchange): Diagnosis['credentialsAssumed'] {
  return ex.credentials === 'include' || ex.credentials === 'same-origin' ? ex.credentials : 'omit';
}

function simple(
  ctx: CtxBase,
  target: ParsedUrl | null,
  status: Diagnosis['status'],
  headline: string,
  explanation: string[],
  findings: Finding[],
): Diagnosis {
  return {
    status,
    stage: { kind: 'none' },
    headline,
    explanation,
    crossOriginBecause: ctx.page && target ? originDifferences(ctx.page, target) : [],
    evidence: [],
    findings,
    assumptions: ctx.assumptions,
    credentialsAssumed: credentialsFrom(ctx.ex),
  };
}

function networkFinding(ctx: CtxBase): Finding[] {
  if (!ctx.outcomeFailed) return [];
  if (ctx.outcomeCorsLike) return [];
  return [finding('network-error-not-cors', `The request failed with ${ctx.outcomeError || 'an error'}, which is not a CORS error.`)];
}

function sameOrigin(ctx: DiagnoseCtx): Diagnosis {
  const f = networkFinding(ctx);
  return simple(ctx, ctx.target, statusFrom(false, f), `Same-origin request to ${ctx.target.origin}: CORS does not apply.`, [
    `The page ${ctx.pageOrigin} and the URL share scheme, host and port, so the browser applies no CORS check.`,
  ], f);
}

function noCors(ctx: DiagnoseCtx, because: Diagnosis['crossOriginBecause']): Diagnosis {
  const findings = networkFinding(ctx);
  findings.push(finding('no-cors-opaque-response',
    `The "no-cors" request to ${ctx.target.origin} cannot fail CORS, but the page only gets an opaque response: status 0, no headers, no readable body.`));
  const status = ctx.hops[ctx.hops.length - 1]?.response?.status;
  const d = simple(ctx, ctx.target, statusFrom(false, findings),
    `No CORS error: the "no-cors" request to ${ctx.target.origin} returns an opaque response the page cannot read.`, [
      `A "no-cors" request (an <img>, <script>, or fetch with mode "no-cors") is allowed to go cross-origin without CORS headers, but JavaScript cannot read what comes back.${status !== undefined ? ` The server answered ${status}.` : ''}`,
      'If the browser still ended it with net::ERR_ABORTED, the response was blocked by Opaque Response Blocking (for example JSON or an empty answer), not by CORS.',
      'If the page needs the data, use mode "cors" and have the server send Access-Control-Allow-Origin.',
    ], findings);
  d.crossOriginBecause = because;
  if (ctx.explain) d.fixPlan = planWithoutHeaders(ctx, ['use-cors-mode', 'vary-origin'], true);
  return d;
}

function modeBlocked(
  ctx: DiagnoseCtx,
  code: CorsErrorCode,
  action: FixActionId,
  because: Diagnosis['crossOriginBecause'],
  detail: string,
  failedParameter = '',
): Diagnosis {
  return {
    status: 'blocked',
    corsError: code,
    failedParameter,
    stage: { kind: 'mode' },
    headline: headlineOf(code, requestValues(ctx)),
    explanation: [detail, 'This is decided by the page\'s own request options before anything is sent: no server change fixes it.'],
    crossOriginBecause: because,
    evidence: [],
    findings: [],
    assumptions: ctx.assumptions,
    credentialsAssumed: credentialsFrom(ctx.ex),
    fixPlan: ctx.explain ? planWithoutHeaders(ctx, [action]) : undefined,
  };
}

/**
 * A plan with no CORS header to send: the fix is in the page's request or the browser's
 * permission (not server-fixable), or a structural action only.
 */
function planWithoutHeaders(ctx: DiagnoseCtx, actions: FixActionId[], serverFixable = false): FixPlan {
  return buildFixPlan({
    targetOrigin: ctx.target.origin,
    pageOrigin: ctx.pageOrigin,
    credentials: false,
    method: ctx.method,
    unsafeNames: [],
    preflight: false,
    actions,
    serverFixable,
  });
}

/**
 * The network errors Chromium gives a request its Local Network Access checks refused (webRequest
 * shows them). Each starts with `net::ERR_BLOCKED_BY_`, which inferredLocalNetwork tests first.
 */
const LOCAL_NETWORK_ERRORS: ReadonlySet<string> = new Set(['net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS', 'net::ERR_BLOCKED_BY_PRIVATE_NETWORK_ACCESS_CHECKS']);

/**
 * Local Network Access (Chromium 142+) decided without the browser's report. Chromium refuses
 * such a request before any response; measured on Chromium 156 (lab group `lna`), webRequest
 * reports net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS, the DevTools log and CDP only
 * net::ERR_FAILED. So the evidence is that error, or net::ERR_FAILED with no response to a
 * loopback or local address plus the page's request context (src/context). Then, strongest first:
 * - the fetch named a `targetAddressSpace` the target's address is not in: InvalidLocalNetworkAccess;
 * - the calling document is not a secure context (the request context says, else the page's
 *   origin: http on a host that is not loopback) and its own address, when its host shows one,
 *   is less private: InsecureLocalNetwork (a non-secure context may not ask for the permission);
 * - the request was refused for LNA (that error), or the document's `local-network-access`
 *   permission reads `denied`: LocalNetworkAccessPermissionDenied. Measured: the permission
 *   reads `prompt` before the first such request from a public page and `denied` once it was
 *   refused (auto-denied headless); a non-secure page reads `denied` from the start.
 */
function inferredLocalNetwork(ex: Exchange, target: ParsedUrl, page: ParsedUrl | null, failedWith: string | null): { code: CorsErrorCode; why: string } | undefined {
  const facts = ex.localNetwork;
  // Both errors start so: most failures are ruled out before the set hashes the string.
  const refusedForLna = failedWith !== null && failedWith.startsWith('net::ERR_BLOCKED_BY_') && LOCAL_NETWORK_ERRORS.has(failedWith);
  if (!refusedForLna && (!facts || failedWith !== 'net::ERR_FAILED')) return undefined;
  if (ex.hops.some((h) => h.response !== undefined) || (ex.preflight.kind === 'sent' && ex.preflight.response !== undefined)) return undefined;
  const targetSpace = addressSpaceOfHost(target.host);
  if (!targetSpace && !refusedForLna) return undefined;
  const where = targetSpace ? `${target.host} is a ${targetSpace} address` : `${target.host} resolved to an address more private than the page's`;
  if (facts?.targetAddressSpace !== undefined && targetSpace !== undefined && facts.targetAddressSpace !== targetSpace) {
    return { code: 'InvalidLocalNetworkAccess', why: `The page asked for targetAddressSpace "${facts.targetAddressSpace}", but ${where}, so the browser refused the request before sending it.` };
  }
  if (targetSpace === 'public') return undefined;
  const pageSpace = page ? addressSpaceOfHost(page.host) : undefined;
  const secure = facts?.secureContext ?? (page ? isPotentiallyTrustworthy(page.scheme, page.host) : false);
  if (!secure && (refusedForLna || pageSpace === undefined || (targetSpace !== undefined && isMorePrivate(targetSpace, pageSpace)))) {
    return { code: 'InsecureLocalNetwork', why: `${where} and the page is not a secure context (http on a host that is not this machine), so the browser may not even ask for the Local Network Access permission.` };
  }
  if (refusedForLna || facts?.permission === 'denied') {
    const evidence = refusedForLna ? `the browser ended the request with ${failedWith}` : 'the request ended before any response and the page\'s local-network-access permission reads "denied"';
    return { code: 'LocalNetworkAccessPermissionDenied', why: `${where}, ${evidence}.` };
  }
  return undefined;
}

function localNetwork(ctx: DiagnoseCtx, code: CorsErrorCode, param: string, because: Diagnosis['crossOriginBecause'], inferredWhy?: string): Diagnosis {
  return {
    status: 'blocked',
    corsError: code,
    failedParameter: param,
    stage: { kind: ctx.ex.preflight.kind === 'sent' ? 'preflight' : 'actual' },
    headline: headlineOf(code, requestValues(ctx)),
    explanation: [
      inferredWhy
        ? `Local Network Access, not CORS: ${inferredWhy}`
        : 'Local Network Access rules depend on the IP address spaces of the page and the server, which response headers do not show; this verdict comes from the browser\'s own report.',
      'Serve the page over https, let the user grant the local-network permission, and make sure the request targets the right address space.',
    ],
    crossOriginBecause: because,
    evidence: [],
    findings: [],
    assumptions: [...ctx.assumptions, inferredWhy ? 'The Local Network Access verdict was inferred from the page\'s request context (no browser report).' : 'The Local Network Access verdict was taken from the browser\'s report.'],
    credentialsAssumed: credentialsFrom(ctx.ex),
    fixPlan: ctx.explain ? planWithoutHeaders(ctx, ['local-network-access']) : undefined,
  };
}

/**
 * The preflight answer's evidence lines: its origin checks, Allow-Methods and Allow-Headers.
 * Where Chromium stopped at the method, the headers are checked too, so the user fixes both at once.
 */
function preflightEvidence(
  evidence: Evidence[],
  response: ObservedResponse,
  P: string,
  t: Trace,
  method: string,
  names: readonly string[],
  code: CorsErrorCode | undefined,
): void {
  const cred = t.cred;
  addResponseEvidence(evidence, 'preflight', response, P, cred, t.stage.kind === 'preflight' ? code : undefined);
  const acam = getHeader(response.headers, 'access-control-allow-methods');
  const acah = getHeader(response.headers, 'access-control-allow-headers');
  const methodOk = code !== 'MethodDisallowedByPreflightResponse' && code !== 'InvalidAllowMethodsPreflightResponse';
  const neededMethods = methodOk ? undefined : isCorsSafelistedMethod(method) ? 'a comma-separated list of method names' : `a list including ${method}`;
  evidence.push(evidenceLine('preflight', 'Access-Control-Allow-Methods', acam, methodOk, neededMethods));
  let headersOk = code !== 'HeaderDisallowedByPreflightResponse' && code !== 'InvalidAllowHeadersPreflightResponse';
  if (headersOk && !methodOk && names.length > 0) {
    const parsed = parsePreflightResult(response.headers);
    headersOk = 'code' in parsed || ensureAllowedCrossOriginHeaders(parsed, names, cred).failure === null;
  }
  if (acah !== null || names.length > 0 || !headersOk) {
    const neededHeaders = headersOk ? undefined : names.length ? `a list including ${names.join(', ')}` : 'a comma-separated list of header names';
    evidence.push(evidenceLine('preflight', 'Access-Control-Allow-Headers', acah, headersOk, neededHeaders));
  }
}

function fromTrace(ctx: DiagnoseCtx, t: Trace, because: Diagnosis['crossOriginBecause'], extra: Finding[]): Diagnosis {
  const { response, url } = stageResponse(ctx, t);
  const stageOrigin = originOfUrl(ctx, url) ?? ctx.target.origin;
  const method = ctx.method;
  const P = ctx.pageOrigin;
  const T = stageOrigin;
  const names = t.unsafeNames;
  const withHeaders = names.length === 0 ? '' : ` with the header${names.length > 1 ? 's' : ''} ${listText(names)}`;
  const findings: Finding[] = [];
  const evidence: Evidence[] = [];
  const explanation: string[] = [];
  /** Response headers of a request that passed which the page cannot read (planned as exposed: it may read them). */
  let unreadable: string[] = [];
  const cred = t.cred;
  const f = t.failure;
  const code = f?.code;
  const status = response?.status;
  let headline: string;
  // The evidence and paragraphs are built only when the diagnosis is explained (not by judge()).
  const explain = ctx.explain;

  // Evidence: what the request carried.
  if (explain) {
    evidence.push({ stage: 'request', header: 'Origin', seen: t.originSent, ok: true });
    if (t.preflightNeeded && ctx.ex.preflight.kind === 'sent') {
      evidence.push({ stage: 'request', header: 'Access-Control-Request-Method', seen: method, ok: true });
      if (names.length > 0) evidence.push({ stage: 'request', header: 'Access-Control-Request-Headers', seen: names.join(','), ok: true });
    }
  }

  // Evidence and findings from the preflight answer.
  const pf = ctx.ex.preflight;
  if (pf.kind === 'sent' && pf.response && t.preflightNeeded) {
    if (explain) preflightEvidence(evidence, pf.response, P, t, method, names, code);
    const maxAge = getHeader(pf.response.headers, 'access-control-max-age');
    if (maxAge !== null) {
      const parsed = accessControlMaxAge(maxAge);
      const over = parsed.requested !== null && parsed.requested > CHROMIUM_MAX_AGE_CAP;
      if (explain) evidence.push(evidenceLine('preflight', 'Access-Control-Max-Age', maxAge, !over, over ? `at most ${CHROMIUM_MAX_AGE_CAP}` : undefined));
      if (over) {
        findings.push(finding('max-age-above-cap', `Access-Control-Max-Age is ${maxAge} s; Chromium keeps the preflight answer only ${parsed.chromium} s and Firefox ${parsed.firefox} s.`));
      }
    }
    originValueFindings(findings, pf.response.headers, 'preflight answer', P, pf.url);
    if ((pf.response.status === 401 || pf.response.status === 403) && t.stage.kind === 'preflight' && f) {
      findings.push(finding('preflight-answered-by-auth',
        `The preflight (OPTIONS) to ${T} was answered ${pf.response.status}: authentication rejected it. Preflights never carry cookies or Authorization, so OPTIONS must be answered before the auth check.`));
    }
  }

  // Evidence and findings from the actual hops examined.
  for (let i = 0; i <= t.lastHop; i++) {
    const hop = ctx.hops[i]!;
    const r = hop.response!;
    const isRedirectHop = i < t.lastHop || (t.stage.kind === 'redirect' && t.stage.hop === i);
    const stageName = isRedirectHop ? 'redirect' : 'actual';
    const failingHere = (t.stage.kind === 'redirect' && t.stage.hop === i) || (t.stage.kind === 'actual' && i === t.lastHop);
    if (originOfUrl(ctx, hop.url) === P && t.taintedAtHop < 0) continue;
    if (r.status === 304) continue;
    if (explain) addResponseEvidence(evidence, stageName, r, i > t.taintedAtHop && t.taintedAtHop >= 0 ? 'null' : P, cred, failingHere ? code : undefined);
    originValueFindings(findings, r.headers, isRedirectHop ? 'redirect' : 'response', P, hop.url);
  }

  if (t.taintedAtHop >= 0) {
    const from = parseUrlShared(ctx.hops[t.taintedAtHop]!.url)?.origin;
    const to = parseUrlShared(ctx.hops[t.taintedAtHop + 1]!.url)?.origin;
    findings.push(finding('tainted-origin-redirect',
      `${from} redirected to ${to}, another origin, so the browser sent the next request with Origin: null; only Access-Control-Allow-Origin: null or * can match it.`));
  }
  if (t.authWildcard) {
    findings.push(finding('authorization-covered-by-wildcard',
      `The request sends Authorization and the preflight answer from ${T} allows it only through Access-Control-Allow-Headers: *. Chromium accepts this today; Firefox blocks it (CORSMissingAllowHeaderFromPreflight) and future Chrome will too. List authorization explicitly.`));
  }

  // Headline and explanation, specific to the failure.
  if (t.networkError !== null && ctx.outcomeError === FAILED_WITHOUT_REASON) {
    headline = `The ${method} to ${ctx.target.origin} got no response, and the capture does not record why.`;
    if (explain) explanation.push('The file writes status 0 and no error (as Firefox\'s HAR does): the browser may have refused the request before the network (its mode, its redirect mode, a scheme without CORS), stopped it after a preflight the file does not hold, or it was aborted. A HAR from Chrome\'s DevTools, or the Corsight panel, names the reason.');
    findings.push(finding('failure-reason-not-recorded', 'No response and no recorded reason: Corsight cannot tell whether CORS was involved.'));
  } else if (t.networkError !== null) {
    headline = `The ${method} to ${ctx.target.origin} failed because ${t.networkError}: this is not a CORS error.`;
    if (explain) explanation.push('No CORS check could run: the browser needs a response to check. Look at the connection, DNS, TLS, proxies, browser extensions, or whether the server is running.');
    findings.push(finding('network-error-not-cors', `${capitalize(t.networkError)}; no CORS rule was involved.`));
  } else if (t.unresolvedPreflight) {
    headline = `The page at ${P} sent ${method}${withHeaders} to ${T}; it needed a preflight, which was not captured, and the request failed.`;
    if (explain) explanation.push(`The ${method}${withHeaders} is not a "simple" request, so the browser first asks ${T} with an OPTIONS preflight. The capture shows no preflight and no response to the ${method}: most likely the preflight answer did not allow the request.`);
    findings.push(finding('preflight-not-observed', `No OPTIONS request to ${T} was captured, so the exact reason cannot be named. Open DevTools and retry to capture it.`));
  } else if (f) {
    const values = {
      P, T, method, withHeaders, status, cred, t, ctx, names,
      preflightAnswer: `the preflight (OPTIONS) answer from ${T}`,
      never: `so the browser never sent the ${method}`,
    };
    headline = headlineFor(f, values);
    failureFindings(findings, f, values);
    if (explain) detailFor(explanation, f, values);
  } else {
    const via = t.preflightState === 'passed' ? ' after a successful preflight' : t.preflightState === 'cached' || t.preflightState === 'assumed-cached' ? ' (preflight answer taken from the cache)' : '';
    headline = `The ${method} from ${P} to ${ctx.target.origin} passed the CORS checks${via}.`;
    if (t.lastHop >= 0 && t.lastHopChecked) {
      const final = ctx.hops[t.lastHop]!.response!;
      if (explain) explanation.push(`${T} answered ${final.status} with Access-Control-Allow-Origin: ${getHeader(final.headers, 'access-control-allow-origin') ?? '(none: not checked)'}, which allows the page's origin${cred === 'include' ? ' with credentials' : ''}.`);
      // A redirect ending the chain (redirect: "manual") reaches the page as an opaque-redirect: nothing to read.
      if (!(isRedirectStatus(final.status) && getHeader(final.headers, 'location') !== null)) unreadable = exposureFindings(findings, final, cred, T);
      varyFinding(findings, final, T);
    }
  }

  // Why cross-origin, what the server did, why curl works.
  if (explain && because.length > 0) {
    explanation.push(`The page's origin ${P} and ${ctx.target.origin} differ in ${listText(because)}, so this is a cross-origin request: the server must opt in with CORS response headers.`);
  } else if (explain && P === 'null') {
    explanation.push(`The page has an opaque origin (sent as Origin: null, e.g. a sandboxed iframe or a file:// page), so every request from it is cross-origin.`);
  }
  if (explain && (f || t.unresolvedPreflight)) {
    if (t.stage.kind === 'preflight' && status !== undefined) {
      explanation.push(`The server did answer the preflight (HTTP ${status}); because that answer did not allow the request, the browser never sent the ${method} itself. The page only sees a network error (TypeError: Failed to fetch).`);
    } else if (status !== undefined) {
      explanation.push(`The server did answer (HTTP ${status}) and may have done the work; the browser received the response and only hid it from the page's JavaScript, which sees a network error (TypeError: Failed to fetch).`);
    }
    explanation.push(CURL_PARAGRAPH);
  }

  findings.push(...extra);
  const blocked = isBlocked(t);
  const diagStatus = statusFrom(blocked, findings);
  const d: Diagnosis = {
    status: diagStatus,
    stage: t.stage.kind === 'none' && t.lastHop >= 0 ? { kind: 'actual' } : t.stage,
    headline,
    explanation,
    crossOriginBecause: because,
    evidence,
    findings,
    assumptions: ctx.assumptions,
    credentialsAssumed: t.cred,
  };
  if (f) {
    d.corsError = f.code;
    d.failedParameter = f.param;
  }
  // A request that passed gets a plan for its warnings, or for the headers the page cannot read
  // (which matter only if it reads them: the plan says so).
  if (explain && (blocked || (t.networkError === null && (diagStatus === 'warning' || unreadable.length > 0)))) {
    const plans = chainFixPlans(ctx, t, T, unreadable);
    d.fixPlan = plans.primary;
    if (plans.others.length > 0) d.chainPlans = plans.others;
  }
  return d;
}

