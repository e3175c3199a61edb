import { haproxyString } from '../escape.ts';
import { headerName, preflightHeaders, rawHeaders } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const haproxy: StackGenerator = {
  info: stackInfo('haproxy'),
  filename: 'haproxy.cfg (frontend)',
  pitfalls: [
    'Use http-after-response, not http-response: only it also covers the responses HAProxy makes itself (the preflight 204, 503 when no server is up, 504).',
    'The preflight `http-request return` runs before http-request auth rules written after it and never reaches the backend.',
    'If the backend also sends Access-Control-Allow-Origin, delete it (http-response del-header): two values are refused.',
  ],
  code: (p) => {
    const q = (s: string): string => haproxyString(s);
    const f = (s: string): string => haproxyString(s, { logFormat: true });
    const lines = ['    # In the frontend that serves the API (HAProxy 2.2+).'];
    let cond = '';
    if (p.dynamic) {
      lines.push(
        `    acl cors_allowed_origin req.hdr(Origin) -m str ${p.origins.map(q).join(' ')}`,
        '    http-request set-var(txn.cors_origin) req.hdr(Origin) if cors_allowed_origin',
      );
      cond = ' if { var(txn.cors_origin) -m found }';
    }
    if (p.actions.some((a) => a.id === 'single-allow-origin-value')) {
      lines.push('    http-response del-header Access-Control-Allow-Origin');
    }
    lines.push(
      '    # Preflight: answered here with 204, before auth rules and the backend.',
      '    http-request return status 204 if METH_OPTIONS { req.hdr(Access-Control-Request-Method) -m found }',
      '    # http-after-response also covers responses HAProxy makes itself (204 above, 503, 504).',
    );
    if (p.dynamic) {
      lines.push(`    http-after-response set-header Access-Control-Allow-Origin "%[var(txn.cors_origin)]"${cond}`);
    } else {
      lines.push(`    http-after-response set-header Access-Control-Allow-Origin ${f(p.origins[0] as string)}`);
    }
    const [, ...rest] = rawHeaders(p, '');
    for (const [k, v] of [...rest, ...preflightHeaders(p)]) lines.push(`    http-after-response set-header ${headerName(k, q)} ${f(v)}${cond}`);
    if (p.dynamic) lines.push('    http-after-response add-header Vary Origin');
    return { code: lines.join('\n') };
  },
};
