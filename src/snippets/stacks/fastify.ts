import { jsString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const fastify: StackGenerator = {
  info: stackInfo('fastify'),
  filename: 'server.js',
  pitfalls: [
    'Register @fastify/cors before your routes and auth hooks; its default `hook: onRequest` answers preflights before preHandler/onRequest auth registered later.',
    '@fastify/cors adds its own OPTIONS route for every path: do not declare OPTIONS routes yourself.',
  ],
  code: (p) => ({
    code: [
      "import Fastify from 'fastify';",
      "import cors from '@fastify/cors';",
      '',
      'const fastify = Fastify();',
      '',
      '// Before routes and auth hooks: answers preflights (OPTIONS) itself.',
      'await fastify.register(cors, {',
      fields(
        [
          ['origin', p.dynamic ? list(p.origins, jsString) : jsString(p.origins[0] as string)],
          p.credentials && ['credentials', 'true'],
          p.methods.length > 0 && ['methods', list(methodsWithSafelisted(p), jsString)],
          p.headers.length > 0 && ['allowedHeaders', list(p.headers, jsString)],
          p.expose.length > 0 && ['exposedHeaders', list(p.expose, jsString)],
          p.maxAge !== undefined && ['maxAge', String(p.maxAge)],
        ],
        '  ',
      ),
      '});',
    ].join('\n'),
  }),
};
