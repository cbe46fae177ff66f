import { describe, expect, it } from 'vitest';
import { newId, randomString } from './ids';

describe('ids', () => {
  it('makes ids that sort by time and do not repeat, across many refills of the random pool', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newId(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^[0-9a-hjkmnp-tv-z]{20}$/.test(id))).toBe(true);
  });

  it.each([
    [6, '23456789ABCDEFGHJKMNPQRSTUVWXYZ'],
    [2000, 'ab'],
  ])('draws %i characters from the given alphabet', (length, alphabet) => {
    const text = randomString(length, alphabet);
    expect(text).toHaveLength(length);
    expect([...text].every((ch) => alphabet.includes(ch))).toBe(true);
  });
  it('draws every letter of a 31-letter alphabet equally often (no modulo bias)', () => {
    const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) for (const ch of randomString(31, alphabet)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    // 10,000 each expected (σ = 98); a byte taken modulo 31 gave the first nine letters ~11,250
    for (const ch of alphabet) expect(Math.abs(counts.get(ch)! - 10_000), ch).toBeLessThan(600);
  });
});
