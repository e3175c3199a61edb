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
import type { CorsErrorCode } from '../../src/engine/types.ts';

/** The three lab origins (all on 127.0.0.1, different ports). */
export type Target = 'app' | 'api1' | 'api2';
export const TARGETS: readonly Target[] = ['app', 'api1', 'api2'];

/**
 * `{origin}` / `{app}`: the app (page) origin, e.g. `http://127.0.0.1:43111`;
 * `{api1}`, `{api2}`: the API origins; `{self}`: the origin of the server answering;
 * `{id}`: the scenario id; `{host1}`/`{host2}`: host:port of api1/api2 (to build
 * `http://user:pass@{host2}/...`).
 */
export const PLACEHOLDERS = ['origin', 'app', 'api1', 'api2', 'self', 'id', 'host1', 'host2'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** An ordered header list; a name may appear twice (two lines on the wire). */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * What the page does. `fetch` and `xhr` today; the union is open for `font`, `module-script`,
 * `img`, `eventsource`, `worker-fetch`... (the page runner switches on `kind`).
 */
export type RequestKind = 'fetch' | 'xhr';
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
  body?: string;
}

/** How a server answers one request. Nothing is added by the server but Content-Length. */
export interface Reply {
  /** Default 200. */
  status?: number;
  headers?: HeaderList;
  /** Default `ok <id>`; `''` for none. */
  body?: string;
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
}

// ---- small helpers so one scenario stays one short entry ---------------------------------

const ACAO_ORIGIN = ['Access-Control-Allow-Origin', '{origin}'] as const;
const ACAC_TRUE = ['Access-Control-Allow-Credentials', 'true'] as const;
const ok: Expect = { ok: true };
const cors = (corsError: CorsErrorCode, failedParameter = ''): Expect => ({ corsError, failedParameter });

export const SCENARIOS: readonly Scenario[] = [
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
  };
  return text.replace(/\{([a-z0-9]+)\}/g, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}

/** The placeholder names used in a string (for validation). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}

/** The URL the page requests first. */
export function scenarioUrl(s: Scenario, origins: LabOrigins): string {
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
  reply(s.preflight);
  reply(s.response);
  for (const h of s.redirects ?? []) {
    for (const [, v] of h.headers ?? []) out.push(v);
    if (h.to.path !== undefined) out.push(h.to.path);
    reply(h.preflight);
  }
  if ('corsError' in s.expect) out.push(s.expect.failedParameter);
  return out;
}
