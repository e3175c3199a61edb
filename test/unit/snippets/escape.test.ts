import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UnrepresentableError,
  caddyString,
  commentValue,
  csharpString,
  javaString,
  jsString,
  jsonString,
  nginxString,
  wellFormed,
} from '../../../src/snippets/escape.ts';
import { hostileAscii, hostileString } from './arbitraries.ts';

const ASCII = /^[\x20-\x7e]*$/;

/** Java: \uXXXX pre-pass (only after an even run of backslashes), then escapes. */
function parseJava(lit: string): string {
  let pre = '';
  for (let i = 0; i < lit.length; i++) {
    let run = 0;
    for (let j = i - 1; j >= 0 && lit[j] === '\\'; j--) run++;
    if (lit[i] === '\\' && run % 2 === 0 && lit[i + 1] === 'u') {
      pre += String.fromCharCode(parseInt(lit.slice(i + 2, i + 6), 16));
      i += 5;
    } else pre += lit[i];
  }
  expect(pre.startsWith('"') && pre.endsWith('"')).toBe(true);
  const body = pre.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"' || c === '\n' || c === '\r') throw new Error(`unescaped ${JSON.stringify(c)} in ${lit}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i] as string;
    if (n === '\\' || n === '"') out += n;
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else throw new Error(`bad escape \\${n}`);
  }
  return out;
}

/** C#: regular string literal escapes used by csharpString. */
function parseCsharp(lit: string): string {
  expect(lit.startsWith('"') && lit.endsWith('"')).toBe(true);
  return lit.slice(1, -1).replace(/\\(u[0-9A-F]{4}|\\|")|"/g, (m, e: string | undefined) => {
    if (e === undefined) throw new Error(`unescaped quote in ${lit}`);
    return e.startsWith('u') ? String.fromCharCode(parseInt(e.slice(1), 16)) : e;
  });
}

describe('escape: in-process parsers', () => {
  it('JavaScript literals evaluate back to the input', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const lit = jsString(s);
        expect(lit).toMatch(ASCII);
        expect(new Function(`return ${lit};`)()).toBe(wellFormed(s));
        // Cannot close the literal and add code.
        expect(new Function(`return [${lit}].length;`)()).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
  it('JSON strings parse back to the input', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const lit = jsonString(s);
        expect(lit).toMatch(ASCII);
        expect(JSON.parse(lit)).toBe(wellFormed(s));
      }),
      { numRuns: 500 },
    );
  });
  it('Java literals decode back (unicode pre-pass cannot close the string)', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        expect(parseJava(javaString(s))).toBe(wellFormed(s));
      }),
      { numRuns: 500 },
    );
    expect(javaString('"')).toBe('"\\""');
    expect(javaString('\n')).toBe('"\\012"');
  });
  it('C# literals decode back', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        expect(parseCsharp(csharpString(s))).toBe(wellFormed(s));
      }),
      { numRuns: 500 },
    );
  });
  it('comment values stay on one line and cannot end a PHP block or C comment', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const c = commentValue(s);
        expect(c).toMatch(ASCII);
        expect(c).not.toContain('?>');
        expect(c).not.toContain('*/');
      }),
    );
  });
  it('config escapers refuse what they cannot spell', () => {
    expect(() => nginxString('$http_cookie')).toThrow(UnrepresentableError);
    expect(() => nginxString('a\nb')).toThrow(UnrepresentableError);
    expect(() => caddyString('{env.SECRET}')).toThrow(UnrepresentableError);
    fc.assert(
      fc.property(hostileAscii, (s) => {
        try {
          const lit = caddyString(s);
          expect(lit.slice(1, -1).replace(/\\"/g, '"')).toBe(s);
        } catch (e) {
          expect(e).toBeInstanceOf(UnrepresentableError);
        }
      }),
    );
  });
});
