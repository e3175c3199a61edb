/**
 * What a captured request's own headers and URLs tell, the same for every capture source
 * (webRequest, the DevTools network log, HAR files): origins by string scanning (these run on
 * every captured request), the request mode (Sec-Fetch-Mode) and the credentials evidence.
 */
import { cookieProvesIncludeCredentials } from '../engine/credentials.ts';
import type { CredentialsMode, HttpHeader, RequestMode } from '../engine/types.ts';

/** The first value of a header (names compare case-insensitively), or undefined. */
export function headerValue(headers: readonly HttpHeader[] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  // Lowered only when the length matches: this runs several times for every captured request.
  for (const header of headers) {
    const n = header.name;
    if (n.length === lower.length && (n === lower || n.toLowerCase() === lower)) return header.value;
  }
  return undefined;
}

/** `scheme://host[:port]` of an http(s) URL, by string scanning (no URL parsing on the hot path). */
export function originOfUrl(url: string): string | undefined {
  let start: number;
  if (url.startsWith('https://')) start = 8;
  else if (url.startsWith('http://')) start = 7;
  else return undefined;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  return url.slice(0, end).toLowerCase();
}

/** True when `url` is same-origin with `origin` (a serialized origin): a string compare. */
export function isSameOrigin(url: string, origin: string | undefined): boolean {
  if (!origin || !url.startsWith(origin)) return false;
  const c = url.charCodeAt(origin.length);
  return Number.isNaN(c) || c === 47 || c === 63 || c === 35;
}

const FETCH_MODES: Readonly<Record<string, RequestMode>> = { cors: 'cors', 'no-cors': 'no-cors', 'same-origin': 'same-origin', navigate: 'navigate' };

/** The request mode Chromium sent in Sec-Fetch-Mode, or 'unknown' (absent, or any other value). */
export function requestModeOf(requestHeaders: readonly HttpHeader[] | undefined): RequestMode {
  const value = headerValue(requestHeaders, 'sec-fetch-mode');
  return value !== undefined && Object.hasOwn(FETCH_MODES, value) ? FETCH_MODES[value]! : 'unknown';
}

/**
 * Credentials evidence: a Cookie header on a hop sent after the request went cross-origin proves
 * credentials were sent ('include'; the engine's rule, cookieProvesIncludeCredentials); a Cookie
 * sent only to the page's own origin, or none, proves nothing (no cookie to send, the default
 * "same-origin" mode, or headers the source does not show).
 */
export function credentialsEvidence(hops: ReadonlyArray<{ url: string; requestHeaders?: readonly HttpHeader[] | undefined }>, pageOrigin: string): CredentialsMode {
  return cookieProvesIncludeCredentials(hops, (url) => !isSameOrigin(url, pageOrigin)) ? 'include' : 'unknown';
}
