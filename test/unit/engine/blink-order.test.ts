/**
 * Blink's header-map order (src/engine/blink-order.ts): the order in which Chromium checks
 * request header names against a preflight answer. Expected orders are CDP's provisional header
 * lists measured in the lab (Chromium 156), which follow the renderer map's bucket order.
 */
import { describe, expect, it } from 'vitest';
import { blinkHeaderMapOrder, caseFoldingHash, hashTableSize } from '../../../src/engine/blink-order.ts';

describe('blink header-map order', () => {
  it('hashTableSize follows WTF CalculateCapacity (minimum 8, load at most 1/2)', () => {
    expect([0, 1, 3, 4, 7, 8, 15, 16].map(hashTableSize)).toEqual([8, 8, 8, 16, 16, 32, 32, 64]);
  });

  it('caseFoldingHash ignores case and keeps 24 bits', () => {
    expect(caseFoldingHash('X-Custom-Header')).toBe(caseFoldingHash('x-custom-header'));
    for (const n of ['a', 'ab', 'dpr', 'x-a', 'sec-ch-ua-platform', 'a'.repeat(60), '']) {
      const v = caseFoldingHash(n);
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1 << 24);
    }
  });

  it('reproduces the bucket order CDP showed for an 8-header request (lab order-a-then-b)', () => {
    const seen = ['sec-ch-ua-platform', 'Referer', 'sec-ch-ua', 'X-A', 'sec-ch-ua-mobile', 'User-Agent', 'Content-Type', 'X-B'];
    expect(blinkHeaderMapOrder(seen)).toEqual(seen.map((n) => n.toLowerCase()));
    // Without collisions the insertion order does not matter.
    expect(blinkHeaderMapOrder(['Content-Type', 'X-B', 'Referer'])).toEqual(blinkHeaderMapOrder(['X-B', 'Referer', 'Content-Type']));
  });

  it('collisions go to the next free bucket by triangular probing, first inserted wins', () => {
    // x-a and x-custom-header share a bucket in a 32-slot table (measured: fetch and XHR differ).
    const base = ['sec-ch-ua-platform', 'sec-ch-ua', 'sec-ch-ua-mobile', 'x-other', 'user-agent', 'content-type', 'x-b'];
    const a = blinkHeaderMapOrder([...base, 'x-a', 'x-custom-header']);
    const c = blinkHeaderMapOrder([...base, 'x-custom-header', 'x-a']);
    expect(a.indexOf('x-a') < a.indexOf('x-custom-header')).toBe(true);
    expect(c.indexOf('x-custom-header') < c.indexOf('x-a')).toBe(true);
  });

  it('deduplicates names case-insensitively', () => {
    expect(blinkHeaderMapOrder(['X-A', 'x-a'])).toEqual(['x-a']);
  });
});
