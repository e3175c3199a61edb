/**
 * Small header helpers shared by the engine: pure string work, and a bounded memo of lowered
 * names. Fetch Standard vocabulary: https://fetch.spec.whatwg.org/#terminology-headers
 */
import { BoundedMemo } from './bounded-memo.ts';
import type { HttpHeader } from './types.ts';

/** https://fetch.spec.whatwg.org/#http-tab-or-space */
function isTabOrSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** https://fetch.spec.whatwg.org/#http-whitespace */
function isHttpWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Removes leading and trailing HTTP whitespace. */
export function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Removes leading and trailing tabs and spaces only. */
export function trimTabOrSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isTabOrSpace(value.charCodeAt(start))) start++;
  while (end > start && isTabOrSpace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * Header names lowered once and shared across calls: the same few dozen names come with every
 * request, and lowering them anew was a tenth of diagnose() (CPU profile, issue 20). Names longer
 * than any real one are lowered each time.
 */
const LOWERED = new BoundedMemo((name) => name.toLowerCase(), 1024, 64);

/** `name` in lower case (String.prototype.toLowerCase, as the engine always compared names), memoised. */
export function lowerHeaderName(name: string): string {
  return LOWERED.get(name);
}

/**
 * Each name getHeader is asked for (lower case) as HTTP/1.1 servers usually spell it, each word
 * capitalised: a name sent so matches without being lowered. Lowering goes through the memo,
 * whose lookup hashes the name, and every name of a captured exchange is a fresh string (it came
 * in a message): the memo's lookups were the largest single cost in the engine's profile (issue 20).
 */
const CAPITALISED = new BoundedMemo((lower) => lower.replace(/(^|-)([a-z])/g, (word) => word.toUpperCase()), 256, 64);

/**
 * https://fetch.spec.whatwg.org/#concept-header-list-get
 * 1. If name is not in the list, return null.
 * 2. Return the values of all headers named name (case-insensitive), separated by ", ".
 * The result is trimmed of surrounding HTTP whitespace (Chromium normalises values so).
 */
export function getHeader(headers: readonly HttpHeader[] | undefined, name: string): string | null {
  if (!headers) return null;
  let out: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (typeof h.name !== 'string' || h.name.length !== name.length) continue;
    if (h.name !== name) {
      // Most names of the same length differ at their first letter: no need to lower them. An
      // ASCII character matches `name`'s (lower case) only as itself or as its upper case.
      const first = h.name.charCodeAt(0);
      if (first < 0x80 && first !== name.charCodeAt(0) && (first | 0x20) !== name.charCodeAt(0)) continue;
      if (h.name !== CAPITALISED.get(name) && lowerHeaderName(h.name) !== name) continue;
    }
    const v = typeof h.value === 'string' ? trimHttpWhitespace(h.value) : '';
    out = out === null ? v : `${out}, ${v}`;
  }
  return out;
}

/** Counts header lines named `name` (lower-case). */
export function countHeader(headers: readonly HttpHeader[] | undefined, name: string): number {
  if (!headers) return 0;
  let n = 0;
  for (const h of headers) {
    if (typeof h.name === 'string' && h.name.length === name.length && h.name.toLowerCase() === name) n++;
  }
  return n;
}

/** https://httpwg.org/specs/rfc9110.html#tokens: tchar */
function isTchar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // DIGIT
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true; // ALPHA
  // "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
  return (
    c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 || c === 0x27 ||
    c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x5e || c === 0x5f ||
    c === 0x60 || c === 0x7c || c === 0x7e
  );
}

/** True when `value` is a non-empty HTTP token (method or header name syntax). */
export function isHttpToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isTchar(value.charCodeAt(i))) return false;
  return true;
}

/**
 * Splits a comma-separated header value into trimmed items, dropping empty items
 * (Chromium's HttpUtil::ValuesIterator skips them). Returns null when an item is not a token.
 * https://fetch.spec.whatwg.org/#extract-header-list-values
 */
export function parseTokenList(value: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i <= value.length) {
    // One item: skip leading tabs and spaces, take its characters up to the comma, and slice
    // once (no intermediate strings: the lists are read for every preflighted request).
    while (i < value.length && isTabOrSpace(value.charCodeAt(i))) i++;
    const start = i;
    while (i < value.length && value.charCodeAt(i) !== 0x2c) i++;
    let end = i;
    while (end > start && isTabOrSpace(value.charCodeAt(end - 1))) end--;
    if (end > start) {
      for (let k = start; k < end; k++) if (!isTchar(value.charCodeAt(k))) return null;
      out.push(start === 0 && end === value.length ? value : value.slice(start, end));
    }
    i++;
  }
  return out;
}
