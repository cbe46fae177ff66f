import { drizzle } from 'drizzle-orm/d1';
import type { Db } from './client';
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
