/** lib/chunks.ts: how a batch of keys is split into the calls a system of record accepts. */
import { describe, expect, it } from 'vitest';
import { chunks } from '../../lib/chunks.js';

describe('chunks', () => {
  it('makes no slice, so no call, for no keys', () => {
    expect(chunks([], 3)).toEqual([]);
  });

  it('keeps a batch that fits in one slice, up to exactly the limit', () => {
    expect(chunks([1], 3)).toEqual([[1]]);
    expect(chunks([1, 2, 3], 3)).toEqual([[1, 2, 3]]);
  });

  it('starts a new slice one past the limit, in key order, the last one shorter', () => {
    expect(chunks([1, 2, 3, 4], 3)).toEqual([[1, 2, 3], [4]]);
    expect(chunks([1, 2, 3, 4, 5, 6], 3)).toEqual([[1, 2, 3], [4, 5, 6]]);
    const keys = Array.from({ length: 2001 }, (_, i) => `SO-${i}`);
    const parts = chunks(keys, 1000);
    expect(parts.map((p) => p.length)).toEqual([1000, 1000, 1]);
    expect(parts.flat()).toEqual(keys);
  });

  it('slices one by one at size 1, and leaves the input as it was', () => {
    const keys = Object.freeze(['a', 'b']);
    expect(chunks(keys, 1)).toEqual([['a'], ['b']]);
    expect(keys).toEqual(['a', 'b']);
  });

  it('refuses a size that would never finish or makes no sense', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => chunks([1], size)).toThrow(RangeError);
  });
});
