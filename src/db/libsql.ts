import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDatabaseConfig, type DatabaseConfig } from '../platform/config';
import type { Db } from './client';
import { withGroupCommit } from './group-commit';
import { cacheStatements } from './statement-cache';

/**
 * Self-hosted database: an embedded libSQL file by default, or a libSQL server via DATABASE_URL (and
 * DATABASE_AUTH_TOKEN), read through platform/config.ts; a URL given here (scripts' --db, tests) wins.
 */
export async function openLibsql(database?: string | DatabaseConfig): Promise<{ db: Db; client: Client }> {
  const { url, authToken } =
    typeof database === 'object' ? database : { ...parseDatabaseConfig(process.env), ...(database === undefined ? {} : { url: database }) };
  if (url.startsWith('file:')) mkdirSync(dirname(url.slice('file:'.length)) || '.', { recursive: true });
  // timeout: a writer waits up to 5 s for another's lock (a second replica) instead of failing; as an option, not a
  // PRAGMA, because the client keeps a pool of connections and a PRAGMA reaches only the one it runs on
  cacheStatements();
  const client = createClient({ url, authToken, timeout: 5000 });
  if (url.startsWith('file:')) {
    // WAL lets readers proceed during writes (a property of the file: every connection has it)
    await client.execute('PRAGMA journal_mode = WAL');
  }
  // Every pooled connection opens with foreign keys on and synchronous = FULL (libSQL's defaults, pinned by
  // libsql.test.ts; a PRAGMA here would reach only one connection): a receipt on a phone promises that its
  // ballot is stored, and FULL syncs the WAL at every commit, so an acknowledged ballot survives a power cut.
  // an embedded file commits on this thread: concurrent requests' batches share one commit (see group-commit.ts)
  const db = drizzle(url.startsWith('file:') ? withGroupCommit(client) : client) as unknown as Db;
  return { db, client };
}

/** The registry's migrations (which also create shard `main`'s tables). */
export async function migrateLibsql(db: Db, migrationsFolder = 'migrations'): Promise<void> {
  await migrate(db as never, { migrationsFolder });
}

/** A shard's own migrations (docs/scaling.md). */
export const migrateShard = (db: Db, migrationsFolder = 'migrations/shard') => migrate(db as never, { migrationsFolder });

/** The shards of SHARDS (`<name>=<libSQL URL>`, …), each opened and migrated. */
export async function openShards(shards: Readonly<Record<string, DatabaseConfig>>, migrate = true): Promise<{ dbs: Record<string, Db>; clients: Client[] }> {
  const dbs: Record<string, Db> = {};
  const clients: Client[] = [];
  for (const [name, config] of Object.entries(shards)) {
    const { db, client } = await openLibsql(config);
    if (migrate) await migrateShard(db);
    dbs[name] = db;
    clients.push(client);
  }
  return { dbs, clients };
}
