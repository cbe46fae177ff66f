import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtApiDocument } from '../../src/api-document';
import { catalogues } from '../../src/messages';
import { catalogueAsset, catalogueFile } from '../../src/messages/asset-path';
import { builtScriptSources, TEST_BUILD } from '../support/build';
import { scratchDir } from '../support/scratch';
import { TEST_APP_SECRET } from '../support/servers';

/** A catalogue text that could be nothing else in the bundle: not a word that is also an enum value or a seed's name. */
const isSentence = (text: string) => text.length >= 12 && /[\s，。：；（]/.test(text);

/** wrangler.toml's run_worker_first: the paths the Worker answers before the assets. */
const runWorkerFirst = JSON.parse(/run_worker_first\s*=\s*(\[[^\]]*\])/.exec(readFileSync('wrangler.toml', 'utf8'))![1]) as string[];

/** The built Worker in workerd with `directory` as its assets, routed as wrangler.toml routes them on Cloudflare. */
function workerWithAssets(directory: string, database: string): Miniflare {
  return new Miniflare({
    // the bundle named as its one module (it imports only built-ins): given `scriptPath`, Miniflare parses its
    // megabyte to find the modules it imports (~0.5 s of CPU each time)
    modules: [{ type: 'ESModule', path: TEST_BUILD.worker, contents: readFileSync(TEST_BUILD.worker, 'utf8') }],
    compatibilityDate: '2026-08-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: database },
    bindings: { BASE_DOMAIN: 'xingping.test', APP_SECRET: TEST_APP_SECRET },
    assets: {
      directory,
      binding: 'ASSETS',
      routerConfig: { has_user_worker: true, static_routing: { user_worker: runWorkerFirst } },
      assetConfig: { not_found_handling: 'single-page-application', html_handling: 'auto-trailing-slash' },
    },
  });
}

/**
 * On Cloudflare the pages are assets served without the Worker, so their headers come from the
 * `_headers` file the page build writes; workerd's asset server (as `wrangler dev` runs it) reads it.
 */
describe('Workers static assets: the pages carry the security headers of _headers', () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = workerWithAssets(TEST_BUILD.web, 'assets-test-db');
  }, 60_000);
  afterAll(() => mf?.dispose());

  it.each(['/', '/vote', '/screen', '/village', '/login'])("%s has the page CSP with its inline scripts' hashes, and HSTS", async (path) => {
    const response = await mf.dispatchFetch(`https://alpha.xingping.test${path}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toContain(builtScriptSources());
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    await response.arrayBuffer();
  });

  it.each([
    ['/v/AB12CD', '/vote?c=AB12CD'],
    ['/t/alpha/v/AB12CD', '/vote?t=alpha&c=AB12CD'],
    ['/v', '/vote'],
  ])('the short address %s is the Worker\'s (run_worker_first), not the admin app: → %s', async (path, location) => {
    const response = await mf.dispatchFetch(`https://alpha.xingping.test${path}`, { redirect: 'manual' });
    expect([response.status, await response.text()]).toEqual([302, '']);
    expect(response.headers.get('location')).toBe(location);
  });

  it('answers /api/openapi.json with the document the routes describe now (the pages build wrote it)', async () => {
    const served = await mf.dispatchFetch('https://alpha.xingping.test/api/openapi.json');
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(JSON.stringify(builtApiDocument()));
  });

  // (every suite on workerd reads the words of its problems from them: e.g. input-edges, in both languages)
  it('has the server catalogues among the pages build, as they are, and not in its bundle', async () => {
    for (const [locale, messages] of Object.entries(catalogues)) expect(readFileSync(`${TEST_BUILD.web}/${catalogueAsset(locale)}`, 'utf8')).toBe(catalogueFile(messages));
    const bundle = readFileSync(TEST_BUILD.worker, 'utf8');
    const texts = Object.values(catalogues).flatMap((messages) => Object.values(messages) as string[]).filter(isSentence);
    expect(texts.length).toBeGreaterThan(300);
    expect(texts.filter((text) => bundle.includes(text))).toEqual([]);
  });

  it('keeps a built script or style a year by its name, and has the pages and a name no build has asked again each time', async () => {
    // every file the build wrote there, those the pages load up front and those loaded as their routes open
    const assets = readdirSync(join(TEST_BUILD.web, 'assets')).map((name) => `/assets/${name}`);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const response = await mf.dispatchFetch(`https://alpha.xingping.test${asset}`);
      expect([asset, response.status, response.headers.get('cache-control')]).toEqual([asset, 200, 'public, max-age=31536000, immutable']);
      await response.arrayBuffer();
    }
    // a chunk a page open across a deployment asks for, answered with the admin app: not kept under that name
    for (const path of ['/vote', '/', '/legacy-notice.js', '/assets/index-00000000.js']) {
      const response = await mf.dispatchFetch(`https://alpha.xingping.test${path}`);
      expect([path, response.status, response.headers.get('cache-control')]).toEqual([path, 200, 'public, max-age=0, must-revalidate']);
      await response.arrayBuffer();
    }
  });

  it('does not serve _headers itself; the API answers keep the API policy', async () => {
    const file = await mf.dispatchFetch('https://alpha.xingping.test/_headers');
    expect(await file.text()).not.toContain('Content-Security-Policy');
    const api = await mf.dispatchFetch('https://alpha.xingping.test/api/openapi.json');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    await api.arrayBuffer();
  });
});

/**
 * A Worker deployed without the pages build, or with the pages of another build (a catalogue changed since):
 * it cannot word a problem, and writes nothing that would carry a key, or another version's words, for a text.
 */
describe.each([
  ['no catalogue at all', () => undefined],
  ['the catalogues of another build', (folder: string) => {
    mkdirSync(join(folder, 'api/messages'), { recursive: true });
    for (const [locale, messages] of Object.entries(catalogues)) writeFileSync(join(folder, catalogueAsset(locale)), catalogueFile({ ...messages, 'error.not_found': '?' }));
  }],
])('a Worker whose assets hold %s', (_, write) => {
  let mf: Miniflare;
  let folder: ReturnType<typeof scratchDir>;
  beforeAll(async () => {
    folder = scratchDir('xp-stale-assets-');
    write(folder.path);
    mf = workerWithAssets(folder.path, 'no-assets-test-db');
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
    folder?.remove();
  });

  it('answers every request 503 error.not_configured, again on the next request', async () => {
    for (const path of ['/api/health', '/t/alpha/api/stars/red-lines'])
      expect(await (await mf.dispatchFetch(`https://xingping.test${path}`)).json()).toMatchObject({ code: 'error.not_configured' });
    expect((await mf.dispatchFetch('https://xingping.test/api/health')).status).toBe(503);
  });
});
