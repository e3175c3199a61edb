import { fetchStyleHelpers, PREFLIGHT_TEST } from './fetch-style.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const nextjs: StackGenerator = {
  info: stackInfo('nextjs'),
  filename: 'proxy.ts',
  pitfalls: [
    'next.config.js headers() cannot check the Origin, so it can only send one fixed origin: use proxy.ts (middleware.ts with `export function middleware` before Next.js 16).',
    'The proxy answers preflights before route handlers and auth; keep the matcher covering every API path the page calls.',
    'Do not also set CORS headers in route handlers: two Access-Control-Allow-Origin values are refused.',
  ],
  code: (p) => ({
    code: [
      "import { NextResponse, type NextRequest } from 'next/server';",
      '',
      fetchStyleHelpers(p, true),
      '',
      'export function proxy(request: NextRequest) {',
      "  const origin = request.headers.get('Origin');",
      '  const allowed = origin !== null && allowedOrigins.has(origin) ? origin : null;',
      '',
      '  // Preflight: answered here, before route handlers and any auth.',
      `  if (${PREFLIGHT_TEST}) {`,
      '    const response = new NextResponse(null, { status: 204 });',
      '    setCors(response.headers, allowed, true);',
      '    return response;',
      '  }',
      '',
      '  const response = NextResponse.next();',
      '  setCors(response.headers, allowed, false);',
      '  return response;',
      '}',
      '',
      "export const config = { matcher: '/api/:path*' };",
    ].join('\n'),
  }),
};
