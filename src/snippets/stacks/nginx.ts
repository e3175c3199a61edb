import { nginxString } from '../escape.ts';
import { headerName, preflightHeaders, rawHeaders } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const NGINX_HTTP_MARK = '# --- in the http {} block ---';
export const NGINX_SERVER_MARK = '# --- in the server {} block of the API ---';

export const nginx: StackGenerator = {
  info: stackInfo('nginx'),
  filename: 'nginx.conf',
  pitfalls: [
    'Keep `always`: without it add_header is skipped on 4xx/5xx responses and the page only sees a CORS error.',
    'A location or `if` block with its own add_header drops every add_header inherited from the server block: repeat them there or keep such blocks free of add_header.',
    'The preflight `return 204` runs in the rewrite phase, before auth_basic/auth_request and before proxy_pass.',
    'If the backend also sends Access-Control-Allow-Origin, hide it (proxy_hide_header): two values are refused.',
  ],
  code: (p) => {
    const q = nginxString;
    const lines: string[] = [];
    let originValue: string;
    if (p.dynamic) {
      lines.push(NGINX_HTTP_MARK, 'map $http_origin $cors_allow_origin {', '    default "";');
      for (const o of p.origins) lines.push(`    ${q(o)} $http_origin;`);
      lines.push('}', '');
      originValue = '$cors_allow_origin';
    } else {
      originValue = q(p.origins[0] as string);
    }
    lines.push(NGINX_SERVER_MARK);
    if (p.actions.some((a) => a.id === 'single-allow-origin-value')) {
      lines.push('# The backend sends its own CORS headers: drop them so only one value reaches the browser.');
      for (const h of ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials']) lines.push(`proxy_hide_header ${h};`);
    }
    lines.push('# `always`: also on 4xx/5xx responses.');
    const [first, ...rest] = rawHeaders(p, '');
    void first;
    lines.push(`add_header Access-Control-Allow-Origin ${originValue} always;`);
    for (const [k, v] of [...rest, ...preflightHeaders(p)]) lines.push(`add_header ${headerName(k, q)} ${q(v)} always;`);
    if (p.dynamic) lines.push('add_header Vary Origin always;');
    lines.push(
      '',
      '# Preflight: answered here, before auth and the backend.',
      'if ($request_method = OPTIONS) {',
      '    return 204;',
      '}',
    );
    return { code: lines.join('\n') };
  },
};
