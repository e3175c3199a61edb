import { jsString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const hono: StackGenerator = {
  info: stackInfo('hono'),
  filename: 'app.ts',
  pitfalls: [
    "Mount cors() with app.use('*', ...) before auth middleware (e.g. bearerAuth) so preflights are answered first.",
    'Without allowHeaders, hono/cors reflects whatever Access-Control-Request-Headers asks for.',
  ],
  code: (p) => ({
    code: [
      "import { Hono } from 'hono';",
      "import { cors } from 'hono/cors';",
      '',
      'const app = new Hono();',
      '',
      '// Before auth middleware and routes: answers preflights (OPTIONS) itself.',
      "app.use('*', cors({",
      fields(
        [
          ['origin', p.dynamic ? list(p.origins, jsString) : jsString(p.origins[0] as string)],
          p.credentials && ['credentials', 'true'],
          p.methods.length > 0 && ['allowMethods', list(methodsWithSafelisted(p), jsString)],
          p.headers.length > 0 && ['allowHeaders', list(p.headers, jsString)],
          p.expose.length > 0 && ['exposeHeaders', list(p.expose, jsString)],
          p.maxAge !== undefined && ['maxAge', String(p.maxAge)],
        ],
        '  ',
      ),
      '}));',
    ].join('\n'),
  }),
};
