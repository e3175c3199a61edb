import { caddyString } from '../escape.ts';
import { headerName, preflightHeaders, rawHeaders } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const caddy: StackGenerator = {
  info: stackInfo('caddy'),
  filename: 'Caddyfile',
  pitfalls: [
    'Caddy runs basic_auth and forward_auth before respond: if you use them, wrap everything in a `route { }` block with the CORS lines first, or preflights get 401.',
    'Errors Caddy makes itself (502 when the backend is down) go through handle_errors: repeat the header lines there.',
    'If the backend also sends Access-Control-Allow-Origin, remove it (`header -Access-Control-Allow-Origin` in reverse_proxy\'s header_down): two values are refused.',
  ],
  code: (p) => {
    const q = caddyString;
    const lines = ['# Inside the site block of the API, before reverse_proxy.'];
    const [, ...rest] = rawHeaders(p, '');
    const all = [...rest, ...preflightHeaders(p)];
    if (p.dynamic) {
      lines.push('@cors_origin {');
      for (const o of p.origins) lines.push(`\theader Origin ${q(o)}`);
      lines.push('}', 'header @cors_origin {', '\tAccess-Control-Allow-Origin "{header.Origin}"');
    } else {
      lines.push('header {', `\tAccess-Control-Allow-Origin ${q(p.origins[0] as string)}`);
    }
    for (const [k, v] of all) lines.push(`\t${headerName(k, q)} ${q(v)}`);
    lines.push('}');
    if (p.dynamic) lines.push('header +Vary Origin');
    lines.push(
      '',
      '# Preflight: answered here with 204, before the backend.',
      '@cors_preflight {',
      '\tmethod OPTIONS',
      '\theader Access-Control-Request-Method *',
      '}',
      'respond @cors_preflight 204',
    );
    return { code: lines.join('\n') };
  },
};
