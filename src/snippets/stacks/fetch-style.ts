/** Shared code for stacks that handle Fetch API Request/Response objects by hand. */
import { jsString } from '../escape.ts';
import { list, preflightHeaders, rawHeaders } from '../render.ts';
import type { PreparedPolicy } from '../types.ts';

/** `const allowedOrigins = ...` and a `setCors(headers, origin, preflight)` function. */
export function fetchStyleHelpers(p: PreparedPolicy, ts: boolean): string {
  const actual = rawHeaders(p, '').slice(1);
  const pre = preflightHeaders(p);
  const sig = ts ? '(headers: Headers, origin: string | null, preflight: boolean): void' : '(headers, origin, preflight)';
  const lines = [
    `const allowedOrigins = new Set(${list(p.origins, jsString)});`,
    '',
    `function setCors${sig} {`,
    "  headers.append('Vary', 'Origin');",
    '  if (origin === null) return;',
    "  headers.set('Access-Control-Allow-Origin', origin);",
    ...actual.map(([k, v]) => `  headers.set(${jsString(k)}, ${jsString(v)});`),
  ];
  if (pre.length) {
    lines.push('  if (preflight) {', ...pre.map(([k, v]) => `    headers.set(${jsString(k)}, ${jsString(v)});`), '  }');
  }
  lines.push('}');
  return lines.join('\n');
}

export const PREFLIGHT_TEST =
  "request.method === 'OPTIONS' && request.headers.has('Access-Control-Request-Method')";
