import { serve } from '@hono/node-server';
import { count } from 'drizzle-orm';
import { dirStore } from './audit/dir-store';
import { dirPhotoStore } from './platform/photo-dir-store';
import { accounts } from './db/schema';
import { databaseFile } from './db/backup';
import { databasesOf } from './db/databases';
import { markServerUsing } from './db/in-use';
import { migrateLibsql, openLibsql, openShards } from './db/libsql';
import { startNodeScheduler } from './jobs/node-scheduler';
import { createNodeServer } from './node-server';
import { backgroundWork } from './platform/background';
import { ConfigError, parseNodeConfig, type NodeConfig } from './platform/config';
import { seedDemoIfEmpty } from './seed/demo';
import { demoAccountsWithDemoPassword } from './seed/purge-demo';

/** Why the server will not start: printed as one message, then the process exits with EX_CONFIG (see below). */
class StartRefused extends Error {}

/** sysexits' EX_CONFIG: a refusal to start is not a crash, so a service manager need not restart it (RestartPreventExitStatus=78). */
const EXIT_REFUSED = 78;

function readConfig(): NodeConfig {
  try {
    return parseNodeConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new StartRefused(
        `the environment is not a valid configuration:\n${error.problems.map((p) => `  ${p}`).join('\n')}\n` +
          'Production needs its own APP_SECRET (openssl rand -base64 32); the demo runs with DEMO_MODE=1 (npm run start:node). See docs/operations.md.',
      );
    throw error;
  }
}

/**
 * Self-hosted mode: the same app on @hono/node-server with libSQL (an embedded file by default).
 * Production (the default) never seeds and refuses to start on a database that still opens with a demo
 * login; demo mode (DEMO_MODE=1, `npm run start:node`) seeds the demo into an empty database.
 */
async function main() {
  const config = readConfig();
  const { db } = await openLibsql(config.database);
  // a restore refuses to replace the file while this server has it open (db/in-use.ts)
  if (config.database.url.startsWith('file:')) markServerUsing(databaseFile(config.database.url));
  await migrateLibsql(db);
  // the registry is shard main; SHARDS adds the others, each migrated by the shard set (docs/scaling.md)
  const databases = databasesOf(db, (await openShards(config.shards)).dbs);
  let notice: string | undefined;
  if (config.demo) notice = await seedDemoIfEmpty(db);
  else {
    const open = await demoAccountsWithDemoPassword(db);
    if (open.length)
      throw new StartRefused(
        `this database still has demo accounts with the public demo password (${open.join(', ')}).\n` +
          'Remove the demo townships and accounts with `npm run purge-demo` (DATABASE_URL as for this server), then start again.',
      );
    const [{ n }] = await db.select({ n: count() }).from(accounts);
    if (n === 0) notice = 'No account yet: create the first platform admin with `npm run create-admin` (docs/operations.md).';
  }

  const auditStore = dirStore(config.auditArchiveDir);
  const background = backgroundWork();
  const server = createNodeServer(databases, { trustProxy: config.trustProxy, config, auditStore, photoStore: dirPhotoStore(config.photoDir), background });
  const { port, host } = config;
  const http = serve({ fetch: server.fetch, port, hostname: host }, () => {
    console.log(`星评 xingping (self-hosted, libSQL${config.demo ? ', demo mode' : ''}) on http://${host}:${port}`);
    if (!config.secureCookies && !config.demo) console.warn('INSECURE_COOKIES=1: session cookies are not Secure; use this only for plain-HTTP testing.');
    if (notice) console.log(notice);
  });
  // a service manager's stop: answer the requests in flight (their ballots are committed), finish what they left running (audit seals), then exit
  const stop = () => {
    http.close(() => void background.settled().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // the crons of wrangler.toml, run in this process (NO_SCHEDULER=1 turns them off, e.g. on a second replica)
  if (config.scheduler) startNodeScheduler(databases, { auditStore });
}

main().catch((error) => {
  if (error instanceof StartRefused) {
    console.error(`星评 xingping will not start: ${error.message}`);
    process.exit(EXIT_REFUSED);
  }
  console.error(error);
  process.exit(1);
});
