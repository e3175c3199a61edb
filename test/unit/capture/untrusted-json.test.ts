/** The readers for JSON from anywhere: types checked, and what a hostile file can make Corsight keep bounded. */
import { describe, expect, it } from 'vitest';
import { asString, MAX_HEADERS, MAX_STRING, readHeaders } from '../../../src/capture/untrusted-json.ts';

describe('untrusted JSON readers', () => {
  it('cut strings at MAX_STRING and keep at most MAX_HEADERS headers', () => {
    expect(asString('x'.repeat(MAX_STRING + 10))).toHaveLength(MAX_STRING);
    const many = Array.from({ length: MAX_HEADERS + 50 }, (_, i) => ({ name: `x-${i}`, value: 'v' }));
    expect(readHeaders(many)).toHaveLength(MAX_HEADERS);
  });

  it('drop headers without a string name and read other values as empty', () => {
    expect(readHeaders([{ name: 1 }, null, 'x', { name: 'A', value: ['v'] }, { name: 'B', value: 'b' }])).toEqual([
      { name: 'A', value: '' },
      { name: 'B', value: 'b' },
    ]);
    expect(readHeaders({ length: 2 })).toEqual([]);
  });
});
