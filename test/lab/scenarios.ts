/**
 * The CORS lab's scenario table: plain data, one entry per scenario.
 *
 * A scenario says what the lab page does (`request`) and how the target server answers the
 * preflight (`preflight`), each redirect hop (`redirects`) and the final actual request
 * (`response`). `expect` is the verdict we believe Chromium gives, written by hand from
 * shared/docs/ground-truth.md; it only checks that the lab does what it says: the browser
 * (the CDP oracle) is the judge.
 *
 * Placeholders usable in header values, bodies and request paths (resolved at run time, since
 * the ports are ephemeral): see PLACEHOLDERS.
 */
import type { CorsErrorCode, FixPlan, ResponseKind } from '../../src/engine/types.ts';

/** The three lab origins (all on 127.0.0.1, different ports; the app also as `localhost`, see CROSS_SITE_HOST). */
export type Target = 'app' | 'api1' | 'api2';
export const TARGETS: readonly Target[] = ['app', 'api1', 'api2'];

/**
 * `{origin}` / `{app}`: the app (page) origin, e.g. `http://127.0.0.1:43111`;
 * `{api1}`, `{api2}`: the API origins; `{self}`: the origin of the server answering;
 * `{id}`: the scenario id; `{host1}`/`{host2}`: host:port of api1/api2 (to build
 * `http://user:pass@{host2}/...`); `{apphost}`/`{appport}`: host:port and port of the app;
 * `{crosssite}`: the origin of the cross-site iframe (`frame: 'cross-site'`), the app server
 * reached as `http://localhost:<app port>`.
 */
export const PLACEHOLDERS = ['origin', 'app', 'api1', 'api2', 'self', 'id', 'host1', 'host2', 'apphost', 'appport', 'crosssite'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** An ordered header list; a name may appear twice (two lines on the wire). */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * What the page does (the page runner switches on `kind`):
 * - `fetch`, `xhr`: the request APIs (`credentials: include` = XHR `withCredentials`);
 * - `font`: an `@font-face` rule in a `<style>` (CORS mode, credentials same-origin), settled by
 *   `FontFace.load()`; ok when Resource Timing saw a response status (the body is no real font);
 * - `module-script`: `<script type=module>`; `script`, `img`: `<script crossorigin>` /
 *   `<img crossorigin>` (`use-credentials` when credentials is include, else `anonymous`);
 * - `preload`: `<link rel=preload as=fetch crossorigin>`; all settled by load/error events;
 * - `eventsource`: `new EventSource(url, {withCredentials})`, settled by the first message or error;
 * - `worker-fetch`: `fetch()` inside a dedicated worker (page origin), result posted back;
 * - `iframe-fetch`: `fetch()` inside an iframe of the lab page (see `frame`), result posted back.
 */
export type RequestKind = 'fetch' | 'xhr' | 'font' | 'module-script' | 'script' | 'img' | 'preload' | 'eventsource' | 'worker-fetch' | 'iframe-fetch';
export const REQUEST_KINDS: readonly RequestKind[] = ['fetch', 'xhr', 'font', 'module-script', 'script', 'img', 'preload', 'eventsource', 'worker-fetch', 'iframe-fetch'];
/**
 * The iframe an `iframe-fetch` runs in: `same-origin` (the app origin: same renderer process as
 * the page) or `cross-site` (`{crosssite}`: another host, so Chromium's site isolation puts it in
 * its own process, an out-of-process iframe with its own CDP target; measured on Chromium 156,
 * headless: an iframe on 127.0.0.1 with another port stays in the page's process).
 */
export type FrameOption = 'same-origin' | 'cross-site';
/** The host name under which the app server is another site than the page (127.0.0.1). */
export const CROSS_SITE_HOST = 'localhost';
export type CredentialsOption = 'omit' | 'same-origin' | 'include';
export type ModeOption = 'cors' | 'no-cors' | 'same-origin';
export type RedirectOption = 'follow' | 'error' | 'manual';

export interface RequestSpec {
  kind: RequestKind;
  target: Target;
  /** Appended to `/s/<id>`; may carry a query. Default `/`. */
  path?: string;
  /** Default GET. Byte-exact (`patch` stays lower case). */
  method?: string;
  /** Request headers in the order the page sets them. */
  headers?: HeaderList;
  /** fetch `credentials`; for XHR `include` means `withCredentials = true`. Default same-origin. */
  credentials?: CredentialsOption;
  /** fetch only. Default cors. */
  mode?: ModeOption;
  /** fetch only. Default follow. */
  redirect?: RedirectOption;
  /** fetch only: the `cache` mode. Default: none given ("default"). */
  cache?: 'no-store' | 'reload' | 'no-cache' | 'force-cache';
  body?: string;
  /**
   * Absolute URL requested instead of `{target}/s/<id>/...` (placeholders allowed), e.g. an
   * `ftp:` URL. The lab never sees such a request.
   */
  url?: string;
  /**
   * Run the request a second time with the SAME URL (same `r=`), optionally changed; the
   * verdict is the second one's. For the preflight cache and the HTTP cache (304).
   */
  again?: { method?: string; headers?: HeaderList; credentials?: CredentialsOption; delayMs?: number };
  /** fetch `targetAddressSpace` (Local Network Access). */
  targetAddressSpace?: 'local' | 'loopback' | 'public';
  /** XHR only: register an upload progress listener (sets the use-CORS-preflight flag). */
  uploadListener?: boolean;
  /** `iframe-fetch` only. Default same-origin. */
  frame?: FrameOption;
  /** fetch only: the page reads this response header (LabRunResult.header). */
  readHeader?: string;
}

/** How a server answers one request. Nothing is added by the server but Content-Length. */
export interface Reply {
  /** Default 200. */
  status?: number;
  headers?: HeaderList;
  /** Default `ok <id>`; `''` for none. */
  body?: string;
  /** A binary body instead of `body`: a 1x1 GIF. */
  asset?: 'gif';
  /**
   * The Access-Control-* lines of a server following a fix plan, written after `headers` and
   * computed per request (the Origin decides the Allow-Origin value): test/conformance/plans.ts.
   */
  plan?: FollowedPlan;
}

/** A fix plan a lab reply follows, for one kind of response. */
export interface FollowedPlan {
  plan: FixPlan;
  kind: ResponseKind;
}

/** Where a built redirect points: `{target}/s/<id>/_h<n><path>` (query of the first URL kept). */
export interface RedirectTo {
  target: Target;
  path?: string;
  /** `user:pass` put in the Location URL (RedirectContainsCredentials). */
  userinfo?: string;
}

/** One redirect of the actual request; hop n answers the URL the page (or hop n-1) pointed to. */
export interface RedirectHop {
  /** Default 302. */
  status?: number;
  to: RedirectTo;
  /** Headers of the redirect response (ACAO etc.); Location is added from `to`. */
  headers?: HeaderList;
  /** How this hop's server answers a preflight; default: the scenario's `preflight`. */
  preflight?: Reply;
  /** A raw Location value instead of the one built from `to` (placeholders allowed). */
  location?: string;
  /** As Reply.plan, for the redirect response. */
  plan?: FollowedPlan;
}

export type Expect =
  | { ok: true }
  | { corsError: CorsErrorCode; failedParameter: string }
  /** A failure that is not a CORS error, e.g. `net::ERR_ABORTED` for an ORB-blocked no-cors. */
  | { netError: string };

export interface Scenario {
  /** Unique, URL-safe ([a-z0-9-]). */
  id: string;
  title: string;
  /** Scenarios about the same cause share a group; every failing scenario has a control. */
  group: string;
  /** True for the working twin of the group's failing scenarios. */
  control?: boolean;
  request: RequestSpec;
  /** Answer to OPTIONS. Default: 204 with no headers at all. */
  preflight?: Reply;
  redirects?: readonly RedirectHop[];
  /** Answer to the actual request (the last hop). */
  response: Reply;
  expect: Expect;
  notes?: string;
  /** Answer to an actual request carrying If-None-Match / If-Modified-Since (HTTP cache revalidation). */
  conditional?: Reply;
  /** Answer to every OPTIONS after the first of one run (same `r=`): shows a preflight-cache hit. */
  preflightLater?: Reply;
  /** Needs its own browser launch (Local Network Access flags): see LNA_CONFIGS. */
  lna?: LnaConfigName;
}

/** Browser configurations for Local Network Access (one launch each: a denial persists). */
export type LnaConfigName = 'public-page' | 'insecure-page' | 'default' | 'warn-only' | 'granted';
export interface LnaConfig {
  /** Extra Chromium flags; `{appPort}` is replaced by the app port. */
  args: string[];
  /** Host name the page is loaded from (mapped to 127.0.0.1 by the flags); default 127.0.0.1. */
  appHost?: string;
  /** Grant the local-network-access permission to the page origin. */
  grant?: boolean;
}
export const LNA_CONFIGS: Record<LnaConfigName, LnaConfig> = {
  'public-page': { args: ['--ip-address-space-overrides=127.0.0.1:{appPort}=public'] },
  'insecure-page': {
    args: ['--ip-address-space-overrides=127.0.0.1:{appPort}=public', '--host-resolver-rules=MAP lna.test 127.0.0.1'],
    appHost: 'lna.test',
  },
  default: { args: [] },
  'warn-only': {
    args: ['--ip-address-space-overrides=127.0.0.1:{appPort}=public', '--enable-features=LocalNetworkAccessChecks:LocalNetworkAccessChecksWarn/true'],
  },
  granted: { args: ['--ip-address-space-overrides=127.0.0.1:{appPort}=public'], grant: true },
};

// ---- small helpers so one scenario stays one short entry ---------------------------------

const ACAO_ORIGIN = ['Access-Control-Allow-Origin', '{origin}'] as const;
const ACAC_TRUE = ['Access-Control-Allow-Credentials', 'true'] as const;
const ok: Expect = { ok: true };
const cors = (corsError: CorsErrorCode, failedParameter = ''): Expect => ({ corsError, failedParameter });

const BASE: readonly Scenario[] = [
  // -- simple GET, ACAO checks ----------------------------------------------------------
  { id: 'fetch-get-acao-ok', title: 'fetch GET, ACAO = origin', group: 'acao', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'fetch-get-no-acao', title: 'fetch GET, no ACAO', group: 'acao',
    request: { kind: 'fetch', target: 'api1' }, response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'fetch-get-acao-mismatch', title: 'fetch GET, ACAO = another origin', group: 'acao',
    request: { kind: 'fetch', target: 'api1' },
    response: { headers: [['Access-Control-Allow-Origin', 'https://other.example']] },
    expect: cors('AllowOriginMismatch', 'https://other.example') },
  { id: 'fetch-get-acao-trailing-slash', title: 'fetch GET, ACAO = origin + "/"', group: 'acao',
    request: { kind: 'fetch', target: 'api1' },
    response: { headers: [['Access-Control-Allow-Origin', '{origin}/']] },
    expect: cors('AllowOriginMismatch', '{origin}/') },
  { id: 'fetch-get-acao-twice', title: 'fetch GET, ACAO sent on two lines', group: 'acao',
    request: { kind: 'fetch', target: 'api1' },
    response: { headers: [ACAO_ORIGIN, ACAO_ORIGIN] },
    expect: cors('MultipleAllowOriginValues', '{origin}, {origin}') },
  { id: 'xhr-get-acao-ok', title: 'XHR GET, ACAO = origin', group: 'xhr-acao', control: true,
    request: { kind: 'xhr', target: 'api2' }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'xhr-get-no-acao', title: 'XHR GET, no ACAO', group: 'xhr-acao',
    request: { kind: 'xhr', target: 'api2' }, response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'xhr-get-acao-mismatch', title: 'XHR GET, ACAO = api1 origin', group: 'xhr-acao',
    request: { kind: 'xhr', target: 'api2' }, response: { headers: [['Access-Control-Allow-Origin', '{api1}']] },
    expect: cors('AllowOriginMismatch', '{api1}') },

  // -- credentials -----------------------------------------------------------------------
  { id: 'fetch-cred-ok', title: 'fetch credentials include, ACAO = origin + ACAC true', group: 'credentials', control: true,
    request: { kind: 'fetch', target: 'api1', credentials: 'include' },
    response: { headers: [ACAO_ORIGIN, ACAC_TRUE] }, expect: ok },
  { id: 'fetch-cred-wildcard', title: 'fetch credentials include, ACAO = *', group: 'credentials',
    request: { kind: 'fetch', target: 'api1', credentials: 'include' },
    response: { headers: [['Access-Control-Allow-Origin', '*'], ACAC_TRUE] }, expect: cors('WildcardOriginNotAllowed') },
  { id: 'fetch-cred-no-acac', title: 'fetch credentials include, no ACAC', group: 'credentials',
    request: { kind: 'fetch', target: 'api1', credentials: 'include' },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('InvalidAllowCredentials') },
  { id: 'fetch-wildcard-no-cred', title: 'fetch without credentials, ACAO = *', group: 'credentials', control: true,
    request: { kind: 'fetch', target: 'api1', credentials: 'omit' },
    response: { headers: [['Access-Control-Allow-Origin', '*']] }, expect: ok },
  { id: 'xhr-cred-ok', title: 'XHR withCredentials, ACAO = origin + ACAC true', group: 'xhr-credentials', control: true,
    request: { kind: 'xhr', target: 'api2', credentials: 'include' },
    response: { headers: [ACAO_ORIGIN, ACAC_TRUE] }, expect: ok },
  { id: 'xhr-cred-wildcard', title: 'XHR withCredentials, ACAO = *', group: 'xhr-credentials',
    request: { kind: 'xhr', target: 'api2', credentials: 'include' },
    response: { headers: [['Access-Control-Allow-Origin', '*']] }, expect: cors('WildcardOriginNotAllowed') },
  { id: 'xhr-cred-no-acac', title: 'XHR withCredentials, no ACAC', group: 'xhr-credentials',
    request: { kind: 'xhr', target: 'api2', credentials: 'include' },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('InvalidAllowCredentials') },

  // -- preflight status ---------------------------------------------------------------------
  { id: 'fetch-preflight-ok', title: 'fetch with X-Custom-Header, preflight 204 allows it', group: 'preflight-status', control: true,
    request: { kind: 'fetch', target: 'api1', headers: [['X-Custom-Header', 'hello']] },
    preflight: { status: 204, headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'X-Custom-Header']] },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'fetch-preflight-404-cors', title: 'fetch preflight 404 with CORS headers', group: 'preflight-status',
    request: { kind: 'fetch', target: 'api1', headers: [['X-Custom-Header', 'hello']] },
    preflight: { status: 404, headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'X-Custom-Header']] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('PreflightInvalidStatus') },
  { id: 'fetch-preflight-404-bare', title: 'fetch preflight 404 without CORS headers', group: 'preflight-status',
    request: { kind: 'fetch', target: 'api1', headers: [['X-Custom-Header', 'hello']] },
    preflight: { status: 404, body: 'not found' },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('PreflightMissingAllowOriginHeader') },

  // -- preflight: headers ---------------------------------------------------------------------
  { id: 'fetch-custom-header-allowed', title: 'fetch X-Custom-Header listed in ACAH', group: 'preflight-headers', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [['X-Custom-Header', 'v']] },
    preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'content-type, x-custom-header']] },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'fetch-custom-header-denied', title: 'fetch X-Custom-Header not in ACAH', group: 'preflight-headers',
    request: { kind: 'fetch', target: 'api2', headers: [['X-Custom-Header', 'v']] },
    preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'content-type']] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
  { id: 'xhr-custom-header-allowed', title: 'XHR X-Custom-Header listed in ACAH', group: 'xhr-preflight-headers', control: true,
    request: { kind: 'xhr', target: 'api1', headers: [['X-Custom-Header', 'v']] },
    preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'X-Custom-Header']] },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'xhr-custom-header-denied', title: 'XHR X-Custom-Header, preflight without ACAH', group: 'xhr-preflight-headers',
    request: { kind: 'xhr', target: 'api1', headers: [['X-Custom-Header', 'v']] },
    preflight: { headers: [ACAO_ORIGIN] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },

  // -- preflight: methods ---------------------------------------------------------------------
  { id: 'fetch-put-allowed', title: 'fetch PUT listed in ACAM', group: 'preflight-methods', control: true,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', headers: [['Content-Type', 'text/plain']], body: 'x' },
    preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Methods', 'GET, PUT']] },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'fetch-put-denied', title: 'fetch PUT not in ACAM', group: 'preflight-methods',
    request: { kind: 'fetch', target: 'api1', method: 'PUT', headers: [['Content-Type', 'text/plain']], body: 'x' },
    preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Methods', 'GET, POST']] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('MethodDisallowedByPreflightResponse', 'PUT') },
  { id: 'xhr-put-allowed', title: 'XHR PUT listed in ACAM', group: 'xhr-preflight-methods', control: true,
    request: { kind: 'xhr', target: 'api2', method: 'PUT', body: 'x' },
    preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Methods', 'PUT']] },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'xhr-put-denied', title: 'XHR PUT, preflight without ACAM', group: 'xhr-preflight-methods',
    request: { kind: 'xhr', target: 'api2', method: 'PUT', body: 'x' },
    preflight: { headers: [ACAO_ORIGIN] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('MethodDisallowedByPreflightResponse', 'PUT') },

  // -- redirects ------------------------------------------------------------------------------
  { id: 'fetch-redirect-ok', title: 'fetch redirected api1 -> api2, both allow (Origin: null on hop 2)', group: 'redirects', control: true,
    request: { kind: 'fetch', target: 'api1' },
    redirects: [{ to: { target: 'api2' }, headers: [ACAO_ORIGIN] }],
    response: { headers: [['Access-Control-Allow-Origin', '*']] }, expect: ok },
  { id: 'fetch-redirect-no-acao', title: 'fetch redirect response without ACAO', group: 'redirects',
    request: { kind: 'fetch', target: 'api1' },
    redirects: [{ to: { target: 'api2' } }],
    response: { headers: [['Access-Control-Allow-Origin', '*']] }, expect: cors('MissingAllowOriginHeader') },
  { id: 'fetch-redirect-credentials-url', title: 'fetch redirect to a URL with user:pass@', group: 'redirects',
    request: { kind: 'fetch', target: 'api1' },
    redirects: [{ to: { target: 'api2', userinfo: 'user:pass' }, headers: [ACAO_ORIGIN] }],
    response: { headers: [['Access-Control-Allow-Origin', '*']] }, expect: cors('RedirectContainsCredentials') },
  { id: 'fetch-preflight-redirect', title: 'fetch preflight answered with a 307', group: 'redirects',
    request: { kind: 'fetch', target: 'api1', headers: [['X-Custom-Header', 'v']] },
    preflight: { status: 307, headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'x-custom-header'], ['Location', '{api2}/s/{id}/']] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('PreflightDisallowedRedirect') },
];

// ---- families: generated groups, one data row each ---------------------------------------

type H = readonly [string, string];
const acao = (v: string): H => ['Access-Control-Allow-Origin', v];
const acac = (v: string): H => ['Access-Control-Allow-Credentials', v];
const GIF_CT: H = ['Content-Type', 'image/gif'];
const SSE: H = ['Content-Type', 'text/event-stream'];
const acam = (v: string): H => ['Access-Control-Allow-Methods', v];
const acah = (v: string): H => ['Access-Control-Allow-Headers', v];
const aceh = (v: string): H => ['Access-Control-Expose-Headers', v];
const maxAge = (v: string): H => ['Access-Control-Max-Age', v];
const X_CUSTOM: H = ['X-Custom-Header', 'v'];

/** ACAO values on a simple GET (fetch and XHR) and on a preflight: [slug, value, expected code or ok]. */
const ACAO_VALUES: ReadonlyArray<readonly [slug: string, value: string, code: CorsErrorCode | null]> = [
  ['exact', '{origin}', null],
  ['star', '*', null],
  ['padded', '  {origin}\t', null],
  ['comma-list', '{origin}, {api1}', 'MultipleAllowOriginValues'],
  ['comma-nospace', '{origin},{api1}', 'MultipleAllowOriginValues'],
  ['space-list', '{origin} {api1}', 'MultipleAllowOriginValues'],
  ['trailing-slash', '{origin}/', 'AllowOriginMismatch'],
  ['upper-case', 'HTTP://127.0.0.1:{appport}', 'AllowOriginMismatch'],
  ['no-port', 'http://127.0.0.1', 'AllowOriginMismatch'],
  ['localhost', 'http://localhost:{appport}', 'AllowOriginMismatch'],
  ['https', 'https://{apphost}', 'AllowOriginMismatch'],
  ['null', 'null', 'AllowOriginMismatch'],
  ['not-url', 'foo', 'InvalidAllowOriginValue'],
  // Measured: a valid URL for Chromium, so a plain mismatch (not InvalidAllowOriginValue).
  ['subdomain-wildcard', 'https://*.example.com', 'AllowOriginMismatch'],
  ['double-star', '**', 'InvalidAllowOriginValue'],
  ['empty', '', 'InvalidAllowOriginValue'],
];
const preflightTwin = (c: CorsErrorCode): CorsErrorCode => `Preflight${c}` as CorsErrorCode;
/** failedParameter as Chromium gives it for an ACAO failure: the value, trimmed. */
const acaoParam = (v: string) => v.trim();

const ACAO_FAMILY: Scenario[] = ACAO_VALUES.flatMap(([slug, value, code]) => [
  { id: `acao-${slug}`, title: `fetch GET, ACAO = "${value}"`, group: 'acao-values', control: code === null ? true : undefined,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [acao(value)] },
    expect: code ? cors(code, acaoParam(value)) : ok },
  { id: `xhr-acao-${slug}`, title: `XHR GET, ACAO = "${value}"`, group: 'xhr-acao-values', control: code === null ? true : undefined,
    request: { kind: 'xhr', target: 'api2' }, response: { headers: [acao(value)] },
    expect: code ? cors(code, acaoParam(value)) : ok },
  { id: `preflight-acao-${slug}`, title: `fetch PUT, preflight ACAO = "${value}"`, group: 'preflight-acao-values', control: code === null ? true : undefined,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x' },
    preflight: { headers: [acao(value), acam('PUT')] }, response: { headers: [ACAO_ORIGIN] },
    expect: code ? cors(preflightTwin(code), acaoParam(value)) : ok },
]);

/** Credentials: ACAC values with an exact ACAO, for fetch, XHR and the preflight. */
const ACAC_VALUES: ReadonlyArray<readonly [slug: string, lines: H[], okay: boolean]> = [
  ['true', [acac('true')], true],
  ['absent', [], false],
  ['capitalized', [acac('True')], false],
  ['upper-case', [acac('TRUE')], false],
  ['false', [acac('false')], false],
  ['two-lines', [acac('true'), acac('true')], false],
  ['padded', [acac(' true ')], true],
];
const acacParam = (lines: H[]) => lines.map(([, v]) => v.trim()).join(', ');
const CREDENTIALS_FAMILY: Scenario[] = ACAC_VALUES.flatMap(([slug, lines, okay]) => [
  { id: `cred-acac-${slug}`, title: `fetch credentials include, ACAC ${slug}`, group: 'acac-values', control: okay ? true : undefined,
    request: { kind: 'fetch', target: 'api1', credentials: 'include' }, response: { headers: [ACAO_ORIGIN, ...lines] },
    expect: okay ? ok : cors('InvalidAllowCredentials', acacParam(lines)) },
  { id: `xhr-cred-acac-${slug}`, title: `XHR withCredentials, ACAC ${slug}`, group: 'xhr-acac-values', control: okay ? true : undefined,
    request: { kind: 'xhr', target: 'api2', credentials: 'include' }, response: { headers: [ACAO_ORIGIN, ...lines] },
    expect: okay ? ok : cors('InvalidAllowCredentials', acacParam(lines)) },
  { id: `preflight-cred-acac-${slug}`, title: `fetch PUT credentials include, preflight ACAC ${slug}`, group: 'preflight-acac-values', control: okay ? true : undefined,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', credentials: 'include', body: 'x' },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT'), ...lines] }, response: { headers: [ACAO_ORIGIN, acac('true')] },
    expect: okay ? ok : cors('PreflightInvalidAllowCredentials', acacParam(lines)) },
]);

/** Credentials modes against ACAO * and an exact origin without ACAC. */
const CRED_MODES: Scenario[] = [];
for (const kind of ['fetch', 'xhr'] as const) {
  const modes: CredentialsOption[] = kind === 'fetch' ? ['omit', 'same-origin', 'include'] : ['same-origin', 'include'];
  for (const cred of modes) {
    const inc = cred === 'include';
    const k = kind === 'xhr' ? 'xhr-' : '';
    CRED_MODES.push(
      { id: `${k}credmode-${cred}-star`, title: `${kind} credentials ${cred}, ACAO *`, group: `${k}credmode`, control: inc ? undefined : true,
        request: { kind, target: 'api2', credentials: cred }, response: { headers: [acao('*')] },
        expect: inc ? cors('WildcardOriginNotAllowed') : ok },
      { id: `${k}credmode-${cred}-star-acac`, title: `${kind} credentials ${cred}, ACAO * + ACAC true`, group: `${k}credmode`,
        request: { kind, target: 'api2', credentials: cred }, response: { headers: [acao('*'), acac('true')] },
        expect: inc ? cors('WildcardOriginNotAllowed') : ok },
      { id: `${k}credmode-${cred}-exact`, title: `${kind} credentials ${cred}, exact ACAO, no ACAC`, group: `${k}credmode`, control: inc ? undefined : true,
        request: { kind, target: 'api2', credentials: cred }, response: { headers: [ACAO_ORIGIN] },
        expect: inc ? cors('InvalidAllowCredentials') : ok },
      { id: `${k}credmode-${cred}-preflight-star`, title: `${kind} PUT credentials ${cred}, preflight ACAO *`, group: `${k}credmode`,
        request: { kind, target: 'api2', method: 'PUT', credentials: cred, body: 'x' },
        preflight: { headers: [acao('*'), acam('PUT'), acac('true')] }, response: { headers: [ACAO_ORIGIN, acac('true')] },
        expect: inc ? cors('PreflightWildcardOriginNotAllowed') : ok },
    );
  }
}

/** Preflight statuses, with and without CORS headers. */
const PREFLIGHT_STATUSES = [200, 201, 204, 299, 300, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 429, 500, 502, 503];
const isRedirect = (st: number) => [301, 302, 303, 307, 308].includes(st);
const PREFLIGHT_STATUS_FAMILY: Scenario[] = PREFLIGHT_STATUSES.flatMap((st): Scenario[] => {
  const loc: H[] = isRedirect(st) ? [['Location', '{api2}/s/{id}/']] : [];
  const two = st >= 200 && st < 300;
  const withCors: Scenario = {
    id: `preflight-status-${st}-cors`, title: `fetch PUT, preflight ${st} with CORS headers`, group: 'preflight-statuses', control: two ? true : undefined,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x' },
    preflight: { status: st, headers: [ACAO_ORIGIN, acam('PUT'), ...loc] }, response: { headers: [ACAO_ORIGIN] },
    expect: two ? ok : isRedirect(st) ? cors('PreflightDisallowedRedirect') : cors('PreflightInvalidStatus'),
  };
  const bare: Scenario = {
    id: `preflight-status-${st}-bare`, title: `fetch PUT, preflight ${st} without CORS headers`, group: 'preflight-statuses',
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x' },
    preflight: { status: st, headers: loc }, response: { headers: [ACAO_ORIGIN] },
    expect: isRedirect(st) ? cors('PreflightDisallowedRedirect') : cors('PreflightMissingAllowOriginHeader'),
  };
  return [withCors, bare];
});

/** Statuses of the actual response, with and without ACAO (nginx add_header without `always`). */
const ACTUAL_STATUSES = [200, 201, 204, 304, 400, 401, 403, 404, 500, 502, 503];
const ACTUAL_STATUS_FAMILY: Scenario[] = ACTUAL_STATUSES.flatMap((st): Scenario[] => [
  { id: `status-${st}-cors`, title: `fetch GET answered ${st} with ACAO`, group: 'actual-statuses', control: true,
    request: { kind: 'fetch', target: 'api2' }, response: { status: st, headers: [ACAO_ORIGIN], body: st === 204 || st === 304 ? '' : undefined }, expect: ok },
  { id: `status-${st}-bare`, title: `fetch GET answered ${st} without ACAO`, group: 'actual-statuses',
    request: { kind: 'fetch', target: 'api2' }, response: { status: st, body: st === 204 || st === 304 ? '' : undefined }, expect: cors('MissingAllowOriginHeader') },
]);

/**
 * Safelisted request headers at their edges. The preflight answers with the exact ACAO but no
 * ACAH: a header that needs a preflight fails with HeaderDisallowedByPreflightResponse naming it.
 */
const a = (n: number) => 'a'.repeat(n);
const SAFELIST_CASES: ReadonlyArray<readonly [slug: string, headers: H[], unsafe: string | null]> = [
  ['ct-text-plain', [['Content-Type', 'text/plain']], null],
  ['ct-params', [['Content-Type', 'text/plain;charset=UTF-8']], null],
  ['ct-upper', [['Content-Type', 'TEXT/PLAIN']], null],
  ['ct-mixed-params', [['Content-Type', 'Text/Plain; Charset=utf-8; format=flowed']], null],
  ['ct-form', [['Content-Type', 'application/x-www-form-urlencoded']], null],
  ['ct-multipart', [['Content-Type', 'multipart/form-data; boundary=abc']], null],
  ['ct-json', [['Content-Type', 'application/json']], 'content-type'],
  ['ct-html', [['Content-Type', 'text/html']], 'content-type'],
  ['ct-quoted-param', [['Content-Type', 'text/plain; charset="utf-8"']], 'content-type'],
  ['ct-two-types', [['Content-Type', 'text/plain, application/json']], 'content-type'],
  ['ct-128', [['Content-Type', 'text/plain;a=' + a(115)]], null],
  ['ct-129', [['Content-Type', 'text/plain;a=' + a(116)]], 'content-type'],
  ['accept-json', [['Accept', 'application/json']], null],
  ['accept-128', [['Accept', 'text/' + a(123)]], null],
  ['accept-129', [['Accept', 'text/' + a(124)]], 'accept'],
  ['accept-quote', [['Accept', 'text/"x"']], 'accept'],
  ['accept-bracket', [['Accept', 'text/[x]']], 'accept'],
  ['al-plain', [['Accept-Language', 'en-US,en;q=0.9']], null],
  ['al-star-space', [['Accept-Language', 'de-CH, *;q=0.5']], null],
  ['al-underscore', [['Accept-Language', 'nn_NO']], 'accept-language'],
  ['al-at', [['Accept-Language', 'en@x']], 'accept-language'],
  ['al-128', [['Accept-Language', a(128)]], null],
  ['al-129', [['Accept-Language', a(129)]], 'accept-language'],
  ['cl-plain', [['Content-Language', 'de-DE']], null],
  ['cl-underscore', [['Content-Language', 'de_DE']], 'content-language'],
  ['range-open', [['Range', 'bytes=0-']], null],
  ['range-closed', [['Range', 'bytes=0-10']], null],
  ['range-reversed', [['Range', 'bytes=10-5']], 'range'],
  ['range-suffix', [['Range', 'bytes=-5']], 'range'],
  ['range-multi', [['Range', 'bytes=0-1,3-4']], 'range'],
  ['range-unit', [['Range', 'items=0-1']], 'range'],
  ['range-spaces', [['Range', 'bytes = 0-1']], 'range'],
  ['ch-dpr', [['DPR', '2']], null],
  ['ch-width', [['Width', '100']], null],
  ['ch-viewport-width', [['Viewport-Width', '800']], null],
  ['ch-device-memory', [['Device-Memory', '8']], null],
  ['ch-rtt', [['RTT', '50']], null],
  ['ch-downlink', [['Downlink', '1.5']], null],
  ['ch-ect', [['ECT', '4g']], null],
  ['ch-save-data', [['Save-Data', 'on']], null],
  ['ch-dpr-text', [['DPR', 'abc']], 'dpr'],
  // Which name Chromium reports when several fail (measured): sorted order among unsafe NAMES,
  // but a safelisted name with a bad value (accept-language: nn_NO) comes after them.
  ['order-al-then-custom', [['Accept-Language', 'nn_NO'], ['X-Other', 'w']], 'x-other'],
  ['order-custom-then-al', [['X-Other', 'w'], ['Accept-Language', 'nn_NO']], 'x-other'],
  ['order-a-then-b', [['X-A', '1'], ['X-B', '2']], 'x-a'],
  ['order-b-then-a', [['X-B', '2'], ['X-A', '1']], 'x-a'],
  // Blink header-map (hash) order, not page or sorted order: src/engine/blink-order.ts.
  ['order-custom-then-other', [['X-Custom-Header', 'v'], ['X-Other', 'w']], 'x-other'],
  ['order-other-then-custom', [['X-Other', 'w'], ['X-Custom-Header', 'v']], 'x-other'],
  ['order-other-then-auth', [['X-Other', 'w'], ['Authorization', 'Bearer t']], 'x-other'],
  ['order-ct-then-custom', [['Content-Type', 'application/json'], ['X-Custom-Header', 'v']], 'content-type'],
  ['order-four', [['X-Custom-Header', 'v'], ['X-Other', 'w'], ['X-B', '2'], ['X-A', '1']], 'x-a'],
  ['order-bad-values', [['X-Requested-With', 'x'], ['If-None-Match', '"v"'], ['Range', 'bytes=5-1'], ['Accept', 'text/"x"']], 'if-none-match'],
  ['order-1024-plus-unsafe', [
    ['Accept', 'text/' + a(123)], ['Accept-Language', a(128)], ['Content-Language', a(128)],
    ['Content-Type', 'text/plain;a=' + a(115)], ['Range', 'bytes=0-' + '0'.repeat(120)],
    ['DPR', '1.' + '0'.repeat(126)], ['Downlink', '1.' + '0'.repeat(126)], ['Width', '0'.repeat(127) + '1'], ['Viewport-Width', '0'.repeat(128)], ['X-Zz', 'v'],
  ], 'x-zz'],
  ['x-requested-with', [['X-Requested-With', 'XMLHttpRequest']], 'x-requested-with'],
  ['cache-control', [['Cache-Control', 'no-cache']], 'cache-control'],
  ['if-none-match', [['If-None-Match', '"v1"']], 'if-none-match'],
  ['authorization', [['Authorization', 'Bearer t']], 'authorization'],
  ['range-129', [['Range', 'bytes=0-' + '0'.repeat(121)]], 'range'],
  ['total-over-1024', [
    ['Accept', 'text/' + a(123)], ['Accept-Language', a(128)], ['Content-Language', a(128)],
    ['Content-Type', 'text/plain;a=' + a(115)], ['Range', 'bytes=0-' + '0'.repeat(120)],
    ['DPR', '1.' + '0'.repeat(126)], ['Downlink', '1.' + '0'.repeat(126)], ['Width', '0'.repeat(127) + '1'], ['Viewport-Width', '0'.repeat(128)],
  ], 'viewport-width'],
  ['total-1024', [
    ['Accept', 'text/' + a(123)], ['Accept-Language', a(128)], ['Content-Language', a(128)],
    ['Content-Type', 'text/plain;a=' + a(115)], ['Range', 'bytes=0-' + '0'.repeat(120)],
    ['DPR', '1.' + '0'.repeat(126)], ['Downlink', '1.' + '0'.repeat(126)], ['Width', '0'.repeat(128)],
  ], null],
];
const SAFELIST_FAMILY: Scenario[] = SAFELIST_CASES.map(([slug, headers, unsafe]): Scenario => ({
  id: `safelist-${slug}`, title: `fetch POST with ${headers.map(([n]) => n).join(', ')} (${unsafe ? 'needs a preflight' : 'safelisted'})`,
  group: 'safelist', control: unsafe ? undefined : true,
  request: { kind: 'fetch', target: 'api2', method: 'POST', headers, body: 'x' },
  preflight: { headers: [ACAO_ORIGIN] }, response: { headers: [ACAO_ORIGIN] },
  expect: unsafe ? cors('HeaderDisallowedByPreflightResponse', unsafe) : ok,
}));
/** XHR stores headers in setRequestHeader order, fetch sorted by name: collisions in the map resolve differently. */
const XHR_ORDER_CASES: ReadonlyArray<readonly [slug: string, headers: H[], unsafe: string]> = [
  ['four-c-first', [['X-Custom-Header', 'v'], ['X-Other', 'w'], ['X-B', '2'], ['X-A', '1']], 'x-custom-header'],
  ['four-a-first', [['X-A', '1'], ['X-B', '2'], ['X-Other', 'w'], ['X-Custom-Header', 'v']], 'x-a'],
  ['other-then-auth', [['X-Other', 'w'], ['Authorization', 'Bearer t']], 'x-other'],
];
SAFELIST_FAMILY.push(...XHR_ORDER_CASES.map(([slug, headers, unsafe]): Scenario => ({
  id: `safelist-xhr-order-${slug}`, title: `XHR POST with ${headers.map(([n]) => n).join(', ')} (several fail)`, group: 'safelist',
  request: { kind: 'xhr', target: 'api2', method: 'POST', headers, body: 'x' },
  preflight: { headers: [ACAO_ORIGIN] }, response: { headers: [ACAO_ORIGIN] },
  expect: cors('HeaderDisallowedByPreflightResponse', unsafe),
})));

/** Methods: case, custom methods, ACAM forms. */
const METHOD_CASES: ReadonlyArray<readonly [slug: string, method: string, allow: string | null, code: CorsErrorCode | null, param?: string]> = [
  ['patch-upper-allowed', 'PATCH', 'PATCH', null],
  ['patch-lower-vs-upper', 'patch', 'PATCH', 'MethodDisallowedByPreflightResponse', 'patch'],
  // The preflight passes, but Node's HTTP parser answers the actual `patch` with a bare 400
  // (unknown method): lower-case methods break real servers too.
  ['patch-lower-allowed', 'patch', 'patch', 'MissingAllowOriginHeader'],
  ['patch-upper-vs-lower', 'PATCH', 'patch', 'MethodDisallowedByPreflightResponse', 'PATCH'],
  ['put-lower-normalized', 'put', 'PUT', null],
  ['delete-lower-normalized', 'delete', 'DELETE', null],
  ['custom-allowed', 'PURGE', 'GET, PURGE', null],
  ['custom-denied', 'PURGE', 'GET, POST', 'MethodDisallowedByPreflightResponse', 'PURGE'],
  ['custom-mixed-case', 'Purge', 'PURGE', 'MethodDisallowedByPreflightResponse', 'Purge'],
  ['custom-no-acam', 'PROPFIND', null, 'MethodDisallowedByPreflightResponse', 'PROPFIND'],
  ['star', 'DELETE', '*', null],
  ['star-plus-list', 'DELETE', 'GET, *', null],
  ['trailing-comma', 'PUT', 'PUT,', null],
  ['empty-items', 'PUT', ',,PUT , ,', null],
  ['invalid-token-space', 'PUT', 'PUT DELETE', 'InvalidAllowMethodsPreflightResponse', ''],
  ['invalid-token-semicolon', 'PUT', 'PUT;', 'InvalidAllowMethodsPreflightResponse', ''],
  ['invalid-token-slash', 'PUT', 'GET, P/T', 'InvalidAllowMethodsPreflightResponse', ''],
  ['post-safelisted', 'POST', 'PUT', null],
];
const METHOD_FAMILY: Scenario[] = METHOD_CASES.map(([slug, method, allow, code, param]): Scenario => ({
  id: `method-${slug}`, title: `fetch ${method}, ACAM ${allow === null ? '(absent)' : `"${allow}"`}`, group: 'methods', control: code ? undefined : true,
  request: { kind: 'fetch', target: 'api1', method, headers: method === 'POST' ? [X_CUSTOM] : undefined, body: 'x' },
  preflight: { headers: [ACAO_ORIGIN, ...(allow === null ? [] : [acam(allow)]), acah('x-custom-header')] }, response: { headers: [ACAO_ORIGIN] },
  expect: code ? cors(code, param ?? '') : ok,
}));

/** `*` in ACAM / ACAH / ACEH, with and without credentials; Authorization and `*`. */
const WILDCARD_FAMILY: Scenario[] = [
  { id: 'star-methods-cred', title: 'fetch DELETE with credentials, ACAM *', group: 'wildcards',
    request: { kind: 'fetch', target: 'api2', method: 'DELETE', credentials: 'include' },
    preflight: { headers: [ACAO_ORIGIN, acac('true'), acam('*')] }, response: { headers: [ACAO_ORIGIN, acac('true')] },
    expect: cors('MethodDisallowedByPreflightResponse', 'DELETE') },
  { id: 'star-methods-cred-listed', title: 'fetch DELETE with credentials, ACAM "*, DELETE"', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', method: 'DELETE', credentials: 'include' },
    preflight: { headers: [ACAO_ORIGIN, acac('true'), acam('*, DELETE')] }, response: { headers: [ACAO_ORIGIN, acac('true')] }, expect: ok },
  { id: 'star-headers', title: 'fetch X-Custom-Header, ACAH *', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM] },
    preflight: { headers: [ACAO_ORIGIN, acah('*')] }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'star-headers-cred', title: 'fetch X-Custom-Header with credentials, ACAH *', group: 'wildcards',
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM], credentials: 'include' },
    preflight: { headers: [ACAO_ORIGIN, acac('true'), acah('*')] }, response: { headers: [ACAO_ORIGIN, acac('true')] },
    expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
  { id: 'star-headers-cred-listed', title: 'fetch X-Custom-Header with credentials, ACAH "*, X-Custom-Header"', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM], credentials: 'include' },
    preflight: { headers: [ACAO_ORIGIN, acac('true'), acah('*, X-Custom-Header')] }, response: { headers: [ACAO_ORIGIN, acac('true')] }, expect: ok },
  { id: 'authorization-star', title: 'fetch Authorization, ACAH * (Chromium 156 still lets it through)', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [['Authorization', 'Bearer t']] },
    preflight: { headers: [ACAO_ORIGIN, acah('*')] }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'authorization-star-cred', title: 'fetch Authorization with credentials, ACAH *', group: 'wildcards',
    request: { kind: 'fetch', target: 'api2', headers: [['Authorization', 'Bearer t']], credentials: 'include' },
    preflight: { headers: [ACAO_ORIGIN, acac('true'), acah('*')] }, response: { headers: [ACAO_ORIGIN, acac('true')] },
    expect: cors('HeaderDisallowedByPreflightResponse', 'authorization') },
  { id: 'authorization-listed-cred', title: 'fetch Authorization with credentials, ACAH authorization', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [['Authorization', 'Bearer t']], credentials: 'include' },
    preflight: { headers: [ACAO_ORIGIN, acac('true'), acah('authorization')] }, response: { headers: [ACAO_ORIGIN, acac('true')] }, expect: ok },
  { id: 'authorization-star-and-custom', title: 'fetch Authorization + X-Custom-Header, ACAH *', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [['Authorization', 'Bearer t'], X_CUSTOM] },
    preflight: { headers: [ACAO_ORIGIN, acah('*')] }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'acah-case-insensitive', title: 'fetch X-Custom-Header, ACAH "X-CUSTOM-HEADER"', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM] },
    preflight: { headers: [ACAO_ORIGIN, acah('X-CUSTOM-HEADER')] }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'acah-invalid-token', title: 'fetch X-Custom-Header, ACAH "x-custom-header y"', group: 'wildcards',
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM] },
    preflight: { headers: [ACAO_ORIGIN, acah('x-custom-header y')] }, response: { headers: [ACAO_ORIGIN] },
    expect: cors('InvalidAllowHeadersPreflightResponse') },
  { id: 'acah-two-lines', title: 'fetch two custom headers, ACAH on two lines', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM, ['X-Other', 'w']] },
    preflight: { headers: [ACAO_ORIGIN, acah('x-custom-header'), acah('x-other')] }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'acah-one-missing', title: 'fetch two custom headers, ACAH lists one', group: 'wildcards',
    request: { kind: 'fetch', target: 'api2', headers: [X_CUSTOM, ['X-Other', 'w']] },
    preflight: { headers: [ACAO_ORIGIN, acah('x-custom-header')] }, response: { headers: [ACAO_ORIGIN] },
    expect: cors('HeaderDisallowedByPreflightResponse', 'x-other') },
  { id: 'expose-star', title: 'fetch GET, ACEH * (readable headers; no error)', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [acao('*'), aceh('*'), ['X-Total', '3']] }, expect: ok },
  { id: 'expose-star-cred', title: 'fetch credentials include, ACEH * (literal name; no error)', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api1', credentials: 'include' }, response: { headers: [ACAO_ORIGIN, acac('true'), aceh('*'), ['X-Total', '3']] }, expect: ok },
  { id: 'expose-listed', title: 'fetch GET, ACEH X-Total', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN, aceh('X-Total'), ['X-Total', '3']] }, expect: ok },
  { id: 'expose-unlisted-read', title: 'fetch GET, the page reads X-Total, no ACEH (no error: the page reads null)', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api1', readHeader: 'X-Total' }, response: { headers: [ACAO_ORIGIN, ['X-Total', '3']] }, expect: ok },
  { id: 'expose-none-set-cookie', title: 'fetch credentials include, response sets a cookie, no ACEH', group: 'wildcards', control: true,
    request: { kind: 'fetch', target: 'api1', credentials: 'include' }, response: { headers: [ACAO_ORIGIN, acac('true'), ['Set-Cookie', 'other=1; Path=/']] }, expect: ok },
];

/** Redirects of the actual request. */
const R302 = (target: Target, headers: H[] = [ACAO_ORIGIN], status = 302): RedirectHop => ({ status, to: { target }, headers });
const REDIRECT_FAMILY: Scenario[] = [
  { id: 'redirect-same-origin', title: 'fetch redirected api1 -> api1, both ACAO = origin', group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('api1')], response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'redirect-same-origin-final-missing', title: 'fetch redirected api1 -> api1, final without ACAO', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('api1')], response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'redirect-cross-exact-origin', title: 'fetch api1 -> api2, final ACAO = origin (but Origin is null)', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('api2')], response: { headers: [ACAO_ORIGIN] },
    expect: cors('AllowOriginMismatch', '{origin}') },
  { id: 'redirect-cross-null', title: 'fetch api1 -> api2, final ACAO = null', group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('api2')], response: { headers: [acao('null')] }, expect: ok },
  { id: 'redirect-cross-null-cred', title: 'fetch credentials api1 -> api2, final ACAO null + ACAC', group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1', credentials: 'include' }, redirects: [R302('api1', [ACAO_ORIGIN, acac('true')], 302), R302('api2', [ACAO_ORIGIN, acac('true')])],
    response: { headers: [acao('null'), acac('true')] }, expect: ok },
  { id: 'redirect-cross-star-cred', title: 'fetch credentials api1 -> api2, final ACAO *', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1', credentials: 'include' }, redirects: [R302('api2', [ACAO_ORIGIN, acac('true')])],
    response: { headers: [acao('*'), acac('true')] }, expect: cors('WildcardOriginNotAllowed') },
  { id: 'redirect-back-to-app', title: 'fetch api1 -> app (same origin as the page): Origin null, no ACAO needed?', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('app')], response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'redirect-back-to-app-star', title: 'fetch api1 -> app, final ACAO *', group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('app')], response: { headers: [acao('*')] }, expect: ok },
  ...[301, 303, 307, 308].map((st): Scenario => ({
    id: `redirect-status-${st}`, title: `fetch redirected with ${st}, both allow`, group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('api1', [ACAO_ORIGIN], st)], response: { headers: [ACAO_ORIGIN] }, expect: ok,
  })),
  { id: 'redirect-hop-mismatch', title: 'fetch redirect response with a wrong ACAO', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [R302('api2', [acao('{api1}')])], response: { headers: [acao('*')] },
    expect: cors('AllowOriginMismatch', '{api1}') },
  { id: 'redirect-userinfo-same-origin', title: 'fetch redirected to api1 with user:pass@', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'api1', userinfo: 'user:pass' }, headers: [ACAO_ORIGIN] }],
    response: { headers: [ACAO_ORIGIN] }, expect: cors('RedirectContainsCredentials') },
  { id: 'redirect-empty-userinfo', title: 'fetch redirected to //:@host (empty userinfo is dropped)', group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'api1', userinfo: ':' }, headers: [ACAO_ORIGIN] }],
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'redirect-to-ftp', title: 'fetch redirected to an ftp: URL', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'api1' }, location: 'ftp://{host2}/x', headers: [ACAO_ORIGIN] }],
    response: { headers: [ACAO_ORIGIN] }, expect: cors('CorsDisabledScheme') },
  { id: 'redirect-to-data', title: 'fetch redirected to a data: URL', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'api1' }, location: 'data:text/plain,hi', headers: [ACAO_ORIGIN] }],
    response: { headers: [ACAO_ORIGIN] }, expect: { netError: 'net::ERR_UNSAFE_REDIRECT' } },
  { id: 'redirect-mode-error', title: 'fetch redirect: "error" and a redirect', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1', redirect: 'error' }, redirects: [R302('api1')], response: { headers: [ACAO_ORIGIN] },
    expect: { netError: 'net::ERR_FAILED' } },
  { id: 'redirect-mode-manual', title: 'fetch redirect: "manual" (the page gets an opaqueredirect; CDP says ERR_ABORTED)', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1', redirect: 'manual' }, redirects: [R302('api1')], response: { headers: [ACAO_ORIGIN] },
    expect: { netError: 'net::ERR_ABORTED' } },
  { id: 'redirect-after-preflight', title: 'fetch PUT preflighted, then 307 api1 -> api2 (new preflight with Origin null)', group: 'redirects-more', control: true,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x' },
    redirects: [{ status: 307, to: { target: 'api2' }, headers: [ACAO_ORIGIN], preflight: { headers: [ACAO_ORIGIN, acam('PUT')] } }],
    preflight: { headers: [acao('*'), acam('PUT')] },
    response: { headers: [acao('*')] }, expect: ok },
  { id: 'redirect-after-preflight-second-denied', title: 'fetch PUT redirected 307 to api2, whose preflight allows the origin, not null', group: 'redirects-more',
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x' },
    redirects: [{ status: 307, to: { target: 'api2' }, headers: [ACAO_ORIGIN], preflight: { headers: [ACAO_ORIGIN, acam('PUT')] } }],
    preflight: { headers: [ACAO_ORIGIN, acam('PUT')] },
    response: { headers: [acao('*')] }, expect: cors('PreflightAllowOriginMismatch', '{origin}'),
    notes: 'redirects[0].preflight answers the OPTIONS of the first URL, `preflight` the one of the final URL' },
  { id: 'xhr-redirect-cross-null', title: 'XHR api2 -> api1, final ACAO null', group: 'redirects-more', control: true,
    request: { kind: 'xhr', target: 'api2' }, redirects: [R302('api1')], response: { headers: [acao('null')] }, expect: ok },
  { id: 'xhr-redirect-cross-origin-acao', title: 'XHR api2 -> api1, final ACAO = origin', group: 'redirects-more',
    request: { kind: 'xhr', target: 'api2' }, redirects: [R302('api1')], response: { headers: [ACAO_ORIGIN] },
    expect: cors('AllowOriginMismatch', '{origin}') },
  // A same-origin first hop redirected to another origin: a CORS request from that hop on. The
  // lab page's cookie (host-wide: cookies ignore ports) goes to the first hop only under fetch's
  // default credentials "same-origin", so `*` on the cross-origin hop passes (signed-storage URL).
  { id: 'so-redirect-star', title: 'fetch app -> 302 -> api1 (signed storage URL), ACAO *, cookie sent to the app only', group: 'same-origin-first-hop', control: true,
    request: { kind: 'fetch', target: 'app' }, redirects: [R302('api1', [])], response: { headers: [acao('*')] }, expect: ok },
  { id: 'so-redirect-origin', title: 'fetch app -> api1, ACAO = origin', group: 'same-origin-first-hop', control: true,
    request: { kind: 'fetch', target: 'app' }, redirects: [R302('api1', [])], response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'so-redirect-no-acao', title: 'fetch app -> api1, no ACAO', group: 'same-origin-first-hop',
    request: { kind: 'fetch', target: 'app' }, redirects: [R302('api1', [])], response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'so-redirect-star-cred', title: 'fetch credentials include app -> api1, ACAO *', group: 'same-origin-first-hop',
    request: { kind: 'fetch', target: 'app', credentials: 'include' }, redirects: [R302('api1', [])], response: { headers: [acao('*'), acac('true')] },
    expect: cors('WildcardOriginNotAllowed') },
  { id: 'so-redirect-origin-no-acac-cred', title: 'fetch credentials include app -> api1, ACAO = origin, no ACAC', group: 'same-origin-first-hop',
    request: { kind: 'fetch', target: 'app', credentials: 'include' }, redirects: [R302('api1', [])], response: { headers: [ACAO_ORIGIN] },
    expect: cors('InvalidAllowCredentials') },
  { id: 'so-redirect-two-hops-star', title: 'fetch app -> api1 -> api2 (Origin null there), ACAO *', group: 'same-origin-first-hop', control: true,
    request: { kind: 'fetch', target: 'app' }, redirects: [R302('api1', []), R302('api2')], response: { headers: [acao('*')] }, expect: ok },
  { id: 'so-redirect-two-hops-no-acao-on-redirect', title: 'fetch app -> api1 -> api2, api1\'s redirect without ACAO', group: 'same-origin-first-hop',
    request: { kind: 'fetch', target: 'app' }, redirects: [R302('api1', []), R302('api2', [])], response: { headers: [acao('*')] },
    expect: cors('MissingAllowOriginHeader') },
  { id: 'so-redirect-xhr-star', title: 'XHR app -> api1, ACAO *', group: 'same-origin-first-hop', control: true,
    request: { kind: 'xhr', target: 'app' }, redirects: [R302('api1', [])], response: { headers: [acao('*')] }, expect: ok },
  { id: 'so-redirect-xhr-star-cred', title: 'XHR withCredentials app -> api1, ACAO *', group: 'same-origin-first-hop',
    request: { kind: 'xhr', target: 'app', credentials: 'include' }, redirects: [R302('api1', [])], response: { headers: [acao('*')] },
    expect: cors('WildcardOriginNotAllowed') },
  { id: 'so-redirect-img-star', title: '<img crossorigin> app -> api1, ACAO *', group: 'same-origin-first-hop', control: true,
    request: { kind: 'img', target: 'app' }, redirects: [R302('api1', [])], response: { headers: [GIF_CT, acao('*')], asset: 'gif' }, expect: ok },
  // Credentials in a redirect's Location (#http-redirect-fetch steps 7 and 8).
  { id: 'userinfo-so-to-cross', title: 'fetch app -> api1 with user:pass@ (cross-origin Location)', group: 'redirect-userinfo',
    request: { kind: 'fetch', target: 'app' }, redirects: [{ to: { target: 'api1', userinfo: 'user:pass' } }], response: { headers: [acao('*')] },
    expect: cors('RedirectContainsCredentials') },
  { id: 'userinfo-so-to-cross-without', title: 'fetch app -> api1, the same Location without user:pass@, ACAO *', group: 'redirect-userinfo', control: true,
    request: { kind: 'fetch', target: 'app' }, redirects: [{ to: { target: 'api1' } }], response: { headers: [acao('*')] }, expect: ok },
  { id: 'userinfo-so-to-same', title: 'fetch app -> app with user:pass@ (never cross-origin)', group: 'redirect-userinfo',
    request: { kind: 'fetch', target: 'app' }, redirects: [{ to: { target: 'app', userinfo: 'user:pass' } }], response: {},
    expect: { netError: 'net::ERR_ABORTED' }, notes: 'measured, Chromium 156: not a CORS error; the request is same-origin throughout' },
  { id: 'userinfo-cross-back-to-app', title: 'fetch api1 -> app with user:pass@ (the page origin, after a cross-origin hop)', group: 'redirect-userinfo',
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'app', userinfo: 'user:pass' }, headers: [ACAO_ORIGIN] }], response: { headers: [acao('*')] },
    expect: cors('RedirectContainsCredentials') },
  { id: 'userinfo-user-only', title: 'fetch api1 -> api2 with user:@', group: 'redirect-userinfo',
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'api2', userinfo: 'user:' }, headers: [ACAO_ORIGIN] }], response: { headers: [acao('*')] },
    expect: cors('RedirectContainsCredentials') },
  { id: 'userinfo-password-only', title: 'fetch api1 -> api1 with :pass@', group: 'redirect-userinfo',
    request: { kind: 'fetch', target: 'api1' }, redirects: [{ to: { target: 'api1', userinfo: ':pass' }, headers: [ACAO_ORIGIN] }], response: { headers: [acao('*')] },
    expect: cors('RedirectContainsCredentials') },
  { id: 'userinfo-xhr-so-to-cross', title: 'XHR app -> api2 with user:pass@', group: 'redirect-userinfo',
    request: { kind: 'xhr', target: 'app' }, redirects: [{ to: { target: 'api2', userinfo: 'user:pass' } }], response: { headers: [acao('*')] },
    expect: cors('RedirectContainsCredentials') },
  // What a redirect changes on the request before the target's own preflight (found by the fuzzer).
  { id: 'redirect-drops-authorization', title: 'fetch app -> 303 -> api2 with X-Custom-Header and Authorization: the target\'s preflight asks without Authorization', group: 'redirect-rewrites',
    request: { kind: 'fetch', target: 'app', headers: [X_CUSTOM, ['Authorization', 'Bearer t']] }, preflight: { status: 200, headers: [ACAO_ORIGIN] },
    redirects: [{ status: 303, to: { target: 'api2' } }], response: {}, expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
  { id: 'redirect-order-after-same-origin-hop', title: 'fetch app -> 301 -> api1 with Accept-Language nn_NO and X-Other: the target\'s preflight names the first in Blink map order', group: 'redirect-rewrites',
    request: { kind: 'fetch', target: 'app', headers: [['Accept-Language', 'nn_NO'], ['X-Other', 'w']] }, preflight: { status: 200, headers: [ACAO_ORIGIN] },
    redirects: [{ status: 301, to: { target: 'api1' } }], response: {}, expect: cors('HeaderDisallowedByPreflightResponse', 'x-other') },
  { id: 'redirect-order-post-becomes-get', title: 'fetch POST app -> 302 -> api2 with Cache-Control and X-Other: the browser\'s own Accept-Language was never in the page\'s map', group: 'redirect-rewrites',
    request: { kind: 'fetch', target: 'app', method: 'POST', headers: [['Cache-Control', 'no-cache'], ['X-Other', 'w']], body: 'x' }, preflight: { status: 204, headers: [ACAO_ORIGIN] },
    redirects: [{ status: 302, to: { target: 'api2' } }], response: {}, expect: cors('HeaderDisallowedByPreflightResponse', 'x-other') },
  { id: 'redirect-303-put-becomes-get', title: 'fetch PUT app -> 303 -> api1 with X-Custom-Header: the target is preflighted as a GET', group: 'redirect-rewrites',
    request: { kind: 'fetch', target: 'app', method: 'PUT', headers: [X_CUSTOM], body: 'x' }, preflight: { status: 204, headers: [ACAO_ORIGIN] },
    redirects: [{ status: 303, to: { target: 'api1' } }], response: {}, expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
  { id: 'redirect-303-put-becomes-get-allowed', title: 'fetch PUT app -> 303 -> api1 with X-Custom-Header, allowed without PUT', group: 'redirect-rewrites', control: true,
    request: { kind: 'fetch', target: 'app', method: 'PUT', headers: [X_CUSTOM], body: 'x' }, preflight: { status: 204, headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', 'x-custom-header']] },
    redirects: [{ status: 303, to: { target: 'api1' } }], response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'redirect-302-post-json-becomes-get', title: 'fetch POST JSON api1 -> 302 -> api2: a GET without Content-Type, no preflight there', group: 'redirect-rewrites', control: true,
    request: { kind: 'fetch', target: 'api1', method: 'POST', headers: [['Content-Type', 'application/json']], body: '[1]' },
    preflight: { status: 204, headers: [ACAO_ORIGIN, ['Access-Control-Allow-Methods', 'POST'], ['Access-Control-Allow-Headers', 'content-type']] },
    redirects: [{ status: 302, to: { target: 'api2' }, headers: [ACAO_ORIGIN] }], response: { headers: [acao('*')] }, expect: ok },
];

/** Headers the browser adds itself: fetch's cache modes and EventSource's. */
const BROWSER_HEADER_FAMILY: Scenario[] = [
  ...(['no-store', 'reload', 'no-cache'] as const).flatMap((cache): Scenario[] => [
    { id: `browser-cache-${cache}-star`, title: `fetch cache: "${cache}", ACAO * (no preflight for the browser's cache headers)`, group: 'browser-set-headers', control: true,
      request: { kind: 'fetch', target: 'api1', cache }, response: { headers: [acao('*')] }, expect: ok },
    { id: `browser-cache-${cache}-no-acao`, title: `fetch cache: "${cache}", no ACAO`, group: 'browser-set-headers',
      request: { kind: 'fetch', target: 'api1', cache }, response: {}, expect: cors('MissingAllowOriginHeader') },
  ]),
  { id: 'browser-cache-page-set-cache-control', title: 'fetch with Cache-Control: no-cache set by the page, preflight without ACAH', group: 'browser-set-headers',
    request: { kind: 'fetch', target: 'api1', headers: [['Cache-Control', 'no-cache']] }, preflight: { status: 204, headers: [ACAO_ORIGIN] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('HeaderDisallowedByPreflightResponse', 'cache-control') },
  { id: 'browser-cache-page-set-pragma', title: 'fetch with Pragma: no-cache set by the page, preflight without ACAH', group: 'browser-set-headers',
    request: { kind: 'fetch', target: 'api1', headers: [['Pragma', 'no-cache']] }, preflight: { status: 204, headers: [ACAO_ORIGIN] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('HeaderDisallowedByPreflightResponse', 'pragma') },
  { id: 'browser-eventsource-redirect-star', title: 'EventSource api1 -> api2, ACAO * (no preflight on either hop)', group: 'browser-set-headers', control: true,
    request: { kind: 'eventsource', target: 'api1' }, redirects: [R302('api2')], response: { headers: [SSE, acao('*')], body: 'data: ok\n\n' }, expect: ok },
];

/** Modes: no-cors and same-origin. */
const MODE_FAMILY: Scenario[] = [
  { id: 'no-cors-no-acao', title: 'fetch no-cors GET, no ACAO (opaque response)', group: 'modes', control: true,
    request: { kind: 'fetch', target: 'api1', mode: 'no-cors' }, response: { headers: [['Content-Type', 'image/gif']], asset: 'gif' }, expect: ok },
  { id: 'no-cors-custom-header-dropped', title: 'fetch no-cors with X-Custom-Header (dropped: no preflight)', group: 'modes', control: true,
    request: { kind: 'fetch', target: 'api1', mode: 'no-cors', headers: [X_CUSTOM] }, response: { headers: [['Content-Type', 'image/gif']], asset: 'gif' }, expect: ok },
  { id: 'no-cors-post', title: 'fetch no-cors POST text/plain', group: 'modes', control: true,
    request: { kind: 'fetch', target: 'api1', mode: 'no-cors', method: 'POST', body: 'x' }, response: { headers: [['Content-Type', 'image/gif']], asset: 'gif' }, expect: ok },
  { id: 'no-cors-json-orb', title: 'fetch no-cors, JSON response (ORB)', group: 'modes',
    request: { kind: 'fetch', target: 'api1', mode: 'no-cors' }, response: { headers: [['Content-Type', 'application/json']], body: ")]}'\n[1, 2]" },
    expect: { netError: 'net::ERR_ABORTED' } },
  { id: 'no-cors-redirect-manual', title: 'fetch no-cors with redirect: manual', group: 'modes',
    request: { kind: 'fetch', target: 'api1', mode: 'no-cors', redirect: 'manual' }, response: {}, expect: cors('NoCorsRedirectModeNotFollow') },
  { id: 'same-origin-mode-cross', title: 'fetch mode same-origin to another origin', group: 'modes',
    request: { kind: 'fetch', target: 'api1', mode: 'same-origin' }, response: { headers: [ACAO_ORIGIN] }, expect: cors('DisallowedByMode') },
  { id: 'same-origin-mode-same', title: 'fetch mode same-origin to the page origin', group: 'modes', control: true,
    request: { kind: 'fetch', target: 'app', mode: 'same-origin' }, response: {}, expect: ok },
  { id: 'cors-mode-same-origin-target', title: 'fetch cors mode to the page origin with X-Custom-Header (no CORS at all)', group: 'modes', control: true,
    request: { kind: 'fetch', target: 'app', headers: [X_CUSTOM], method: 'PUT', body: 'x' }, response: {}, expect: ok },
  { id: 'scheme-ftp', title: 'fetch an ftp: URL', group: 'modes',
    request: { kind: 'fetch', target: 'api1', url: 'ftp://{host1}/s/{id}/' }, response: {}, expect: cors('CorsDisabledScheme', 'ftp') },
  { id: 'xhr-upload-listener', title: 'XHR POST text/plain with an upload listener (forced preflight), preflight without ACAO', group: 'modes',
    request: { kind: 'xhr', target: 'api1', method: 'POST', headers: [['Content-Type', 'text/plain']], body: 'x', uploadListener: true },
    preflight: {}, response: { headers: [ACAO_ORIGIN] }, expect: cors('PreflightMissingAllowOriginHeader') },
  { id: 'xhr-upload-listener-ok', title: 'XHR POST with an upload listener, preflight allows', group: 'modes', control: true,
    request: { kind: 'xhr', target: 'api1', method: 'POST', headers: [['Content-Type', 'text/plain']], body: 'x', uploadListener: true },
    preflight: { headers: [ACAO_ORIGIN] }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
];

/** The preflight cache and the HTTP cache: the same request twice (same URL). */
const CACHE_FAMILY: Scenario[] = [
  { id: 'preflight-cache-hit', title: 'fetch PUT twice; Max-Age 600; the later preflight would fail (cache hit: ok)', group: 'caches', control: true,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x', again: {} },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT'), maxAge('600')] }, preflightLater: { status: 500 },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'preflight-cache-max-age-0', title: 'fetch PUT twice; Max-Age 0: preflighted again, and that one fails', group: 'caches',
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x', again: {} },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT'), maxAge('0')] }, preflightLater: { status: 500 },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('PreflightMissingAllowOriginHeader') },
  { id: 'preflight-cache-default-age', title: 'fetch PUT twice, no Max-Age (5 s default): cache hit', group: 'caches', control: true,
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x', again: {} },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT')] }, preflightLater: { status: 500 },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'preflight-cache-new-header', title: 'fetch PUT twice, second adds X-Custom-Header: not covered by the cached entry', group: 'caches',
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x', again: { headers: [X_CUSTOM] } },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT'), maxAge('600')] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
  { id: 'preflight-cache-credentials', title: 'fetch PUT omit then include: the cached entry (no credentials) does not cover include', group: 'caches',
    request: { kind: 'fetch', target: 'api1', method: 'PUT', body: 'x', credentials: 'omit', again: { credentials: 'include' } },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT'), maxAge('600')] },
    response: { headers: [ACAO_ORIGIN, acac('true')] }, expect: cors('PreflightInvalidAllowCredentials') },
  { id: 'preflight-cache-star-method', title: 'fetch DELETE twice, ACAM * Max-Age 600: cache hit', group: 'caches', control: true,
    request: { kind: 'fetch', target: 'api2', method: 'DELETE', again: {} },
    preflight: { headers: [ACAO_ORIGIN, acam('*'), maxAge('600')] }, preflightLater: { status: 403 },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'xhr-preflight-cache-hit', title: 'XHR PUT twice, Max-Age 600, the later preflight would fail', group: 'caches', control: true,
    request: { kind: 'xhr', target: 'api2', method: 'PUT', body: 'x', again: {} },
    preflight: { headers: [ACAO_ORIGIN, acam('PUT'), maxAge('600')] }, preflightLater: { status: 500 },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'http-cache-304', title: 'fetch GET twice; ETag + no-cache; 304 revalidation with ACAO', group: 'caches', control: true,
    request: { kind: 'fetch', target: 'api1', again: {} },
    response: { headers: [ACAO_ORIGIN, ['Cache-Control', 'no-cache'], ['ETag', '"v1"']] },
    conditional: { status: 304, headers: [ACAO_ORIGIN, ['ETag', '"v1"']], body: '' }, expect: ok },
  { id: 'http-cache-304-no-acao', title: 'fetch GET twice; 304 revalidation WITHOUT ACAO (stored headers are checked)', group: 'caches', control: true,
    request: { kind: 'fetch', target: 'api1', again: {} },
    response: { headers: [ACAO_ORIGIN, ['Cache-Control', 'no-cache'], ['ETag', '"v1"']] },
    conditional: { status: 304, headers: [['ETag', '"v1"']], body: '' }, expect: ok },
  { id: 'http-cache-304-wrong-acao', title: 'fetch GET twice; 304 revalidation with a wrong ACAO (updates the stored one)', group: 'caches',
    request: { kind: 'fetch', target: 'api1', again: {} },
    response: { headers: [ACAO_ORIGIN, ['Cache-Control', 'no-cache'], ['ETag', '"v1"']] },
    conditional: { status: 304, headers: [acao('{api2}'), ['ETag', '"v1"']], body: '' }, expect: cors('AllowOriginMismatch', '{api2}') },
  { id: 'if-none-match-by-page', title: 'fetch with If-None-Match set by the page (preflight), 304 with ACAO', group: 'caches', control: true,
    request: { kind: 'fetch', target: 'api1', headers: [['If-None-Match', '"v1"']] },
    preflight: { headers: [ACAO_ORIGIN, acah('if-none-match')] },
    response: { headers: [ACAO_ORIGIN] }, conditional: { status: 304, headers: [ACAO_ORIGIN, ['ETag', '"v1"']], body: '' }, expect: ok },
  { id: 'if-none-match-by-page-no-acao', title: 'fetch with If-None-Match set by the page, 304 without ACAO', group: 'caches',
    request: { kind: 'fetch', target: 'api1', headers: [['If-None-Match', '"v1"']] },
    preflight: { headers: [ACAO_ORIGIN, acah('if-none-match')] },
    response: { headers: [ACAO_ORIGIN] }, conditional: { status: 304, headers: [['ETag', '"v1"']], body: '' }, expect: cors('MissingAllowOriginHeader') },
];

/** Other CORS-mode requests: fonts, module scripts, crossorigin elements, preload, EventSource. */
const JS: H = ['Content-Type', 'text/javascript'];
const ELEMENT_KINDS: ReadonlyArray<readonly [kind: RequestKind, slug: string, reply: Reply, credentialed: boolean]> = [
  ['font', 'font', { headers: [['Content-Type', 'font/woff2']], body: 'not a font' }, false],
  ['module-script', 'module', { headers: [JS], body: '// ok' }, true],
  ['script', 'script', { headers: [JS], body: '// ok' }, true],
  ['img', 'img', { headers: [GIF_CT], asset: 'gif' }, true],
  ['preload', 'preload', { headers: [['Content-Type', 'text/plain']] }, true],
  ['eventsource', 'eventsource', { headers: [SSE], body: 'data: ok\n\n' }, true],
];
const ELEMENT_FAMILY: Scenario[] = ELEMENT_KINDS.flatMap(([kind, slug, reply, credentialed]): Scenario[] => {
  const h = reply.headers ?? [];
  const rows: Scenario[] = [
    { id: `${slug}-acao-ok`, title: `${kind}, ACAO = origin`, group: `kind-${slug}`, control: true,
      request: { kind, target: 'api1' }, response: { ...reply, headers: [...h, ACAO_ORIGIN] }, expect: ok },
    { id: `${slug}-acao-star`, title: `${kind}, ACAO *`, group: `kind-${slug}`, control: true,
      request: { kind, target: 'api2' }, response: { ...reply, headers: [...h, acao('*')] }, expect: ok },
    { id: `${slug}-no-acao`, title: `${kind}, no ACAO`, group: `kind-${slug}`,
      request: { kind, target: 'api1' }, response: reply, expect: cors('MissingAllowOriginHeader') },
    { id: `${slug}-acao-mismatch`, title: `${kind}, ACAO = api1`, group: `kind-${slug}`,
      request: { kind, target: 'api2' }, response: { ...reply, headers: [...h, acao('{api1}')] }, expect: cors('AllowOriginMismatch', '{api1}') },
  ];
  if (credentialed) {
    const mode = kind === 'eventsource' ? 'withCredentials' : 'use-credentials';
    rows.push(
      { id: `${slug}-cred-ok`, title: `${kind} ${mode}, exact ACAO + ACAC`, group: `kind-${slug}`, control: true,
        request: { kind, target: 'api1', credentials: 'include' }, response: { ...reply, headers: [...h, ACAO_ORIGIN, acac('true')] }, expect: ok },
      { id: `${slug}-cred-star`, title: `${kind} ${mode}, ACAO *`, group: `kind-${slug}`,
        request: { kind, target: 'api1', credentials: 'include' }, response: { ...reply, headers: [...h, acao('*'), acac('true')] }, expect: cors('WildcardOriginNotAllowed') },
      { id: `${slug}-cred-no-acac`, title: `${kind} ${mode}, exact ACAO, no ACAC`, group: `kind-${slug}`,
        request: { kind, target: 'api2', credentials: 'include' }, response: { ...reply, headers: [...h, ACAO_ORIGIN] }, expect: cors('InvalidAllowCredentials') },
    );
  }
  return rows;
});

/**
 * The hostile corner (issue 16): what an arbitrary server can send. Huge values, thousands of
 * lines, hundreds of Vary entries, bytes that are not UTF-8 (Latin-1 on the wire), markup and
 * script in values. Chromium judges; the panel, exports and snippets must stay correct.
 */
const HUGE = 'h'.repeat(100_000);
const HOSTILE_MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const HOSTILE_FAMILY: Scenario[] = [
  { id: 'hostile-100kb-header', title: 'fetch GET, ACAO = origin, a 100 KB response header', group: 'hostile', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN, ['X-Huge', HUGE]] }, expect: ok },
  { id: 'hostile-100kb-header-blocked', title: 'fetch GET, no ACAO, a 100 KB response header', group: 'hostile',
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [['X-Huge', HUGE]] }, expect: cors('MissingAllowOriginHeader') },
  { id: 'hostile-2000-lines', title: 'fetch GET, ACAO = origin among 2,000 response header lines', group: 'hostile', control: true,
    request: { kind: 'fetch', target: 'api1' },
    response: { headers: [...Array.from({ length: 2000 }, (_, i): readonly [string, string] => [`X-Line-${i}`, `v${i}`]), ACAO_ORIGIN] }, expect: ok },
  { id: 'hostile-vary-300', title: 'fetch GET, ACAO = origin, Vary with 300 entries', group: 'hostile', control: true,
    request: { kind: 'fetch', target: 'api1' },
    response: { headers: [ACAO_ORIGIN, ['Vary', ['Origin', ...Array.from({ length: 299 }, (_, i) => `X-V${i}`)].join(', ')]] }, expect: ok },
  { id: 'hostile-latin1-header', title: 'fetch GET, ACAO = origin, a header value with bytes that are not UTF-8', group: 'hostile', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN, ['X-Bytes', '\u00ff\u00fe caf\u00e9']] }, expect: ok },
  // Measured (Chromium 156): InvalidAllowOriginValue with an empty parameter (the byte is not UTF-8).
  { id: 'hostile-latin1-acao', title: 'fetch GET, ACAO = origin followed by a byte that is not UTF-8', group: 'hostile',
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [['Access-Control-Allow-Origin', '{origin}\u00ff']] },
    expect: cors('InvalidAllowOriginValue', '') },
  // Node writes each character as one byte: \u00c3\u00a9 is the UTF-8 encoding of "é".
  { id: 'hostile-utf8-acao', title: 'fetch GET, ACAO = origin followed by a valid UTF-8 "é"', group: 'hostile',
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [['Access-Control-Allow-Origin', '{origin}\u00c3\u00a9']] },
    expect: cors('InvalidAllowOriginValue', '{origin}\u00e9') },
  // The spaces make it a list for Chromium: MultipleAllowOriginValues, the value as the parameter.
  { id: 'hostile-markup-acao', title: 'fetch GET, ACAO full of HTML and script', group: 'hostile',
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [['Access-Control-Allow-Origin', HOSTILE_MARKUP]] },
    expect: cors('MultipleAllowOriginValues', HOSTILE_MARKUP) },
  { id: 'hostile-markup-allow-headers', title: 'fetch with X-Custom-Header, ACAH full of HTML and script', group: 'hostile',
    request: { kind: 'fetch', target: 'api1', headers: [X_CUSTOM] }, preflight: { headers: [ACAO_ORIGIN, ['Access-Control-Allow-Headers', HOSTILE_MARKUP]] },
    response: { headers: [ACAO_ORIGIN] }, expect: cors('InvalidAllowHeadersPreflightResponse', '') },
];

const FAMILIES: readonly Scenario[] = [
  ...ACAO_FAMILY,
  ...CREDENTIALS_FAMILY,
  ...CRED_MODES,
  ...PREFLIGHT_STATUS_FAMILY,
  ...ACTUAL_STATUS_FAMILY,
  ...SAFELIST_FAMILY,
  ...METHOD_FAMILY,
  ...WILDCARD_FAMILY,
  ...REDIRECT_FAMILY,
  ...MODE_FAMILY,
  ...BROWSER_HEADER_FAMILY,
  ...CACHE_FAMILY,
  ...ELEMENT_FAMILY,
  ...HOSTILE_FAMILY,
];

/** A redirect of the scenario goes to another origin than the page's (or to a raw Location). */
export function redirectsLeavePageOrigin(scenario: Scenario): boolean {
  return (scenario.redirects ?? []).some((hop) => hop.location !== undefined || hop.to.target !== 'app');
}

/** Every scenario one browser with default flags runs (test/e2e/lab.test.ts checks each `expect`). */
export const SCENARIOS: readonly Scenario[] = [...BASE, ...FAMILIES];

/**
 * Scenarios run apart from SCENARIOS: fetch from a dedicated worker (the page's CDP session does
 * not see a dedicated worker's requests: the conformance runner taps the worker target), fetch
 * from an iframe (a cross-site one is an out-of-process iframe, tapped the same way) and Local
 * Network Access (one browser launch per `lna` configuration).
 */
export const WORKER_SCENARIOS: readonly Scenario[] = [
  { id: 'worker-acao-ok', title: 'fetch in a dedicated worker, ACAO = origin', group: 'kind-worker', control: true,
    request: { kind: 'worker-fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'worker-no-acao', title: 'fetch in a dedicated worker, no ACAO', group: 'kind-worker',
    request: { kind: 'worker-fetch', target: 'api1' }, response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'worker-cred-star', title: 'fetch in a dedicated worker, credentials include, ACAO *', group: 'kind-worker',
    request: { kind: 'worker-fetch', target: 'api2', credentials: 'include' }, response: { headers: [acao('*')] }, expect: cors('WildcardOriginNotAllowed') },
  { id: 'worker-preflight-denied', title: 'fetch in a dedicated worker, X-Custom-Header not allowed', group: 'kind-worker',
    request: { kind: 'worker-fetch', target: 'api2', headers: [X_CUSTOM] }, preflight: { headers: [ACAO_ORIGIN] }, response: { headers: [ACAO_ORIGIN] },
    expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
];

/** ACAO naming the cross-site iframe's origin (the origin that made the request). */
const ACAO_CROSS_SITE = acao('{crosssite}');
/**
 * fetch from inside an iframe of the lab page: same-origin (in the page's process) and cross-site
 * (an out-of-process iframe whose requests carry its own origin, not the top page's).
 */
export const IFRAME_SCENARIOS: readonly Scenario[] = [
  { id: 'iframe-acao-ok', title: 'fetch in a same-origin iframe, ACAO = origin', group: 'kind-iframe', control: true,
    request: { kind: 'iframe-fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'iframe-no-acao', title: 'fetch in a same-origin iframe, no ACAO', group: 'kind-iframe',
    request: { kind: 'iframe-fetch', target: 'api1' }, response: {}, expect: cors('MissingAllowOriginHeader') },
  { id: 'iframe-preflight-ok', title: 'fetch in a same-origin iframe, X-Custom-Header allowed by the preflight', group: 'kind-iframe', control: true,
    request: { kind: 'iframe-fetch', target: 'api2', headers: [X_CUSTOM] }, preflight: { headers: [ACAO_ORIGIN, acah('x-custom-header')] },
    response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'iframe-preflight-denied', title: 'fetch in a same-origin iframe, X-Custom-Header not allowed', group: 'kind-iframe',
    request: { kind: 'iframe-fetch', target: 'api2', headers: [X_CUSTOM] }, preflight: { headers: [ACAO_ORIGIN] }, response: { headers: [ACAO_ORIGIN] },
    expect: cors('HeaderDisallowedByPreflightResponse', 'x-custom-header') },
  { id: 'cross-site-iframe-acao-ok', title: 'fetch in a cross-site iframe, ACAO = the iframe\'s origin', group: 'kind-cross-site-iframe', control: true,
    request: { kind: 'iframe-fetch', frame: 'cross-site', target: 'api1' }, response: { headers: [ACAO_CROSS_SITE] }, expect: ok },
  { id: 'cross-site-iframe-acao-page', title: 'fetch in a cross-site iframe, ACAO = the top page\'s origin', group: 'kind-cross-site-iframe',
    request: { kind: 'iframe-fetch', frame: 'cross-site', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: cors('AllowOriginMismatch', '{app}') },
  // With the credentialed scenarios of the top page, api1 has named two asking origins with
  // credentials: the log-level finding echoes-origins-with-credentials (engine/log-findings.ts).
  { id: 'cross-site-iframe-cred-echo', title: 'fetch with credentials in a cross-site iframe, ACAO = the iframe\'s origin, ACAC true', group: 'kind-cross-site-iframe', control: true,
    request: { kind: 'iframe-fetch', frame: 'cross-site', target: 'api1', credentials: 'include' }, response: { headers: [ACAO_CROSS_SITE, ACAC_TRUE] }, expect: ok },
  { id: 'cross-site-iframe-preflight-ok', title: 'fetch in a cross-site iframe, X-Custom-Header allowed by the preflight', group: 'kind-cross-site-iframe', control: true,
    request: { kind: 'iframe-fetch', frame: 'cross-site', target: 'api2', headers: [X_CUSTOM] },
    preflight: { headers: [ACAO_CROSS_SITE, acah('x-custom-header')] }, response: { headers: [ACAO_CROSS_SITE] }, expect: ok },
  { id: 'cross-site-iframe-preflight-acao-page', title: 'fetch in a cross-site iframe, preflight ACAO = the top page\'s origin', group: 'kind-cross-site-iframe',
    request: { kind: 'iframe-fetch', frame: 'cross-site', target: 'api2', headers: [X_CUSTOM] },
    preflight: { headers: [ACAO_ORIGIN, acah('x-custom-header')] }, response: { headers: [ACAO_CROSS_SITE] },
    expect: cors('PreflightAllowOriginMismatch', '{app}') },
];

export const LNA_SCENARIOS: readonly Scenario[] = [
  { id: 'lna-public-page-denied', title: 'page on a "public" address fetches loopback (permission auto-denied)', group: 'lna', lna: 'public-page',
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: cors('LocalNetworkAccessPermissionDenied') },
  { id: 'lna-insecure-page', title: 'non-secure "public" page (http://lna.test) fetches loopback', group: 'lna', lna: 'insecure-page',
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: cors('InsecureLocalNetwork') },
  { id: 'lna-target-space-mismatch', title: 'fetch with targetAddressSpace "local" to loopback', group: 'lna', lna: 'default',
    request: { kind: 'fetch', target: 'api1', targetAddressSpace: 'local' }, response: { headers: [ACAO_ORIGIN] }, expect: cors('InvalidLocalNetworkAccess') },
  { id: 'lna-warn-only', title: 'LNA checks in warning mode: the fetch succeeds', group: 'lna', lna: 'warn-only', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'lna-granted', title: 'local-network-access permission granted: the fetch succeeds', group: 'lna', lna: 'granted', control: true,
    request: { kind: 'fetch', target: 'api1' }, response: { headers: [ACAO_ORIGIN] }, expect: ok },
  { id: 'lna-public-page-no-acao', title: 'public page fetches loopback without ACAO (LNA decides first?)', group: 'lna', lna: 'public-page',
    request: { kind: 'fetch', target: 'api2' }, response: {}, expect: cors('LocalNetworkAccessPermissionDenied') },
];

/** All tables. */
export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, ...WORKER_SCENARIOS, ...IFRAME_SCENARIOS, ...LNA_SCENARIOS];

/** The scenario with this id, or throws. */
export function scenarioById(id: string, table: readonly Scenario[] = SCENARIOS): Scenario {
  const s = table.find((x) => x.id === id);
  if (!s) throw new Error(`unknown lab scenario: ${id}`);
  return s;
}

/** The origins a run of the lab resolved placeholders against. */
export interface LabOrigins {
  app: string;
  api1: string;
  api2: string;
}

/** Replace `{placeholder}`s; unknown ones are left as they are (the unit test flags them). */
export function applyPlaceholders(text: string, origins: LabOrigins, ctx: { id?: string; self?: Target } = {}): string {
  const host = (o: string) => new URL(o).host;
  const values: Record<Placeholder, string> = {
    origin: origins.app,
    app: origins.app,
    api1: origins.api1,
    api2: origins.api2,
    self: ctx.self ? origins[ctx.self] : origins.app,
    id: ctx.id ?? '',
    host1: host(origins.api1),
    host2: host(origins.api2),
    apphost: host(origins.app),
    appport: new URL(origins.app).port,
    crosssite: crossSiteOrigin(origins),
  };
  return text.replace(/\{([a-z0-9]+)\}/g, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}

/** The app server under another site's name (`{crosssite}`): where a cross-site iframe is served from. */
export function crossSiteOrigin(origins: LabOrigins): string {
  return `http://${CROSS_SITE_HOST}:${new URL(origins.app).port}`;
}

/** The document an `iframe-fetch` scenario's iframe loads (undefined for other kinds). */
export function frameUrl(s: Scenario, origins: LabOrigins): string | undefined {
  if (s.request.kind !== 'iframe-fetch') return undefined;
  return (s.request.frame === 'cross-site' ? crossSiteOrigin(origins) : origins.app) + '/frame.html';
}

/** The placeholder names used in a string (for validation). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}

/** The URL the page requests first. */
export function scenarioUrl(s: Scenario, origins: LabOrigins): string {
  if (s.request.url) return applyPlaceholders(s.request.url, origins, { id: s.id });
  return origins[s.request.target] + '/s/' + s.id + applyPlaceholders(s.request.path ?? '/', origins, { id: s.id });
}

/** `expect` with placeholders resolved (failedParameter may name an origin). */
export function resolvedExpect(s: Scenario, origins: LabOrigins): Expect {
  const e = s.expect;
  if ('corsError' in e) return { corsError: e.corsError, failedParameter: applyPlaceholders(e.failedParameter, origins, { id: s.id }) };
  return e;
}

/** Every string of a scenario that may hold placeholders. */
export function templatedStrings(s: Scenario): string[] {
  const out: string[] = [];
  const reply = (r?: Reply) => {
    if (!r) return;
    for (const [, v] of r.headers ?? []) out.push(v);
    if (r.body !== undefined) out.push(r.body);
  };
  if (s.request.path !== undefined) out.push(s.request.path);
  for (const [, v] of s.request.headers ?? []) out.push(v);
  if (s.request.body !== undefined) out.push(s.request.body);
  if (s.request.url !== undefined) out.push(s.request.url);
  for (const [, v] of s.request.again?.headers ?? []) out.push(v);
  reply(s.preflight);
  reply(s.response);
  reply(s.conditional);
  reply(s.preflightLater);
  for (const h of s.redirects ?? []) {
    for (const [, v] of h.headers ?? []) out.push(v);
    if (h.to.path !== undefined) out.push(h.to.path);
    if (h.location !== undefined) out.push(h.location);
    reply(h.preflight);
  }
  if ('corsError' in s.expect) out.push(s.expect.failedParameter);
  return out;
}
