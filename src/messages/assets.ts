import { assetJson } from '../platform/asset-json';
import { catalogueAsset } from './asset-path';
import type { catalogues as bundled } from './index';

export type { MessageKey } from './zh-CN';
type Catalogues = typeof bundled;

/**
 * The Worker's catalogues (package.json maps `#messages` here under the `workerd` condition; Node imports
 * index.ts). Carried in the bundle they were a tenth of it (~14 KB gzipped), so the Worker reads the pages
 * build's JSON copies instead, once per isolate, before its first request, cron or queue batch (src/index.ts).
 * Without them nothing runs (a request answers 503): a default written in Chinese into the database, such as a
 * red line's title, must never be written as its key.
 */
export const catalogues = { 'zh-CN': {}, en: {} } as Catalogues;

let loaded: Promise<void> | undefined;

export function loadCatalogues(assets: Fetcher | undefined): Promise<void> {
  loaded ??= Promise.all(
    (Object.keys(catalogues) as (keyof Catalogues)[]).map(async (locale) => void Object.assign(catalogues[locale], await assetJson(assets, catalogueAsset(locale)))),
  ).then(
    () => undefined,
    (error: unknown) => {
      // the next request tries again
      loaded = undefined;
      throw error;
    },
  );
  return loaded;
}
