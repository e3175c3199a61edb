/**
 * Every header list and URL of an exchange through one function each (redaction for storage and
 * for export). Pure; the input is not changed.
 */
import type { Exchange, Hop, HttpHeader, Initiator, ObservedResponse, PreflightObservation } from '../engine/types.ts';

/** A header-list transform; returning the same array means "unchanged" (nothing is copied then). */
export type Transform = (headers: HttpHeader[]) => HttpHeader[];

function responseWith(r: ObservedResponse | undefined, t: Transform): ObservedResponse | undefined {
  if (!r) return r;
  const headers = t(r.headers);
  return headers === r.headers ? r : { ...r, headers };
}

function preflightWith(pf: PreflightObservation, t: Transform, url: (u: string) => string): PreflightObservation {
  if (pf.kind !== 'sent') return pf;
  const u = url(pf.url);
  const requestHeaders = t(pf.requestHeaders);
  const response = responseWith(pf.response, t);
  if (u === pf.url && requestHeaders === pf.requestHeaders && response === pf.response) return pf;
  const out: PreflightObservation = { ...pf, url: u, requestHeaders };
  if (response) out.response = response;
  return out;
}

function hopWith(hop: Hop, t: Transform, url: (u: string) => string): Hop {
  const u = url(hop.url);
  const requestHeaders = hop.requestHeaders && t(hop.requestHeaders);
  const response = responseWith(hop.response, t);
  const preflight = hop.preflight && preflightWith(hop.preflight, t, url);
  if (u === hop.url && requestHeaders === hop.requestHeaders && response === hop.response && preflight === hop.preflight) return hop;
  const out: Hop = { ...hop, url: u };
  if (requestHeaders) out.requestHeaders = requestHeaders;
  if (response) out.response = response;
  if (preflight) out.preflight = preflight;
  return out;
}

function initiatorWith(i: Initiator | undefined, url: (u: string) => string): Initiator | undefined {
  if (!i) return i;
  const u = i.url === undefined ? undefined : url(i.url);
  const stack = i.stack?.map((f) => {
    const fu = url(f.url);
    return fu === f.url ? f : { ...f, url: fu };
  });
  if (u === i.url && (!stack || stack.every((f, k) => f === i.stack?.[k]))) return i;
  const out: Initiator = { ...i };
  if (u !== undefined) out.url = u;
  if (stack) out.stack = stack;
  return out;
}

/**
 * The exchange with every header list through `t` and every URL through `url`; the same object
 * when nothing changed (the worker runs it on every captured exchange).
 */
export function mapExchange(ex: Exchange, t: Transform, url: (u: string) => string): Exchange {
  const requestHeaders = t(ex.requestHeaders);
  const preflight = preflightWith(ex.preflight, t, url);
  const mapped = ex.hops.map((hop) => hopWith(hop, t, url));
  const hops = mapped.every((hop, k) => hop === ex.hops[k]) ? ex.hops : mapped;
  const initiator = initiatorWith(ex.initiator, url);
  if (requestHeaders === ex.requestHeaders && preflight === ex.preflight && hops === ex.hops && initiator === ex.initiator) return ex;
  const out: Exchange = { ...ex, requestHeaders, preflight, hops };
  if (initiator) out.initiator = initiator;
  return out;
}
