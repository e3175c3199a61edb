import { jsString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const koa: StackGenerator = {
  info: stackInfo('koa'),
  filename: 'app.js',
  pitfalls: [
    'Never use `cors({ credentials: true })` without `origin`: @koa/cors then reflects ANY origin with credentials.',
    'app.use(cors(...)) must come before auth and router middleware; keepHeadersOnError (default true) keeps the headers on thrown errors.',
  ],
  code: (p) => {
    const lines = ["import Koa from 'koa';", "import cors from '@koa/cors';", '', 'const app = new Koa();', ''];
    let origin: string;
    if (p.dynamic) {
      lines.push(`const allowedOrigins = new Set(${list(p.origins, jsString)});`, '');
      origin = "(ctx) => (allowedOrigins.has(ctx.get('Origin')) ? ctx.get('Origin') : '')";
    } else {
      origin = jsString(p.origins[0] as string);
    }
    lines.push(
      '// First middleware: answers preflights (OPTIONS) before auth and routes run.',
      'app.use(cors({',
      fields(
        [
          ['origin', origin],
          p.credentials && ['credentials', 'true'],
          p.methods.length > 0 && ['allowMethods', list(methodsWithSafelisted(p), jsString)],
          p.headers.length > 0 && ['allowHeaders', list(p.headers, jsString)],
          p.expose.length > 0 && ['exposeHeaders', list(p.expose, jsString)],
          p.maxAge !== undefined && ['maxAge', String(p.maxAge)],
          ['keepHeadersOnError', 'true'],
        ],
        '  ',
      ),
      '}));',
    );
    return { code: lines.join('\n') };
  },
};
