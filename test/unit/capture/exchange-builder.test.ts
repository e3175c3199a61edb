/**
 * The exchange builder every capture source goes through: which requests become exchanges, the
 * facts it reads from their headers, and the preflight-cache model it keeps per scope.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeBuilder, type ObservedRequest, type SentPreflight } from '../../../src/capture/exchange-builder.ts';

const PAGE = 'https://app.test';
const API = 'https://api.test/v1';

function observed(over: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    id: 'r1',
    source: 'test',
    pageOrigin: PAGE,
    method: 'PUT',
    requestHeaders: [{ name: 'Origin', value: PAGE }],
    hops: [{ url: API }],
    preflight: undefined,
    outcome: { kind: 'completed' },
    startedAt: 10_000,
    endedAt: 10_040,
    ...over,
  };
}

function passingPreflight(maxAge: string, startedAt = 9_000): SentPreflight {
  return {
    kind: 'sent',
    url: API,
    requestHeaders: [
      { name: 'Origin', value: PAGE },
      { name: 'Access-Control-Request-Method', value: 'PUT' },
    ],
    response: { status: 204, headers: [{ name: 'Access-Control-Max-Age', value: maxAge }] },
    startedAt,
  };
}

describe('ExchangeBuilder', () => {
  it('dismisses a request that is same-origin at every hop, or whose page origin is unknown, or not HTTP', () => {
    const builder = new ExchangeBuilder(10);
    expect(builder.build(observed({ hops: [{ url: `${PAGE}/a` }, { url: `${PAGE}/b` }] }), '')).toBeUndefined();
    expect(builder.build(observed({ pageOrigin: undefined }), '')).toBeUndefined();
    expect(builder.build(observed({ hops: [{ url: 'ftp://api.test/x' }] }), '')).toBeUndefined();
  });

  it('keeps a same-origin request that a redirect took to another origin', () => {
    const exchange = new ExchangeBuilder(10).build(observed({ hops: [{ url: `${PAGE}/download` }, { url: API }] }), '');
    expect(exchange?.hops.map((hop) => hop.url)).toEqual([`${PAGE}/download`, API]);
  });

  it('keeps a same-origin request that failed on a redirect to another origin the browser refused to follow', () => {
    const refused = (location: string, outcome: ObservedRequest['outcome']) =>
      new ExchangeBuilder(10).build(observed({ hops: [{ url: `${PAGE}/go`, response: { status: 302, headers: [{ name: 'Location', value: location }] } }], outcome }), '');
    expect(refused('https://u:p@storage.test/f', { kind: 'failed', error: 'net::ERR_FAILED' })).toBeDefined();
    // To the page's own origin, or a redirect not refused (redirect: "manual"): same-origin.
    expect(refused(`${PAGE.replace('https://', 'https://u:p@')}/f`, { kind: 'failed', error: 'net::ERR_FAILED' })).toBeUndefined();
    expect(refused('https://storage.test/f', { kind: 'completed' })).toBeUndefined();
  });

  it('reads the request mode from Sec-Fetch-Mode and counts a Cookie on any hop as credentials sent', () => {
    const exchange = new ExchangeBuilder(10).build(
      observed({
        requestHeaders: [{ name: 'Sec-Fetch-Mode', value: 'no-cors' }],
        hops: [{ url: API }, { url: 'https://cdn.test/x', requestHeaders: [{ name: 'Cookie', value: 'a=1' }] }],
      }),
      '',
    );
    expect(exchange?.mode).toBe('no-cors');
    expect(exchange?.credentials).toBe('include');
  });

  it('starts the exchange at its preflight and ends it when the request ended', () => {
    const exchange = new ExchangeBuilder(10).build(observed({ preflight: passingPreflight('60', 9_900) }), '');
    expect(exchange?.preflight.kind).toBe('sent');
    expect(exchange?.startedAt).toBe(9_900);
    expect(exchange?.durationMs).toBe(140);
  });

  it('explains a missing OPTIONS by an earlier answer of the same scope, origin and URL while its Max-Age lasts', () => {
    const builder = new ExchangeBuilder(10);
    builder.rememberPreflight('tab1', passingPreflight('2'), 9_050);
    expect(builder.build(observed(), 'tab1')?.preflight).toEqual({ kind: 'cached', fromPreflightAt: 9_000, maxAgeSeconds: 2 });
    // Another tab's cache, or after 2 s: nothing explains it.
    expect(builder.build(observed(), 'tab2')?.preflight).toEqual({ kind: 'none' });
    expect(builder.build(observed({ startedAt: 11_051, endedAt: 11_100 }), 'tab1')?.preflight).toEqual({ kind: 'none' });
    builder.forgetScope('tab1');
    expect(builder.build(observed(), 'tab1')?.preflight).toEqual({ kind: 'none' });
  });

  it('does not remember a preflight that failed', () => {
    const builder = new ExchangeBuilder(10);
    builder.rememberPreflight('', { ...passingPreflight('60'), error: 'net::ERR_FAILED' }, 9_050);
    builder.rememberPreflight('', { ...passingPreflight('60'), response: { status: 403, headers: [] } }, 9_050);
    expect(builder.build(observed(), '')?.preflight).toEqual({ kind: 'none' });
  });
});
