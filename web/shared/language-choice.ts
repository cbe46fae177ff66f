/** Where a chosen language is kept in localStorage: read by i18n.ts and by the load-failed notice (no DOM here, so the build config can import it). */
export const LANGUAGE_STORAGE_KEY = 'xp_lang';
