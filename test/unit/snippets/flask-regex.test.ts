/**
 * flask-cors reads strings with regex characters as regular expressions (issue 16, finding 6).
 * The Flask snippet's origins and allowed headers are checked with flask-cors's own matcher
 * (flask_cors.core.try_match_any_pattern) in a real Python, when flask-cors is installed.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FixPlan } from '../../../src/engine/types.ts';
import { generateSnippet } from '../../../src/snippets/index.ts';
import { findPython, OPTIONAL_TOOLS as T } from '../../harness/tools.ts';

const PY = findPython(T.flask, T.flaskCors);

/** Runs the snippet with CORS() replaced by a recorder, then asks flask-cors's matcher each question. */
const PROBE = String.raw`
import json, re, sys
from flask_cors.core import try_match_any_pattern
snippet, questions = json.loads(sys.stdin.read())
captured = {}
def record(app, **options):
    captured.update(options)
code = snippet.replace('from flask_cors import CORS', '')
exec(code, {'CORS': record, '__name__': 'snippet'})
answers = [bool(try_match_any_pattern(value, captured[key], caseSensitive=False)) for key, value in questions]
print(json.dumps(answers))
`;

function plan(origins: string[], headers: string[]): FixPlan {
  return {
    targetOrigin: 'https://api.example.com',
    policy: { allowOrigins: origins, allowCredentials: true, allowMethods: ['PUT'], allowHeaders: headers, exposeHeaders: [] },
    headers: [],
    actions: [],
    serverFixable: true,
  };
}

describe.skipIf(!PY)('Flask snippet under flask-cors matching', () => {
  it('allows exactly the listed origins and headers, even those with regex characters', () => {
    const snippet = generateSnippet('flask', plan(['http://[::1]:3000', 'https://app.example.com'], ['x*', 'x-ok', 'a^b'])).code;
    const questions: Array<[string, string, boolean]> = [
      ['origins', 'http://[::1]:3000', true],
      ['origins', 'https://app.example.com', true],
      ['origins', 'https://app.example.com.evil.example', false],
      ['origins', 'http://[::1]:30001', false],
      ['allow_headers', 'x*', true],
      ['allow_headers', 'X*', true],
      ['allow_headers', 'x-ok', true],
      ['allow_headers', 'a^b', true],
      ['allow_headers', 'authorization', false],
      ['allow_headers', 'xx', false],
      ['allow_headers', 'x*-more', false],
    ];
    const run = spawnSync(PY, ['-c', PROBE], { input: JSON.stringify([snippet, questions.map(([key, value]) => [key, value])]), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const answers = JSON.parse(run.stdout) as boolean[];
    expect(questions.map(([key, value], i) => `${key} ${value}: ${answers[i]}`)).toEqual(questions.map(([key, value, want]) => `${key} ${value}: ${want}`));
  });
});
