/**
 * The catalogue of Chromium's CORS verdicts (CDP `Network.CorsError`): for each code, Firefox's
 * name for the same failure, its twin on the other stage, and every wording Corsight shows for
 * it (the diagnosis headline, the panel's label, the popup's cause). The engine, the panel and
 * the popup read their words from here; test/unit/engine/codes.test.ts checks that the
 * catalogue is complete and that every template uses known placeholders only.
 */
import type { CorsErrorCode, FirefoxCorsReason } from './types.ts';

/**
 * Placeholders a headline template may use, each filled by the engine for the request at hand.
 * `{Where}` is `{where}` with a capital first letter.
 */
export const HEADLINE_PLACEHOLDERS = {
  where: 'the answer that failed the check: "the preflight (OPTIONS) answer from T", "the redirect from T" or "the response from T"',
  Where: '{where}, capitalised',
  tail: 'how the sentence ends: ", so the browser never sent the PUT." or ", so the browser hid the response from the page."',
  status: 'the HTTP status of the answer that failed',
  param: "Chromium's failedParameter",
  credentialsValue: 'the Access-Control-Allow-Credentials value seen, or "(absent)"',
  originSent: 'the Origin header the request carried (null after a cross-origin redirect)',
  page: "the page's origin",
  target: 'the origin of the answer that failed',
  requestTarget: 'the origin of the URL the page asked for',
  scheme: "the request URL's scheme, without the colon",
  redirectMode: "the request's redirect mode",
  preflightAnswer: '"the preflight (OPTIONS) answer from T"',
  PreflightAnswer: '{preflightAnswer}, capitalised',
  never: '"so the browser never sent the PUT"',
  method: 'the request method',
  withHeaders: '" with the headers a and b" (the non-safelisted request headers), or ""',
  allowed: 'what the preflight allowed, in words',
  code: 'the code itself',
} as const;

export type HeadlinePlaceholder = keyof typeof HEADLINE_PLACEHOLDERS;

export interface CorsCodeInfo {
  /** Firefox's reason for the same failure (MDN "CORS errors"), where one maps. */
  firefox?: FirefoxCorsReason;
  /** The same check on the other stage (a `Preflight*` code and its actual-response code). */
  twin?: CorsErrorCode;
  /** A few words for a list: the panel's Verdict column. */
  label: string;
  /** Whether lists show failedParameter after the label ("Method not allowed: PUT"). */
  labelShowsParam?: true;
  /**
   * The cause in a few words, after "3 requests to api.example.com: " (popup). `param` is
   * failedParameter, already shortened for display ('' when there is none).
   */
  cause(param: string): string;
  /** The diagnosis headline: one sentence with {placeholders} (HEADLINE_PLACEHOLDERS). */
  headline: string;
}

const got = (param: string): string => (param ? ` (got "${param}")` : '');

const LOCAL_NETWORK_CAUSE = (): string => 'Local Network Access refused';
const GENERIC_HEADLINE = '{Where} failed the CORS check ({code}).';

/**
 * The checks Chromium runs on the preflight answer and on the response alike: both codes of a
 * twin pair share Firefox's name and the sentence (the placeholders say which answer failed).
 */
const WILDCARD_WITH_CREDENTIALS = { firefox: 'CORSNotSupportingCredentials', headline: '{Where} allows any origin (*), but the request carries credentials, which needs the exact origin {page}{tail}' } as const;
const NO_ALLOW_ORIGIN = { firefox: 'CORSMissingAllowOrigin', headline: '{Where} (HTTP {status}) has no Access-Control-Allow-Origin header{tail}' } as const;
const SEVERAL_ALLOW_ORIGINS = { firefox: 'CORSMultipleAllowOriginNotAllowed', headline: '{Where} lists several origins in Access-Control-Allow-Origin ({param}); the browser accepts exactly one{tail}' } as const;
const ALLOW_ORIGIN_NOT_AN_ORIGIN = { firefox: 'CORSAllowOriginNotMatchingOrigin', headline: '{Where} sends Access-Control-Allow-Origin: "{param}", which is not an origin{tail}' } as const;
const ALLOW_ORIGIN_MISMATCH = { firefox: 'CORSAllowOriginNotMatchingOrigin', headline: '{Where} allows the origin {param}, but the request came from {originSent}{tail}' } as const;
const ALLOW_CREDENTIALS_NOT_TRUE = { firefox: 'CORSMissingAllowCredentials', headline: 'The request carries credentials, but {where} sends Access-Control-Allow-Credentials: {credentialsValue} instead of true{tail}' } as const;

export const CORS_CODES: Record<CorsErrorCode, CorsCodeInfo> = {
  DisallowedByMode: {
    label: 'Blocked by mode: same-origin',
    cause: () => 'mode "same-origin" used for another origin',
    headline: 'The request used mode "same-origin" but goes to {requestTarget}, another origin than the page {page}.',
  },
  InvalidResponse: {
    label: 'Invalid response',
    cause: () => 'no usable response',
    headline: GENERIC_HEADLINE,
  },
  WildcardOriginNotAllowed: {
    ...WILDCARD_WITH_CREDENTIALS,
    twin: 'PreflightWildcardOriginNotAllowed',
    label: 'ACAO * with credentials',
    cause: () => 'Access-Control-Allow-Origin: * on a request with credentials',
  },
  MissingAllowOriginHeader: {
    ...NO_ALLOW_ORIGIN,
    twin: 'PreflightMissingAllowOriginHeader',
    label: 'No Access-Control-Allow-Origin',
    cause: () => 'no Access-Control-Allow-Origin header',
  },
  MultipleAllowOriginValues: {
    ...SEVERAL_ALLOW_ORIGINS,
    twin: 'PreflightMultipleAllowOriginValues',
    label: 'Several ACAO values',
    cause: (p) => `Access-Control-Allow-Origin has several values${got(p)}`,
  },
  InvalidAllowOriginValue: {
    ...ALLOW_ORIGIN_NOT_AN_ORIGIN,
    twin: 'PreflightInvalidAllowOriginValue',
    label: 'ACAO is not an origin',
    cause: (p) => `invalid Access-Control-Allow-Origin value${got(p)}`,
  },
  AllowOriginMismatch: {
    ...ALLOW_ORIGIN_MISMATCH,
    twin: 'PreflightAllowOriginMismatch',
    label: 'ACAO names another origin',
    cause: (p) => `Access-Control-Allow-Origin does not match the page${got(p)}`,
  },
  InvalidAllowCredentials: {
    ...ALLOW_CREDENTIALS_NOT_TRUE,
    twin: 'PreflightInvalidAllowCredentials',
    label: 'ACAC is not "true"',
    cause: () => 'credentials sent but Access-Control-Allow-Credentials is not "true"',
  },
  CorsDisabledScheme: {
    firefox: 'CORSRequestNotHttp',
    label: 'Scheme without CORS',
    cause: () => 'a URL scheme that CORS does not support',
    headline: 'The request goes to a {scheme}: URL; cross-origin requests only work over http and https.',
  },
  PreflightInvalidStatus: {
    firefox: 'CORSPreflightDidNotSucceed',
    label: 'Preflight status not 2xx',
    cause: () => 'the preflight (OPTIONS) got a non-2xx answer',
    headline: '{target} answered the preflight (OPTIONS) with HTTP {status} instead of a 2xx status, {never}.',
  },
  PreflightDisallowedRedirect: {
    firefox: 'CORSPreflightDidNotSucceed',
    label: 'Preflight redirected',
    cause: () => 'the preflight (OPTIONS) was redirected',
    headline: '{target} redirected the preflight (OPTIONS) with HTTP {status}; a preflight may not be redirected, {never}.',
  },
  PreflightWildcardOriginNotAllowed: {
    ...WILDCARD_WITH_CREDENTIALS,
    twin: 'WildcardOriginNotAllowed',
    label: 'Preflight: ACAO * with credentials',
    cause: () => 'the preflight answers Access-Control-Allow-Origin: * to a request with credentials',
  },
  PreflightMissingAllowOriginHeader: {
    ...NO_ALLOW_ORIGIN,
    twin: 'MissingAllowOriginHeader',
    label: 'Preflight: no ACAO',
    cause: () => 'the preflight answer has no Access-Control-Allow-Origin header',
  },
  PreflightMultipleAllowOriginValues: {
    ...SEVERAL_ALLOW_ORIGINS,
    twin: 'MultipleAllowOriginValues',
    label: 'Preflight: several ACAO values',
    cause: (p) => `the preflight's Access-Control-Allow-Origin has several values${got(p)}`,
  },
  PreflightInvalidAllowOriginValue: {
    ...ALLOW_ORIGIN_NOT_AN_ORIGIN,
    twin: 'InvalidAllowOriginValue',
    label: 'Preflight: ACAO is not an origin',
    cause: (p) => `invalid Access-Control-Allow-Origin on the preflight${got(p)}`,
  },
  PreflightAllowOriginMismatch: {
    ...ALLOW_ORIGIN_MISMATCH,
    twin: 'AllowOriginMismatch',
    label: 'Preflight: ACAO names another origin',
    cause: (p) => `the preflight's Access-Control-Allow-Origin does not match the page${got(p)}`,
  },
  PreflightInvalidAllowCredentials: {
    ...ALLOW_CREDENTIALS_NOT_TRUE,
    twin: 'InvalidAllowCredentials',
    label: 'Preflight: ACAC is not "true"',
    cause: () => 'credentials sent but the preflight lacks Access-Control-Allow-Credentials: true',
  },
  PreflightMissingAllowExternal: {
    label: 'Preflight: no Allow-Private-Network',
    cause: LOCAL_NETWORK_CAUSE,
    headline: GENERIC_HEADLINE,
  },
  PreflightInvalidAllowExternal: {
    label: 'Preflight: bad Allow-Private-Network',
    cause: LOCAL_NETWORK_CAUSE,
    headline: GENERIC_HEADLINE,
  },
  InvalidAllowMethodsPreflightResponse: {
    firefox: 'CORSInvalidAllowMethod',
    label: 'Preflight: bad Allow-Methods',
    cause: (p) => `invalid Access-Control-Allow-Methods on the preflight${got(p)}`,
    headline: '{PreflightAnswer} has an Access-Control-Allow-Methods value that is not a list of method names, {never}.',
  },
  InvalidAllowHeadersPreflightResponse: {
    firefox: 'CORSInvalidAllowHeader',
    label: 'Preflight: bad Allow-Headers',
    cause: (p) => `invalid Access-Control-Allow-Headers on the preflight${got(p)}`,
    headline: '{PreflightAnswer} has an Access-Control-Allow-Headers value that is not a list of header names, {never}.',
  },
  MethodDisallowedByPreflightResponse: {
    firefox: 'CORSMethodNotFound',
    label: 'Method not allowed',
    labelShowsParam: true,
    cause: (p) => (p ? `method ${p} not allowed by the preflight` : 'the method is not allowed by the preflight'),
    headline: 'The page at {page} sent {method}{withHeaders}; {preflightAnswer} allowed {allowed}, {never}.',
  },
  HeaderDisallowedByPreflightResponse: {
    firefox: 'CORSMissingAllowHeaderFromPreflight',
    label: 'Header not allowed',
    labelShowsParam: true,
    cause: (p) => (p ? `header ${p} not allowed by the preflight` : 'a request header not allowed by the preflight'),
    headline: 'The page at {page} sent {method}{withHeaders}; {preflightAnswer} allowed {allowed}, not {param}, {never}.',
  },
  RedirectContainsCredentials: {
    label: 'Redirect URL has credentials',
    cause: () => 'redirected to a URL containing user:password@',
    headline: '{target} redirected the request to a URL containing a user name or password; the browser refuses to follow it.',
  },
  InsecureLocalNetwork: {
    label: 'Local network from insecure page',
    cause: LOCAL_NETWORK_CAUSE,
    headline: 'The page {page} is not served over a secure context but asked for {requestTarget}, which is on a more private network (local network or loopback).',
  },
  InvalidLocalNetworkAccess: {
    label: 'Invalid local network access',
    cause: LOCAL_NETWORK_CAUSE,
    headline: 'The request to {requestTarget} declared a target address space that does not match where the server really is.',
  },
  NoCorsRedirectModeNotFollow: {
    label: 'no-cors with redirect mode',
    cause: () => 'a no-cors request with a redirect mode other than "follow"',
    headline: 'A "no-cors" request to {requestTarget} used redirect: "{redirectMode}"; cross-origin "no-cors" requests only allow "follow".',
  },
  LocalNetworkAccessPermissionDenied: {
    label: 'Local network access denied',
    cause: LOCAL_NETWORK_CAUSE,
    headline: 'The page {page} asked for {requestTarget} on the local network and the Local Network Access permission was denied.',
  },
};

/** What the engine supplies for a headline; the capitalised forms and {code} are derived. */
export type HeadlineValues = Record<Exclude<HeadlinePlaceholder, 'Where' | 'PreflightAnswer' | 'code'>, string>;

export function capitalize(s: string): string {
  return s.length ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Each headline template split once into text and placeholder names (text at even indices):
 * diagnose() fills one per blocked request, so filling must not parse or copy.
 */
const COMPILED = new Map<CorsErrorCode, string[]>(
  (Object.keys(CORS_CODES) as CorsErrorCode[]).map((code) => [code, CORS_CODES[code].headline.split(/\{(\w+)\}/)]),
);

/** The {placeholders} the headline of `code` uses, in order of appearance. */
export function templatePlaceholders(code: CorsErrorCode): string[] {
  return COMPILED.get(code)!.filter((_, i) => i % 2 === 1);
}

/**
 * The headline of `code` for one request. Values are inserted as they are (plain text, rendered
 * as text by every view), never read as patterns or templates themselves.
 */
export function headlineOf(code: CorsErrorCode, values: HeadlineValues): string {
  return fillHeadline(code, (name) =>
    name === 'Where'
      ? capitalize(values.where)
      : name === 'PreflightAnswer'
        ? capitalize(values.preflightAnswer)
        : (values as Readonly<Record<string, string>>)[name],
  );
}

/**
 * The headline of `code` with each placeholder's value asked for when the template uses it: the
 * worker fills one per captured request that fails, and computing every value (most templates use
 * two to four of them) showed in its profile (issue 20). `{code}` is the code itself; a value
 * `valueOf` does not know stays as `{name}`.
 */
export function fillHeadline(code: CorsErrorCode, valueOf: (name: HeadlinePlaceholder) => string | undefined): string {
  const parts = COMPILED.get(code)!;
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]! as HeadlinePlaceholder;
    const value = name === 'code' ? code : valueOf(name);
    out += (value ?? `{${name}}`) + parts[i + 1]!;
  }
  return out;
}

/**
 * The catalogue entry of a code read from data (an imported report may hold any string, even
 * "constructor"), or undefined when it is not one of Chromium's codes.
 */
export function codeInfo(code: string): CorsCodeInfo | undefined {
  return Object.hasOwn(CORS_CODES, code) ? CORS_CODES[code as CorsErrorCode] : undefined;
}

/** A few words for lists, with failedParameter where the label shows it; an unknown code as it is. */
export function labelOf(code: string, param: string): string {
  const info = codeInfo(code);
  if (!info) return code;
  return info.labelShowsParam && param ? `${info.label}: ${param}` : info.label;
}

/** The cause in a few words (popup); an unknown code as it is. */
export function causeOf(code: string, param: string): string {
  return codeInfo(code)?.cause(param) ?? code;
}
