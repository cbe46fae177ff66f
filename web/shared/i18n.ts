/** Page-local message catalogues: each page bundles only its own texts. Chinese unless the user chose English. */
import { shanghaiClock, shanghaiDate } from '../../src/domain/calendar';

export type Locale = 'zh-CN' | 'en';
export type Catalogue = Record<string, string>;

const STORAGE_KEY = 'xp_lang';

export function currentLocale(): Locale {
  const chosen = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem(STORAGE_KEY);
  return chosen?.startsWith('en') ? 'en' : 'zh-CN';
}

export function setLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
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

/** Asia/Shanghai display of a stored UTC instant. */
export function shanghaiTime(iso: string, withTime = true): string {
  return new Date(iso).toLocaleString(currentLocale(), {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
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
