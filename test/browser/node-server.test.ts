import { databasesOf } from '../../src/db/databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createNodeServer } from '../../src/node-server';
import { WEB_OUT } from '../support/browser';
import { scratchDir } from '../support/scratch';
import { TEST_ENV } from '../support/servers';

/** Self-hosted mode serves the built pages the way wrangler's assets do. */
describe('Node server: pages and SPA fallback', () => {
  let server: ReturnType<typeof createNodeServer>;
  let client: Client;
  beforeAll(async () => {
    const opened = await openLibsql(':memory:');
    client = opened.client;
    await migrateLibsql(opened.db);
    server = createNodeServer(databasesOf(opened.db), { webRoot: WEB_OUT, env: TEST_ENV });
  }, 60_000);
  afterAll(() => client?.close());

  const get = (path: string) => server.request(`http://127.0.0.1${path}`, { redirect: 'manual' });

  it.each([
    ['/vote', './vote/'],
    ['/screen', './screen/'],
    ['/village', './village/'],
  ])('%s serves its own page', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    const html = await response.text();
    const name = path.slice(1);
    expect(html).toMatch(new RegExp(`/assets/${name}-[\\w-]+\\.js`));
  });

  it.each([
    ['/v/AB12CD', '/vote?c=AB12CD'],
    ['/t/alpha/v/ab12cd', '/vote?t=alpha&c=AB12CD'],
    ['/v', '/vote'],
    ['/v/', '/vote'],
    ['/t/alpha/v/', '/vote?t=alpha'],
  ])('the short address %s is the app\'s, not a file or the admin app: → %s', async (path, location) => {
    const response = await get(path);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(location);
  });

  it.each(['/c/%E9%9D%96%E5%BA%84', '/t/alpha/c/%E9%9D%96%E5%BA%84', '/c', '/c/'])('the short address %s is the app\'s, not the admin app: no such township here', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'error.tenant_not_found' });
  });

  it.each([
    ['/vote/', '/vote'],
    ['/vote.html?s=1', '/vote?s=1'],
    ['/screen.html/', '/screen'],
    ['/index.html', '/'],
    ['/index.html/', '/'],
  ])('%s redirects to %s', async (path, location) => {
    const response = await get(path);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(location);
  });

  it.each(['/', '/login', '/t/alpha/villages', '/t/alpha/import?roster=members'])('%s falls back to the admin app', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/\/assets\/index-[\w-]+\.js/);
  });

  it('serves built assets and answers the API with JSON problems, not the page', async () => {
    const html = await (await get('/')).text();
    const asset = html.match(/\/assets\/index-[\w-]+\.js/)![0];
    const script = await get(asset);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const api = await get('/api/auth/me');
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ code: 'error.unauthenticated' });
    const tenant = await get('/t/nowhere/api/villages');
    expect(tenant.status).toBe(404);
    expect(await tenant.json()).toMatchObject({ code: 'error.tenant_not_found' });
  });

  it('keeps each built script or style a year by its name, as _headers has Cloudflare do; has every page, and the app answering a name no build has, asked again', async () => {
    const assets = readdirSync(join(WEB_OUT, 'assets')).map((name) => `/assets/${name}`);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets)
      for (const encoding of ['gzip', 'identity']) {
        const response = await server.request(`http://127.0.0.1${asset}`, { headers: { 'accept-encoding': encoding } });
        const headers = [response.headers.get('cache-control'), response.headers.get('vary')];
        expect([asset, encoding, response.status, ...headers]).toEqual([asset, encoding, 200, 'public, max-age=31536000, immutable', 'Accept-Encoding']);
      }
    for (const path of ['/vote', '/', '/t/alpha/villages', '/assets/index-00000000.js', '/legacy-notice.js']) {
      const response = await get(path);
      expect([path, response.status, response.headers.get('cache-control')]).toEqual([path, 200, 'no-cache']);
    }
    // the admin app as read at start, like the other pages: nothing dates it for a browser to keep
    for (const path of ['/', '/vote', '/t/alpha/villages']) expect([path, (await get(path)).headers.get('last-modified')]).toEqual([path, null]);
  });

  it('keeps only the files of the build it started with: one written under /assets/ since (a build run in place) is served, asked again each time', async () => {
    // a copy of the pages, since the run's build is shared by every test process
    const web = scratchDir('xp-web-');
    const opened = await openLibsql(':memory:');
    try {
      cpSync(WEB_OUT, web.path, { recursive: true });
      const started = createNodeServer(databasesOf(opened.db), { webRoot: web.path, env: TEST_ENV });
      writeFileSync(join(web.path, 'assets', 'late-AbCd1234.js'), 'export {};\n');
      const response = await started.request('http://127.0.0.1/assets/late-AbCd1234.js');
      expect([response.status, response.headers.get('content-type'), response.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'no-cache']);
    } finally {
      opened.client.close();
      web.remove();
    }
  });

  it('gzips a built script for a caller that takes gzip, the same bytes each time, and leaves ranges, HEAD and identity callers the file', async () => {
    const html = await (await get('/vote')).text();
    const asset = html.match(/\/assets\/vote-[\w-]+\.js/)![0];
    const file = readFileSync(join(WEB_OUT, asset));
    const gzipped = (init: RequestInit = {}) => server.request(`http://127.0.0.1${asset}`, { ...init, headers: { 'accept-encoding': 'gzip, deflate, br', ...init.headers } });
    const [first, second] = [await gzipped(), await gzipped()];
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-encoding')).toBe('gzip');
      expect(answer.headers.get('content-type')).toMatch(/javascript/);
      expect(answer.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(answer.headers.get('content-length')).toBeNull();
    }
    const [a, b] = [Buffer.from(await first.arrayBuffer()), Buffer.from(await second.arrayBuffer())];
    expect(gunzipSync(a).equals(file)).toBe(true);
    expect(b.equals(a)).toBe(true);
    // what serveStatic answers, untouched, to a caller without gzip or refusing it by its weight
    for (const plain of [await get(asset), await gzipped({ headers: { 'accept-encoding': 'gzip;q=0, identity' } })]) {
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await plain.arrayBuffer()).equals(file)).toBe(true);
    }
    const range = await gzipped({ headers: { range: 'bytes=0-9' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await range.arrayBuffer()).equals(file.subarray(0, 10))).toBe(true);
    const head = await gzipped({ method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-encoding')).toBeNull();
    expect(head.headers.get('content-length')).toBe(String(file.length));
  });
});
