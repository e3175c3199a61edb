/**
 * HAR entries in the shape Firefox's DevTools writes them (measured, Firefox 153 ESR,
 * test/fixtures/lab-firefox.har): no `_resourceType`, `_initiator` nor `_error`; the preflight is
 * an entry after the request it guards; a request that got no response has status 0 and the
 * request headers the page set; Firefox's network stack adds `Priority`.
 */
import { describe, expect, it } from 'vitest';
import { harToExchanges } from '../../../src/capture/har/file.ts';
import { diagnose } from '../../../src/engine/index.ts';

const PAGE = 'http://app.test';
const API = 'http://api.test/data';
const FIREFOX_HEADERS: Array<[string, string]> = [['Host', 'api.test'], ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0'], ['Accept', '*/*'], ['Accept-Language', 'en-US,en;q=0.9'], ['Referer', `${PAGE}/`], ['Origin', PAGE], ['Sec-Fetch-Mode', 'cors']];

function entry(method: string, url: string, requestHeaders: Array<[string, string]>, status: number, responseHeaders: Array<[string, string]>) {
  return {
    startedDateTime: '2026-12-04T03:00:00.000+00:00',
    time: 3,
    request: { method, url, headers: requestHeaders.map(([name, value]) => ({ name, value })) },
    response: { status, statusText: '', headers: responseHeaders.map(([name, value]) => ({ name, value })), redirectURL: '' },
  };
}

function judge(entries: unknown[]) {
  const exchanges = harToExchanges({ log: { creator: { name: 'Firefox', version: '153.8.0' }, entries } }).exchanges;
  return exchanges.map((e) => diagnose(e));
}

describe('a Firefox HAR', () => {
  it('pairs an OPTIONS carrying Access-Control-Request-Method, listed after its request, as the preflight that stopped it', () => {
    const actual = entry('PUT', API, [...FIREFOX_HEADERS, ['X-Custom', '1']], 0, []);
    const preflight = entry('OPTIONS', API, [...FIREFOX_HEADERS, ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', 'x-custom']], 204, [['Access-Control-Allow-Origin', PAGE]]);
    const verdicts = judge([actual, preflight]);
    expect(verdicts.map((d) => [d.corsError, d.failedParameter])).toEqual([['MethodDisallowedByPreflightResponse', 'PUT']]);
  });

  it('a page\'s own OPTIONS (no Access-Control-Request-Method) stays a request of its own', () => {
    const own = entry('OPTIONS', API, FIREFOX_HEADERS, 200, [['Access-Control-Allow-Origin', '*']]);
    expect(judge([own]).map((d) => d.status)).toEqual(['ok']);
  });

  it('the Priority header Firefox adds does not count as a header the page set', () => {
    const simple = entry('GET', API, [...FIREFOX_HEADERS, ['Priority', 'u=4']], 200, [['Access-Control-Allow-Origin', '*']]);
    const [d] = judge([simple]);
    expect(d?.status).toBe('ok');
    const refused = entry('GET', API, [...FIREFOX_HEADERS, ['Priority', 'u=4']], 200, [['Content-Type', 'text/plain']]);
    const [blocked] = judge([refused]);
    expect(blocked?.corsError).toBe('MissingAllowOriginHeader');
    expect(blocked?.fixPlan?.headers.length).toBeGreaterThan(0);
    expect(JSON.stringify(blocked?.fixPlan)).not.toMatch(/priority/i);
  });

  it('status 0 and no error: a failure whose reason the file does not hold, not "ok" and not "not CORS"', () => {
    const [d] = judge([entry('GET', API, FIREFOX_HEADERS, 0, [])]);
    expect(d?.status).toBe('warning');
    expect(d?.headline).toMatch(/does not record why/);
    expect(d?.findings.map((f) => f.id)).toContain('failure-reason-not-recorded');
  });
});
