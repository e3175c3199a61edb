import { pyString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { StackGenerator } from '../types.ts';

export const flask: StackGenerator = {
  info: { id: 'flask', label: 'Flask (flask-cors)', language: 'python', kind: 'framework', verification: 'chromium' },
  filename: 'app.py',
  pitfalls: [
    'flask-cors treats an origin containing regex characters ([, ], *, ?, $...) as a regular expression: keep origins plain strings.',
    'Without allow_headers flask-cors reflects any requested header; without origins it allows every origin.',
    'Auth in before_request still runs for OPTIONS: skip it when request.method == "OPTIONS", or preflights get 401.',
  ],
  code: (p) => ({
    code: [
      'from flask import Flask',
      'from flask_cors import CORS',
      '',
      'app = Flask(__name__)',
      'CORS(',
      '    app,',
      fields(
        [
          ['origins', list(p.origins, pyString)],
          p.credentials && ['supports_credentials', 'True'],
          p.methods.length > 0 && ['methods', list(methodsWithSafelisted(p), pyString)],
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
