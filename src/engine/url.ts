/**
 * URL and origin helpers. https://url.spec.whatwg.org/ and
 * https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * Parsing goes through the platform URL parser (WHATWG), memoised across calls.
 */
import { BoundedMemo } from './bounded-memo.ts';

export interface ParsedUrl {
  /** Scheme without `:`, lower case. */
  scheme: string;
  host: string;
  /** Port as written, '' when default or absent. */
  port: string;
  /** Serialized origin, `null` for non-tuple origins. */
  origin: string;
  /** True when the URL has a non-empty username or password. */
  hasCredentials: boolean;
  isHttp: boolean;
}

const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

/** Parses `input`; null when the WHATWG parser rejects it. */
export function parseUrl(input: string): ParsedUrl | null {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  const isHttp = scheme === 'http' || scheme === 'https';
  const tuple = isHttp || scheme === 'ws' || scheme === 'wss' || scheme === 'ftp';
  return {
    scheme,
    host: u.hostname,
    port: u.port,
    origin: tuple ? u.origin : 'null',
    hasCredentials: u.username !== '' || u.password !== '',
    isHttp,
  };
}

/**
 * Parsed URLs shared across calls: page origins and API URLs repeat a lot. Entries are frozen,
 * so sharing them is safe; a rejected string is remembered too (null). URLs longer than 2,048
 * characters are parsed each time.
 */
const MAX_SHARED_INPUT = 2048;
const PARSED = new BoundedMemo((input) => {
  const parsed = parseUrl(input);
  return parsed && Object.freeze(parsed);
}, 1024, MAX_SHARED_INPUT);

/**
 * The last few inputs and their answers, checked before the memo: a tab's requests come from one
 * page origin and often go to the same URLs, and comparing a fresh copy of a string with an equal
 * one costs less than hashing it for the memo's lookup (issue 20's profile).
 */
const RECENT_SIZE = 4;
const recentInputs: string[] = [];
const recentAnswers: Array<ParsedUrl | null> = [];
let recentNext = 0;

/** parseUrl through the shared memo; null for a non-string or a string the parser rejects. */
export function parseUrlShared(input: string): ParsedUrl | null {
  if (typeof input !== 'string') return null;
  for (let i = 0; i < recentInputs.length; i++) if (recentInputs[i] === input) return recentAnswers[i]!;
  const parsed = PARSED.get(input);
  if (input.length > MAX_SHARED_INPUT) return parsed;
  recentInputs[recentNext] = input;
  recentAnswers[recentNext] = parsed;
  recentNext = (recentNext + 1) % RECENT_SIZE;
  return parsed;
}

/** Which components differ between two tuple origins (both parsed). */
export function originDifferences(a: ParsedUrl, b: ParsedUrl): Array<'scheme' | 'host' | 'port'> {
  const out: Array<'scheme' | 'host' | 'port'> = [];
  if (a.scheme !== b.scheme) out.push('scheme');
  if (a.host !== b.host) out.push('host');
  const pa = a.port || DEFAULT_PORT[a.scheme] || '';
  const pb = b.port || DEFAULT_PORT[b.scheme] || '';
  if (pa !== pb) out.push('port');
  return out;
}

/** A serialized tuple origin: scheme://host[:port], lower case, no path, no userinfo, no trailing slash. */
const SERIALIZED_ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:(\d{1,5}))?$/;

/** isSerializedOrigin's answers, shared: every fix plan checks its page origin. */
const SERIALIZED = new BoundedMemo((value) => {
  const m = SERIALIZED_ORIGIN.exec(value);
  const port = m?.[7];
  return m !== null && (port === undefined || (Number(port) <= 65535 && !port.startsWith('0')));
}, 1024, 300);

/**
 * True for a value an allow-list may hold as written (`Access-Control-Allow-Origin`, a snippet's
 * origin list): a serialized tuple origin with a valid port, at most 300 characters.
 */
export function isSerializedOrigin(value: string): boolean {
  return value.length <= 300 && SERIALIZED.get(value);
}
