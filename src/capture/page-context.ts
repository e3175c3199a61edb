/**
 * Joining the request context (src/context/page-request.ts) to what the network showed. Pure:
 * the worker keeps one PageRequestLog and passes every exchange of a diagnosed tab through
 * `withCall` before the engine judges it.
 *
 * The wire stays the authority for what it shows (Sec-Fetch-Mode, a Cookie that proves
 * credentials, the headers as sent); the page's call fills in only what the wire never carries:
 * the credentials mode when no Cookie proves it, the redirect mode, the use-CORS-preflight flag,
 * the headers of a request that never reached the network (webRequest sees only its preflight),
 * and the calling stack.
 */
import type { Diagnosis, Exchange, HttpHeader } from '../engine/types.ts';
import type { PagePermission, PageRequest } from '../context/page-request.ts';

/** How far apart a call and the request it made may be (clocks: the page's and the capture's). */
const EARLIER_MS = 60_000;
const LATER_MS = 5_000;

export class PageRequestLog {
  private readonly byTab = new Map<number, PageRequest[]>();
  /** Per tab, each document origin's last `local-network-access` permission state. */
  private readonly permissions = new Map<number, Map<string, PagePermission['state']>>();

  /** `perTab`: records kept per tab (same-origin calls never match and age out). */
  constructor(private readonly perTab = 300) {}

  add(tabId: number, records: readonly PageRequest[]): void {
    if (records.length === 0) return;
    let list = this.byTab.get(tabId);
    if (!list) this.byTab.set(tabId, (list = []));
    list.push(...records);
    if (list.length > this.perTab) list.splice(0, list.length - this.perTab);
  }

  notePermissions(tabId: number, records: readonly PagePermission[]): void {
    if (records.length === 0) return;
    let byOrigin = this.permissions.get(tabId);
    if (!byOrigin) this.permissions.set(tabId, (byOrigin = new Map()));
    for (const r of records) {
      byOrigin.delete(r.frameOrigin);
      byOrigin.set(r.frameOrigin, r.state);
      // Bounded: a tab's documents come from a handful of origins; a flood keeps the newest.
      if (byOrigin.size > 64) byOrigin.delete(byOrigin.keys().next().value as string);
    }
  }

  /** Takes the call that made `exchange` (same URL, method and calling origin; the earliest one in time). */
  take(tabId: number, exchange: Exchange): PageRequest | undefined {
    const list = this.byTab.get(tabId);
    const url = withoutFragment(exchange.hops[0]?.url ?? '');
    if (!list || !url) return undefined;
    const at = exchange.startedAt;
    const i = list.findIndex(
      (r) =>
        r.url === url &&
        r.method === exchange.method &&
        // An opaque-origin document (sandboxed iframe) sends Origin: null; a capture may name its
        // requester otherwise (initiator, Referer), so such a call matches by URL and method only.
        (r.frameOrigin === exchange.initiatorOrigin || r.frameOrigin === 'null') &&
        (at === undefined || (r.at >= at - EARLIER_MS && r.at <= at + LATER_MS)),
    );
    if (i < 0) return undefined;
    const [record] = list.splice(i, 1);
    return record;
  }

  /** The exchange with what its call shows, or undefined when no call matches (yet). */
  withCall(tabId: number, exchange: Exchange): Exchange | undefined {
    const record = this.take(tabId, exchange);
    return record ? withPageRequest(exchange, record, this.permissions.get(tabId)?.get(record.frameOrigin)) : undefined;
  }

  /** The exchange with what its call shows, or the exchange itself when no call matches. */
  join(tabId: number, exchange: Exchange): Exchange {
    return this.withCall(tabId, exchange) ?? exchange;
  }

  forgetTab(tabId: number): void {
    this.byTab.delete(tabId);
    this.permissions.delete(tabId);
  }

  /** Records held (for the debug state). */
  get size(): number {
    let n = 0;
    for (const list of this.byTab.values()) n += list.length;
    return n;
  }
}

/**
 * Whether `exchange` may come before its page's call: a fetch or XHR webRequest showed (type
 * `xmlhttprequest`). Its events reach the worker straight from the network, as fast as the call
 * from the page. The DevTools source is not held: its entries come through the DevTools front-end
 * and the DevTools page's batches, well after the request ended (and a service worker's requests
 * are there too, with no call to wait for). A dedicated worker's request has no call (the hook is
 * not in workers) and waits in vain: webRequest gives it the same details as the page's own
 * (type, tabId, frameId, documentId, frameType, documentLifecycle, initiator; measured on
 * Chromium 156 with a page and its worker fetching the same API), so nothing tells it apart.
 */
export function mayPrecedeItsPageCall(exchange: Exchange): boolean {
  return exchange.source === 'webrequest' && exchange.resourceType?.toLowerCase() === 'xmlhttprequest';
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/** The exchange completed with what the call shows and the wire does not. */
export function withPageRequest(exchange: Exchange, record: PageRequest, permission?: PagePermission['state']): Exchange {
  const out: Exchange = { ...exchange };
  out.localNetwork = { secureContext: record.secureContext };
  if (permission) out.localNetwork.permission = permission;
  if (record.targetAddressSpace) out.localNetwork.targetAddressSpace = record.targetAddressSpace;
  if (out.mode === 'unknown') out.mode = record.mode;
  if (out.credentials === 'unknown') out.credentials = record.credentials;
  if (out.redirect === 'unknown') out.redirect = record.redirect;
  if ((record.uploadListener || record.body === 'stream') && !out.forcedPreflight) out.forcedPreflight = true;
  // Never sent (stopped by its preflight, seen through webRequest): the page's own header list.
  if (out.requestHeaders.length === 0) out.requestHeaders = rendererHeaders(record);
  if (!out.initiator?.stack?.length && record.stack.length > 0) {
    out.initiator = { ...out.initiator, type: out.initiator?.type ?? 'script', stack: record.stack };
  }
  return out;
}

/**
 * The header list the renderer built for the call, as DevTools shows it in the provisional
 * headers (measured, Chromium 156, lab safelist-order scenarios): the page's headers, the
 * Content-Type its body implies when it set none, User-Agent, and the user-agent client hints
 * in a secure context. Their names decide the order in which Chromium checks them
 * (engine/blink-order.ts); values are kept only for the safelisted names.
 */
export function rendererHeaders(record: PageRequest): HttpHeader[] {
  let headers: HttpHeader[] = record.headers.map((h) => ({ name: h.name, value: h.value }));
  const has = (name: string) => headers.some((h) => h.name.toLowerCase() === name);
  if (!has('content-type')) {
    const implied = impliedContentType(record);
    if (implied !== undefined) headers.push({ name: 'Content-Type', value: implied });
  }
  // fetch's header list is sorted and combined before it fills Blink's map (Fetch "sort and
  // combine"); XHR inserts in setRequestHeader order. The insertion order breaks hash collisions
  // (measured on the lab's safelist-order scenarios: sorted for fetch names what Chromium names).
  if (record.api === 'fetch') headers = headers.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  headers.push({ name: 'User-Agent', value: '' });
  if (record.secureContext) {
    headers.push({ name: 'sec-ch-ua', value: '' }, { name: 'sec-ch-ua-mobile', value: '' }, { name: 'sec-ch-ua-platform', value: '' });
  }
  return headers;
}

/** https://fetch.spec.whatwg.org/#concept-bodyinit-extract: the type a body brings with it. */
function impliedContentType(record: PageRequest): string | undefined {
  switch (record.body) {
    case 'text':
      return 'text/plain;charset=UTF-8';
    case 'params':
      return 'application/x-www-form-urlencoded;charset=UTF-8';
    case 'form':
      return 'multipart/form-data; boundary=----corsight';
    case 'blob':
      return record.bodyType ? record.bodyType : undefined;
    default:
      return undefined;
  }
}

/**
 * A call the renderer refused before any network activity, as an exchange for the engine: only
 * the page's call is known. The worker keeps it only when the engine stops it at the request mode
 * (DisallowedByMode, NoCorsRedirectModeNotFollow, CorsDisabledScheme): every other call reaches
 * the network, and its exchange comes from the capture.
 */
export function callOnlyExchange(record: PageRequest, id: string): Exchange {
  return {
    id,
    source: 'page',
    initiatorOrigin: record.frameOrigin,
    method: record.method,
    requestHeaders: rendererHeaders(record),
    mode: record.mode,
    credentials: record.credentials,
    redirect: record.redirect,
    hops: [{ url: record.url }],
    preflight: { kind: 'none' },
    outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
    resourceType: record.api === 'xhr' ? 'xmlhttprequest' : record.api === 'eventsource' ? 'eventsource' : 'fetch',
    initiator: record.stack.length > 0 ? { type: 'script', stack: record.stack } : { type: 'script' },
    startedAt: record.at,
    durationMs: 0,
  };
}

/**
 * A relay message's calls, split: each one the engine stops at its request mode, which never
 * reached the network, as an exchange of its own (`refused`); the others wait for their exchange.
 * `judge` is the engine's diagnose(), passed in (the capture layer never calls it itself).
 */
export function splitCalls(
  records: readonly PageRequest[],
  judge: (exchange: Exchange) => Pick<Diagnosis, 'status' | 'stage'>,
  nextId: () => string,
): { refused: Exchange[]; waiting: PageRequest[] } {
  const refused: Exchange[] = [];
  const waiting: PageRequest[] = [];
  for (const record of records) {
    // The engine decides (about 6 us a call here, once warm): no second copy of its request-mode rules.
    const exchange = callOnlyExchange(record, nextId());
    const d = judge(exchange);
    if (d.status === 'blocked' && d.stage.kind === 'mode') refused.push(exchange);
    else waiting.push(record);
  }
  return { refused, waiting };
}
