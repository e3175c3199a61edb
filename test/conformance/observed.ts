/**
 * Build an engine Exchange from what the CDP oracle observed on the wire, and nothing else:
 * the request as sent (method, URL chain, raw request headers), the preflight linked to it,
 * each hop's status and raw response headers (duplicates kept), and the outcome's error string.
 * Never from the scenario (`expect`, replies) nor from Chromium's corsErrorStatus: this is what
 * the extension faces. Mode comes from Sec-Fetch-Mode; credentials are `unknown` unless a Cookie
 * request header on a cross-origin hop proves `include`.
 */
import { cookieProvesIncludeCredentials } from '../../src/engine/credentials.ts';
import type { Exchange, Hop, HttpHeader, ObservedResponse, PreflightObservation, RequestMode } from '../../src/engine/types.ts';
import type { HeaderLine, OracleHop, OracleRequest, OracleResponse } from '../harness/oracle.ts';

const header = (lines: readonly HeaderLine[] | undefined, name: string): string | undefined =>
  lines?.find((h) => h.name.toLowerCase() === name)?.value;

const copy = (lines: readonly HeaderLine[]): HttpHeader[] => lines.map((h) => ({ name: h.name, value: h.value }));

/** Raw request headers as sent when the browser reported them, else the provisional ones. */
export const sentHeaders = (hop: OracleHop | undefined): HttpHeader[] => copy(hop?.rawHeaders ?? hop?.headers ?? []);

function response(r: OracleResponse | undefined): ObservedResponse | undefined {
  if (!r) return undefined;
  // The status line as received: a cache revalidation's 304, where responseReceived says 200.
  const wire = /^HTTP\/[\d.]+ (\d{3})/.exec(r.headersText ?? '');
  return {
    status: wire ? Number(wire[1]) : r.status,
    statusText: r.statusText || undefined,
    headers: copy(r.rawHeaders ?? r.headers),
    fromCache: r.fromDiskCache,
  };
}

function originOf(url: string): string | undefined {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
}

const MODES: readonly RequestMode[] = ['cors', 'no-cors', 'same-origin', 'navigate'];

/** The Max-Age a preflight response announced (absent: undefined). */
function maxAgeOf(pre: OracleRequest): number | undefined {
  const r = pre.hops[0]?.response;
  const v = header(r?.rawHeaders ?? r?.headers, 'access-control-max-age');
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

export interface ObserveContext {
  /** Every request the oracle saw in the same tab (to find the preflight and earlier preflights). */
  all: readonly OracleRequest[];
  /** The page's origin, used when no Origin header was seen and the requester is unknown. */
  pageOrigin: string;
}

/** The Exchange the extension could build for `req` (an actual request, not a preflight). */
export function observedExchange(req: OracleRequest, ctx: ObserveContext): Exchange {
  const first = req.hops[0];
  const requestHeaders = sentHeaders(first);
  const hops: Hop[] = req.hops.map((h) => ({ url: h.url, requestHeaders: sentHeaders(h), response: response(h.response) }));

  const secMode = header(first?.rawHeaders, 'sec-fetch-mode');
  const mode: RequestMode = secMode && (MODES as readonly string[]).includes(secMode) ? (secMode as RequestMode) : 'unknown';
  const origin = header(first?.rawHeaders, 'origin');

  // The preflight(s) Chromium linked to this request; one per hop when a redirect needed a new one.
  const linked = ctx.all.filter((p) => p.isPreflight && p.preflightFor?.requestId === req.requestId);
  let preflight: PreflightObservation = { kind: 'none' };
  const sent = (pre: OracleRequest): PreflightObservation => ({
    kind: 'sent',
    url: pre.url,
    requestHeaders: sentHeaders(pre.hops[0]),
    response: response(pre.hops[0]?.response),
    error: pre.failed?.errorText || undefined,
  });
  // The first URL's preflight is Exchange.preflight; a later one belongs to the redirect target
  // it was sent for (Hop.preflight, Origin: null after a cross-origin redirect). A request to
  // the page's own origin redirected away has none for its first URL, only for the target.
  const pre = linked.find((p) => p.url === req.url) ?? linked.find((p) => !hops.slice(1).some((h) => h.url === p.url));
  if (pre) preflight = sent(pre);
  for (const p of linked) {
    if (p === pre) continue;
    const hop = hops.slice(1).find((h) => h.url === p.url && !h.preflight);
    if (hop) hop.preflight = sent(p);
  }
  if (!pre) {
    // No OPTIONS now: an earlier preflight for the same URL still covers it (preflight cache).
    const earlier = ctx.all.filter((p) => p.isPreflight && p.url === req.url && p.startedAt <= req.startedAt && p.hops[0]?.response).at(-1);
    if (earlier) preflight = { kind: 'cached', fromPreflightAt: earlier.startedAt, maxAgeSeconds: maxAgeOf(earlier) };
  }

  const initiator = req.initiator;
  // No Origin on the wire (e.g. stopped by its preflight: provisional headers): the requester's
  // origin, as webRequest's `initiator` gives it: a dedicated worker's script origin, an iframe's
  // document origin (a cross-site iframe is not the page's origin). A data: or blob: worker
  // would need its creator's, not handled here.
  const requesterUrl = req.worker?.url ?? req.documentURL;
  const fallbackOrigin = (requesterUrl !== undefined ? originOf(requesterUrl) : undefined) ?? ctx.pageOrigin;
  const pageOrigin = origin && origin !== 'null' ? origin : fallbackOrigin;
  // The capture sources' rule (src/capture/request-facts.ts): a Cookie proves "include" only on a
  // hop sent after the request went cross-origin.
  const cookie = cookieProvesIncludeCredentials(hops, (url) => originOf(url) !== pageOrigin);
  return {
    id: req.requestId,
    source: 'test',
    initiatorOrigin: pageOrigin,
    method: first?.method ?? req.method,
    requestHeaders,
    mode,
    credentials: cookie ? 'include' : 'unknown',
    redirect: 'unknown',
    hops,
    preflight,
    outcome: req.failed ? { kind: 'failed', error: req.failed.errorText } : { kind: 'completed' },
    resourceType: req.resourceType?.toLowerCase(),
    initiator: initiator ? { type: typeof initiator.type === 'string' ? initiator.type : undefined, url: typeof initiator.url === 'string' ? initiator.url : undefined } : undefined,
    startedAt: req.startedAt,
  };
}
