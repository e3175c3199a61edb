/**
 * The credentials mode of an exchange. Capture sources rarely report it (webRequest never does),
 * and it changes the verdict (`*` and a missing Allow-Credentials only fail with credentials), so
 * the engine takes, in order: the mode the source reported; "include" when a Cookie header proves
 * it; else the hypothesis (no credentials, then "include") whose replay explains the outcome the
 * browser reported. Each choice is said in ctx.assumptions.
 */
import { getHeader } from './headers.ts';
import { CORS_LIKE_ERROR, evaluate, fitsObservation, unsafeNamesFor, type Ctx, type Trace } from './replay.ts';

/** The replay of the exchange under the credentials mode chosen as above. */
export function traceUnderCredentials(ctx: Ctx): Trace {
  const unsafeNames = unsafeNamesFor(ctx);
  let trace: Trace;
  const hasCookie =
    getHeader(ctx.requestHeaders, 'cookie') !== null || getHeader(ctx.hops[0]?.requestHeaders, 'cookie') !== null;
  if (ctx.ex.credentials === 'omit' || ctx.ex.credentials === 'same-origin' || ctx.ex.credentials === 'include') {
    trace = evaluate(ctx, ctx.ex.credentials, unsafeNames);
  } else if (hasCookie) {
    trace = evaluate(ctx, 'include', unsafeNames);
    ctx.assumptions.push('The credentials mode was not reported; the Cookie request header proves credentials: "include".');
  } else {
    const omit = evaluate(ctx, 'omit', unsafeNames);
    if (ctx.outcomeFailed && !CORS_LIKE_ERROR.test(ctx.outcomeError)) {
      // Not a CORS failure (ERR_UNSAFE_REDIRECT, ERR_ABORTED...): nothing to explain by credentials.
      trace = omit;
      ctx.assumptions.push(`The credentials mode was not reported; assumed no credentials. The request failed with ${ctx.outcomeError}, which is not a CORS error.`);
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
  if (ctx.outcomeFailed && !CORS_LIKE_ERROR.test(ctx.outcomeError) && trace.failure !== null) {
    trace = { ...trace, failure: null, unresolvedPreflight: false, networkError: `the request failed with ${ctx.outcomeError}` };
  }
  return trace;
}
