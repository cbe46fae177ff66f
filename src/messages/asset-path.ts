/** Where the pages build writes a server catalogue under the assets' root (vite.config.ts), for the Worker to read. */
export const catalogueAsset = (locale: string) => `api/messages/${locale}.json`;
