import { catalogues, type MessageKey } from '#messages';

export type { MessageKey };
const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Picks the caller's language: explicit choice first (query, cookie), then Accept-Language; Chinese by default. */
export function negotiateLocale(explicit: string | undefined, acceptLanguage: string | undefined): Locale {
  if (explicit) return explicit.toLowerCase().startsWith('en') ? 'en' : DEFAULT_LOCALE;
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : DEFAULT_LOCALE;
}

/** Whether a text is a key of the catalogue (a refinement's message is one, translated where it is shown). */
export function isMessageKey(text: string): text is MessageKey {
  return Object.hasOwn(catalogues[DEFAULT_LOCALE], text);
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number | { message: MessageKey }> = {}): string {
  const template: string = catalogues[locale][key] ?? catalogues[DEFAULT_LOCALE][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'object' ? translate(locale, value.message) : String(value);
  });
}
