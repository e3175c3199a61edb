/**
 * Evidence (each CORS header seen and what was needed) and the finding rules that look at a
 * response beyond the verdict: origin values that will never match, headers the page cannot
 * read, a per-origin answer without Vary: Origin.
 */
import {
  isCorsSafelistedResponseHeaderName,
  parseExposeHeaders,
  type EffectiveCredentials,
} from './fetch.ts';
import { finding } from './findings.ts';
import { getHeader, countHeader, lowerHeaderName } from './headers.ts';
import { listText } from './codes.ts';
import type { CorsErrorCode, Evidence, Finding, HttpHeader, ObservedResponse } from './types.ts';

/** Response headers not worth an "unexposed" note: transport, caching and CORS plumbing. */
const UNINTERESTING_RESPONSE_HEADERS = new Set([
  'date', 'server', 'connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'vary',
  'alt-svc', 'strict-transport-security', 'via', 'x-powered-by', 'age', 'accept-ranges',
  'report-to', 'nel', 'x-content-type-options', 'x-frame-options', 'x-xss-protection',
  'content-security-policy', 'content-security-policy-report-only', 'referrer-policy',
  'permissions-policy', 'cross-origin-resource-policy', 'cross-origin-opener-policy',
  'cross-origin-embedder-policy', 'timing-allow-origin', 'server-timing', 'cf-ray',
  'cf-cache-status', 'x-cache', 'x-served-by', 'x-timer', 'expect-ct', 'origin-agent-cluster',
  'priority', 'set-cookie', 'set-cookie2', 'proxy-connection', 'upgrade', 'trailer',
]);

/**
 * One evidence line; `needed` only when the header failed. Built field by field: object spreads
 * of a conditional part took a quarter of the evidence step (CPU profile, issue 20).
 */
export function evidenceLine(stage: Evidence['stage'], header: string, seen: string | null, ok: boolean, needed?: string): Evidence {
  const line: Evidence = { stage, header, seen, ok };
  if (needed !== undefined) line.needed = needed;
  return line;
}

/** How an ACAO value almost equal to the origin differs from it, or null. */
export function nearMiss(value: string, origin: string): string | null {
  if (value === `${origin}/`) return 'a trailing slash';
  if (value.toLowerCase() === origin) return 'letter case';
  if (value.startsWith(origin + '/')) return 'a path after the origin';
  const m = /^(https?):\/\/([^/]+):(80|443)\/?$/.exec(value);
  if (m && `${m[1]}://${m[2]}` === origin) return 'an explicit default port';
  const swapped = origin.startsWith('https:') ? `http:${origin.slice(6)}` : origin.startsWith('http:') ? `https:${origin.slice(5)}` : '';
  if (swapped && (value === swapped || value === `${swapped}/`)) return 'the scheme (http vs https)';
  return null;
}

const ORIGIN_CODES = new Set<CorsErrorCode | undefined>([
  'MissingAllowOriginHeader', 'AllowOriginMismatch', 'MultipleAllowOriginValues', 'InvalidAllowOriginValue', 'WildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader', 'PreflightAllowOriginMismatch', 'PreflightMultipleAllowOriginValues', 'PreflightInvalidAllowOriginValue', 'PreflightWildcardOriginNotAllowed',
]);

export function addResponseEvidence(
  evidence: Evidence[],
  stage: Evidence['stage'],
  r: ObservedResponse,
  originSent: string,
  cred: EffectiveCredentials,
  code: CorsErrorCode | undefined,
): void {
  const acao = getHeader(r.headers, 'access-control-allow-origin');
  const statusBad = code === 'PreflightInvalidStatus' || code === 'PreflightDisallowedRedirect';
  const neededStatus = code === 'PreflightDisallowedRedirect' ? 'a 2xx answer, not a redirect' : '200-299';
  evidence.push(evidenceLine(stage, ':status', r.statusUnknown ? 'not recorded' : String(r.status), !statusBad, statusBad ? neededStatus : undefined));
  const acaoBad = ORIGIN_CODES.has(code);
  const neededOrigin = cred === 'include' ? originSent : `${originSent} (or *)`;
  evidence.push(evidenceLine(stage, 'Access-Control-Allow-Origin', acao, !acaoBad, acaoBad ? neededOrigin : undefined));
  const acac = getHeader(r.headers, 'access-control-allow-credentials');
  if (cred === 'include' || acac !== null) {
    const bad = code === 'InvalidAllowCredentials' || code === 'PreflightInvalidAllowCredentials';
    evidence.push(evidenceLine(stage, 'Access-Control-Allow-Credentials', acac, !bad, bad ? 'true' : undefined));
  }
  if (stage === 'redirect') {
    const loc = getHeader(r.headers, 'location');
    if (loc !== null) evidence.push(evidenceLine(stage, 'Location', loc, code !== 'RedirectContainsCredentials'));
  }
}

/** Loopback hosts: no network attacker sits between a page there and its user. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether `value`, trimmed as String.prototype.trim does, may start with `http:`: its fifth
 * character is the colon, or it starts with a character trim() may remove (every one is a space
 * or control character, or non-ASCII). Rules out the usual https origins before the regex runs.
 */
function mayBeHttpOrigin(value: string): boolean {
  const first = value.charCodeAt(0);
  return value.charCodeAt(4) === 0x3a || first <= 0x20 || first >= 0x80;
}

/** An `http:` origin that is not loopback: its pages can be rewritten by anyone on the network path. */
function isInsecureOrigin(origin: string): boolean {
  const m = /^http:\/\/([^/:]+|\[[^\]]+\])(:\d+)?$/i.exec(origin);
  return m !== null && !LOOPBACK_HOST.test(m[1] ?? '');
}

/** Findings on the shape of ACAO / ACAC values, whatever the verdict. `url`: the responding URL. */
export function originValueFindings(findings: Finding[], headers: readonly HttpHeader[], where: string, P: string, url = ''): void {
  const acao = getHeader(headers, 'access-control-allow-origin');
  if (acao !== null && url.startsWith('https:') && mayBeHttpOrigin(acao) && isInsecureOrigin(acao.trim()) && !findings.some((x) => x.id === 'https-allows-http-origin')) {
    const credentials = getHeader(headers, 'access-control-allow-credentials') === 'true';
    findings.push(finding('https-allows-http-origin',
      `The ${where} of an https server allows the http origin ${acao.trim()}${credentials ? ' with credentials' : ''}: anyone on that page's network path can rewrite it and read these responses${credentials ? ' with the user\'s cookies' : ''}. Serve that page over https and allow its https origin.`));
  }
  if (acao !== null && acao !== '*') {
    if (acao.includes('*')) {
      if (!findings.some((x) => x.id === 'wildcard-subdomain-allow-origin')) {
        findings.push(finding('wildcard-subdomain-allow-origin', `The ${where} sends Access-Control-Allow-Origin: ${acao}. Wildcard patterns are not supported by any browser; echo ${P} when it matches your allow list.`));
      }
    } else if (acao.includes(',') || acao.includes(' ')) {
      if (!findings.some((x) => x.id === 'list-allow-origin')) {
        const lines = countHeader(headers, 'access-control-allow-origin');
        findings.push(finding('list-allow-origin', lines > 1
          ? `The ${where} carries ${lines} Access-Control-Allow-Origin lines (${acao}); browsers accept exactly one value.`
          : `The ${where} lists several origins in Access-Control-Allow-Origin (${acao}); browsers accept exactly one.`));
      }
    }
  }
  const acac = getHeader(headers, 'access-control-allow-credentials');
  if (acao === 'null') {
    const withCredentials = acac === 'true';
    const id = withCredentials ? 'allow-origin-null-with-credentials' : 'allow-origin-null';
    if (!findings.some((x) => x.id === id)) {
      findings.push(finding(id, withCredentials
        ? `The ${where} sends Access-Control-Allow-Origin: null with Access-Control-Allow-Credentials: true: any site's sandboxed iframe sends Origin: null and could read it with the user's cookies.`
        : `The ${where} sends Access-Control-Allow-Origin: null, which every sandboxed iframe, data: URL and local file of any site matches.`));
    }
  }
  if (acac !== null && acac !== 'true' && acac.toLowerCase() === 'true' && !findings.some((x) => x.id === 'allow-credentials-not-lowercase-true')) {
    findings.push(finding('allow-credentials-not-lowercase-true', `The ${where} sends Access-Control-Allow-Credentials: ${acac}; only the exact lower-case value true is accepted.`));
  }
}

/** Adds the exposure findings; returns the response header names the page cannot read. */
export function exposureFindings(findings: Finding[], r: ObservedResponse, cred: EffectiveCredentials, T: string): string[] {
  const exposed = parseExposeHeaders(r.headers);
  const hidden: string[] = [];
  let setCookie = false;
  for (const h of r.headers) {
    const lower = typeof h.name === 'string' ? lowerHeaderName(h.name) : '';
    if (lower === 'set-cookie' || lower === 'set-cookie2') {
      setCookie = true;
      continue;
    }
    if (lower === '' || lower.startsWith('access-control-') || UNINTERESTING_RESPONSE_HEADERS.has(lower)) continue;
    if (isCorsSafelistedResponseHeaderName(lower, exposed, cred)) continue;
    if (!hidden.includes(lower)) hidden.push(lower);
  }
  if (hidden.length > 0) {
    findings.push(finding('unexposed-response-header',
      `The page cannot read ${listText(hidden)} from the response of ${T}: ${hidden.length > 1 ? 'they are' : 'it is'} not listed in Access-Control-Expose-Headers${cred === 'include' && exposed.includes('*') ? ' (* does not count with credentials)' : ''}. Harmless unless the page reads ${hidden.length > 1 ? 'them' : 'it'}.`));
  }
  if (setCookie) {
    findings.push(finding('set-cookie-never-readable', `The response of ${T} sets a cookie; the browser stores it${cred === 'include' ? '' : ' only for requests with credentials (this one had none, so it is ignored)'}, but the page can never read Set-Cookie.`));
  }
  return hidden;
}

export function varyFinding(findings: Finding[], r: ObservedResponse, T: string): void {
  const acao = getHeader(r.headers, 'access-control-allow-origin');
  if (acao === null || acao === '*') return;
  const vary = getHeader(r.headers, 'vary');
  // The usual values first, without the regex (this runs for every request that passed).
  if (vary !== null && (vary === 'Origin' || vary === 'origin' || /(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary))) return;
  findings.push(finding('dynamic-allow-origin-without-vary',
    `${T} answers Access-Control-Allow-Origin: ${acao} without Vary: Origin. If a cache or CDN stores this response, another page origin may receive this value and be blocked.`));
}
