import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { Hono } from './platform/hono';
import { compress } from 'hono/compress';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDocument } from './api-document';
import { createApp } from './app';
import type { AppEnv, Bindings } from './app-env';
import type { AuditStore } from './audit/store';
import type { PhotoStore } from './platform/photo-store';
import type { Databases } from './db/databases';
import { gzipAnswer, gzipFilesOnce } from './node-compress';
import { parseAppConfig, type AppConfig } from './platform/config';
import { HASHED_ASSET_CACHING, HASHED_ASSETS, HSTS, inlineScripts, pageHeaders } from './platform/security-headers';
import { backgroundWork, type BackgroundWork } from './platform/background';

export interface NodeServerOptions {
  /** the built pages (vite build); relative to the working directory */
  webRoot?: string;
  /** trust X-Forwarded-For (behind a reverse proxy) */
  trustProxy?: boolean;
  /** the settings parsed at start (node.ts); without them, `env` is parsed here (tests) */
  config?: AppConfig;
  env?: Partial<Bindings>;
  /** the audit trail's anchors and archives (a directory in Node mode) */
  auditStore?: AuditStore;
  /** the meeting photos' directory store (PHOTO_DIR) */
  photoStore?: PhotoStore;
  /** where requests leave what runs after their answer, for a stop to wait on (node.ts); one of its own otherwise */
  background?: BackgroundWork;
}

/** The peer address of the socket; absent when the app is called in-process (server.request in tests). */
function socketAddress(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Pages other than the admin app: /vote serves vote.html, as wrangler's assets do (html_handling auto-trailing-slash). */
const PAGES = ['vote', 'screen', 'village'];
const API_PATH = /^(\/t\/[^/]+)?\/api(\/|$)/;

/**
 * The self-hosted HTTP app: the API plus the built pages, with the same URL behaviour as the Worker's
 * assets (named pages, then files, then the admin SPA's index.html). Created apart from the entry so tests can run it.
 */
export function createNodeServer(databases: Databases, options: NodeServerOptions = {}) {
  const webRoot = options.webRoot ?? 'dist/web';
  const env: Partial<Bindings> = { ...options.env };
  // a bad setting fails here, when the server is made, not on its first request
  const config = options.config ?? parseAppConfig(env);
  const api = createApp({
    config,
    databases: () => databases,
    auditStore: () => options.auditStore,
    photoStore: () => options.photoStore,
    apiDocument,
    clientIp: (c) => (options.trustProxy && c.req.header('x-forwarded-for')?.split(',')[0]?.trim()) || socketAddress(c) || 'unknown',
  });
  const html = (page: string) => {
    const file = join(webRoot, `${page}.html`);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const pages = new Map(['index', ...PAGES].map((page) => [page, html(page)]));
  // the CSP allows the pages' inline scripts by hash, as the build's _headers file does on Cloudflare
  const scriptHashes = [...new Set([...pages.values()].flatMap((body) => (body ? inlineScripts(body) : [])).map((s) => createHash('sha256').update(s).digest('base64')))].sort();
  const https = (c: { req: { url: string; header(name: string): string | undefined } }) =>
    new URL(c.req.url).protocol === 'https:' || (!!options.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https');
  // API answers are gzipped here (cheaply, see node-compress.ts); compress() below then leaves them alone
  const { context } = options.background ?? backgroundWork();
  const forward = async (c: { req: { raw: Request }; env: unknown }) => gzipAnswer(c.req.raw, await api.fetch(c.req.raw, { ...env, ...(c.env as object) }, context));

  // gzip as Cloudflare's edge does for the Worker: phones on slow rural networks load the pages in a fraction of the bytes
  const server = new Hono<AppEnv>()
    .use('*', async (c, next) => {
      await next();
      // the API's answers carry the app's own headers (app.ts); everything else here is a page or a file of one,
      // asked again at each use (as Cloudflare's default has it) unless it says otherwise: a hashed asset, a redirect
      // of the app's
      if (!API_PATH.test(c.req.path)) {
        for (const [name, value] of Object.entries(pageHeaders(scriptHashes, false))) c.res.headers.set(name, value);
        if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-cache');
      }
      if (https(c)) c.res.headers.set('Strict-Transport-Security', HSTS);
    })
    .use('*', compress())
    .all('/api/*', forward)
    .all('/t/:tenant/api/*', forward)
    // the short addresses /v/<CODE> and /c/<村名> are the app's (redirects to the phone ballot and a village's page), as on Workers (run_worker_first)
    .get('/v', forward)
    .get('/v/*', forward)
    .get('/t/:tenant/v', forward)
    .get('/t/:tenant/v/*', forward)
    .get('/c', forward)
    .get('/c/*', forward)
    .get('/t/:tenant/c', forward)
    .get('/t/:tenant/c/*', forward);
  // auto-trailing-slash: /vote/, /vote.html (and /vote.html/) are redirected to the canonical /vote
  const canonical = (c: Context<AppEnv>, page: string) => c.redirect(`/${page}${new URL(c.req.url).search}`, 307);
  for (const page of PAGES) {
    server.get(`/${page}`, (c) => {
      const body = pages.get(page);
      return body === undefined ? c.notFound() : c.html(body);
    });
    for (const alias of [`/${page}/`, `/${page}.html`, `/${page}.html/`]) server.get(alias, (c) => canonical(c, page));
  }
  for (const alias of ['/index.html', '/index.html/']) server.get(alias, (c) => c.redirect(`/${new URL(c.req.url).search}`, 307));
  // the admin app: the page read at start, like the others, not index.html from the disk (dated, so kept a while)
  const adminApp = (c: Context<AppEnv>) => {
    const index = pages.get('index');
    return index === undefined ? c.text('dist/web is missing: run npm run build:web', 503) : c.html(index);
  };
  server.get('/', adminApp);
  // the files of the build this server started with, as `_headers` names them on Cloudflare: not a name no build
  // has (the admin app answers it), nor a file a build run in place since is still writing
  const hashedAssets = new Set(existsSync(join(webRoot, HASHED_ASSETS)) ? readdirSync(join(webRoot, HASHED_ASSETS)) : []);
  server.use(
    `${HASHED_ASSETS}*`,
    async (c, next) => {
      await next();
      if (c.res.status !== 200 || !c.res.headers.has('last-modified') || !hashedAssets.has(c.req.path.slice(HASHED_ASSETS.length))) return;
      c.res.headers.set('Cache-Control', HASHED_ASSET_CACHING);
      // the gzipped and the plain answer, kept apart by any cache (gzipFilesOnce names it on the first)
      if (!c.res.headers.has('vary')) c.res.headers.set('Vary', 'Accept-Encoding');
    },
    gzipFilesOnce(),
  );
  server.use('*', serveStatic({ root: webRoot }));
  server.get('*', adminApp);
  return server;
}
