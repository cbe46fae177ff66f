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
});
