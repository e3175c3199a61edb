/** Joining the page's own call (the request context) to what the network showed. */
import { describe, expect, it } from 'vitest';
import { PageRequestLog, callOnlyExchange, mayPrecedeItsPageCall, rendererHeaders, splitCalls, withPageRequest } from '../../../src/capture/page-context.ts';
import type { PageRequest } from '../../../src/context/page-request.ts';
import { diagnose } from '../../../src/engine/diagnose.ts';
import type { Exchange } from '../../../src/engine/types.ts';

const PAGE = 'https://app.example';
const URL1 = 'https://api.example/v1/users';
const T0 = 1_700_000_000_000;

/** A call as readPageRequest returns it; override anything. */
function record(over: Partial<PageRequest> = {}): PageRequest {
  return {
    api: 'fetch',
    url: URL1,
    method: 'GET',
    mode: 'cors',
    credentials: 'same-origin',
    redirect: 'follow',
    headers: [],
    headerOrderKnown: true,
    body: 'none',
    uploadListener: false,
    frameOrigin: PAGE,
    secureContext: true,
    at: T0,
    stack: [],
    ...over,
  };
}

/** A captured exchange of PAGE to URL1 at T0, blocked on a missing Access-Control-Allow-Origin; override anything. */
function exchange(over: Partial<Exchange> = {}): Exchange {
  return {
    id: 'x',
    source: 'webrequest',
    initiatorOrigin: PAGE,
    method: 'GET',
    requestHeaders: [{ name: 'Accept', value: '*/*' }],
    mode: 'cors',
    credentials: 'unknown',
    redirect: 'unknown',
    hops: [{ url: URL1, response: { status: 200, headers: [] } }],
    preflight: { kind: 'none' },
    outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
    startedAt: T0,
    ...over,
  };
}

const names = (headers: Array<{ name: string }>) => headers.map((h) => h.name);

describe('PageRequestLog.take', () => {
  it('matches the exact URL, the fragment of the captured URL ignored', () => {
    const log = new PageRequestLog();
    log.add(1, [record()]);
    expect(log.take(1, exchange({ hops: [{ url: `${URL1}?x=1` }] }))).toBeUndefined();
    expect(log.take(1, exchange({ hops: [{ url: 'https://api.example/v1/user' }] }))).toBeUndefined();
    expect(log.take(1, exchange({ hops: [{ url: `${URL1}#top` }] }))?.url).toBe(URL1);
  });

  it('matches the method byte for byte: fetch does not upper-case `patch`', () => {
    const log = new PageRequestLog();
    log.add(1, [record({ method: 'patch' })]);
    expect(log.take(1, exchange({ method: 'PATCH' }))).toBeUndefined();
    expect(log.take(1, exchange({ method: 'patch' }))?.method).toBe('patch');
  });

  it('matches only a call from the exchange\'s initiator origin', () => {
    const log = new PageRequestLog();
    log.add(1, [record({ frameOrigin: 'https://widget.example' })]);
    expect(log.take(1, exchange())).toBeUndefined();
    expect(log.take(1, exchange({ initiatorOrigin: 'https://widget.example' }))?.frameOrigin).toBe('https://widget.example');
  });

  it('matches only a call close in time to the request', () => {
    const log = new PageRequestLog();
    log.add(1, [record({ at: T0 - 120_000 })]);
    // Two minutes before the request started: another call to the same URL.
    expect(log.take(1, exchange())).toBeUndefined();
    log.add(1, [record({ at: T0 - 1_000 })]);
    expect(log.take(1, exchange())?.at).toBe(T0 - 1_000);
  });

  it('matches only the same tab', () => {
    const log = new PageRequestLog();
    log.add(1, [record()]);
    expect(log.take(2, exchange())).toBeUndefined();
    expect(log.take(1, exchange())).toBeDefined();
  });

  it('takes the earliest of two matching calls first, and never the same call twice', () => {
    const log = new PageRequestLog();
    log.add(1, [record({ at: T0 - 2_000, redirect: 'error' }), record({ at: T0 - 1_000, redirect: 'manual' })]);
    expect(log.take(1, exchange())?.redirect).toBe('error');
    expect(log.take(1, exchange())?.redirect).toBe('manual');
    expect(log.take(1, exchange())).toBeUndefined();
    expect(log.size).toBe(0);
  });

  it('keeps at most `perTab` calls per tab, dropping the oldest', () => {
    const log = new PageRequestLog(2);
    log.add(1, [record({ url: 'https://api.example/a' }), record({ url: 'https://api.example/b' })]);
    log.add(1, [record({ url: 'https://api.example/c' })]);
    expect(log.size).toBe(2);
    expect(log.take(1, exchange({ hops: [{ url: 'https://api.example/a' }] }))).toBeUndefined();
    expect(log.take(1, exchange({ hops: [{ url: 'https://api.example/b' }] }))).toBeDefined();
    expect(log.take(1, exchange({ hops: [{ url: 'https://api.example/c' }] }))).toBeDefined();
  });

  it('forgets a tab\'s calls', () => {
    const log = new PageRequestLog();
    log.add(1, [record()]);
    log.add(2, [record()]);
    log.forgetTab(1);
    expect(log.size).toBe(1);
    expect(log.take(1, exchange())).toBeUndefined();
    expect(log.take(2, exchange())).toBeDefined();
  });

  it('join returns the exchange itself when no call matches', () => {
    const log = new PageRequestLog();
    const ex = exchange();
    expect(log.join(1, ex)).toBe(ex);
  });
});

describe('mayPrecedeItsPageCall', () => {
  it('is a fetch or XHR seen by webRequest only: DevTools entries, other resource types and the page\'s own calls never wait', () => {
    const kinds: Array<[Exchange['source'], string | undefined]> = [
      ['webrequest', 'xmlhttprequest'], ['webrequest', 'image'], ['webrequest', undefined],
      ['devtools', 'fetch'], ['devtools', 'xhr'], ['page', 'fetch'], ['har', 'xmlhttprequest'],
    ];
    expect(kinds.map(([source, resourceType]) => mayPrecedeItsPageCall(exchange({ source, resourceType })))).toEqual([true, false, false, false, false, false, false]);
  });
});

describe('withPageRequest', () => {
  it('fills the modes the wire did not show from the call', () => {
    const out = withPageRequest(exchange({ mode: 'unknown', credentials: 'unknown', redirect: 'unknown' }), record({ mode: 'no-cors', credentials: 'include', redirect: 'manual' }));
    expect([out.mode, out.credentials, out.redirect]).toEqual(['no-cors', 'include', 'manual']);
  });

  it('keeps what the wire shows: a Cookie-proven credentials "include" stays even if the call says "omit"', () => {
    const ex = exchange({ mode: 'cors', credentials: 'include', redirect: 'follow', requestHeaders: [{ name: 'Cookie', value: 'sid=1' }] });
    const out = withPageRequest(ex, record({ mode: 'same-origin', credentials: 'omit', redirect: 'error' }));
    expect([out.mode, out.credentials, out.redirect]).toEqual(['cors', 'include', 'follow']);
    // The captured exchange itself is left as it was.
    expect(ex.credentials).toBe('include');
  });

  it('sets the use-CORS-preflight flag for an XHR upload listener or a stream body, and only then', () => {
    expect(withPageRequest(exchange(), record({ api: 'xhr', method: 'POST', body: 'text', uploadListener: true })).forcedPreflight).toBe(true);
    expect(withPageRequest(exchange(), record({ method: 'POST', body: 'stream' })).forcedPreflight).toBe(true);
    expect(withPageRequest(exchange(), record({ method: 'POST', body: 'text' })).forcedPreflight).toBeFalsy();
  });

  it('takes the page\'s header list only when the exchange has none (never sent)', () => {
    const sent = exchange({ requestHeaders: [{ name: 'Accept', value: '*/*' }] });
    expect(withPageRequest(sent, record({ headers: [{ name: 'X-Api-Key', value: '' }] })).requestHeaders).toEqual([{ name: 'Accept', value: '*/*' }]);
    const unsent = withPageRequest(exchange({ requestHeaders: [] }), record({ headers: [{ name: 'X-Api-Key', value: '' }] }));
    expect(names(unsent.requestHeaders)).toContain('X-Api-Key');
  });

  it('adds the call\'s stack as the initiator stack only when the exchange has none', () => {
    const stack = [{ functionName: 'loadUser', url: `${PAGE}/app.js`, lineNumber: 9, columnNumber: 4 }];
    expect(withPageRequest(exchange(), record({ stack })).initiator?.stack).toEqual(stack);
    const own = [{ functionName: 'fromDevTools', url: `${PAGE}/main.js`, lineNumber: 0, columnNumber: 0 }];
    expect(withPageRequest(exchange({ initiator: { type: 'script', stack: own } }), record({ stack })).initiator?.stack).toEqual(own);
  });
});

describe('rendererHeaders', () => {
  const headers = [{ name: 'X-Trace', value: '' }, { name: 'accept', value: 'application/json' }, { name: 'Content-Language', value: 'en' }];

  it('sorts a fetch call\'s headers by lower-case name (Fetch "sort and combine"), then adds User-Agent', () => {
    expect(names(rendererHeaders(record({ api: 'fetch', headers, secureContext: false })))).toEqual(['accept', 'Content-Language', 'X-Trace', 'User-Agent']);
  });

  it('keeps an XHR call\'s headers in setRequestHeader order', () => {
    expect(names(rendererHeaders(record({ api: 'xhr', headers, secureContext: false })))).toEqual(['X-Trace', 'accept', 'Content-Language', 'User-Agent']);
  });

  it('adds the Content-Type a body implies when the page set none', () => {
    const ct = (r: PageRequest) => rendererHeaders(r).find((h) => h.name.toLowerCase() === 'content-type')?.value;
    // https://fetch.spec.whatwg.org/#concept-bodyinit-extract
    expect(ct(record({ method: 'POST', body: 'text' }))).toBe('text/plain;charset=UTF-8');
    expect(ct(record({ method: 'POST', body: 'params' }))).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(ct(record({ method: 'POST', body: 'none' }))).toBeUndefined();
    // The page's own Content-Type wins, whatever its case.
    const own = rendererHeaders(record({ method: 'POST', body: 'text', headers: [{ name: 'content-type', value: 'application/json' }] }));
    expect(own.filter((h) => h.name.toLowerCase() === 'content-type')).toEqual([{ name: 'content-type', value: 'application/json' }]);
  });

  it('adds the user-agent client hints only in a secure context', () => {
    expect(names(rendererHeaders(record({ secureContext: true })))).toEqual(['User-Agent', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform']);
    expect(names(rendererHeaders(record({ secureContext: false })))).toEqual(['User-Agent']);
  });
});

describe('callOnlyExchange, judged by the engine', () => {
  const judge = (r: PageRequest) => diagnose(callOnlyExchange(r, 'page-1'));

  it('blocks a "same-origin" fetch to another origin at the request mode (DisallowedByMode)', () => {
    const d = judge(record({ mode: 'same-origin' }));
    expect(d.status).toBe('blocked');
    expect(d.corsError).toBe('DisallowedByMode');
    expect(d.stage).toEqual({ kind: 'mode' });
  });

  it('blocks a "no-cors" fetch with redirect "manual" (NoCorsRedirectModeNotFollow)', () => {
    const d = judge(record({ mode: 'no-cors', redirect: 'manual' }));
    expect(d.corsError).toBe('NoCorsRedirectModeNotFollow');
    expect(d.stage).toEqual({ kind: 'mode' });
  });

  it('blocks a cors fetch to ftp: naming the scheme, as Chromium 156 does (CorsDisabledScheme, "ftp")', () => {
    const d = judge(record({ url: 'ftp://files.example/report.csv' }));
    expect(d.corsError).toBe('CorsDisabledScheme');
    expect(d.failedParameter).toBe('ftp');
    expect(d.stage).toEqual({ kind: 'mode' });
  });

  it('does not stop a plain cors GET to https at the request mode (it reaches the network)', () => {
    expect(judge(record()).stage.kind).not.toBe('mode');
  });

  it('carries the call\'s origin, method and modes', () => {
    const ex = callOnlyExchange(record({ api: 'xhr', method: 'DELETE', credentials: 'include' }), 'page-2');
    expect(ex).toMatchObject({ id: 'page-2', source: 'page', initiatorOrigin: PAGE, method: 'DELETE', credentials: 'include', hops: [{ url: URL1 }], resourceType: 'xmlhttprequest', startedAt: T0 });
  });
});

describe('join, judged by the engine', () => {
  it('judges a PUT stopped by its preflight with the call\'s credentials "include"', () => {
    const log = new PageRequestLog();
    log.add(1, [record({ method: 'PUT', credentials: 'include', body: 'text' })]);
    // Seen through webRequest: the preflight failed (no Access-Control-Allow-Origin), the PUT was never sent.
    const stopped = exchange({
      method: 'PUT',
      requestHeaders: [],
      hops: [{ url: URL1 }],
      preflight: {
        kind: 'sent',
        url: URL1,
        requestHeaders: [{ name: 'Origin', value: PAGE }, { name: 'Access-Control-Request-Method', value: 'PUT' }],
        response: { status: 204, headers: [] },
      },
    });
    // Without the call the credentials mode is unknown, and no credentials ("omit") already
    // explain the failure: the engine keeps that hypothesis (engine/credentials.ts).
    expect(diagnose(stopped).credentialsAssumed).toBe('omit');
    const joined = log.join(1, stopped);
    expect(joined.credentials).toBe('include');
    expect(joined.requestHeaders.length).toBeGreaterThan(0);
    const d = diagnose(joined);
    expect(d.status).toBe('blocked');
    expect(d.stage.kind).toBe('preflight');
    expect(d.credentialsAssumed).toBe('include');
  });
});

describe('Local Network Access facts', () => {
  it("carry the calling document's secure context, its last permission state and the fetch's targetAddressSpace", () => {
    const log = new PageRequestLog();
    log.notePermissions(1, [{ api: 'permission', state: 'prompt', frameOrigin: PAGE, at: T0 }]);
    // The refusal turns the permission to denied; the newest state wins.
    log.notePermissions(1, [{ api: 'permission', state: 'denied', frameOrigin: PAGE, at: T0 + 5 }]);
    // Another document's state is its own.
    log.notePermissions(1, [{ api: 'permission', state: 'granted', frameOrigin: 'https://other.example', at: T0 + 6 }]);
    log.add(1, [record({ targetAddressSpace: 'local' })]);
    expect(log.join(1, exchange()).localNetwork).toEqual({ secureContext: true, permission: 'denied', targetAddressSpace: 'local' });
    log.forgetTab(1);
    log.add(1, [record({ secureContext: false })]);
    expect(log.join(1, exchange()).localNetwork).toEqual({ secureContext: false });
  });
});

describe('calls refused before the network', () => {
  it('are exactly those the engine stops at their request mode', () => {
    const cases: Array<[Partial<PageRequest>, boolean]> = [
      [{ mode: 'same-origin' }, true],
      [{ mode: 'no-cors', redirect: 'manual' }, true],
      [{ mode: 'no-cors', redirect: 'follow' }, false],
      [{ url: 'ftp://files.example/a' }, true],
      [{ mode: 'cors' }, false],
    ];
    for (const [over, expected] of cases) {
      const r = record(over);
      expect(splitCalls([r], diagnose, () => 'x').refused.length === 1).toBe(expected);
      if (!expected) expect(diagnose(callOnlyExchange(r, 'x')).stage.kind).not.toBe('mode');
    }
  });
});

describe('splitCalls', () => {
  it('makes an exchange of each call the engine stops before the network, and keeps the others waiting', () => {
    let n = 0;
    const refusedCall = record({ mode: 'same-origin' });
    const plain = record({ url: 'https://api.example/v1/other' });
    const { refused, waiting } = splitCalls([refusedCall, plain], diagnose, () => `id${n++}`);
    expect(refused.map((e) => [e.id, e.source, e.hops[0]?.url, diagnose(e).corsError])).toEqual([['id0', 'page', URL1, 'DisallowedByMode']]);
    expect(waiting).toEqual([plain]);
  });
});
