import { drizzle } from 'drizzle-orm/d1';
import type { Db } from './client';
import { databasesOf, type Databases } from './databases';
import * as schema from './schema';

/** One drizzle instance per binding: building one reads the whole schema (~0.1 ms), too much to pay per request. */
const databases = new WeakMap<D1Database, Db>();

export function d1Database(binding: D1Database): Db {
  let db = databases.get(binding);
  if (!db) {
    db = drizzle(binding, { schema }) as unknown as Db;
    databases.set(binding, db);
  }
  return db;
}

const SHARD_BINDING = /^SHARD_([A-Z][A-Z0-9_]{0,30})$/;
const deployments = new WeakMap<object, Databases>();

/**
 * The Worker's databases: DB is the registry (and shard `main`); every D1 binding SHARD_<NAME> is shard
 * <name> (docs/scaling.md: adding one is a wrangler.toml entry and a deploy).
 */
export function d1Databases(env: { DB: D1Database } & object): Databases {
  let found = deployments.get(env);
  if (!found) {
    const shards: Record<string, Db> = {};
    for (const [key, value] of Object.entries(env)) {
      const name = SHARD_BINDING.exec(key)?.[1];
      if (name && value && typeof (value as D1Database).prepare === 'function') shards[name.toLowerCase()] = d1Database(value as D1Database);
    }
    found = databasesOf(d1Database(env.DB), shards);
    deployments.set(env, found);
  }
  return found;
}
