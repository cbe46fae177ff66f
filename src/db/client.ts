import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';

/**
 * The database as the app sees it: drizzle over D1 (Workers) or libSQL (Node). Both are async SQLite
 * dialects; the only atomic multi-statement unit both offer is `db.batch([...])`, so writes that must
 * hold together are shaped as read → decide → one batch (D1 has no interactive transactions).
 */
export type Db = BaseSQLiteDatabase<'async', unknown> & Pick<DrizzleD1Database, 'batch'>;
