import { assetText } from '../platform/asset-json';
import { catalogueAsset, catalogueDigest } from './asset-path';
import type { catalogues as bundled } from './index';

export type { MessageKey } from './zh-CN';
type Catalogues = typeof bundled;
type Locale = keyof Catalogues;

/** The digests of the catalogues this Worker was built with, set by its build (scripts/worker-bundle.ts). */
declare const CATALOGUE_DIGESTS: Record<Locale, string>;

/**
 * The Worker's catalogues (package.json maps `#messages` here under the `workerd` condition; Node imports
 * index.ts). Carried in the bundle they were a tenth of it (~18 KB gzipped), so the Worker reads the pages
 * build's JSON copies instead, once per isolate, before its first request, cron or queue batch (src/index.ts).
 * Without them, or with copies of another build (pages not built again after a catalogue changed), nothing
 * runs (a request answers 503): a default written in Chinese into the database, such as a red line's title,
 * must never be written as its key, nor a text of another version.
 */
export const catalogues = { 'zh-CN': {}, en: {} } as Catalogues;

let loaded = false;

/**
 * Each caller that finds them missing reads them itself, and both are set together once both verified: no
 * promise outlives the request that made it (on Workers, a cancelled request takes its pending I/O along, and a
 * shared promise would then hang every later request of the isolate), and no caller sees one locale without the other.
 */
export async function loadCatalogues(assets: Fetcher | undefined): Promise<void> {
  if (loaded) return;
  const locales = Object.keys(catalogues) as Locale[];
  const files = await Promise.all(
    locales.map(async (locale) => {
      const file = await assetText(assets, catalogueAsset(locale));
      if ((await catalogueDigest(file)) !== CATALOGUE_DIGESTS[locale])
        throw new Error(`${catalogueAsset(locale)} among the assets is not the catalogue this Worker was built with: build the pages again (npm run build:web)`);
      return JSON.parse(file) as object;
    }),
  );
  locales.forEach((locale, i) => Object.assign(catalogues[locale], files[i]));
  loaded = true;
}
