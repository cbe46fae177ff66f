import { describe, expect, it } from 'vitest';
import { incomeTier, targetProgress, yuan } from './rules';

const TIERS = [5_000_000, 10_000_000];

describe('incomeTier', () => {
  it.each([
    ['nothing recorded', 0, 'below'],
    ['¥49,999.99', 4_999_999, 'below'],
    ['exactly ¥50,000', 5_000_000, 'low'],
    ['¥99,999.99', 9_999_999, 'low'],
    ['exactly ¥100,000', 10_000_000, 'high'],
    ['¥1,000,000', 100_000_000, 'high'],
  ])('%s is %s', (_name, fen, tier) => {
    expect(incomeTier(fen, TIERS)).toBe(tier);
  });
});

describe('targetProgress', () => {
  it.each([
    ['no target set', { below: 3, low: 2, high: 1 }, null, { atLeastLow: 3, atLeastHigh: 1, lowMet: null, highMet: null }],
    [
      'Pandian: 95 ≥5万 and 38 ≥10万 meets 95/38',
      { below: 0, low: 57, high: 38 },
      { villagesAtLeastLow: 95, villagesAtLeastHigh: 38 },
      { atLeastLow: 95, atLeastHigh: 38, lowMet: true, highMet: true },
    ],
    [
      'one village short of each',
      { below: 1, low: 57, high: 37 },
      { villagesAtLeastLow: 95, villagesAtLeastHigh: 38 },
      { atLeastLow: 94, atLeastHigh: 37, lowMet: false, highMet: false },
    ],
  ] as const)('%s', (_name, counts, target, expected) => {
    expect(targetProgress(counts, target)).toMatchObject(expected);
  });
});

describe('yuan', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [5_000_000, '¥50,000.00'],
    [123_456_789, '¥1,234,567.89'],
  ])('%i fen is %s', (fen, text) => {
    expect(yuan(fen)).toBe(text);
  });
});
