import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { otherBrowserVerdict } from '../../../src/panel/other-browser.ts';
import { FAILED, PAGE, URL1, acao, ex, h, preflight, res } from '../engine/helpers.ts';

const say = (exchange: Exchange, running: 'chrome' | 'firefox') => otherBrowserVerdict(exchange, diagnose(exchange), running);

describe('otherBrowserVerdict', () => {
  const noAcao = ex({ hops: [{ url: URL1, response: res(200) }], outcome: FAILED });
  const customHeader = ex({
    method: 'GET',
    requestHeaders: [h('X-Custom', '1')],
    hops: [{ url: URL1 }],
    preflight: preflight('GET', ['x-custom'], res(204, acao(PAGE))),
    outcome: FAILED,
  });

  it('in Chrome, names the reason Firefox logs for the same refusal', () => {
    expect(say(noAcao, 'chrome')).toBe('Firefox would refuse this too; it reports CORSMissingAllowOrigin (MDN: CORS errors).');
    expect(say(customHeader, 'chrome')).toMatch(/CORSMissingAllowHeaderFromPreflight/);
  });

  it('in Chrome, a refusal by the request\'s own mode is a TypeError in Firefox', () => {
    expect(say(ex({ mode: 'same-origin', hops: [{ url: URL1 }], outcome: FAILED }), 'chrome')).toBe('Firefox would refuse this too, as a TypeError without a CORS message.');
  });

  it('in Firefox, names Chromium\'s code and parameter', () => {
    expect(say(noAcao, 'firefox')).toBe('Chrome would refuse this too; it reports MissingAllowOriginHeader.');
    expect(say(customHeader, 'firefox')).toBe('Chrome would refuse this too; it reports HeaderDisallowedByPreflightResponse (x-custom).');
  });

  it('in Firefox, a preflight sent for client hints alone is one Chrome would not send', () => {
    const hint = ex({ requestHeaders: [h('DPR', '2')], hops: [{ url: URL1 }], preflight: preflight('GET', ['dpr'], res(204, acao(PAGE))), outcome: { kind: 'completed', corsUnchecked: true } });
    expect(diagnose(hint).status).toBe('blocked');
    expect(say(hint, 'firefox')).toMatch(/^Chrome would not send this preflight/);
    // A value Chromium's safelist refuses for that hint (not a number) is preflighted in Chrome too.
    const badValue = ex({ ...hint, requestHeaders: [h('DPR', 'two')] });
    expect(say(badValue, 'firefox')).toMatch(/^Chrome would refuse this too/);
  });

  it('says nothing of a request that passed', () => {
    expect(say(ex(), 'chrome')).toBeUndefined();
    expect(say(ex(), 'firefox')).toBeUndefined();
  });
});
