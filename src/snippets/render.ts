/** Small helpers shared by the generators. Every value passes through an escaper. */
import type { PreparedPolicy, SnippetLanguage } from './types.ts';

export type Quote = (s: string) => string;

/** `[a, b]`-style list with the given quote function. */
export function list(values: string[], quote: Quote, open = '[', close = ']'): string {
  return `${open}${values.map(quote).join(', ')}${close}`;
}

/** An object/kwargs body: `key: value` lines at `indent`, `sep` between key and value. */
export function fields(entries: Array<[string, string] | null | false>, indent: string, sep = ': ', trailing = ','): string {
  return entries
    .filter((e): e is [string, string] => Array.isArray(e))
    .map(([k, v]) => `${indent}${k}${sep}${v}${trailing}`)
    .join('\n');
}

export function commentPrefix(language: SnippetLanguage): string | null {
  switch (language) {
    case 'python':
    case 'ruby':
    case 'nginx':
    case 'apache':
    case 'caddyfile':
    case 'haproxy':
    case 'yaml':
      return '#';
    case 'json':
      return null;
    default:
      return '//';
  }
}

/** Header values as sent on the wire. */
export const headerValues = (p: PreparedPolicy) => ({
  methods: p.methods.join(', '),
  headers: p.headers.join(', '),
  expose: p.expose.join(', '),
});

/** The raw CORS headers for an allowed origin (`originValue` is the ACAO value). */
export function rawHeaders(p: PreparedPolicy, originValue: string): Array<[string, string]> {
  const v = headerValues(p);
  const out: Array<[string, string]> = [['Access-Control-Allow-Origin', originValue]];
  if (p.credentials) out.push(['Access-Control-Allow-Credentials', 'true']);
  if (p.expose.length) out.push(['Access-Control-Expose-Headers', v.expose]);
  return out;
}

/** Headers only a preflight answer needs. */
export function preflightHeaders(p: PreparedPolicy): Array<[string, string]> {
  const v = headerValues(p);
  const out: Array<[string, string]> = [];
  if (p.methods.length) out.push(['Access-Control-Allow-Methods', v.methods]);
  if (p.headers.length) out.push(['Access-Control-Allow-Headers', v.headers]);
  if (p.maxAge !== undefined) out.push(['Access-Control-Max-Age', String(p.maxAge)]);
  return out;
}

/** A header name left bare when it is plain letters/digits/dashes, else quoted. */
export function headerName(name: string, quote: Quote): string {
  return /^[A-Za-z0-9-]+$/.test(name) ? name : quote(name);
}
