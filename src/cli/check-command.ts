/**
 * `corsight check URL --origin O`: sends what a browser at origin O would send for a fetch()
 * (the preflight when one is needed, then the request, following redirects as the browser does)
 * and judges the answers with the engine. Pure apart from the `send` it is given.
 *
 * The browser's steps (Fetch standard, main fetch and HTTP-redirect fetch; Chromium as measured
 * in the lab): a cross-origin request carries Origin; it is preflighted when its method or
 * headers are not CORS-safelisted (engine/fetch.ts needsPreflight), with
 * Access-Control-Request-Headers the sorted lower-case unsafe names; each redirect target that is
 * cross-origin is checked (and preflighted) again; a redirect to another origin from a
 * cross-origin URL taints the origin (Origin: null); 303, and 301/302 of a POST, turn the request
 * into a GET without its body headers; Authorization is dropped at a cross-origin redirect. Those
 * rules are the engine's own (engine/fetch.ts: checkRedirectLocation, redirectTaintsOrigin,
 * methodAfterRedirect), and the engine decides at each step whether the browser would go on.
 */
import { rendererHeaders } from '../capture/page-context.ts';
import { diagnose } from '../engine/index.ts';
import { isPotentiallyTrustworthy } from '../engine/address-space.ts';
import {
  REQUEST_BODY_HEADER_NAMES,
  checkRedirectLocation,
  corsUnsafeRequestHeaderNames,
  isRedirectStatus,
  methodAfterRedirect,
  needsPreflight,
  normalizeMethod,
  redirectTaintsOrigin,
} from '../engine/fetch.ts';
import type { Diagnosis, Exchange, Hop, HttpHeader, ObservedResponse, PreflightObservation } from '../engine/types.ts';

export interface CheckRequest {
  url: string;
  /** The page's origin, e.g. https://app.example.com, or `null` (an opaque origin: sandboxed, file:). */
  origin: string;
  method: string;
  /** Headers the page sets, in order. */
  headers: HttpHeader[];
  credentials: boolean;
  /** A text body (fetch then adds Content-Type: text/plain;charset=UTF-8 unless the page set one). */
  body?: string;
}

/** One HTTP exchange on the wire: no redirect followed, every response header line kept. */
export type Send = (request: { method: string; url: string; headers: HttpHeader[]; body?: string }) => Promise<ObservedResponse>;

export class CheckNetworkError extends Error {}

const MAX_REDIRECTS = 20;

function originOf(url: string): string {
  return new URL(url).origin;
}

/** The exchange so far, judged; outcome from what the engine says (the network gave no error). */
function judge(base: Omit<Exchange, 'outcome'>): { exchange: Exchange; diagnosis: Diagnosis } {
  const completed: Exchange = { ...base, outcome: { kind: 'completed' } };
  const first = diagnose(completed);
  if (first.status !== 'blocked') return { exchange: completed, diagnosis: first };
  // The browser failed it: judged again as the browser reports it (net::ERR_FAILED).
  const failed: Exchange = { ...base, outcome: { kind: 'failed', error: 'net::ERR_FAILED' } };
  return { exchange: failed, diagnosis: diagnose(failed) };
}

export async function runCheck(request: CheckRequest, send: Send): Promise<{ exchange: Exchange; diagnosis: Diagnosis }> {
  const opaque = request.origin === 'null';
  const pageOrigin = opaque ? 'null' : originOf(request.origin);
  let method = normalizeMethod(request.method);
  let pageHeaders = request.headers.map((h) => ({ ...h }));
  let body = request.body;
  // fetch extracts a text body's type into the header list (Fetch "extract a body").
  if (body !== undefined && !pageHeaders.some((h) => h.name.toLowerCase() === 'content-type')) pageHeaders.push({ name: 'Content-Type', value: 'text/plain;charset=UTF-8' });
  const page = opaque ? undefined : new URL(request.origin);
  // The header list as the renderer holds it (the key set decides the order Chromium checks
  // names in, engine/blink-order.ts): as the request context builds it for a page's call.
  const provisional = rendererHeaders({
    api: 'fetch', url: request.url, method, mode: 'cors', credentials: request.credentials ? 'include' : 'same-origin', redirect: 'follow',
    headers: pageHeaders, headerOrderKnown: true, body: 'none', uploadListener: false, frameOrigin: pageOrigin,
    secureContext: page ? isPotentiallyTrustworthy(page.protocol.slice(0, -1), page.hostname) : false, at: 0, stack: [],
  });
  const hops: Hop[] = [];
  let preflight: PreflightObservation = { kind: 'none' };
  let url = request.url;
  // The request's state across redirects, with the engine's rules (engine/fetch.ts).
  let currentOrigin = originOf(url);
  let corsFlag = pageOrigin === 'null' || currentOrigin !== pageOrigin;
  let tainted = false;
  const base = (): Omit<Exchange, 'outcome'> => ({
    source: 'probe',
    initiatorOrigin: pageOrigin,
    method: normalizeMethod(request.method),
    requestHeaders: provisional,
    mode: 'cors',
    credentials: request.credentials ? 'include' : 'omit',
    redirect: 'follow',
    hops,
    preflight,
  });
  for (let i = 0; i <= MAX_REDIRECTS; i++) {
    const originSent = tainted ? 'null' : pageOrigin;
    const headers: HttpHeader[] = [...pageHeaders];
    let hopPreflight: PreflightObservation | undefined;
    if (corsFlag || method !== 'GET') headers.push({ name: 'Origin', value: originSent });
    // The CORS flag stays set once a hop was cross-origin: preflighted again whenever needed.
    if (corsFlag && needsPreflight(method, pageHeaders)) {
      const unsafe = corsUnsafeRequestHeaderNames(pageHeaders);
      const optionsHeaders: HttpHeader[] = [{ name: 'Origin', value: originSent }, { name: 'Access-Control-Request-Method', value: method }];
      if (unsafe.length > 0) optionsHeaders.push({ name: 'Access-Control-Request-Headers', value: unsafe.join(',') });
      optionsHeaders.push({ name: 'Accept', value: '*/*' });
      const answer = await send({ method: 'OPTIONS', url, headers: optionsHeaders });
      const observed: PreflightObservation = { kind: 'sent', url, requestHeaders: optionsHeaders, response: answer };
      if (i === 0) preflight = observed;
      else hopPreflight = observed;
      // The hop the preflight guards, not sent yet: does the engine let the browser go on?
      hops.push(i === 0 ? { url, requestHeaders: headers } : { url, requestHeaders: headers, preflight: observed });
      const partial = judge(base());
      const stage = partial.diagnosis.stage;
      if (partial.diagnosis.status === 'blocked' && stage.kind === 'preflight') return partial;
      hops.pop();
    }
    const response = await send(body !== undefined ? { method, url, headers, body } : { method, url, headers });
    const hop: Hop = { url, requestHeaders: headers, response };
    if (hopPreflight) hop.preflight = hopPreflight;
    hops.push(hop);
    const location = response.headers.find((h) => h.name.toLowerCase() === 'location')?.value;
    if (!isRedirectStatus(response.status) || location === undefined) return judge(base());
    const partial = judge(base());
    if (partial.diagnosis.status === 'blocked') return partial;
    let target: URL;
    try {
      target = new URL(location, url);
    } catch {
      return partial;
    }
    const isHttp = target.protocol === 'http:' || target.protocol === 'https:';
    const nextOrigin = isHttp ? target.origin : 'null';
    // A Location the browser will not follow (another scheme, user:pass@): the request fails there.
    if (checkRedirectLocation({ isHttp, hasCredentials: target.username !== '' || target.password !== '', origin: nextOrigin }, pageOrigin, corsFlag, tainted)) {
      const failed: Exchange = { ...base(), outcome: { kind: 'failed', error: 'net::ERR_FAILED' } };
      return { exchange: failed, diagnosis: diagnose(failed) };
    }
    // HTTP-redirect fetch: tainted origin, method rewrite, Authorization on a cross-origin redirect.
    tainted ||= redirectTaintsOrigin(currentOrigin, nextOrigin, pageOrigin);
    if (methodAfterRedirect(response.status, method) !== method) {
      method = 'GET';
      body = undefined;
      pageHeaders = pageHeaders.filter((h) => !REQUEST_BODY_HEADER_NAMES.has(h.name.toLowerCase()));
    }
    if (nextOrigin !== currentOrigin) pageHeaders = pageHeaders.filter((h) => h.name.toLowerCase() !== 'authorization');
    corsFlag ||= nextOrigin !== pageOrigin;
    currentOrigin = nextOrigin;
    url = target.href;
  }
  throw new CheckNetworkError(`more than ${MAX_REDIRECTS} redirects from ${request.url}: a redirect loop? The browser gives up too (net::ERR_TOO_MANY_REDIRECTS)`);
}
