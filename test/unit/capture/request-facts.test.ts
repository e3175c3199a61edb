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

  it('takes a Cookie on any hop as proof of credentials, and its absence as no proof', () => {
    expect(credentialsEvidence([[{ name: 'Accept', value: '*/*' }], [{ name: 'cookie', value: 'a=1' }]])).toBe('include');
    expect(credentialsEvidence([[{ name: 'Accept', value: '*/*' }], undefined])).toBe('unknown');
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
