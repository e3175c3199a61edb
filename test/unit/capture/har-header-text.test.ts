/**
 * Header values from the DevTools network log arrive one character per byte (Latin-1); Chromium
 * reads the bytes as UTF-8 (lab group `hostile`, Chromium 156: hostile-utf8-acao's parameter is
 * the origin followed by "é"; hostile-latin1-acao's, a byte that is not UTF-8, is empty, and
 * webRequest gives that header no text).
 */
import { describe, expect, it } from 'vitest';
import { headerTextOfLatin1, readEntry } from '../../../src/capture/har/entries.ts';

describe('headerTextOfLatin1', () => {
  it('reads the UTF-8 bytes a Latin-1 string stands for', () => {
    expect(headerTextOfLatin1('https://app.example\u00c3\u00a9')).toBe('https://app.example\u00e9');
    expect(headerTextOfLatin1('\u00e2\u0082\u00ac 5')).toBe('\u20ac 5');
  });

  it('gives no text for bytes that are not UTF-8, as webRequest does', () => {
    expect(headerTextOfLatin1('https://app.example\u00ff')).toBe('');
    expect(headerTextOfLatin1('caf\u00e9')).toBe('');
  });

  it('leaves ASCII, and a string that cannot be Latin-1 bytes, as they are', () => {
    expect(headerTextOfLatin1('https://app.example')).toBe('https://app.example');
    expect(headerTextOfLatin1('\u20ac already text')).toBe('\u20ac already text');
  });

  it('applies to every request and response header of a HAR entry', () => {
    const entry = readEntry({
      request: { url: 'https://api.example/x', method: 'GET', headers: [{ name: 'X-Name', value: 'Jos\u00c3\u00a9' }] },
      response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: 'https://app.example\u00ff' }] },
    }, 0);
    expect(entry?.requestHeaders).toEqual([{ name: 'X-Name', value: 'Jos\u00e9' }]);
    expect(entry?.responseHeaders).toEqual([{ name: 'Access-Control-Allow-Origin', value: '' }]);
  });
});

describe('the initiator of an entry', () => {
  it("starts at the page's own code: leading frames of injected or extension code are skipped", () => {
    const entry = readEntry({
      request: { url: 'https://api.example/x', method: 'GET', headers: [] },
      response: { status: 200, headers: [] },
      _initiator: {
        type: 'script',
        stack: {
          callFrames: [
            { functionName: 'apply', url: '', lineNumber: 0, columnNumber: 3939 },
            { functionName: 'wrapped', url: 'chrome-extension://abcdefghijklmnop/hook.js', lineNumber: 1, columnNumber: 2 },
            { functionName: 'loadUser', url: 'https://app.example/app.js', lineNumber: 27, columnNumber: 11 },
          ],
        },
      },
    }, 0);
    expect(entry?.initiator?.url).toBe('https://app.example/app.js');
    expect(entry?.initiator?.lineNumber).toBe(27);
    expect(entry?.initiator?.stack?.map((f) => f.functionName)).toEqual(['loadUser']);
  });
});
