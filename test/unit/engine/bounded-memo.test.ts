/**
 * The engine's shared memos stay bounded whatever a page sends: endless distinct keys never grow
 * one past its entry limit, and a huge key is computed but never kept.
 */
import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../../src/engine/bounded-memo.ts';
import { parseUrl, parseUrlShared } from '../../../src/engine/url.ts';

describe('BoundedMemo', () => {
  it('computes a repeated key once', () => {
    let computed = 0;
    const memo = new BoundedMemo((key) => (computed++, key.toUpperCase()), 4, 16);
    expect([memo.get('a'), memo.get('a'), memo.get('b')]).toEqual(['A', 'A', 'B']);
    expect(computed).toBe(2);
  });

  it('remembers falsy answers (null, false) like any other', () => {
    let computed = 0;
    const memo = new BoundedMemo((key) => (computed++, key === 'x' ? null : false), 4, 16);
    memo.get('x');
    memo.get('x');
    memo.get('y');
    memo.get('y');
    expect(computed).toBe(2);
  });

  it('never holds more than its entry limit, however many distinct keys come', () => {
    const memo = new BoundedMemo((key) => key.length, 100, 64);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      memo.get(`x-header-${i}`);
      largest = Math.max(largest, memo.size);
    }
    expect(largest).toBe(100);
  });

  it('computes a key longer than its limit every time and keeps none', () => {
    let computed = 0;
    const memo = new BoundedMemo((key) => (computed++, key.length), 4, 16);
    const huge = 'a'.repeat(1_000_000);
    expect(memo.get(huge)).toBe(1_000_000);
    expect(memo.get(huge)).toBe(1_000_000);
    expect(computed).toBe(2);
    expect(memo.size).toBe(0);
  });
});

describe('parseUrlShared', () => {
  it('answers each URL as parseUrl does, whatever the order, repeats and fresh copies (its recent inputs are checked first)', () => {
    const urls = ['https://a.example', 'http://b.example:8080/x', 'not a url', 'https://c.example/?q=1', 'wss://d.example', 'https://e.example/p', 'data:,x'];
    // Visits that cycle past the recent inputs kept, then go back and forth between two.
    const order = [0, 1, 2, 3, 4, 5, 6, 0, 6, 1, 5, 2, 2, 4, 3, 3, 0, 1, 0, 1];
    for (const i of order) {
      const fresh = JSON.parse(JSON.stringify(urls[i]!)) as string;
      expect(parseUrlShared(fresh)).toEqual(parseUrl(urls[i]!));
    }
  });
});
