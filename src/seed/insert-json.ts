import { getTableColumns, is, sql, SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';

/** Rows per INSERT … SELECT FROM json_each(?): one bound parameter each, well inside D1's statement limits. */
const ROWS_PER_STATEMENT = 400;
const STATEMENTS_PER_BATCH = 50;

/**
 * Inserts many generated rows with one bound parameter per few hundred rows (a JSON array of tuples
 * unpacked by json_each), where insertMany needs one statement per 100 parameters: a township's
 * households go in ~60 statements instead of ~3,500, which is what local D1 spends its time on.
 * Missing values take the column's default as drizzle would; booleans become 0/1.
 */
export async function insertJsonRows<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.entries(getTableColumns(table));
  const tuples = rows.map((row) =>
    columns.map(([key, column]) => {
      let value = (row as Record<string, unknown>)[key];
      if (value === undefined) value = column.defaultFn ? column.defaultFn() : column.default;
      if (is(value, SQL)) throw new Error(`insertJsonRows: ${key} has an SQL default`);
      if (typeof value === 'boolean') value = value ? 1 : 0;
      return value ?? null;
    }),
  );
  // the select lists every column in the table's order, as drizzle's INSERT … SELECT names them
  const select = sql.join(
    columns.map((_, i) => sql.raw(`json_extract(value, '$[${i}]')`)),
    sql`, `,
  );
  const statements = [];
  for (let i = 0; i < tuples.length; i += ROWS_PER_STATEMENT)
    statements.push(db.insert(table).select(sql`SELECT ${select} FROM json_each(${JSON.stringify(tuples.slice(i, i + ROWS_PER_STATEMENT))})`));
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    const chunk = statements.slice(i, i + STATEMENTS_PER_BATCH);
    await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
  }
}
