import { apacheString } from '../escape.ts';
import { headerName, preflightHeaders, rawHeaders } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const apache: StackGenerator = {
  info: stackInfo('apache'),
  filename: 'httpd.conf (VirtualHost)',
  pitfalls: [
    'Use `Header always set`: plain `Header set` is not applied to responses Apache makes itself (the 204 preflight answer, 401 from auth, 404, 502/503 when the backend is down).',
    'Put this in the <VirtualHost>, not in .htaccess: in .htaccess the rewrite runs after authentication, so preflights get 401.',
    'Needs mod_headers, mod_setenvif and mod_rewrite (a2enmod headers setenvif rewrite).',
    'If the application also sends Access-Control-Allow-Origin, remove one of them: two values are refused.',
  ],
  code: (p) => {
    const q = (s: string): string => apacheString(s, { headerValue: true });
    const lines = ['# In the <VirtualHost> of the API (needs mod_headers, mod_setenvif, mod_rewrite).'];
    let cond = '';
    if (p.dynamic) {
      const re = `^(${p.origins.map(regexEscape).join('|')})$`;
      lines.push(`SetEnvIf Origin ${apacheString(re)} CORS_ALLOW_ORIGIN=$0`);
      lines.push('Header always set Access-Control-Allow-Origin "%{CORS_ALLOW_ORIGIN}e" env=CORS_ALLOW_ORIGIN');
      cond = ' env=CORS_ALLOW_ORIGIN';
    } else {
      lines.push(`Header always set Access-Control-Allow-Origin ${q(p.origins[0] as string)}`);
    }
    if (p.actions.some((a) => a.id === 'single-allow-origin-value')) {
      lines.splice(1, 0, '# The application sends its own value: drop it so only one reaches the browser.', 'Header unset Access-Control-Allow-Origin');
    }
    const [, ...rest] = rawHeaders(p, '');
    for (const [k, v] of [...rest, ...preflightHeaders(p)]) lines.push(`Header always set ${headerName(k, apacheString)} ${q(v)}${cond}`);
    if (p.dynamic) lines.push('Header always merge Vary Origin');
    lines.push(
      '',
      '# Preflight: answered here with 204, before authentication and the application.',
      'RewriteEngine On',
      'RewriteCond %{REQUEST_METHOD} =OPTIONS',
      'RewriteCond %{HTTP:Access-Control-Request-Method} .',
      'RewriteRule ^ - [R=204,L]',
    );
    return { code: lines.join('\n') };
  },
};
