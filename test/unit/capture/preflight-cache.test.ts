/** The capture's model of the preflight cache: the engine's Max-Age rules, bounded, restorable. */
import { describe, expect, it } from 'vitest';
import { PreflightCacheModel, type ObservedPreflightAnswer } from '../../../src/capture/preflight-cache.ts';
import { accessControlMaxAge } from '../../../src/engine/fetch.ts';

const answer = (maxAge: string | null, over: Partial<ObservedPreflightAnswer> = {}): ObservedPreflightAnswer => ({
  status: 204,
  headers: maxAge === null ? [] : [{ name: 'Access-Control-Max-Age', value: maxAge }],
  startedAt: 1_000,
  answeredAt: 1_050,
  ...over,
});

describe('PreflightCacheModel', () => {
  it.each([
    [null, 5],
    ['600', 600],
    ['86400', 7200],
    ['abc', 5],
  ])('Max-Age %s covers requests for %i s after the answer, as the engine reads it', (value, seconds) => {
    expect(accessControlMaxAge(value).chromium).toBe(seconds);
    const cache = new PreflightCacheModel(10);
    cache.remember('k', answer(value));
    expect(cache.lookup('k', 1_050 + seconds * 1000)?.at).toBe(1_000);
    expect(cache.lookup('k', 1_050 + seconds * 1000 + 1)).toBeUndefined();
  });

  it('keeps the Max-Age the server sent, when it was a number', () => {
    const cache = new PreflightCacheModel(10);
    cache.remember('a', answer('86400'));
    cache.remember('b', answer(null));
    expect(cache.lookup('a', 2_000)?.maxAgeSeconds).toBe(86400);
    expect(cache.lookup('b', 2_000)).not.toHaveProperty('maxAgeSeconds');
  });

  it('does not remember answers that cannot cover a request: non-2xx, network error, Max-Age 0 or negative', () => {
    const cache = new PreflightCacheModel(10);
    cache.remember('404', answer(null, { status: 404 }));
    cache.remember('err', answer(null, { error: 'net::ERR_FAILED' }));
    cache.remember('zero', answer('0'));
    cache.remember('neg', answer('-1'));
    for (const k of ['404', 'err', 'zero', 'neg']) expect(cache.lookup(k, 1_050), k).toBeUndefined();
  });

  it('drops the oldest entry past its capacity, and a renewed key counts as new', () => {
    const cache = new PreflightCacheModel(2);
    cache.remember('a', answer(null));
    cache.remember('b', answer(null));
    cache.remember('a', answer(null, { startedAt: 1_100 }));
    cache.remember('c', answer(null));
    expect(cache.lookup('b', 1_050)).toBeUndefined();
    expect(cache.lookup('a', 1_050)?.at).toBe(1_100);
    expect(cache.lookup('c', 1_050)).toBeDefined();
  });

  it('survives a snapshot round trip and forgets a tab by key prefix', () => {
    const cache = new PreflightCacheModel(10);
    cache.remember('1\nx', answer(null));
    cache.remember('2\nx', answer(null));
    const restored = new PreflightCacheModel(10);
    restored.restore(JSON.parse(JSON.stringify(cache.snapshot())));
    expect(restored.lookup('1\nx', 1_050)).toEqual(cache.lookup('1\nx', 1_050));
    restored.forgetPrefix('1\n');
    expect(restored.lookup('1\nx', 1_050)).toBeUndefined();
    expect(restored.lookup('2\nx', 1_050)).toBeDefined();
  });
});
