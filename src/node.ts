import { serve } from '@hono/node-server';
import { migrateLibsql, openLibsql } from './db/libsql';
import { createNodeServer } from './node-server';
import { seedDemoIfEmpty } from './seed/demo';
import { DEV_APP_SECRET } from './features/evaluation/crypto';
import { startNodeScheduler } from './jobs';

/** Self-hosted mode: the same app on @hono/node-server with libSQL (an embedded file by default). */
async function main() {
  const { db } = await openLibsql();
  await migrateLibsql(db);
  const seeded = await seedDemoIfEmpty(db);

  const server = createNodeServer(db, {
    trustProxy: process.env.TRUST_PROXY === '1',
    env: {
      BASE_DOMAIN: process.env.BASE_DOMAIN,
      INSECURE_COOKIES: process.env.INSECURE_COOKIES ?? '1',
      // production sets its own; the default matches wrangler.toml's development value
      APP_SECRET: process.env.APP_SECRET ?? DEV_APP_SECRET,
    },
  });

  const port = Number(process.env.PORT ?? 8788);
  const hostname = process.env.HOST ?? '127.0.0.1';
  const http = serve({ fetch: server.fetch, port, hostname }, () => {
    console.log(`星评 xingping (self-hosted, libSQL) on http://${hostname}:${port}`);
    if (seeded) console.log(seeded);
  });
  // a service manager's stop: answer the requests in flight (their ballots are committed), then exit
  const stop = () => {
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // the crons of wrangler.toml, run in this process (NO_SCHEDULER=1 turns them off, e.g. on a second replica)
  if (process.env.NO_SCHEDULER !== '1') startNodeScheduler(db);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
