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

/** A memo of parseUrl, so one exchange never parses the same string twice. */
export class UrlCache {
  get(input: string): ParsedUrl | null {
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

/**
 * True for a value an allow-list may hold as written (`Access-Control-Allow-Origin`, a snippet's
 * origin list): a serialized tuple origin with a valid port, at most 300 characters.
 */
export function isSerializedOrigin(value: string): boolean {
  const m = SERIALIZED_ORIGIN.exec(value);
  if (!m) return false;
  const port = m[7];
  if (port !== undefined && (Number(port) > 65535 || port.startsWith('0'))) return false;
  return value.length <= 300;
}
