import { pyString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const fastapi: StackGenerator = {
  info: stackInfo('fastapi'),
  filename: 'main.py',
  pitfalls: [
    'app.add_middleware(CORSMiddleware, ...) sits inside Starlette\'s ServerErrorMiddleware: 500s from unhandled exceptions lose the CORS headers. Wrapping the app (cors_app below) avoids that; serve cors_app.',
    'Starlette checks the preflight method against allow_methods (default GET only): list every method the page uses.',
    'allow_origins=["*"] with allow_credentials=True makes Starlette reflect any origin: keep an explicit list.',
  ],
  code: (p) => ({
    code: [
      'from fastapi import FastAPI',
      'from starlette.middleware.cors import CORSMiddleware',
      '',
      'app = FastAPI()',
      '',
      '# Wraps the whole app, so even 500s from unhandled exceptions carry CORS headers.',
      '# Serve this object: uvicorn main:cors_app',
      'cors_app = CORSMiddleware(',
      '    app,',
      fields(
        [
          ['allow_origins', list(p.origins, pyString)],
          p.credentials && ['allow_credentials', 'True'],
          ['allow_methods', list(methodsWithSafelisted(p), pyString)],
          p.headers.length > 0 && ['allow_headers', list(p.headers, pyString)],
          p.expose.length > 0 && ['expose_headers', list(p.expose, pyString)],
          p.maxAge !== undefined && ['max_age', String(p.maxAge)],
        ],
        '    ',
        '=',
      ),
      ')',
    ].join('\n'),
  }),
};
