import { d1Databases } from '../src/db/d1';
import { databasesOf, type Databases } from '../src/db/databases';
import { migrateLibsql, openLibsql, openShards } from '../src/db/libsql';
import { parseShardsConfig } from '../src/platform/config';

/**
 * The registry and shards a command-line script works on: libSQL from DATABASE_URL (or --db) and SHARDS, as the
 * Node server opens them; or, with `d1`, wrangler.toml's D1 bindings (DB, SHARD_<NAME>) through wrangler's
 * platform proxy: the local state by default, the deployed databases for bindings marked `remote = true` in
 * the environment named (docs/scaling.md).
 */
export async function openDatabases(options: { db?: string; d1?: boolean; environment?: string }): Promise<{ databases: Databases; close(): Promise<void> }> {
  if (options.d1) {
    // loaded only here: a self-hosted install runs these scripts without wrangler
    const { getPlatformProxy } = await import('wrangler');
    const proxy = await getPlatformProxy<{ DB: D1Database }>({ environment: options.environment });
    return { databases: d1Databases(proxy.env), close: () => proxy.dispose() };
  }
  const { db, client } = await openLibsql(options.db);
  await migrateLibsql(db);
  const shards = await openShards(parseShardsConfig(process.env));
  return {
    databases: databasesOf(db, shards.dbs),
    close: async () => {
      client.close();
      for (const shard of shards.clients) shard.close();
    },
  };
}
