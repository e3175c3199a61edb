/**
 * The request context: what a diagnosed page asked for when it called fetch(), XMLHttpRequest or
 * EventSource, as the page-world hook (page-hook.ts) reports it. The network shows what was sent;
 * only the call shows the request's mode, credentials mode, redirect mode, the order in which the
 * page set its headers, and requests the renderer refused before any network activity
 * (issue 15, class 4).
 *
 * Everything here came from the page: untrusted. `readPageRequests` keeps only well-formed,
 * bounded records; the worker uses them only to refine the same tab's own diagnosis.
 */
import type { CredentialsMode, HttpHeader, Initiator, RedirectMode, RequestMode } from '../engine/types.ts';

/** Which API the page called. */
export type PageRequestApi = 'fetch' | 'xhr' | 'eventsource';

/** The body the page passed, by kind (never its content). */
export type PageBodyKind = 'none' | 'text' | 'params' | 'form' | 'blob' | 'buffer' | 'stream' | 'other';

/** One call, as the page made it. */
export interface PageRequest {
  api: PageRequestApi;
  /** Absolute URL, fragment removed (the network never sees it). */
  url: string;
  /** As the browser sends it: fetch and XHR upper-case the six standard methods only. */
  method: string;
  mode: Exclude<RequestMode, 'unknown'>;
  credentials: Exclude<CredentialsMode, 'unknown'>;
  redirect: Exclude<RedirectMode, 'unknown'>;
  /**
   * The headers the page set, in the order it set them. Values only for the CORS-safelisted names
   * (SAFELISTED_NAMES)
   * (their values decide whether a preflight is needed); the others carry the name only: their
   * values may be secrets and are never needed.
   */
  headers: HttpHeader[];
  /** False when the page passed a Headers object or a Request, whose order JavaScript cannot see. */
  headerOrderKnown: boolean;
  body: PageBodyKind;
  /** The Blob's own type, which becomes the Content-Type when the page set none. */
  bodyType?: string;
  /** XHR: an upload event listener was registered before send() (the use-CORS-preflight flag). */
  uploadListener: boolean;
  /** The calling document's origin (`null` when opaque) and whether it is a secure context. */
  frameOrigin: string;
  secureContext: boolean;
  /** Date.now() in the page when the call was made. */
  at: number;
  /** Where the call came from, innermost first (at most 8 frames). */
  stack: NonNullable<Initiator['stack']>;
  /** fetch's `targetAddressSpace` (Local Network Access), when the page gave one. */
  targetAddressSpace?: 'local' | 'loopback' | 'public';
}

/**
 * The document's `local-network-access` permission state, sent when the hook starts and at
 * every change (a refusal turns it to `denied`: the trace Local Network Access leaves in the page).
 */
export interface PagePermission {
  api: 'permission';
  state: 'granted' | 'prompt' | 'denied';
  frameOrigin: string;
  at: number;
}

/** The DOM event the hook dispatches and the relay listens to (names only; an event carries a batch of records, a JSON array). */
export const PAGE_REQUEST_EVENT = 'corsight:page-request';

/** Type of the runtime message the relay sends the worker (see messages/protocol.ts). */
export const PAGE_REQUESTS_MESSAGE = 'context/page-requests';

/**
 * How the worker marks a diagnosed tab's documents for the request context
 * (src/background/page-context.ts): a sessionStorage key, which belongs to one tab and one origin
 * and survives its reloads, so the scripts registered at document_start can decide synchronously,
 * before the page's first script, whether they belong in this document. Its value says how the
 * tab is diagnosed, and the hook reads it at each call: through DevTools, the network log has
 * every request's initiator stack, so the hook takes a call's stack only when the call may be
 * refused before it reaches the network (its stack is then the only one); through webRequest,
 * which shows no stack, at every call. Taking the stack was most of the hook's cost (issue 20).
 */
export interface PageContextMark {
  key: string;
  webRequest: string;
  devtools: string;
}
export const PAGE_CONTEXT_MARK: PageContextMark = { key: 'corsight.diagnosed', webRequest: '1', devtools: 'devtools' };

/** The built files of the registered scripts (emitted by vite.config.ts). */
export const PAGE_CONTEXT_FILES = { hook: 'page-context/hook.js', relay: 'page-context/relay.js' } as const;

export const PAGE_REQUEST_LIMITS = {
  /** Records per message from one frame's relay. */
  perMessage: 100,
  url: 8192,
  headers: 64,
  headerValue: 2048,
  stackFrames: 8,
  /** The raw `Error().stack` text the hook sends. */
  stackText: 4000,
} as const;

const APIS: readonly PageRequestApi[] = ['fetch', 'xhr', 'eventsource'];
const MODES: ReadonlyArray<PageRequest['mode']> = ['cors', 'no-cors', 'same-origin', 'navigate'];
const CREDENTIALS: ReadonlyArray<PageRequest['credentials']> = ['omit', 'same-origin', 'include'];
const REDIRECTS: ReadonlyArray<PageRequest['redirect']> = ['follow', 'error', 'manual'];
const BODIES: readonly PageBodyKind[] = ['none', 'text', 'params', 'form', 'blob', 'buffer', 'stream', 'other'];
/**
 * The names whose value decides whether they are CORS-safelisted: the only values kept.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header, and the client hints Chromium
 * safelists too (engine/fetch.ts isCorsSafelistedRequestHeader). Mirrored in page-hook.ts.
 */
export const SAFELISTED_NAMES: ReadonlySet<string> = new Set([
  'accept', 'accept-language', 'content-language', 'content-type', 'range',
  'dpr', 'device-memory', 'downlink', 'ect', 'rtt', 'save-data', 'viewport-width', 'width',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const METHOD = TOKEN;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = <T extends string>(list: readonly T[], v: unknown): T | undefined => (list as readonly unknown[]).includes(v) ? (v as T) : undefined;

/**
 * The call's URL, resolved as fetch() and XMLHttpRequest's open() did: against `base`, the
 * document's base URL at the call, which the hook sends with a URL the page passed as a string
 * (resolving it here spares the page a parse per call).
 */
function absoluteUrl(v: unknown, base: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > PAGE_REQUEST_LIMITS.url) return undefined;
  if (base !== undefined && (typeof base !== 'string' || base.length > PAGE_REQUEST_LIMITS.url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(v, base);
  } catch {
    return undefined;
  }
  parsed.hash = '';
  return parsed.href;
}

function headersOf(v: unknown): HttpHeader[] | undefined {
  if (!Array.isArray(v) || v.length > PAGE_REQUEST_LIMITS.headers) return undefined;
  const out: HttpHeader[] = [];
  for (const h of v) {
    if (!isObject(h) || typeof h.name !== 'string' || !TOKEN.test(h.name) || h.name.length > 256) return undefined;
    const safelisted = SAFELISTED_NAMES.has(h.name.toLowerCase());
    const value = safelisted && typeof h.value === 'string' ? h.value.slice(0, PAGE_REQUEST_LIMITS.headerValue) : '';
    out.push({ name: h.name, value });
  }
  return out;
}

/**
 * V8's `    at fn (url:line:col)` / `    at url:line:col` lines. Leading frames without a page URL
 * are the hook's own (injected code shows no URL) and are skipped.
 */
export function parseStack(text: string): PageRequest['stack'] {
  const frames: PageRequest['stack'] = [];
  for (const line of text.slice(0, PAGE_REQUEST_LIMITS.stackText).split('\n')) {
    const m = /^\s*at (?:(.{1,200}?) \()?(.{1,2048}?):(\d{1,9}):(\d{1,9})\)?\s*$/.exec(line);
    if (!m) continue;
    if (frames.length === 0 && !/^(https?|file|blob|data):/i.test(m[2] ?? '')) continue;
    frames.push({ functionName: m[1] ?? '', url: m[2] ?? '', lineNumber: Number(m[3]) - 1, columnNumber: Number(m[4]) - 1 });
    if (frames.length === PAGE_REQUEST_LIMITS.stackFrames) break;
  }
  return frames;
}

/** One record as the hook sent it, or undefined when anything is missing or malformed. */
export function readPageRequest(v: unknown): PageRequest | undefined {
  if (!isObject(v)) return undefined;
  const api = oneOf(APIS, v.api);
  const url = absoluteUrl(v.url, v.base);
  const method = typeof v.method === 'string' && METHOD.test(v.method) && v.method.length <= 64 ? v.method : undefined;
  const mode = oneOf(MODES, v.mode);
  const credentials = oneOf(CREDENTIALS, v.credentials);
  const redirect = oneOf(REDIRECTS, v.redirect);
  const headers = headersOf(v.headers);
  const body = oneOf(BODIES, v.body);
  const frameOrigin = typeof v.frameOrigin === 'string' && v.frameOrigin.length <= 2048 ? v.frameOrigin : undefined;
  const at = typeof v.at === 'number' && Number.isFinite(v.at) ? v.at : undefined;
  if (!api || !url || !method || !mode || !credentials || !redirect || !headers || !body || frameOrigin === undefined || at === undefined) return undefined;
  const record: PageRequest = {
    api,
    url,
    method,
    mode,
    credentials,
    redirect,
    headers,
    headerOrderKnown: v.headerOrderKnown === true,
    body,
    uploadListener: v.uploadListener === true,
    frameOrigin,
    secureContext: v.secureContext === true,
    at,
    stack: typeof v.stack === 'string' ? parseStack(v.stack) : [],
  };
  if (typeof v.bodyType === 'string' && v.bodyType.length <= 256) record.bodyType = v.bodyType;
  const space = oneOf(ADDRESS_SPACES, v.targetAddressSpace);
  if (space) record.targetAddressSpace = space;
  return record;
}

const ADDRESS_SPACES: ReadonlyArray<NonNullable<PageRequest['targetAddressSpace']>> = ['local', 'loopback', 'public'];
const PERMISSION_STATES: ReadonlyArray<PagePermission['state']> = ['granted', 'prompt', 'denied'];

/** The permission records of one relay message, the malformed ones dropped. */
export function readPagePermissions(v: unknown): PagePermission[] {
  if (!Array.isArray(v)) return [];
  const out: PagePermission[] = [];
  for (const item of v.slice(0, PAGE_REQUEST_LIMITS.perMessage)) {
    if (!isObject(item) || item.api !== 'permission') continue;
    const state = oneOf(PERMISSION_STATES, item.state);
    if (!state || typeof item.frameOrigin !== 'string' || item.frameOrigin.length > 2048 || typeof item.at !== 'number' || !Number.isFinite(item.at)) continue;
    out.push({ api: 'permission', state, frameOrigin: item.frameOrigin, at: item.at });
  }
  return out;
}

/** The records of one relay message (at most PAGE_REQUEST_LIMITS.perMessage), the malformed ones dropped. */
export function readPageRequests(v: unknown): PageRequest[] {
  if (!Array.isArray(v)) return [];
  const out: PageRequest[] = [];
  for (const item of v.slice(0, PAGE_REQUEST_LIMITS.perMessage)) {
    const record = readPageRequest(item);
    if (record) out.push(record);
  }
  return out;
}
