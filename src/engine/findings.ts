/**
 * The findings table: stable id -> title, severity, hint and a reference link.
 * Ids never change once published (saved reports and docs/findings.md refer to them).
 * A unit test checks that every id here is documented in docs/findings.md.
 */
import type { Finding, FindingSeverity } from './types.ts';

export interface FindingSpec {
  title: string;
  severity: FindingSeverity;
  /** What to do about it, in general terms (the Finding message is exchange-specific). */
  hint: string;
  link: string;
}

const MDN = 'https://developer.mozilla.org/en-US/docs/Web/HTTP';
const FETCH = 'https://fetch.spec.whatwg.org';

export const FINDINGS = {
  'unexposed-response-header': {
    title: 'Response header the page cannot read',
    severity: 'info',
    hint: 'List the header in Access-Control-Expose-Headers if the page needs to read it.',
    link: `${MDN}/Headers/Access-Control-Expose-Headers`,
  },
  'set-cookie-never-readable': {
    title: 'Set-Cookie is never readable by the page',
    severity: 'info',
    hint: 'Set-Cookie is a forbidden response header name: no CORS header exposes it. Read the cookie server-side or return the data in the body.',
    link: `${FETCH}/#forbidden-response-header-name`,
  },
  'dynamic-allow-origin-without-vary': {
    title: 'Access-Control-Allow-Origin names one origin but the response has no Vary: Origin',
    // One exchange cannot show whether the value is chosen per request: worth knowing, not a
    // warning on every correctly configured single-origin API.
    severity: 'info',
    hint: 'Add `Vary: Origin` whenever Access-Control-Allow-Origin depends on the request, or a cache/CDN may serve one origin\'s answer to another.',
    link: `${FETCH}/#cors-protocol-and-http-caches`,
  },
  'wildcard-subdomain-allow-origin': {
    title: 'Access-Control-Allow-Origin with a wildcard pattern',
    severity: 'error',
    hint: 'Patterns such as `https://*.example.com` are not valid in any browser: match the Origin request header on the server and echo the single allowed origin.',
    link: `${MDN}/Headers/Access-Control-Allow-Origin`,
  },
  'allow-origin-null': {
    title: 'Access-Control-Allow-Origin: null trusts every sandboxed document',
    severity: 'warning',
    hint: 'Sandboxed iframes, data: URLs and local files of any site send Origin: null, so allowing null allows them all. Allow the real origins; if a cross-origin redirect made the Origin null, redirect to the final URL from the start.',
    link: `${MDN}/Headers/Access-Control-Allow-Origin`,
  },
  'allow-origin-null-with-credentials': {
    title: 'Access-Control-Allow-Origin: null with credentials',
    severity: 'error',
    hint: 'Any site can put a sandboxed iframe around its own code and read this response with the user\'s cookies. Never allow null with credentials: allow the real origins only.',
    link: `${MDN}/Headers/Access-Control-Allow-Origin`,
  },
  'https-allows-http-origin': {
    title: 'An https server allows an http origin',
    severity: 'warning',
    hint: 'A page served over plain http can be rewritten by anyone on its network path (public Wi-Fi, a proxy), who then reads what this https server lets that origin read. Serve the page over https and allow its https origin only.',
    link: `${MDN}/Headers/Access-Control-Allow-Origin`,
  },
  'list-allow-origin': {
    title: 'Access-Control-Allow-Origin with several origins',
    severity: 'error',
    hint: 'The header takes exactly one origin (or `*`). Keep the list on the server, and send only the origin that matches the request. Two header lines (proxy + app) count as a list too.',
    link: `${MDN}/Headers/Access-Control-Allow-Origin`,
  },
  'max-age-above-cap': {
    title: 'Access-Control-Max-Age above the browser cap',
    severity: 'info',
    hint: 'Chromium keeps a preflight answer at most 7200 s, Firefox 86400 s. A larger value is silently capped.',
    link: `${MDN}/Headers/Access-Control-Max-Age`,
  },
  'no-cors-opaque-response': {
    title: 'no-cors request: the page gets an opaque response',
    severity: 'warning',
    hint: 'A `no-cors` request never raises a CORS error, but its response is opaque (status 0, no headers, no body). Use `mode: "cors"` and have the server send CORS headers if the page needs the data.',
    link: `${FETCH}/#concept-filtered-response-opaque`,
  },
  'error-response-without-cors': {
    title: 'Error response without CORS headers',
    severity: 'error',
    hint: 'Send the CORS headers on error responses too (nginx: `add_header ... always`), otherwise the page sees a CORS error instead of the real status.',
    link: `${MDN}/Guides/CORS/Errors/CORSMissingAllowOrigin`,
  },
  'preflight-answered-by-auth': {
    title: 'Preflight rejected by authentication',
    severity: 'error',
    hint: 'Preflights never carry cookies or Authorization. Answer OPTIONS before the authentication middleware runs.',
    link: `${FETCH}/#cors-protocol-and-credentials`,
  },
  'authorization-covered-by-wildcard': {
    title: 'Authorization allowed only through Access-Control-Allow-Headers: *',
    severity: 'warning',
    hint: 'Chromium still accepts it, Firefox and the Fetch Standard do not: list `Authorization` explicitly.',
    link: `${FETCH}/#cors-non-wildcard-request-header-name`,
  },
  'allow-credentials-not-lowercase-true': {
    title: 'Access-Control-Allow-Credentials is not exactly `true`',
    severity: 'error',
    hint: 'The only accepted value is `true`, lower case, byte for byte.',
    link: `${MDN}/Headers/Access-Control-Allow-Credentials`,
  },
  'network-error-not-cors': {
    title: 'The request failed for a reason other than CORS',
    severity: 'error',
    hint: 'No CORS rule was involved: look at DNS, the connection, TLS, proxies, extensions or the server being down.',
    link: `${MDN}/Guides/CORS/Errors/CORSDidNotSucceed`,
  },
  'failure-reason-not-recorded': {
    title: 'The request got no response and the capture does not say why',
    severity: 'warning',
    hint: 'Firefox\'s HAR records such a request as status 0 with no error; Chrome\'s DevTools HAR, or the Corsight panel, names the reason.',
    link: `${MDN}/Guides/CORS/Errors`,
  },
  'preflight-not-observed': {
    title: 'A preflight was needed but not captured',
    severity: 'info',
    hint: 'Capture with DevTools open (or webRequest with extraHeaders) to see the OPTIONS request and its answer.',
    link: `${MDN}/Glossary/Preflight_request`,
  },
  'allow-origin-near-miss': {
    title: 'Access-Control-Allow-Origin almost matches the page origin',
    severity: 'error',
    hint: 'The comparison is byte-exact: no trailing slash, no path, lower-case scheme and host, no default port.',
    link: `${FETCH}/#http-access-control-allow-origin`,
  },
  'tainted-origin-redirect': {
    title: 'A cross-origin redirect made the Origin `null`',
    severity: 'warning',
    hint: 'After a redirect to another origin the browser sends `Origin: null`. Have the page call the final URL directly, or keep the redirect within one origin.',
    link: `${FETCH}/#concept-request-tainted-origin`,
  },
  'outcome-unobserved': {
    title: 'Corsight missed how this request ended',
    severity: 'warning',
    hint: 'Its response and completion reached Corsight while the browser was restarting the extension\'s worker. Reload the page (capture stays on) to run the request again.',
    link: `${MDN}/Guides/CORS`,
  },
  'outcome-mismatch': {
    title: 'The captured headers do not explain the observed outcome',
    severity: 'warning',
    hint: 'Some headers may not be visible to the capture source (webRequest hides several). Re-capture with DevTools open.',
    link: `${MDN}/Guides/CORS`,
  },
} as const satisfies Record<string, FindingSpec>;

export type FindingId = keyof typeof FINDINGS;

export const FINDING_IDS = Object.keys(FINDINGS) as FindingId[];

/** A finding of `id` with a message specific to the request. */
export function finding(id: FindingId, message: string): Finding {
  return { id, severity: FINDINGS[id].severity, message };
}
