/**
 * Firefox's verdict on an exchange, from the engine's (Chromium's) decision on the same traffic.
 * Both browsers implement the Fetch standard's CORS check; they differ in what they name and in
 * the order of two checks. Each rule below is Firefox's behaviour as its CORS listener
 * (netwerk/protocol/http/nsCORSListenerProxy.cpp) implements it and as measured over the lab in
 * Firefox 153 ESR (test/e2e/pipeline-firefox.test.ts compares with Firefox's console).
 *
 * What this cannot know is Firefox's traffic: it safelists fewer request headers (no client
 * hints) and caches preflights longer, so it may send a preflight Chromium would not. The
 * exchange shows what was sent; the verdict follows from it.
 */
import { CORS_CODES } from './codes.ts';
import { corsCheck } from './fetch.ts';
import { countHeader, getHeader } from './headers.ts';
import type { CorsErrorCode, Exchange, FirefoxCorsReason, ObservedResponse, Stage, Verdict } from './types.ts';

export type FirefoxVerdict =
  | { kind: 'allowed' }
  /** Refused with a console message "Cross-Origin Request Blocked: ... (Reason: ...)". */
  | { kind: 'refused'; reason: FirefoxCorsReason; param?: string }
  /** Refused before any CORS check, as a TypeError with no CORS console message (request options). */
  | { kind: 'refused-without-reason' }
  /** A check Firefox does not make (Chromium's Local Network Access): no Firefox verdict to give. */
  | { kind: 'chromium-only'; corsError: CorsErrorCode };

/** The Firefox messages that name a value, and which value. */
const NAMES_PARAM: ReadonlySet<FirefoxCorsReason> = new Set([
  'CORSAllowOriginNotMatchingOrigin',
  'CORSInvalidAllowMethod',
  'CORSInvalidAllowHeader',
  'CORSMissingAllowHeaderFromPreflight',
]);

const CHROMIUM_ONLY: ReadonlySet<CorsErrorCode> = new Set([
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'LocalNetworkAccessPermissionDenied',
  'PreflightMissingAllowExternal',
  'PreflightInvalidAllowExternal',
]);

function refused(reason: FirefoxCorsReason, param?: string): FirefoxVerdict {
  return NAMES_PARAM.has(reason) && param !== undefined ? { kind: 'refused', reason, param } : { kind: 'refused', reason };
}

/** The response the failing check read: the preflight's, a redirect's, or the final one. */
function checkedResponse(exchange: Exchange, stage: Stage): ObservedResponse | undefined {
  const hops = Array.isArray(exchange.hops) ? exchange.hops : [];
  if (stage.kind === 'preflight') {
    const preflight = stage.hop === undefined ? exchange.preflight : hops[stage.hop]?.preflight;
    return preflight?.kind === 'sent' ? preflight.response : undefined;
  }
  if (stage.kind === 'redirect') return hops[stage.hop]?.response;
  return hops.at(-1)?.response;
}

function preflightOrigin(exchange: Exchange, stage: Stage): string | null {
  if (stage.kind !== 'preflight') return null;
  const preflight = stage.hop === undefined ? exchange.preflight : exchange.hops[stage.hop]?.preflight;
  return preflight?.kind === 'sent' ? getHeader(preflight.requestHeaders, 'origin') : null;
}

export function firefoxVerdict(exchange: Exchange, diagnosis: Verdict): FirefoxVerdict {
  if (diagnosis.status !== 'blocked') return { kind: 'allowed' };
  const code = diagnosis.corsError;
  // A CORS request that failed without a CORS reason: Firefox logs "CORS request did not succeed".
  if (!code) return refused('CORSDidNotSucceed');
  if (CHROMIUM_ONLY.has(code)) return { kind: 'chromium-only', corsError: code };
  const param = diagnosis.failedParameter;
  switch (code) {
    // Refused by the request's own mode or redirect mode before any CORS check: fetch() rejects
    // with a TypeError and Firefox logs no CORS reason (lab: same-origin-mode-cross,
    // no-cors-redirect-manual).
    case 'DisallowedByMode':
    case 'NoCorsRedirectModeNotFollow':
      return { kind: 'refused-without-reason' };
    // Firefox refuses such a redirect without naming why: the request "did not succeed" (lab:
    // fetch-redirect-credentials-url, userinfo-*).
    case 'RedirectContainsCredentials':
      return refused('CORSDidNotSucceed');
    // A redirect to a scheme without CORS (data:, ftp:) is a failed request in Firefox; only a
    // request that starts at such a URL is "CORS request not http".
    case 'CorsDisabledScheme':
      return diagnosis.stage.kind === 'redirect' ? refused('CORSDidNotSucceed') : refused('CORSRequestNotHttp');
    // Chromium calls a value with a comma or space "multiple values"; Firefox calls only several
    // Access-Control-Allow-Origin header lines that, and a listed value simply does not match
    // (nsCORSListenerProxy: CheckOriginHeader counts the lines).
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues': {
      const headers = checkedResponse(exchange, diagnosis.stage)?.headers;
      return countHeader(headers, 'access-control-allow-origin') > 1
        ? refused('CORSMultipleAllowOriginNotAllowed')
        : refused('CORSAllowOriginNotMatchingOrigin', getHeader(headers, 'access-control-allow-origin') ?? param);
    }
    // Firefox runs the Allow-Origin check on the preflight's redirect response before refusing
    // the redirect itself (lab: preflight-status-3xx-bare vs -cors).
    case 'PreflightDisallowedRedirect': {
      const response = checkedResponse(exchange, diagnosis.stage);
      const origin = preflightOrigin(exchange, diagnosis.stage);
      if (response && origin !== null) {
        const failure = corsCheck(response.headers, origin, diagnosis.credentialsAssumed === 'include' ? 'include' : 'omit');
        const reason = failure ? CORS_CODES[failure.code].firefox : undefined;
        if (failure && reason) return refused(reason, failure.param);
      }
      return refused('CORSExternalRedirectNotAllowed');
    }
    default: {
      const reason = CORS_CODES[code].firefox;
      return reason ? refused(reason, param) : refused('CORSDidNotSucceed');
    }
  }
}

/** Firefox's reason name for a refusal, or undefined (allowed, no reason, no Firefox check). */
export function firefoxReasonOf(verdict: FirefoxVerdict): FirefoxCorsReason | undefined {
  return verdict.kind === 'refused' ? verdict.reason : undefined;
}
