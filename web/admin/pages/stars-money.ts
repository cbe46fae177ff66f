/** Money and score text for the star and income pages: pure, no DOM, so the rules are tested in Node. */

/**
 * Yuan as typed ("36", "36.5", "1,200.05", "¥50,000") → integer fen without floating point; null when
 * empty, NaN when it is not an amount with at most two decimals.
 */
export function parseYuan(text: string): number | null {
  const clean = text.trim().replace(/^[¥￥]/, '').replace(/[,，\s]/g, '');
  if (clean === '') return null;
  const match = clean.match(/^(\d{1,12})(?:\.(\d{1,2}))?$/);
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Integer fen → the yuan text put back into an input ("12000.5" → "12000.50", whole yuan without decimals). */
export function fenToInput(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents ? `${whole}.${String(cents).padStart(2, '0')}` : String(whole);
}

/** A threshold in fen as the short Chinese amount users write: 5000000 → "5万元", 12345600 → "123456元". */
export function wanYuan(fen: number, locale: 'zh-CN' | 'en'): string {
  const yuan = fen / 100;
  if (locale === 'en') return `¥${yuan.toLocaleString('en')}`;
  if (yuan >= 10_000 && yuan % 10_000 === 0) return `${yuan / 10_000}万元`;
  return `${yuan.toLocaleString('zh-CN')}元`;
}

/** A composite score kept in integer hundredths of a point, shown with two decimals (8999 → "89.99"). */
export function compositeText(hundredths: number | null): string {
  if (hundredths === null) return '—';
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
