/** Page-local message catalogues: each page bundles only its own texts. Chinese unless the user chose English. */
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

export { yuan } from '../../src/domain/money';
