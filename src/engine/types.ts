/**
 * The data contract of the engine. Everything here is plain, JSON-serialisable data:
 * capture sources (DevTools network log, webRequest, HAR files, the CLI probe) build an
 * `Exchange`; `diagnose()` turns it into a `Diagnosis`; snippet generators consume the
 * `FixPlan` inside it. Nothing here may reference a browser API.
 */

/** Chromium's own verdict names: CDP `Network.CorsError` (Chromium ~150+). */
export const CORS_ERROR_CODES = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'PreflightMissingAllowExternal',
  'PreflightInvalidAllowExternal',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'NoCorsRedirectModeNotFollow',
  'LocalNetworkAccessPermissionDenied',
] as const;
export type CorsErrorCode = (typeof CORS_ERROR_CODES)[number];

/** Names older Chromium builds emit; accepted when reading data, never produced. */
export const LEGACY_CORS_ERROR_CODES = [
  'PreflightMissingAllowPrivateNetwork',
  'PreflightInvalidAllowPrivateNetwork',
  'UnexpectedPrivateNetworkAccess',
  'PreflightMissingPrivateNetworkAccessId',
  'PreflightMissingPrivateNetworkAccessName',
  'PrivateNetworkAccessPermissionUnavailable',
  'PrivateNetworkAccessPermissionDenied',
  'InsecurePrivateNetwork',
  'InvalidPrivateNetworkAccess',
] as const;
export type LegacyCorsErrorCode = (typeof LEGACY_CORS_ERROR_CODES)[number];

/** Firefox's reason names (MDN "CORS errors"). */
export type FirefoxCorsReason =
  | 'CORSDisabled'
  | 'CORSDidNotSucceed'
  | 'CORSRequestNotHttp'
  | 'CORSMultipleAllowOriginNotAllowed'
  | 'CORSMissingAllowOrigin'
  | 'CORSNotSupportingCredentials'
  | 'CORSAllowOriginNotMatchingOrigin'
  | 'CORSMissingAllowCredentials'
  | 'CORSPreflightDidNotSucceed'
  | 'CORSInvalidAllowMethod'
  | 'CORSMethodNotFound'
  | 'CORSInvalidAllowHeader'
  | 'CORSMissingAllowHeaderFromPreflight'
  | 'CORSExternalRedirectNotAllowed'
  | 'CORSOriginHeaderNotAdded';

/** One header line as it appeared on the wire. Lists keep order and duplicates. */
export interface HttpHeader {
  name: string;
  value: string;
}

export type RequestMode = 'cors' | 'no-cors' | 'same-origin' | 'navigate' | 'unknown';
export type CredentialsMode = 'omit' | 'same-origin' | 'include' | 'unknown';
export type RedirectMode = 'follow' | 'error' | 'manual' | 'unknown';

/** A response as received for one URL of the chain (a redirect is a response too). */
export interface ObservedResponse {
  /** HTTP status; 0 is not used here: no response means no ObservedResponse. */
  status: number;
  statusText?: string;
  /** Response headers in wire order, duplicates kept. */
  headers: HttpHeader[];
  /** Served from the HTTP cache (a 304 revalidation skips the CORS check). */
  fromCache?: boolean;
  /**
   * The capture kept the headers but not the status (older DevTools exported a CORS-blocked
   * response with status 0). `status` is then what the headers imply: 302 with a Location
   * header, else 200; shown as not recorded.
   */
  statusUnknown?: boolean;
}

/** One request of the redirect chain of the actual request, with its response if any. */
export interface Hop {
  url: string;
  /** Request headers as sent on this hop when known (Origin, Cookie, Sec-Fetch-*...). */
  requestHeaders?: HttpHeader[];
  response?: ObservedResponse;
  /**
   * The preflight the browser sent for THIS hop, a redirect target (hops[0]'s preflight is
   * Exchange.preflight). After a redirect to another origin Chromium preflights again when the
   * request still needs it, with `Origin: null` once a cross-origin redirect tainted the origin.
   * Absent: none was seen (not needed, or the capture cannot tell).
   */
  preflight?: PreflightObservation;
}

/** The preflight as observed. */
export type PreflightObservation =
  /** An OPTIONS request was seen on the wire. */
  | {
      kind: 'sent';
      url: string;
      /** Request headers of the OPTIONS (Origin, Access-Control-Request-Method/-Headers). */
      requestHeaders: HttpHeader[];
      /** Absent when the preflight got no response at all (network error). */
      response?: ObservedResponse;
      /** Browser error string when the preflight itself failed (e.g. net::ERR_FAILED). */
      error?: string;
      startedAt?: number;
      durationMs?: number;
    }
  /** No OPTIONS seen, but the capture layer knows an earlier answer still covers it. */
  | { kind: 'cached'; fromPreflightAt?: number; maxAgeSeconds?: number }
  /** No OPTIONS was seen (none needed, or the source cannot tell). */
  | { kind: 'none' };

export type Outcome =
  | {
      kind: 'completed';
      /**
       * The source reports the network's completion, which does not say whether the browser's
       * CORS check passed: Firefox's webRequest and HAR end a refused response as a plain
       * completed 200 (measured, Firefox 153 ESR). The headers alone decide then.
       */
      corsUnchecked?: boolean;
    }
  /** `error` is the browser's string, e.g. `net::ERR_FAILED`, `NS_ERROR_DOM_BAD_URI`. */
  | { kind: 'failed'; error: string }
  /**
   * The capture saw the request leave but none of its later events (they were dispatched while
   * the capture's service worker was being stopped): no response, no completion, so no verdict.
   */
  | { kind: 'unobserved' };

export interface Initiator {
  type?: string;
  url?: string;
  lineNumber?: number;
  columnNumber?: number;
  /** Function names and locations, outermost last, when DevTools provided a stack. */
  stack?: Array<{ functionName: string; url: string; lineNumber: number; columnNumber: number }>;
}

/** Where an Exchange came from. */
/** `page`: a call the renderer refused before any network activity, known only from the page's request context (src/context). */
export type ExchangeSource = 'devtools' | 'webrequest' | 'har' | 'probe' | 'test' | 'page';

/** Everything observed of one cross-origin request, preflight included. */
export interface Exchange {
  id?: string;
  source?: ExchangeSource;
  /** The page's serialized origin, e.g. `https://app.example.com`, or `null` when opaque. */
  initiatorOrigin: string;
  /** Request method as the page wrote it (byte-exact: `patch` is not `PATCH`). */
  method: string;
  /**
   * Headers of the actual request as sent, or as the page set them when the request never
   * reached the network (provisional headers). May lack Origin/Cookie.
   */
  requestHeaders: HttpHeader[];
  mode: RequestMode;
  credentials: CredentialsMode;
  redirect: RedirectMode;
  /** The actual request's hops: first the requested URL, then each redirect target. */
  hops: Hop[];
  preflight: PreflightObservation;
  outcome: Outcome;
  /** DevTools resource type or webRequest type: fetch, xhr, font, script, image... */
  resourceType?: string;
  initiator?: Initiator;
  /**
   * Seen while a "Try this fix" trial edited the tab's responses (src/trial): the response
   * headers here include the trial's edits. The engine does not read it.
   */
  underTrial?: boolean;
  /** Milliseconds since the epoch. */
  startedAt?: number;
  durationMs?: number;
  /**
   * The browser's own CORS verdict, when the capture source saw one (CDP
   * `Network.loadingFailed.corsErrorStatus`, an Audits CorsIssue). The engine derives every
   * verdict from headers and uses this only for what headers cannot show: the Local Network
   * Access codes (legacy Private Network names are mapped to them).
   */
  reportedCorsError?: { corsError: string; failedParameter?: string };
  /**
   * What the page's request context (src/context) shows about Local Network Access: whether the
   * calling document is a secure context, its `local-network-access` permission state when the
   * exchange was judged, and the fetch's `targetAddressSpace`. Absent: no request context.
   */
  localNetwork?: {
    secureContext: boolean;
    permission?: 'granted' | 'prompt' | 'denied';
    targetAddressSpace?: 'local' | 'loopback' | 'public';
  };
  /**
   * The use-CORS-preflight flag was set (XHR upload listeners, ReadableStream body): a
   * preflight happens even for a safelisted method and headers. Absent means unknown/false.
   */
  forcedPreflight?: boolean;
  /**
   * The outcome was not observed but inferred: the browser's completion event was missed while
   * the capture's service worker restarted, so the capture built the outcome from the response
   * headers (blocked by them -> `net::ERR_FAILED`, else completed). Absent means observed.
   */
  outcomeInferred?: true;
}

export type Stage =
  | { kind: 'none' }
  | { kind: 'mode' }
  /** The preflight; `hop` set when it is the preflight of a redirect target (Hop.preflight). */
  | { kind: 'preflight'; hop?: number }
  | { kind: 'actual' }
  /** A redirect response of the actual request; `hop` indexes Exchange.hops. */
  | { kind: 'redirect'; hop: number };

export type DiagnosisStatus = 'ok' | 'blocked' | 'warning';

/** One header that mattered: what the server sent and what it needed to send. */
export interface Evidence {
  stage: 'request' | 'preflight' | 'actual' | 'redirect';
  header: string;
  /** Value seen, `null` when the header was absent. Multiple lines joined with `, `. */
  seen: string | null;
  /** What would have passed, in words or as a value; absent when the header was fine. */
  needed?: string;
  ok: boolean;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable id from the findings table, e.g. `unexposed-response-header`. */
  id: string;
  severity: FindingSeverity;
  /** Sentence specific to this exchange. */
  message: string;
}

/** Where a planned header must be sent. */
export type ResponseKind = 'preflight' | 'actual' | 'error';

export interface PlannedHeader {
  name: string;
  value: string;
  on: ResponseKind[];
  why: string;
}

/** Structural changes a header alone does not express. */
export type FixActionId =
  | 'answer-preflight-2xx'
  | 'answer-preflight-before-auth'
  | 'do-not-redirect-preflight'
  | 'do-not-redirect-to-credentials-url'
  | 'cors-headers-on-error-responses'
  | 'single-allow-origin-value'
  | 'vary-origin'
  | 'use-cors-mode'
  | 'use-same-origin-or-cors'
  | 'use-http-scheme'
  | 'local-network-access'
  | 'redirect-mode-follow'
  /** A cross-origin redirect tainted the origin (`Origin: null`): call the final URL directly. */
  | 'avoid-cross-origin-redirect'
  /** Same, with credentials: no safe header allows it, the redirect must go. */
  | 'no-credentials-across-redirects'
  /** The page sent a lower-case method fetch does not normalize (`patch`). */
  | 'upper-case-method';

export interface FixAction {
  id: FixActionId;
  text: string;
}

/**
 * What the server at `targetOrigin` must allow, as data. Snippet generators read `policy`;
 * `headers` is the same thing spelled as raw HTTP.
 */
export interface CorsPolicy {
  /** Exact serialized origins to allow (never `*` when credentials is true). */
  allowOrigins: string[];
  allowCredentials: boolean;
  /** Methods beyond the CORS-safelisted ones that must be allowed, byte-exact. */
  allowMethods: string[];
  /** Request header names (lower case) that must be allowed. */
  allowHeaders: string[];
  /** Response header names the page needs to read. */
  exposeHeaders: string[];
  /** Suggested preflight cache lifetime, within Chromium's 7200 s cap. */
  maxAgeSeconds?: number;
  /**
   * Answer `Access-Control-Allow-Origin: *`: only without credentials, for a server the browser
   * reaches after a cross-origin redirect, with `Origin: null` (which must never be allowed).
   */
  allowAnyOrigin?: boolean;
  /**
   * Why allowCredentials: the request carries credentials (`required`), the server allows them
   * already (`kept`), or the capture cannot tell and the plan keeps both cases working (`unknown`).
   */
  credentialsBasis?: 'required' | 'kept' | 'unknown';
}

export interface FixPlan {
  /** The server whose configuration must change, e.g. `https://api.example.com`. */
  targetOrigin: string;
  policy: CorsPolicy;
  headers: PlannedHeader[];
  actions: FixAction[];
  /** False when nothing on the server can fix it (e.g. the page's own mode/credentials). */
  serverFixable: boolean;
}

/**
 * The verdict on one exchange: what every captured request needs (the request list, its filter,
 * the badge and the counts). `judge()` builds it on the worker's per-request path; the words that
 * explain it and the fix plans (Diagnosis) are built by `diagnose()` for the request a user opens,
 * an exported report and the CLI.
 */
export interface Verdict {
  status: DiagnosisStatus;
  /** Chromium's code when blocked. */
  corsError?: CorsErrorCode;
  /** As Chromium gives it; '' where Chromium gives an empty parameter. */
  failedParameter?: string;
  stage: Stage;
  /** One sentence: what failed and why, for this request. */
  headline: string;
  /** Which of scheme, host and port differ between page and target. */
  crossOriginBecause: Array<'scheme' | 'host' | 'port'>;
  /** What else is wrong or worth knowing; a finding above `info` makes a request that passed a warning. */
  findings: Finding[];
  /** Facts that were unknown and the hypothesis kept, in words. */
  assumptions: string[];
  /** Credentials mode the verdict was computed with. */
  credentialsAssumed: 'omit' | 'same-origin' | 'include';
}

/** The verdict explained: the evidence side by side, the paragraphs and the fix plans. */
export interface Diagnosis extends Verdict {
  /** Firefox's name for the same refusal (MDN's reason), when blocked and Firefox has one. */
  firefoxReason?: FirefoxCorsReason;
  /** Paragraphs specific to this exchange. */
  explanation: string[];
  evidence: Evidence[];
  fixPlan?: FixPlan;
  /**
   * The plans of the other servers of a redirect chain (one per origin, each with its hop's
   * preflight and response), when the request must pass more than one server's checks.
   */
  chainPlans?: FixPlan[];
}
