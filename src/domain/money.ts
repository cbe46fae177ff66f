/**
 * Money is integer fen (分) everywhere; these are its only conversions to and from the text people read
 * and type. Runtime-free (Intl's number formatting is part of the language, not of a platform).
 */

/** Integer fen → "¥12,345.67". */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * An amount as Chinese users write it: whole ten-thousands as "5万元"; otherwise "123,456元" (in English
 * "¥50,000"), or, with `exact`, the full "¥123,456.50" in both languages.
 */
export function wanYuan(fen: number, locale: 'zh-CN' | 'en', exact = false): string {
  const whole = fen / 100;
  if (locale === 'zh-CN' && whole >= 10_000 && whole % 10_000 === 0) return `${whole / 10_000}万元`;
  if (exact) return yuan(fen);
  return locale === 'en' ? `¥${whole.toLocaleString('en')}` : `${whole.toLocaleString('zh-CN')}元`;
}

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
