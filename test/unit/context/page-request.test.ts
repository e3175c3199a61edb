/** The request-context records the page sends: untrusted, so only well-formed, bounded ones are kept. */
import { describe, expect, it } from 'vitest';
import { PAGE_REQUEST_LIMITS, SAFELISTED_NAMES, parseStack, readPagePermissions, readPageRequest, readPageRequests } from '../../../src/context/page-request.ts';

/** A record as the hook sends it (JSON-parsed); override anything. */
function raw(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    api: 'fetch',
    url: 'https://api.example/v1/users?id=1',
    method: 'GET',
    mode: 'cors',
    credentials: 'same-origin',
    redirect: 'follow',
    headers: [],
    headerOrderKnown: true,
    body: 'none',
    uploadListener: false,
    frameOrigin: 'https://app.example',
    secureContext: true,
    at: 1_700_000_000_000,
    stack: '',
    ...over,
  };
}

describe('readPageRequest', () => {
  it('resolves a URL the page passed as a string against the base the call had, as fetch() does', () => {
    expect(readPageRequest(raw({ url: '../v2/items?q=1#top', base: 'https://app.example/app/page/index.html' }))?.url).toBe('https://app.example/app/v2/items?q=1');
    expect(readPageRequest(raw({ url: '//api.example/x', base: 'http://app.example/' }))?.url).toBe('http://api.example/x');
    // An absolute URL keeps its own scheme and host whatever the base.
    expect(readPageRequest(raw({ url: 'HTTPS://API.example:443/a/./b', base: 'http://app.example/' }))?.url).toBe('https://api.example/a/b');
  });

  it('drops a record whose relative URL has no usable base', () => {
    expect(readPageRequest(raw({ url: '/v1/users' }))).toBeUndefined();
    expect(readPageRequest(raw({ url: '/v1/users', base: 42 }))).toBeUndefined();
    expect(readPageRequest(raw({ url: '/v1/users', base: 'not a url' }))).toBeUndefined();
    expect(readPageRequest(raw({ url: '/v1/users', base: `https://app.example/${'a'.repeat(PAGE_REQUEST_LIMITS.url)}` }))).toBeUndefined();
  });

  it('accepts a well-formed record and strips the URL fragment (the network never sees it)', () => {
    const record = readPageRequest(raw({ url: 'https://api.example/v1/users?id=1#section', headers: [{ name: 'Accept', value: 'application/json' }] }));
    expect(record).toEqual({
      api: 'fetch',
      url: 'https://api.example/v1/users?id=1',
      method: 'GET',
      mode: 'cors',
      credentials: 'same-origin',
      redirect: 'follow',
      headers: [{ name: 'Accept', value: 'application/json' }],
      headerOrderKnown: true,
      body: 'none',
      uploadListener: false,
      frameOrigin: 'https://app.example',
      secureContext: true,
      at: 1_700_000_000_000,
      stack: [],
    });
  });

  it('rejects a request mode, credentials mode, redirect mode or API outside the Fetch enums', () => {
    expect(readPageRequest(raw({ api: 'websocket' }))).toBeUndefined();
    expect(readPageRequest(raw({ mode: 'CORS' }))).toBeUndefined();
    // 'websocket' and 'webtransport' are internal modes a page cannot ask for.
    expect(readPageRequest(raw({ mode: 'websocket' }))).toBeUndefined();
    expect(readPageRequest(raw({ credentials: 'always' }))).toBeUndefined();
    expect(readPageRequest(raw({ redirect: 'ignore' }))).toBeUndefined();
    // Names of Object.prototype are not enum values either.
    expect(readPageRequest(raw({ mode: 'constructor' }))).toBeUndefined();
  });

  it('rejects a method that is not an HTTP token', () => {
    expect(readPageRequest(raw({ method: 'GE T' }))).toBeUndefined();
    expect(readPageRequest(raw({ method: '' }))).toBeUndefined();
    // A lower-case token is still a token: kept byte-exact (fetch sends `patch` as is).
    expect(readPageRequest(raw({ method: 'patch' }))?.method).toBe('patch');
  });

  it('rejects a header name that is not a token (a space or a colon)', () => {
    expect(readPageRequest(raw({ headers: [{ name: 'X Api', value: '' }] }))).toBeUndefined();
    expect(readPageRequest(raw({ headers: [{ name: 'X-Api:', value: '' }] }))).toBeUndefined();
    expect(readPageRequest(raw({ headers: [{ name: 'X-Api', value: '' }] }))).toBeDefined();
  });

  it('rejects more than 64 headers', () => {
    const headers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `X-H${i}`, value: '' }));
    expect(readPageRequest(raw({ headers: headers(64) }))?.headers).toHaveLength(64);
    expect(readPageRequest(raw({ headers: headers(65) }))).toBeUndefined();
  });

  it('rejects a URL longer than 8192 characters, and one that does not parse', () => {
    const base = 'https://api.example/?q=';
    expect(readPageRequest(raw({ url: base + 'a'.repeat(8192 - base.length) }))).toBeDefined();
    expect(readPageRequest(raw({ url: base + 'a'.repeat(8193 - base.length) }))).toBeUndefined();
    expect(readPageRequest(raw({ url: '/relative/only' }))).toBeUndefined();
  });

  it('rejects anything that is not a plain object', () => {
    for (const v of [null, undefined, 'fetch', 42, [raw()]]) expect(readPageRequest(v), String(v)).toBeUndefined();
  });

  it('keeps header values only for the safelisted names, whose values decide the preflight', () => {
    const record = readPageRequest(raw({
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'X-Api-Key', value: 'secret-123' },
      ],
    }));
    expect(record?.headers).toEqual([
      { name: 'Content-Type', value: 'application/json' },
      // Possibly a secret, never needed: the name alone decides that it is not safelisted.
      { name: 'X-Api-Key', value: '' },
    ]);
    expect(SAFELISTED_NAMES.has('content-type')).toBe(true);
    expect(SAFELISTED_NAMES.has('x-api-key')).toBe(false);
  });

  it('truncates a header value to 2048 characters', () => {
    const record = readPageRequest(raw({ headers: [{ name: 'Accept', value: 'a'.repeat(5000) }] }));
    expect(record?.headers[0]?.value).toBe('a'.repeat(2048));
    expect(PAGE_REQUEST_LIMITS.headerValue).toBe(2048);
  });
});

describe('readPageRequests', () => {
  it('drops the malformed items and keeps the others in order', () => {
    const records = readPageRequests([raw({ url: 'https://api.example/a' }), raw({ mode: 'bogus' }), 'junk', null, raw({ url: 'https://api.example/b' })]);
    expect(records.map((r) => r.url)).toEqual(['https://api.example/a', 'https://api.example/b']);
  });

  it('returns at most 100 records per message', () => {
    const many = Array.from({ length: 150 }, (_, i) => raw({ url: `https://api.example/${i}` }));
    const records = readPageRequests(many);
    expect(records).toHaveLength(100);
    expect(records[0]?.url).toBe('https://api.example/0');
  });

  it('returns [] for anything that is not an array', () => {
    for (const v of [undefined, null, raw(), 'records', 7]) expect(readPageRequests(v)).toEqual([]);
  });
});

describe('parseStack', () => {
  it('reads a named V8 frame, with 0-based line and column as DevTools stacks have them', () => {
    expect(parseStack('    at loadUser (https://app.example/app.js:10:5)')).toEqual([
      { functionName: 'loadUser', url: 'https://app.example/app.js', lineNumber: 9, columnNumber: 4 },
    ]);
  });

  it('reads an anonymous frame with an empty function name', () => {
    expect(parseStack('    at https://app.example/app.js:3:7')).toEqual([
      { functionName: '', url: 'https://app.example/app.js', lineNumber: 2, columnNumber: 6 },
    ]);
  });

  it('keeps a URL with a port whole', () => {
    expect(parseStack('    at f (http://localhost:8080/app.js:1:2)')).toEqual([
      { functionName: 'f', url: 'http://localhost:8080/app.js', lineNumber: 0, columnNumber: 1 },
    ]);
  });

  it('skips the leading frames without a page URL (the injected hook\'s own)', () => {
    const text = ['    at Object.apply (<anonymous>:176:26)', '    at loadUser (https://app.example/app.js:10:5)'].join('\n');
    expect(parseStack(text).map((f) => f.functionName)).toEqual(['loadUser']);
  });

  it('keeps at most 8 frames, innermost first', () => {
    const text = Array.from({ length: 12 }, (_, i) => `    at f${i} (https://app.example/app.js:${i + 1}:1)`).join('\n');
    const frames = parseStack(text);
    expect(frames).toHaveLength(8);
    expect(frames.map((f) => f.functionName)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
  });

  it('ignores lines that are not frames', () => {
    const text = ['Error: boom', 'garbage', '    at nowhere', '    at f (https://app.example/a.js:1:1)', ''].join('\n');
    expect(parseStack(text).map((f) => f.functionName)).toEqual(['f']);
    expect(parseStack('')).toEqual([]);
  });

  it('returns on a 100,000-character hostile line (the page controls the text)', () => {
    // Shapes that make a backtracking matcher try many splits: no frame in any of them.
    for (const line of ['    at ' + '( :1:'.repeat(20_000), '    at ' + ' ('.repeat(50_000), '    at x (' + ':1:'.repeat(33_334) + 'x']) {
      expect(line.length).toBeGreaterThanOrEqual(100_000);
      expect(parseStack(line)).toEqual([]);
    }
  });
});

describe('readPagePermissions', () => {
  it('keeps well-formed local-network-access states and drops the rest', () => {
    const ok = { api: 'permission', state: 'denied', frameOrigin: 'https://app.example', at: 1 };
    expect(readPagePermissions([ok, { ...ok, state: 'maybe' }, { ...ok, at: 'now' }, { ...ok, api: 'fetch' }, 'x'])).toEqual([ok]);
    expect(readPagePermissions({})).toEqual([]);
  });

  it('reads targetAddressSpace on a call only when it is a known space', () => {
    expect(readPageRequest({ ...raw(), targetAddressSpace: 'local' })?.targetAddressSpace).toBe('local');
    expect(readPageRequest({ ...raw(), targetAddressSpace: 'intranet' })?.targetAddressSpace).toBeUndefined();
  });
});
