import type { Client } from '@libsql/client';
import type { Db } from '../../src/db/client';
import { migrateLibsql, migrateShard, openLibsql } from '../../src/db/libsql';

/**
 * A fresh in-memory libSQL database with a migration folder applied, as the test servers start from. The first of
 * each folder in a test process runs drizzle's migrator; every next one replays what that one made (the schema
 * in sqlite_master's order, and the migrator's journal rows) as one script: ~7 ms of CPU against ~20 ms, at two
 * or three databases for each libSQL server of the suite. The same tables, indexes and journal, so the app and
 * its migration check (migration-status.ts) see what the migrator would have left; the migrator itself is
 * tested on every database it opens in the production-entry, backup and CLI tests.
 */
export async function migratedMemoryDb(kind: 'registry' | 'shard' = 'registry'): Promise<{ db: Db; client: Client }> {
  const opened = await openLibsql(':memory:');
  const script = scripts.get(kind);
  if (script) await opened.client.executeMultiple(await script);
  else scripts.set(kind, migrateAndRecord(opened, kind));
  await scripts.get(kind);
  return opened;
}

const scripts = new Map<string, Promise<string>>();

async function migrateAndRecord({ db, client }: { db: Db; client: Client }, kind: 'registry' | 'shard'): Promise<string> {
  await (kind === 'registry' ? migrateLibsql(db) : migrateShard(db));
  const schema = await client.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
  const journal = await client.execute('SELECT * FROM __drizzle_migrations ORDER BY id');
  const literal = (value: unknown) => (value === null ? 'NULL' : typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value));
  const rows = journal.rows.map((row) => `INSERT INTO __drizzle_migrations (${journal.columns.join(', ')}) VALUES (${journal.columns.map((c) => literal(row[c])).join(', ')});`);
  return [...schema.rows.map((row) => `${row.sql};`), ...rows].join('\n');
}
