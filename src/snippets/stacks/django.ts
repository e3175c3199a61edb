import { pyString } from '../escape.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

const DEFAULT_METHODS = new Set(['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
/** In django-cors-headers' default_headers in every version since 3.x. */
const DEFAULT_HEADERS = new Set(['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with']);

const pyList = (values: string[]): string => ['[', ...values.map((v) => `    ${pyString(v)},`), ']'].join('\n');

export const django: StackGenerator = {
  info: stackInfo('django'),
  filename: 'settings.py',
  pitfalls: [
    'CorsMiddleware must be first (at least above CommonMiddleware and any auth middleware), or redirects and 401s reach preflights first.',
    'CORS_ALLOWED_ORIGINS entries are exact origins: no path, no trailing slash.',
    'Do not set CORS_ALLOW_ALL_ORIGINS = True together with CORS_ALLOW_CREDENTIALS: it reflects every origin.',
  ],
  code: (p) => {
    const extraMethods = p.methods.filter((m) => !DEFAULT_METHODS.has(m));
    const extraHeaders = p.headers.filter((h) => !DEFAULT_HEADERS.has(h));
    const imports: string[] = [];
    if (extraHeaders.length) imports.push('default_headers');
    if (extraMethods.length) imports.push('default_methods');
    const lines = ['# At the end of settings.py (pip install django-cors-headers).'];
    if (imports.length) lines.push(`from corsheaders.defaults import ${imports.join(', ')}`, '');
    lines.push(
      'INSTALLED_APPS += ["corsheaders"]',
      '# First middleware: answers preflights before CommonMiddleware and auth.',
      'MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")',
      '',
      `CORS_ALLOWED_ORIGINS = ${pyList(p.origins)}`,
    );
    if (p.credentials) lines.push('CORS_ALLOW_CREDENTIALS = True');
    if (extraMethods.length) lines.push(`CORS_ALLOW_METHODS = (*default_methods, ${extraMethods.map(pyString).join(', ')})`);
    if (extraHeaders.length) lines.push(`CORS_ALLOW_HEADERS = (*default_headers, ${extraHeaders.map(pyString).join(', ')})`);
    if (p.expose.length) lines.push(`CORS_EXPOSE_HEADERS = ${pyList(p.expose)}`);
    if (p.maxAge !== undefined) lines.push(`CORS_PREFLIGHT_MAX_AGE = ${p.maxAge}`);
    return { code: lines.join('\n') };
  },
};
