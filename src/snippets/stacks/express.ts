import { jsString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { PreparedPolicy, StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

/** Options object shared by the `cors` package users (Express, NestJS, Socket.io). */
export function corsPackageOptions(p: PreparedPolicy, indent: string): string {
  return fields(
    [
      ['origin', p.dynamic ? list(p.origins, jsString) : jsString(p.origins[0] as string)],
      p.credentials && ['credentials', 'true'],
      p.methods.length > 0 && ['methods', list(methodsWithSafelisted(p), jsString)],
      p.headers.length > 0 && ['allowedHeaders', list(p.headers, jsString)],
      p.expose.length > 0 && ['exposedHeaders', list(p.expose, jsString)],
      p.maxAge !== undefined && ['maxAge', String(p.maxAge)],
    ],
    indent,
  );
}

export const express: StackGenerator = {
  info: stackInfo('express'),
  filename: 'app.js',
  pitfalls: [
    'Register cors() before any auth middleware, router or static handler: it answers preflights itself (204) and stops there.',
    'If you add a separate preflight route, Express 5 needs the path `/{*splat}`; Express 4 used `*`.',
    'The headers are set before your routes run, so the default error handler keeps them on 4xx/5xx; a proxy in front must not strip them.',
  ],
  code: (p) => ({
    code: [
      "import express from 'express';",
      "import cors from 'cors';",
      '',
      'const app = express();',
      '',
      '// First middleware: answers preflights (OPTIONS) before auth and routes run.',
      'app.use(cors({',
      corsPackageOptions(p, '  '),
      '}));',
    ].join('\n'),
  }),
};
