import { sql } from 'drizzle-orm';
import journal from '../../migrations/meta/_journal.json';
import shardJournal from '../../migrations/shard/meta/_journal.json';
import type { Db } from './client';

/** The migrations this build expects, from drizzle-kit's journal (bundled into the Worker and dist/node.js). */
export const EXPECTED_MIGRATIONS: readonly { tag: string; when: number }[] = journal.entries;
/** The migrations of a shard other than `main` (migrations/shard, docs/scaling.md). */
export const EXPECTED_SHARD_MIGRATIONS: readonly { tag: string; when: number }[] = shardJournal.entries;

/**
 * How many of this build's migrations the database has: the Node migrator records each one's journal time
 * in __drizzle_migrations, `wrangler d1 migrations apply` each file name in d1_migrations. Throws when the
 * database cannot be reached.
 */
export async function migrationStatus(db: Db, expected = EXPECTED_MIGRATIONS): Promise<{ applied: number; expected: number }> {
  const tables = new Set(
    (await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('__drizzle_migrations', 'd1_migrations')`)).map(
      (row) => row.name,
    ),
  );
  let isApplied: (migration: { tag: string; when: number }) => boolean = () => false;
  if (tables.has('__drizzle_migrations')) {
    const times = new Set((await db.all<{ at: number }>(sql`SELECT created_at AS at FROM __drizzle_migrations`)).map((row) => Number(row.at)));
    isApplied = (m) => times.has(m.when);
  } else if (tables.has('d1_migrations')) {
    const names = new Set((await db.all<{ name: string }>(sql`SELECT name FROM d1_migrations`)).map((row) => row.name));
    isApplied = (m) => names.has(`${m.tag}.sql`);
  }
  return { applied: expected.filter(isApplied).length, expected: expected.length };
}
