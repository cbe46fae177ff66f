/** Page-local message catalogues: each page bundles only its own texts. Chinese unless the user chose English. */
import { LANGUAGE_STORAGE_KEY } from './language-choice';
import { chineseDate, chineseMinute, shanghaiClock, shanghaiDate, shanghaiMinute } from '../../src/domain/calendar';

export type Locale = 'zh-CN' | 'en';
export type Catalogue = Record<string, string>;

export function currentLocale(): Locale {
  const chosen = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem(LANGUAGE_STORAGE_KEY);
  return chosen?.startsWith('en') ? 'en' : 'zh-CN';
}

export function setLocale(locale: Locale): void {
  localStorage.setItem(LANGUAGE_STORAGE_KEY, locale);
  document.cookie = `lang=${locale}; path=/; SameSite=Lax`;
  location.reload();
}

/** t('key', { n: 3 }) → the text in the current language with {n} filled in. */
export function createT<C extends Catalogue>(catalogues: { 'zh-CN': C; en: Record<keyof C, string> }) {
  const locale = currentLocale();
  document.documentElement.lang = locale;
  document.cookie = `lang=${locale}; path=/; SameSite=Lax`;
  const messages = catalogues[locale] as Record<keyof C, string>;
  return (key: keyof C, params: Record<string, string | number> = {}) =>
    (messages[key] ?? catalogues['zh-CN'][key] ?? String(key)).replace(/\{(\w+)\}/g, (_, n: string) => String(params[n] ?? ''));
}

/**
 * Asia/Shanghai display of a stored UTC instant, in the admin pages' one format: "12月2日 09:30" (the year
 * added when not this year) or, without the time, "2026年12月2日"; "2026-12-02 09:30" in English.
 */
export function shanghaiTime(iso: string, withTime = true): string {
  if (currentLocale() === 'zh-CN') return withTime ? chineseMinute(iso) : chineseDate(shanghaiDate(iso));
  return withTime ? shanghaiMinute(iso) : shanghaiDate(iso);
}

/** A YYYY-MM-DD date as the admin pages write it: "2026年12月2日"; as is in English. */
export function dayText(date: string): string {
  return currentLocale() === 'zh-CN' ? chineseDate(date) : date;
}

/**
 * The one date format of the phone pages (ballot, village page, big screen): "2026年12月2日" and
 * "2026年12月2日 14:30" in Chinese, "2026-12-02 14:30" in English; Asia/Shanghai; a YYYY-MM-DD date as is.
 */
export function phoneDate(at: string, withTime = true): string {
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(at);
  const date = plain ? at : shanghaiDate(at);
  const time = withTime && !plain ? ` ${shanghaiClock(at)}` : '';
  if (currentLocale() !== 'zh-CN') return `${date}${time}`;
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日${time}`;
}

/** A star grade as official wording writes it: "三星级" (a Chinese numeral, never "3星级"); "3-star" in English. */
export function starGrade(stars: number): string {
  return currentLocale() === 'zh-CN' ? `${'〇一二三四五六七八九十'[stars] ?? stars}星级` : `${stars}-star`;
}

export { yuan } from '../../src/domain/money';
