import { getTableColumns, is, sql, SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { sqlJson } from './sql-json';

/** D1 binds at most 100 parameters per statement; libSQL allows more, but one limit keeps one code path. */
const MAX_PARAMS = 100;
const STATEMENTS_PER_BATCH = 50;
/** Rows per INSERT, and the most JSON text bound to one (D1 takes a value of up to 2 MB). */
const ROWS_PER_STATEMENT = 400;
const JSON_CHARS_PER_STATEMENT = 256 * 1024;

/**
 * A row's value of one column as drizzle's insert would bind it: a missing value takes the column's default, its
 * defaultFn, else its onUpdateFn (drizzle's order); booleans become 0/1.
 */
function driverValue(row: Record<string, unknown>, key: string, column: SQLiteColumn): unknown {
  let value = row[key];
  if (value === undefined) {
    if (column.default !== null && column.default !== undefined) value = column.default;
    else if (column.defaultFn) value = column.defaultFn();
    else if (column.onUpdateFn) value = column.onUpdateFn();
  }
  if (is(value, SQL)) throw new Error(`insertStatements: ${key} is SQL, which a JSON row cannot carry`);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`insertStatements: ${key} is ${value}`);
  return value === undefined || value === null ? null : column.mapToDriverValue(value);
}

/**
 * INSERTs of `rows`, for a batch of the caller's: each binds one parameter, the JSON array of up to 400 rows'
 * values, which SQL unpacks (`INSERT … SELECT json_extract(value, '$[i]') … FROM json_each(?)`). A multi-row
 * INSERT binds a parameter per value, so D1's limit of 100 cut a township's households into ~3,500 statements
 * (now ~60), and drizzle built each value into the SQL (1.9 s of the api lane's CPU in one profile).
 */
export function insertStatements<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]) {
  const columns = Object.entries(getTableColumns(table));
  // every column in the table's order, as drizzle's INSERT … SELECT names them
  const select = sql.join(
    columns.map((_, i) => sql.raw(`json_extract(value, '$[${i}]')`)),
    sql`, `,
  );
  const chunks: string[][] = [];
  let chars = 0;
  for (const row of rows) {
    const tuple = sqlJson(columns.map(([key, column]) => driverValue(row as Record<string, unknown>, key, column)));
    const last = chunks.at(-1);
    if (last && last.length < ROWS_PER_STATEMENT && chars + tuple.length <= JSON_CHARS_PER_STATEMENT) last.push(tuple);
    else {
      chunks.push([tuple]);
      chars = 0;
    }
    chars += tuple.length + 1;
  }
  return chunks.map((tuples) => db.insert(table).select(sql`SELECT ${select} FROM json_each(${`[${tuples.join(',')}]`})`));
}

/**
 * A batch statement that fails, and so rolls the whole batch back, when the statement just before it changed no row:
 * put right after a guarded UPDATE (a status or version check) whose guard a concurrent write has made false, so
 * that what the batch writes besides (an audit row, a consequence) goes only with it. It would insert an id of NULL
 * into `table`, which its NOT NULL id refuses; the caller reads the state again to say why (a 409), and a refusal
 * it does not explain is answered 409 by the app's error handler (`isGuardRefusal`, db/errors.ts).
 */
export const failIfUnchanged = (db: Db, table: SQLiteTable & { id: SQLiteColumn }) => db.run(sql`INSERT INTO ${table} (id) SELECT NULL WHERE changes() = 0`);

/** The rows' values in chunks that each fit one statement's parameters (e.g. ids for IN lists). */
export function paramChunks<T>(values: T[], size = MAX_PARAMS - 10): T[][] {
  const chunks = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** Inserts many rows (insertStatements), sent in batches (each batch atomic on both drivers). */
export async function insertMany<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]): Promise<void> {
  if (!rows.length) return;
  const statements = insertStatements(db, table, rows);
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    const chunk = statements.slice(i, i + STATEMENTS_PER_BATCH);
    await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
  }
}
