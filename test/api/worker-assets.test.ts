import { readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtApiDocument } from '../../src/api-document';
import { TEST_BUILD } from '../support/build';
import { TEST_APP_SECRET } from '../support/servers';

/** wrangler.toml's run_worker_first: the paths the Worker answers before the assets. */
const runWorkerFirst = JSON.parse(/run_worker_first\s*=\s*(\[[^\]]*\])/.exec(readFileSync('wrangler.toml', 'utf8'))![1]) as string[];

/**
 * On Cloudflare the pages are assets served without the Worker, so their headers come from the
 * `_headers` file the page build writes; workerd's asset server (as `wrangler dev` runs it) reads it.
 */
describe('Workers static assets: the pages carry the security headers of _headers', () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      scriptPath: TEST_BUILD.worker,
      compatibilityDate: '2026-08-01',
    compatibilityFlags: ['nodejs_compat'],
      d1Databases: { DB: 'assets-test-db' },
      bindings: { BASE_DOMAIN: 'xingping.test', APP_SECRET: TEST_APP_SECRET },
      assets: {
        directory: TEST_BUILD.web,
        binding: 'ASSETS',
        routerConfig: { has_user_worker: true, static_routing: { user_worker: runWorkerFirst } },
        assetConfig: { not_found_handling: 'single-page-application', html_handling: 'auto-trailing-slash' },
      },
    });
  }, 60_000);
  afterAll(() => mf?.dispose());

  it.each(['/', '/vote', '/screen', '/village', '/login'])('%s has the page CSP with the inline script hash, and HSTS', async (path) => {
    const response = await mf.dispatchFetch(`https://alpha.xingping.test${path}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*';/);
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

  it('does not serve _headers itself; the API answers keep the API policy', async () => {
    const file = await mf.dispatchFetch('https://alpha.xingping.test/_headers');
    expect(await file.text()).not.toContain('Content-Security-Policy');
    const api = await mf.dispatchFetch('https://alpha.xingping.test/api/openapi.json');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    await api.arrayBuffer();
  });
});
