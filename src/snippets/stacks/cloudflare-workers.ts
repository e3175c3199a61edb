import { fetchStyleHelpers, PREFLIGHT_TEST } from './fetch-style.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const cloudflareWorkers: StackGenerator = {
  info: stackInfo('cloudflare-workers'),
  filename: 'src/index.js',
  pitfalls: [
    'Responses returned by fetch() are immutable: copy them (new Response(body, response)) before setting headers.',
    'Errors thrown by your handler become a Cloudflare error page without CORS headers: catch them and answer with CORS headers.',
  ],
  code: (p) => ({
    code: [
      fetchStyleHelpers(p, false),
      '',
      'export default {',
      '  async fetch(request, env, ctx) {',
      "    const origin = request.headers.get('Origin');",
      '    const allowed = origin !== null && allowedOrigins.has(origin) ? origin : null;',
      '',
      '    // Preflight: answered here, before any auth or routing.',
      `    if (${PREFLIGHT_TEST}) {`,
      '      const response = new Response(null, { status: 204 });',
      '      setCors(response.headers, allowed, true);',
      '      return response;',
      '    }',
      '',
      '    let upstream;',
      '    try {',
      '      upstream = await handle(request, env, ctx);',
      '    } catch {',
      "      upstream = new Response('Internal Server Error', { status: 500 });",
      '    }',
      '    const response = new Response(upstream.body, upstream);',
      '    setCors(response.headers, allowed, false);',
      '    return response;',
      '  },',
      '};',
      '',
      '// Your Worker logic (or pass-through to the origin server).',
      'async function handle(request, env, ctx) {',
      '  return fetch(request);',
      '}',
    ].join('\n'),
  }),
};
