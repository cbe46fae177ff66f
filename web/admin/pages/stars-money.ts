/** Score text for the star and income pages (money text is src/domain/money.ts): pure, no DOM, tested in Node. */
export { fenToInput, parseYuan, wanYuan } from '../../../src/domain/money';

/** A composite score kept in integer hundredths of a point, shown with two decimals (8999 → "89.99"). */
export function compositeText(hundredths: number | null): string {
  if (hundredths === null) return '—';
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
