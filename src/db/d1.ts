import { DrizzleD1Database, SQLiteD1Session } from 'drizzle-orm/d1';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { databasesOf, MAIN_SHARD, type Databases } from './databases';

const dialect = new SQLiteAsyncDialect();

/**
 * drizzle over a D1 binding or a D1 session, as `drizzle(client)` builds it, for the per-request sessions
 * (d1-session.ts) too: a session offers the two methods drizzle's D1 driver calls, prepare and batch. Without a
 * schema (the app writes no relational `db.query`), whose query builders, one per table, drizzle made at each
 * instance: two instances a request, ~0.2 ms of workerd CPU.
 */
export function drizzleD1(client: D1Database | D1DatabaseSession): Db {
  const session = new SQLiteD1Session(client as D1Database, dialect, undefined, {});
  return new DrizzleD1Database('async', dialect, session, undefined) as unknown as Db;
}

/** One drizzle instance per binding: the instance is the database's identity within an isolate (audit/seal.ts keys by it). */
const databases = new WeakMap<D1Database, Db>();

export function d1Database(binding: D1Database): Db {
  let db = databases.get(binding);
  if (!db) {
    db = drizzleD1(binding);
    databases.set(binding, db);
  }
  return db;
}

const SHARD_BINDING = /^SHARD_([A-Z][A-Z0-9_]{0,30})$/;
const bindingsOf = new WeakMap<object, Readonly<Record<string, D1Database>>>();

/** The Worker's D1 bindings by shard name, `main` (DB, the registry) first, then every SHARD_<NAME> as <name> by name. */
export function d1Bindings(env: { DB: D1Database } & object): Readonly<Record<string, D1Database>> {
  let found = bindingsOf.get(env);
  if (!found) {
    const shards: [string, D1Database][] = [];
    for (const [key, value] of Object.entries(env)) {
      const name = SHARD_BINDING.exec(key)?.[1];
      if (name && value && typeof (value as D1Database).prepare === 'function') shards.push([name.toLowerCase(), value as D1Database]);
    }
    found = Object.fromEntries([[MAIN_SHARD, env.DB], ...shards.filter(([name]) => name !== MAIN_SHARD).sort(([a], [b]) => a.localeCompare(b))]);
    bindingsOf.set(env, found);
  }
  return found;
}

const deployments = new WeakMap<object, Databases>();

/**
 * The Worker's databases: DB is the registry (and shard `main`); every D1 binding SHARD_<NAME> is shard
 * <name> (docs/scaling.md: adding one is a wrangler.toml entry and a deploy).
 */
export function d1Databases(env: { DB: D1Database } & object): Databases {
  let found = deployments.get(env);
  if (!found) {
    const { [MAIN_SHARD]: registry, ...shards } = d1Bindings(env);
    found = databasesOf(d1Database(registry), Object.fromEntries(Object.entries(shards).map(([name, binding]) => [name, d1Database(binding)])));
    deployments.set(env, found);
  }
  return found;
}
