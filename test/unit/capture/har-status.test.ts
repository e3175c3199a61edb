/**
 * A HAR response whose status the file did not keep: older DevTools exported a CORS-blocked
 * response with status 0 and its headers; 0 without headers is no response at all.
 */
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../../src/capture/har/entries.ts';
import { diagnose } from '../../../src/engine/index.ts';
import { streamHar } from './har-replay.ts';

const PAGE = 'http://app.test';
const API = 'http://api.test/data';

function entry(method: string, url: string, requestHeaders: Array<[string, string]>, status: number, responseHeaders: Array<[string, string]>, extra: Record<string, unknown> = {}, responseExtra: Record<string, unknown> = {}) {
  return {
    startedDateTime: '2026-12-04T03:00:00.000Z',
    time: 5,
    request: { method, url, headers: requestHeaders.map(([name, value]) => ({ name, value })) },
    response: { status, statusText: '', headers: responseHeaders.map(([name, value]) => ({ name, value })), redirectURL: '', ...responseExtra },
    ...extra,
  };
}

describe('HAR status not recorded', () => {
  it('reads status 0 with headers as a response whose status is unknown: a redirect with Location, else an answer', () => {
    const answered = readEntry(entry('GET', API, [['Origin', PAGE]], 0, [['Content-Type', 'text/plain']]), 0);
    expect([answered?.status, answered?.statusUnknown]).toEqual([200, true]);
    const redirected = readEntry(entry('GET', API, [['Origin', PAGE]], 0, [['Location', '/elsewhere']]), 0);
    expect([redirected?.status, redirected?.statusUnknown]).toEqual([302, true]);
    const pseudo = readEntry(entry('GET', API, [['Origin', PAGE]], 0, [[':status', '404'], ['Content-Type', 'text/plain']]), 0);
    expect([pseudo?.status, pseudo?.statusUnknown]).toEqual([404, false]);
    const none = readEntry(entry('GET', API, [['Origin', PAGE]], 0, []), 0);
    expect([none?.status, none?.statusUnknown]).toEqual([0, false]);
    const kept = readEntry(entry('GET', API, [['Origin', PAGE]], 503, [['Content-Type', 'text/plain']]), 0);
    expect([kept?.status, kept?.statusUnknown]).toEqual([503, false]);
  });

  it('judges the headers of a blocked response whose status was lost, and says the status was not recorded', () => {
    const blocked = entry('GET', API, [['Origin', PAGE], ['Sec-Fetch-Mode', 'cors']], 0, [['Content-Type', 'text/plain']], { _resourceType: 'fetch' }, { _error: 'net::ERR_FAILED' });
    const { exchanges } = streamHar([blocked], PAGE);
    expect(exchanges).toHaveLength(1);
    const diagnosis = diagnose(exchanges[0]!);
    expect([diagnosis.status, diagnosis.corsError]).toEqual(['blocked', 'MissingAllowOriginHeader']);
    expect(diagnosis.evidence.find((e) => e.header === ':status')?.seen).toBe('not recorded');
  });

  it('a redirected preflight whose status was lost is still a redirect', () => {
    const preflight = entry(
      'OPTIONS',
      API,
      [['Origin', PAGE], ['Access-Control-Request-Method', 'PUT']],
      0,
      [['Location', 'http://api.test/other'], ['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Methods', 'PUT']],
      { _resourceType: 'preflight', _initiator: { type: 'preflight', url: API } },
      { _error: 'net::ERR_INVALID_REDIRECT', redirectURL: 'http://api.test/other' },
    );
    const actual = entry('PUT', API, [], 0, [], { _resourceType: 'fetch' }, { _error: 'net::ERR_FAILED' });
    const { exchanges } = streamHar([preflight, actual], PAGE);
    expect(exchanges.map((e) => diagnose(e).corsError)).toEqual(['PreflightDisallowedRedirect']);
  });
});
