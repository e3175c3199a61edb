/**
 * Every header list and URL of an exchange through one function each (redaction, capture bounds).
 * Pure; the input is not changed.
 */
import type { Exchange, HttpHeader, ObservedResponse, PreflightObservation } from '../engine/types.ts';

export type Transform = (headers: HttpHeader[]) => HttpHeader[];

function responseWith(r: ObservedResponse | undefined, t: Transform): ObservedResponse | undefined {
  return r ? { ...r, headers: t(r.headers) } : r;
}

function preflightWith(pf: PreflightObservation, t: Transform, url: (u: string) => string): PreflightObservation {
  if (pf.kind !== 'sent') return pf;
  const out: PreflightObservation = { ...pf, url: url(pf.url), requestHeaders: t(pf.requestHeaders) };
  const response = responseWith(pf.response, t);
  if (response) out.response = response;
  return out;
}

export function mapExchange(ex: Exchange, t: Transform, url: (u: string) => string): Exchange {
  return {
    ...ex,
    requestHeaders: t(ex.requestHeaders),
    preflight: preflightWith(ex.preflight, t, url),
    hops: ex.hops.map((hop) => {
      const out = { ...hop, url: url(hop.url) };
      if (hop.requestHeaders) out.requestHeaders = t(hop.requestHeaders);
      if (hop.response) out.response = responseWith(hop.response, t);
      if (hop.preflight) out.preflight = preflightWith(hop.preflight, t, url);
      return out;
    }),
    ...(ex.initiator ? { initiator: { ...ex.initiator, ...(ex.initiator.url ? { url: url(ex.initiator.url) } : {}), ...(ex.initiator.stack ? { stack: ex.initiator.stack.map((f) => ({ ...f, url: url(f.url) })) } : {}) } } : {}),
  };
}

