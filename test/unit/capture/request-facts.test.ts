/** What every capture source reads off a request the same way. */
import { describe, expect, it } from 'vitest';
import { credentialsEvidence, isSameOrigin, originOfUrl, requestModeOf } from '../../../src/capture/request-facts.ts';

const mode = (value: string) => requestModeOf([{ name: 'Sec-Fetch-Mode', value }]);

describe('request facts', () => {
  it('reads the request mode from Sec-Fetch-Mode, and nothing else from it', () => {
    expect([mode('cors'), mode('no-cors'), mode('same-origin'), mode('navigate')]).toEqual(['cors', 'no-cors', 'same-origin', 'navigate']);
    // Values a HAR file may carry: not modes, even the names of Object.prototype.
    for (const v of ['websocket', 'CORS', 'constructor', '__proto__', 'toString', '']) expect(mode(v), v).toBe('unknown');
    expect(requestModeOf(undefined)).toBe('unknown');
  });

  it('takes a Cookie as proof of credentials only on a hop sent after the request went cross-origin', () => {
    const PAGE = 'https://app.test';
    const accept = [{ name: 'Accept', value: '*/*' }];
    const cookie = [{ name: 'cookie', value: 'a=1' }];
    // Cross-origin from the start: a Cookie on any hop is proof.
    expect(credentialsEvidence([{ url: 'https://api.test/a', requestHeaders: accept }, { url: 'https://cdn.test/b', requestHeaders: cookie }], PAGE)).toBe('include');
    expect(credentialsEvidence([{ url: 'https://api.test/a', requestHeaders: accept }, { url: 'https://cdn.test/b' }], PAGE)).toBe('unknown');
    // The page's own /download redirected to storage: its cookie went to the page's origin only
    // (credentials "same-origin"), which proves nothing about the storage hop.
    expect(credentialsEvidence([{ url: `${PAGE}/download`, requestHeaders: cookie }, { url: 'https://storage.test/f', requestHeaders: accept }], PAGE)).toBe('unknown');
    expect(credentialsEvidence([{ url: `${PAGE}/download`, requestHeaders: cookie }, { url: 'https://storage.test/f', requestHeaders: cookie }], PAGE)).toBe('include');
    // Back to the page's origin after a cross-origin hop: "same-origin" sends no cookie there any more.
    expect(credentialsEvidence([{ url: 'https://api.test/a', requestHeaders: accept }, { url: `${PAGE}/back`, requestHeaders: cookie }], PAGE)).toBe('include');
  });

  it('finds origins by string scanning, as the URL parser would', () => {
    for (const url of ['https://API.example.com:8443/a?b#c', 'http://a.example', 'http://a.example?x', 'http://a.example#f']) {
      expect(originOfUrl(url), url).toBe(new URL(url).origin);
    }
    expect(originOfUrl('ftp://a.example/')).toBeUndefined();
    expect(isSameOrigin('https://a.example/x', 'https://a.example')).toBe(true);
    expect(isSameOrigin('https://a.example.evil/x', 'https://a.example')).toBe(false);
    expect(isSameOrigin('https://a.example:444/', 'https://a.example')).toBe(false);
  });
});
