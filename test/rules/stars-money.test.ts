import { describe, expect, it } from 'vitest';
import { fenToInput, parseYuan, wanYuan } from '../../src/domain/money';
import { compositeText } from '../../web/admin/pages/stars-money';

describe('yuan typed into the income form', () => {
  it.each([
    ['50000', 5_000_000],
    ['12000.5', 1_200_050],
    ['12,000.05', 1_200_005],
    ['¥50,000', 5_000_000],
    [' 0 ', 0],
    ['0.01', 1],
  ])('%s → %i fen', (text, fen) => expect(parseYuan(text)).toBe(fen));

  it('is null when empty', () => expect(parseYuan('  ')).toBeNull());

  it.each(['12.345', '-5', 'abc', '1e5', '5万', '1.2.3'])('refuses %s', (text) => expect(parseYuan(text)).toBeNaN());

  it.each([
    [5_000_000, '50000'],
    [1_200_050, '12000.50'],
    [1, '0.01'],
  ])('puts %i fen back as %s', (fen, text) => {
    expect(fenToInput(fen)).toBe(text);
    expect(parseYuan(text)).toBe(fen);
  });
});

describe('amounts and scores as shown', () => {
  it.each([
    [5_000_000, 'zh-CN', '5万元'],
    [10_000_000, 'zh-CN', '10万元'],
    [1_234_500, 'zh-CN', '12,345元'],
    [5_000_000, 'en', '¥50,000'],
  ] as const)('%i fen in %s → %s', (fen, locale, text) => expect(wanYuan(fen, locale)).toBe(text));

  it.each([
    [8999, '89.99'],
    [9000, '90.00'],
    [5, '0.05'],
    [null, '—'],
  ])('composite %s → %s', (value, text) => expect(compositeText(value)).toBe(text));
});
