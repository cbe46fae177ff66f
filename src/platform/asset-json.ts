/**
 * A file of the pages build (dist/web), read by the Worker through its ASSETS binding. A missing file would be
 * answered with the SPA's index.html (not_found_handling), so anything but JSON counts as missing.
 */
export async function assetText(assets: Fetcher | undefined, path: string): Promise<string> {
  const file = await assets?.fetch(`https://assets.invalid/${path}`);
  if (!file?.ok || !file.headers.get('content-type')?.startsWith('application/json'))
    throw new Error(`${path} is not among the assets: build the pages (npm run build:web) before the Worker`);
  return file.text();
}

export const assetJson = async <T>(assets: Fetcher | undefined, path: string): Promise<T> => JSON.parse(await assetText(assets, path)) as T;
