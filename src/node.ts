import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createApp } from './app';
import type { AppEnv, Env } from './app-env';
import { migrateLibsql, openLibsql } from './db/libsql';
import { seedDemoIfEmpty } from './seed/demo';
import { startNodeScheduler } from './jobs';

/** Self-hosted mode: the same app on @hono/node-server with libSQL (an embedded file by default). */
async function main() {
  const { db } = await openLibsql();
  await migrateLibsql(db);
  const seeded = await seedDemoIfEmpty(db);

  const trustProxy = process.env.TRUST_PROXY === '1';
  const api = createApp({
    database: () => db,
    clientIp: (c) =>
      (trustProxy && c.req.header('x-forwarded-for')?.split(',')[0]?.trim()) || getConnInfo(c).remote.address || 'unknown',
  });
  const env: Partial<Env> = {
    BASE_DOMAIN: process.env.BASE_DOMAIN,
    INSECURE_COOKIES: process.env.INSECURE_COOKIES ?? '1',
  };

  const indexHtml = readFileSync('dist/web/index.html', 'utf8');
  const server = new Hono<AppEnv>()
    .all('/api/*', (c) => api.fetch(c.req.raw, { ...env, ...c.env }))
    .all('/t/:tenant/api/*', (c) => api.fetch(c.req.raw, { ...env, ...c.env }))
    .use('*', serveStatic({ root: 'dist/web' }))
    .get('*', (c) => c.html(indexHtml));

  const port = Number(process.env.PORT ?? 8788);
  const hostname = process.env.HOST ?? '127.0.0.1';
  serve({ fetch: server.fetch, port, hostname }, () => {
    console.log(`星评 xingping (self-hosted, libSQL) on http://${hostname}:${port}`);
    if (seeded) console.log(seeded);
  });
  // the crons of wrangler.toml, run in this process (NO_SCHEDULER=1 turns them off, e.g. on a second replica)
  if (process.env.NO_SCHEDULER !== '1') startNodeScheduler(db);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
