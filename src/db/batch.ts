import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

/** D1 binds at most 100 parameters per statement; libSQL allows more, but one limit keeps one code path. */
const MAX_PARAMS = 100;
const STATEMENTS_PER_BATCH = 50;

/** Multi-row INSERTs of `rows`, each within D1's parameter limit, for a batch of the caller's. */
export function insertStatements<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]) {
  const columnCount = Object.keys(getTableColumns(table)).length;
  const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMS / columnCount));
  const statements = [];
  for (let i = 0; i < rows.length; i += rowsPerStatement) statements.push(db.insert(table).values(rows.slice(i, i + rowsPerStatement)));
  return statements;
}

/** The rows' values in chunks that each fit one statement's parameters (e.g. ids for IN lists). */
export function paramChunks<T>(values: T[], size = MAX_PARAMS - 10): T[][] {
  const chunks = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** Inserts many rows as multi-row INSERTs, sent in batches (each batch atomic on both drivers). */
export async function insertMany<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]): Promise<void> {
  if (!rows.length) return;
  const statements = insertStatements(db, table, rows);
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    const chunk = statements.slice(i, i + STATEMENTS_PER_BATCH);
    await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
  }
}
