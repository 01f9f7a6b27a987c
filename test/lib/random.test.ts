import { describe, expect, it } from 'vitest';
import { randomBase64url, randomHex } from '../../lib/random.js';

describe('pooled random identifiers', () => {
  it('gives the asked number of bytes, in hex or base64url', () => {
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
    expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomBase64url(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never hands out the same bytes twice, across refills of the pool', () => {
    // 2,000 draws of 16 bytes are several refills of the 4 KiB pool.
    const seen = new Set(Array.from({ length: 2000 }, () => randomHex(16)));
    expect(seen.size).toBe(2000);
  });

  it('refuses more than one pool at a time', () => {
    expect(() => randomHex(5000)).toThrow(RangeError);
  });
});
