import { sql, type SQL } from 'drizzle-orm';
import { sqlJson } from './sql-json';

/**
 * Rows from another database as a table of this statement: one bound JSON parameter read by json_each, so a
 * county's townships (from the registry) join its shard's rows in one statement whatever their number (D1
 * binds at most 100 parameters). Columns are text, named as given.
 */
export function jsonTable(rows: readonly Record<string, string>[], columns: readonly string[]): SQL {
  const fields = sql.join(
    columns.map((column) => sql`json_extract(value, ${`$.${column}`}) AS ${sql.identifier(column)}`),
    sql`, `,
  );
  return sql`(SELECT ${fields} FROM json_each(${sqlJson(rows)}))`;
}
