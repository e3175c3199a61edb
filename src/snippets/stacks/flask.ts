import { pyString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { fields, list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

/**
 * flask-cors reads an origin or allowed header that contains one of these as a regular
 * expression (flask_cors.core.probably_regex), matched with re.match: start-anchored only, so a
 * header named `x*` would allow every header and `http://[::1]:3000` would not match itself.
 */
const FLASK_CORS_REGEX_CHARS = /[*\\\]?$^[()]/;

/** A value flask-cors must match literally: a plain string, or an anchored, escaped, case-insensitive pattern. */
function literal(value: string): string {
  if (!FLASK_CORS_REGEX_CHARS.test(value)) return pyString(value);
  // Python's re.escape for the ASCII punctuation a token or an origin can hold: every
  // character that is not a letter, digit or underscore gets a backslash.
  const escaped = value.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
  return `re.compile(${pyString(`(?i)${escaped}\\Z`)})`;
}

export const flask: StackGenerator = {
  info: stackInfo('flask'),
  filename: 'app.py',
  pitfalls: [
    'flask-cors reads a string containing regex characters ([, ], *, ?, $...) as a regular expression: such origins and headers are written as escaped, anchored patterns.',
    'Without allow_headers flask-cors reflects any requested header; without origins it allows every origin.',
    'Auth in before_request still runs for OPTIONS: skip it when request.method == "OPTIONS", or preflights get 401.',
  ],
  code: (p) => ({
    code: [
      ...([...p.origins, ...p.headers].some((v) => FLASK_CORS_REGEX_CHARS.test(v)) ? ['import re', ''] : []),
      'from flask import Flask',
      'from flask_cors import CORS',
      '',
      'app = Flask(__name__)',
      'CORS(',
      '    app,',
      fields(
        [
          ['origins', list(p.origins, literal)],
          p.credentials && ['supports_credentials', 'True'],
          p.methods.length > 0 && ['methods', list(methodsWithSafelisted(p), pyString)],
          p.headers.length > 0 && ['allow_headers', list(p.headers, literal)],
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
