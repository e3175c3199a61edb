/**
 * What Chromium's CORS check saw during a trial. The headers a declarativeNetRequest rule sets are
 * invisible to the capture (webRequest and the DevTools network log show the server's own,
 * measured on Chromium 156), so a request the trial let through would look blocked. The trial's
 * exact edits are laid over the observed response headers of the requests its rules match (same
 * tab, URL under a target origin; OPTIONS answers get the preflight edits), nothing guessed, and
 * the exchange is marked `underTrial`. Pure.
 */
import { originOfUrl } from '../capture/request-facts.ts';
import type { Exchange, HttpHeader, ObservedResponse, PreflightObservation } from '../engine/types.ts';
import type { HeaderEdit, TrialTarget } from './rules.ts';

/** `set` semantics: every line of an edited name goes, the edit's one line is added. */
function applyEdits(headers: readonly HttpHeader[], edits: readonly HeaderEdit[]): HttpHeader[] {
  const names = new Set(edits.map((e) => e.header.toLowerCase()));
  const kept = headers.filter((h) => typeof h.name !== 'string' || !names.has(h.name.toLowerCase()));
  return [...kept, ...edits.map((e) => ({ name: e.header, value: e.value }))];
}

function editResponse(r: ObservedResponse | undefined, edits: readonly HeaderEdit[] | undefined): ObservedResponse | undefined {
  return r && edits ? { ...r, headers: applyEdits(r.headers, edits) } : r;
}

/** The exchange as Chromium's CORS check saw it under the trial's targets (unchanged when no rule matched). */
export function overlayTrial(exchange: Exchange, targets: readonly TrialTarget[]): Exchange {
  const byOrigin = new Map(targets.map((t) => [t.origin, t]));
  const targetOf = (url: string) => {
    const o = originOfUrl(url);
    return o === undefined ? undefined : byOrigin.get(o);
  };
  let matched = false;
  const preflightUnder = (pf: PreflightObservation | undefined): PreflightObservation | undefined => {
    if (pf?.kind !== 'sent' || !pf.response) return pf;
    const t = targetOf(pf.url);
    if (!t) return pf;
    matched = true;
    return { ...pf, response: editResponse(pf.response, t.preflight) };
  };
  // The rules split on the request method: an actual OPTIONS request gets the preflight edits too.
  const actualEdits = (t: TrialTarget) => (exchange.method.toUpperCase() === 'OPTIONS' ? t.preflight : t.response);
  const hops = exchange.hops.map((hop) => {
    const t = targetOf(hop.url);
    const preflight = preflightUnder(hop.preflight);
    const out = { ...hop, ...(preflight ? { preflight } : {}) };
    if (t && hop.response) {
      matched = true;
      out.response = editResponse(hop.response, actualEdits(t));
    }
    return out;
  });
  const preflight = preflightUnder(exchange.preflight) ?? exchange.preflight;
  if (!matched) return exchange;
  return { ...exchange, hops, preflight, underTrial: true };
}
