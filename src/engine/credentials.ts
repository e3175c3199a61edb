/**
 * The credentials mode of an exchange. Capture sources rarely report it (webRequest never does),
 * and it changes the verdict (`*` and a missing Allow-Credentials only fail with credentials), so
 * the engine takes, in order: the mode the source reported; "include" when a Cookie header proves
 * it (cookieProvesIncludeCredentials); else the hypothesis (no credentials, then "include") whose replay explains the outcome the
 * browser reported. Each choice is said in ctx.assumptions.
 */
import { getHeader } from './headers.ts';
import { evaluate, fitsObservation, originOfUrl, unsafeNamesFor, type Ctx, type Trace } from './replay.ts';
import type { HttpHeader } from './types.ts';

/**
 * Whether the Cookie headers on the wire prove credentials mode "include": a Cookie on a hop sent
 * once the request had been cross-origin. Fetch (#http-network-or-cache-fetch, includeCredentials)
 * sends cookies when the mode is "include", or "same-origin" while the response tainting is
 * "basic", that is until a hop was cross-origin (#main-fetch sets tainting "cors" then, for good).
 * So with fetch's default "same-origin" mode the page's cookies go to the same-origin hops before
 * a redirect to another origin, and a Cookie there proves nothing about the cross-origin hops.
 * `hops[i].requestHeaders` as sent (`firstHopHeaders` for a first hop that records none: the
 * exchange's own); `isCrossOrigin(url)`: the URL is not the page's origin.
 */
export function cookieProvesIncludeCredentials(
  hops: ReadonlyArray<{ url: string; requestHeaders?: readonly HttpHeader[] | undefined }>,
  isCrossOrigin: (url: string) => boolean,
  firstHopHeaders?: readonly HttpHeader[],
): boolean {
  let taintedCors = false;
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!;
    if (!taintedCors && isCrossOrigin(hop.url)) taintedCors = true;
    const sent = i === 0 && !hop.requestHeaders ? firstHopHeaders : hop.requestHeaders;
    if (taintedCors && getHeader(sent, 'cookie') !== null) return true;
  }
  return false;
}

/** The replay of the exchange under the credentials mode chosen as above. */
export function traceUnderCredentials(ctx: Ctx): Trace {
  const unsafeNames = unsafeNamesFor(ctx);
  let trace: Trace;
  const hasCookie = cookieProvesIncludeCredentials(
    ctx.hops,
    (url) => ctx.pageOrigin === 'null' || originOfUrl(ctx, url) !== ctx.pageOrigin,
    ctx.requestHeaders,
  );
  if (ctx.ex.credentials === 'omit' || ctx.ex.credentials === 'same-origin' || ctx.ex.credentials === 'include') {
    trace = evaluate(ctx, ctx.ex.credentials, unsafeNames);
    trace.credKnown = true;
  } else if (hasCookie) {
    trace = evaluate(ctx, 'include', unsafeNames);
    trace.credKnown = true;
    ctx.assumptions.push('The credentials mode was not reported; the Cookie request header proves credentials: "include".');
  } else {
    const omit = evaluate(ctx, 'omit', unsafeNames);
    if (ctx.outcomeFailed && !ctx.outcomeCorsLike) {
      // Not a CORS failure (ERR_UNSAFE_REDIRECT, ERR_ABORTED...): nothing to explain by credentials.
      trace = omit;
      ctx.assumptions.push(`The credentials mode was not reported; assumed no credentials. The request failed with ${ctx.outcomeError}, which is not a CORS error.`);
    } else if (ctx.outcomeCorsUnchecked) {
      // Nothing to fit: the completion says nothing about the CORS check.
      trace = omit;
      ctx.assumptions.push('The credentials mode was not reported and the capture does not say whether the browser\'s CORS check passed (Firefox reports a refused response as completed); assumed no credentials, fetch\'s default for cross-origin (no Cookie header shows otherwise).');
    } else if (fitsObservation(ctx, omit)) {
      trace = omit;
      ctx.assumptions.push(
        `The credentials mode was not reported; assumed no credentials (fetch's default for cross-origin), which fits the observed ${ctx.outcomeFailed ? 'failure' : 'success'}.`,
      );
    } else {
      const include = evaluate(ctx, 'include', unsafeNames);
      if (fitsObservation(ctx, include)) {
        trace = include;
        ctx.assumptions.push(
          `The credentials mode was not reported; only credentials: "include" (cookies or HTTP auth sent) explains the observed ${ctx.outcomeFailed ? 'failure' : 'success'}, so it was assumed.`,
        );
      } else {
        trace = omit;
        ctx.assumptions.push('The credentials mode was not reported; assumed no credentials. Neither hypothesis matches the observed outcome.');
      }
    }
  }
  // Chromium ends every CORS failure with net::ERR_FAILED. Another error (ERR_ABORTED for a
  // no-cors response blocked by ORB or a cancelled request...) was not caused by the CORS
  // check, whatever the headers say: report the network error, not a CORS code.
  if (ctx.outcomeFailed && !ctx.outcomeCorsLike && trace.failure !== null) {
    // Every trace here is this call's own (evaluate builds a new one): set in place, no copy.
    trace.failure = null;
    trace.unresolvedPreflight = false;
    trace.networkError = `the request failed with ${ctx.outcomeError}`;
  }
  return trace;
}
