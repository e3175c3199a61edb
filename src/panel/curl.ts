import { corsUnsafeRequestHeaderNames } from '../engine/fetch.ts';
import type { Exchange, HttpHeader } from '../engine/types.ts';

/**
 * "Copy as cURL" for the preflight and the actual request. Every value is hostile (it came from
 * a web server or page): each argument is quoted for POSIX shells so nothing is interpreted.
 */

/** Quotes one argument for sh/bash/zsh. Plain printable text -> '...'; control bytes -> $'...'. */
export function shellQuote(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(value)) return `'${value.replace(/'/g, `'\\''`)}'`;
  let out = "$'";
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + "'";
}

function header(h: HttpHeader): string {
  return `-H ${shellQuote(`${h.name}: ${h.value}`)}`;
}

/** Headers curl must not copy: HTTP/2 pseudo-headers and the ones it computes itself. */
const SKIP = new Set(['host', 'content-length', 'connection', 'accept-encoding']);

function build(method: string, url: string, headers: HttpHeader[]): string {
  // `--url`: a captured URL starting with `-` must not be read as an option.
  const first = ['curl', '--url', shellQuote(url), '-i'];
  if (method !== 'GET') first.push('-X', shellQuote(method));
  return [first.join(' '), ...headers.map(header)].join(' \\\n  ');
}

function has(headers: readonly HttpHeader[], name: string): boolean {
  return headers.some((h) => h.name.toLowerCase() === name);
}

/** The preflight as sent (when captured) or as the browser would send it. */
export function preflightCurl(exchange: Exchange): string {
  const url = exchange.preflight.kind === 'sent' ? exchange.preflight.url : (exchange.hops[0]?.url ?? '');
  let headers: HttpHeader[];
  if (exchange.preflight.kind === 'sent' && has(exchange.preflight.requestHeaders, 'access-control-request-method')) {
    headers = exchange.preflight.requestHeaders.filter((h) => !h.name.startsWith(':') && !SKIP.has(h.name.toLowerCase()));
    if (!has(headers, 'origin')) headers.unshift({ name: 'Origin', value: exchange.initiatorOrigin });
  } else {
    headers = [
      { name: 'Origin', value: exchange.initiatorOrigin },
      { name: 'Access-Control-Request-Method', value: exchange.method },
    ];
    const unsafe = corsUnsafeRequestHeaderNames(exchange.requestHeaders);
    if (unsafe.length > 0) headers.push({ name: 'Access-Control-Request-Headers', value: unsafe.join(',') });
  }
  return build('OPTIONS', url, headers);
}

/** The actual request with the page's headers and its real Origin. */
export function actualCurl(exchange: Exchange): string {
  const url = exchange.hops[0]?.url ?? '';
  const headers = (exchange.hops[0]?.requestHeaders ?? exchange.requestHeaders).filter(
    (h) => !h.name.startsWith(':') && !SKIP.has(h.name.toLowerCase()),
  );
  if (!has(headers, 'origin')) headers.unshift({ name: 'Origin', value: exchange.initiatorOrigin });
  return build(exchange.method, url, headers);
}
