/**
 * URL and origin helpers. https://url.spec.whatwg.org/ and
 * https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * Parsing goes through the platform URL parser (WHATWG), memoised per diagnose() call.
 */

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
 * Parsed URLs shared across calls: page origins and API URLs repeat a lot. Bounded; cleared
 * when full. Entries are frozen, so sharing them is safe.
 */
const SHARED = new Map<string, ParsedUrl | null>();
const SHARED_MAX = 1024;

/** parseUrl through the shared memo (a rejected string is remembered too). */
export function parseUrlShared(input: string): ParsedUrl | null {
  if (typeof input !== 'string') return null;
  let v = SHARED.get(input);
  if (v === undefined) {
    v = parseUrl(input);
    if (v) Object.freeze(v);
    if (SHARED.size >= SHARED_MAX) SHARED.clear();
    SHARED.set(input, v);
  }
  return v;
}

/** A memo of parseUrl, so one exchange never parses the same string twice. */
export class UrlCache {
  get(input: string): ParsedUrl | null {
    return parseUrlShared(input);
  }
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

/** isSerializedOrigin's answers, bounded like SHARED: every fix plan checks its page origin. */
const SERIALIZED = new Map<string, boolean>();

/**
 * True for a value an allow-list may hold as written (`Access-Control-Allow-Origin`, a snippet's
 * origin list): a serialized tuple origin with a valid port, at most 300 characters.
 */
export function isSerializedOrigin(value: string): boolean {
  if (value.length > 300) return false;
  let ok = SERIALIZED.get(value);
  if (ok === undefined) {
    const m = SERIALIZED_ORIGIN.exec(value);
    const port = m?.[7];
    ok = m !== null && (port === undefined || (Number(port) <= 65535 && !port.startsWith('0')));
    if (SERIALIZED.size >= SHARED_MAX) SERIALIZED.clear();
    SERIALIZED.set(value, ok);
  }
  return ok;
}
