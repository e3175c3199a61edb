import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOwnExtensionPage, parseDevtoolsPortMessage, parseRequest, parseSubscribeMessage, route, type RequestHandlers } from '../../../src/messages/protocol.ts';

const exchange = {
  initiatorOrigin: 'https://app.example',
  method: 'GET',
  requestHeaders: [{ name: 'Origin', value: 'https://app.example' }],
  mode: 'cors',
  credentials: 'unknown',
  redirect: 'unknown',
  hops: [{ url: 'https://api.example/x', response: { status: 200, headers: [] } }],
  preflight: { kind: 'none' },
  outcome: { kind: 'completed' },
};

describe('parseRequest', () => {
  it('accepts every well-formed request', () => {
    expect(parseRequest({ type: 'tab/report', tabId: 3 })).toEqual({ type: 'tab/report', tabId: 3 });
    expect(parseRequest({ type: 'capture/start', tabId: 3, reload: true })).toEqual({ type: 'capture/start', tabId: 3, reload: true });
    expect(parseRequest({ type: 'tab/preserve-log', tabId: 3, preserve: false })).toEqual({ type: 'tab/preserve-log', tabId: 3, preserve: false });
    expect(parseRequest({ type: 'settings/set', patch: { cheapWatch: false, evil: 1 } })).toEqual({ type: 'settings/set', patch: { cheapWatch: false } });
    expect(parseRequest({ type: 'devtools/exchanges', tabId: 1, exchanges: [exchange] })).toMatchObject({ type: 'devtools/exchanges', tabId: 1 });
    expect(parseRequest({ type: 'debug/state' })).toEqual({ type: 'debug/state' });
    expect(parseRequest({ type: 'tab/open-log', tabId: 7 })).toEqual({ type: 'tab/open-log', tabId: 7 });
    expect(parseRequest({ type: 'tab/open-log', tabId: 'javascript:alert(1)' })).toBeUndefined();
  });

  it('rejects hostile or malformed input', () => {
    const bad: unknown[] = [
      null, undefined, 0, 'tab/report', [], [{ type: 'tab/report', tabId: 1 }],
      { type: 'tab/report' }, { type: 'tab/report', tabId: -1 }, { type: 'tab/report', tabId: 1.5 }, { type: 'tab/report', tabId: '1' },
      { type: 'tab/report', tabId: Number.NaN }, { type: 'tab/report', tabId: Infinity },
      { type: 'capture/start', tabId: 1 }, { type: 'capture/start', tabId: 1, reload: 'yes' },
      { type: 'tab/preserve-log', tabId: 1, preserve: 1 },
      { type: 'settings/set', patch: null }, { type: 'settings/set', patch: [] },
      { type: '__proto__', tabId: 1 }, { type: 'constructor' }, { type: 'toString' },
      { type: 'devtools/exchanges', tabId: 1, exchanges: [{}] },
      { type: 'devtools/exchanges', tabId: 1, exchanges: [{ ...exchange, hops: [] }] },
      { type: 'devtools/exchanges', tabId: 1, exchanges: [{ ...exchange, hops: [{ url: 5 }] }] },
      { type: 'devtools/exchanges', tabId: 1, exchanges: [{ ...exchange, preflight: { kind: 'evil' } }] },
      { type: 'devtools/exchanges', tabId: 1, exchanges: [{ ...exchange, requestHeaders: [{ name: 1, value: 'x' }] }] },
      { type: 'devtools/exchanges', tabId: 1, exchanges: [{ ...exchange, outcome: { kind: 'failed' } }] },
      { type: 'devtools/exchanges', tabId: 1, exchanges: 'x' },
      { type: 'devtools/har-entries', tabId: 1, entries: [1] },
      { type: 'debug/raw-events', tabId: -5 },
    ];
    for (const m of bad) expect(parseRequest(m), JSON.stringify(m)).toBeUndefined();
    expect(parseRequest({ type: 'settings/set', patch: { snippetStack: 'x'.repeat(65) } })).toEqual({ type: 'settings/set', patch: {} });
  });

  it('never throws and returns only known types on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (m) => {
        const r = parseRequest(m);
        expect(r === undefined || typeof r.type === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.record({ type: fc.constantFrom('tab/report', 'capture/start', 'devtools/exchanges', 'settings/set'), tabId: fc.anything(), reload: fc.anything(), exchanges: fc.anything(), patch: fc.anything() }), (m) => {
        expect(() => parseRequest(m)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('port messages and senders', () => {
    expect(parseSubscribeMessage({ type: 'subscribe', tabId: 4 })).toEqual({ type: 'subscribe', tabId: 4 });
    expect(parseSubscribeMessage({ type: 'subscribe', tabId: -4 })).toBeUndefined();
    expect(parseDevtoolsPortMessage({ type: 'devtools', tabId: 4 })).toEqual({ type: 'devtools', tabId: 4 });
    expect(parseDevtoolsPortMessage({ type: 'devtools' })).toBeUndefined();
    expect(parseDevtoolsPortMessage({ type: 'active', tabId: 4, extra: '<x>' })).toEqual({ type: 'active', tabId: 4 });
    expect(parseDevtoolsPortMessage({ type: 'activate', tabId: 4 })).toBeUndefined();
    const origin = 'chrome-extension://abc';
    expect(isOwnExtensionPage({ id: 'abc', url: `${origin}/src/popup/index.html` }, 'abc', origin)).toBe(true);
    expect(isOwnExtensionPage({ id: 'abc', url: 'https://evil.example/' }, 'abc', origin)).toBe(false);
    expect(isOwnExtensionPage({ id: 'other', url: `${origin}/x` }, 'abc', origin)).toBe(false);
    expect(isOwnExtensionPage({ id: 'abc', url: `${origin}.evil/x` }, 'abc', origin)).toBe(false);
    expect(isOwnExtensionPage({ id: 'abc' }, 'abc', origin)).toBe(false);
  });
});

describe('route', () => {
  const settings = { cheapWatch: true, snippetStack: null, keepSecrets: false, pageContext: true };
  const calls: string[] = [];
  const handlers: RequestHandlers = {
    'tab/report': () => Promise.reject(new Error('not in this test')),
    'tab/clear': (r) => (calls.push(`clear ${r.tabId}`), { cleared: true }),
    'tab/open-log': () => Promise.reject(new Error('not in this test')),
    'tab/preserve-log': (r) => ({ preserveLog: r.preserve }),
    'capture/start': () => Promise.reject(new Error('not in this test')),
    'capture/stop': () => Promise.reject(new Error('not in this test')),
    'settings/get': () => settings,
    'settings/set': async (r) => ({ ...settings, ...r.patch }),
    'devtools/har-entries': (r) => ({ accepted: r.entries.length }),
    'devtools/exchanges': (r) => ({ accepted: r.exchanges.length }),
    'debug/state': () => Promise.reject(new Error('not in this test')),
    'debug/raw-events': () => ({ events: [], dropped: 0 }),
    'debug/har-entries': () => ({ entries: [] }),
    'trial/start': () => Promise.reject(new Error('not in this test')),
    'trial/end': (r) => ({ ended: r.tabId === 4 }),
  };
  it('answers each request with the handler of its type', async () => {
    expect(await route(handlers, { type: 'tab/clear', tabId: 4 })).toEqual({ cleared: true });
    expect(calls).toEqual(['clear 4']);
    expect(await route(handlers, { type: 'settings/set', patch: { cheapWatch: false } })).toEqual({ cheapWatch: false, snippetStack: null, keepSecrets: false, pageContext: true });
    expect(await route(handlers, { type: 'devtools/har-entries', tabId: 1, entries: [{}, {}] })).toEqual({ accepted: 2 });
  });
  it('passes a handler failure on as a rejection', async () => {
    await expect(route(handlers, { type: 'debug/state' })).rejects.toThrow('not in this test');
  });
});
