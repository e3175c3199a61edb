/**
 * "What would the other browser do?" for a refused request: Firefox and Chrome apply the same
 * Fetch standard, so a refusal in one is a refusal in the other (under its own name), except where
 * their traffic differs. The one difference a capture shows: Chromium's safelist has the client
 * hints (dpr, width, viewport-width, device-memory, rtt, downlink, ect, save-data) and Firefox's
 * has not, so a request Firefox preflighted for them alone needs no preflight in Chrome.
 */
import { corsUnsafeRequestHeaderNames, isCorsSafelistedMethod, sortedLowercaseSet } from '../engine/fetch.ts';
import { firefoxVerdict } from '../engine/firefox.ts';
import { getHeader, parseTokenList } from '../engine/headers.ts';
import type { Exchange, HttpHeader, Verdict } from '../engine/types.ts';
import type { BrowserName } from '../shared/platform.ts';

/**
 * Whether Chromium would have sent no preflight for a request Firefox preflighted: a safelisted
 * method, and every header the preflight asked about (Access-Control-Request-Headers) safelisted
 * by Chromium's rules with the value the request carried.
 */
function chromeWouldNotPreflight(exchange: Exchange): boolean {
  if (exchange.preflight.kind !== 'sent' || exchange.forcedPreflight) return false;
  const method = getHeader(exchange.preflight.requestHeaders, 'access-control-request-method') ?? exchange.method;
  if (!isCorsSafelistedMethod(method)) return false;
  // The names as the engine reads them (a token list; a malformed one asks for nothing readable).
  const asked = sortedLowercaseSet(parseTokenList(getHeader(exchange.preflight.requestHeaders, 'access-control-request-headers') ?? '') ?? []);
  if (asked.length === 0) return false;
  const sent: HttpHeader[] = [];
  for (const name of asked) {
    const value = getHeader(exchange.requestHeaders, name);
    // The request's value is not in the capture: Chromium's answer cannot be told.
    if (value === null) return false;
    sent.push({ name, value });
  }
  return corsUnsafeRequestHeaderNames(sent).length === 0;
}

/** One sentence on the other browser's verdict, or undefined when there is nothing to say. */
export function otherBrowserVerdict(exchange: Exchange, diagnosis: Verdict, running: BrowserName): string | undefined {
  if (diagnosis.status !== 'blocked' || !diagnosis.corsError) return undefined;
  if (running === 'firefox') {
    if (diagnosis.stage.kind === 'preflight' && diagnosis.stage.hop === undefined && chromeWouldNotPreflight(exchange)) {
      return 'Chrome would not send this preflight: its safelist includes these client-hint headers, so there the request goes out without one and passes if its own response allows the origin.';
    }
    const param = diagnosis.failedParameter ? ` (${diagnosis.failedParameter})` : '';
    return `Chrome would refuse this too; it reports ${diagnosis.corsError}${param}.`;
  }
  const firefox = firefoxVerdict(exchange, diagnosis);
  if (firefox.kind === 'refused') return `Firefox would refuse this too; it reports ${firefox.reason} (MDN: CORS errors).`;
  if (firefox.kind === 'refused-without-reason') return 'Firefox would refuse this too, as a TypeError without a CORS message.';
  return undefined;
}
