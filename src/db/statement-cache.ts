import Database from 'libsql';

type Statement = Database.Statement<unknown[]>;

/** Statements kept per connection: the app issues ~1,900 distinct texts in all, a request a few dozen. */
export const STATEMENTS_PER_CONNECTION = 256;

/** Statements whose compiled form stays valid while the schema does; anything else (PRAGMA, DDL) is compiled afresh. */
const REUSABLE = /^\s*(select|insert|update|delete|replace|with|begin|commit|end|rollback|savepoint|release)\b/i;

interface ConnectionCache {
  /** `PRAGMA schema_version`, compiled: SQLite's count of the database's schema changes, by any connection */
  schemaVersion: Statement;
  version: number;
  statements: Map<string, KeptStatement>;
}

interface KeptStatement {
  statement: Statement;
  /** whether it returns rows (and so has columns) */
  reader: boolean;
}

const caches = new WeakMap<Database.Database, ConnectionCache>();
let installed = false;

const versionOf = (schemaVersion: Statement) => (schemaVersion.get() as [number])[0];

/**
 * The embedded driver (@libsql/client over `libsql`) compiles every statement again on every call, then asks it
 * for its columns twice (~9 µs each for six columns): in the api suite that was 88,528 compilations of 1,903 texts,
 * the session lookup alone ~86 µs a request. Each connection here keeps its most recently used statements compiled,
 * and their columns once they have run: a 12-column select by key through the client took 62 µs and takes 15 in
 * memory, 70 and 28 on a WAL file. A statement is reused only by the connection that compiled it (a pooled
 * connection or a transaction's); the driver binds fresh arguments and reads every row in one synchronous call, so
 * no two uses overlap. Before a kept statement that returns rows is used again the connection reads the database's
 * schema version (~2 µs in memory, ~7 on a file), and a change by any connection or process (a migration, a second
 * replica's) empties its cache, so no columns are read by another schema's names.
 */
export function cacheStatements(): void {
  if (installed) return;
  installed = true;
  const { prepare } = Database.prototype;

  function cacheOf(connection: Database.Database): ConnectionCache {
    let cache = caches.get(connection);
    if (!cache) {
      const schemaVersion = (prepare.call(connection, 'PRAGMA schema_version') as Statement).raw(true);
      cache = { schemaVersion, version: versionOf(schemaVersion), statements: new Map() };
      caches.set(connection, cache);
    }
    return cache;
  }

  /** Whether the schema changed since the cache was filled; if so the cache is emptied. */
  function schemaChanged(cache: ConnectionCache): boolean {
    const version = versionOf(cache.schemaVersion);
    if (version === cache.version) return false;
    cache.version = version;
    cache.statements.clear();
    return true;
  }

  Database.prototype.prepare = function prepareCached(this: Database.Database, sql: string) {
    if (!REUSABLE.test(sql)) return prepare.call(this, sql);
    const cache = cacheOf(this);
    let kept = cache.statements.get(sql);
    // columns are all a schema change can make wrong: SQLite compiles a statement again when it runs on a schema
    // it was not compiled for
    if (kept?.reader && schemaChanged(cache)) kept = undefined;
    const { statements } = cache;
    if (kept) {
      // most recently used last: the Map's first key is the one to drop
      statements.delete(sql);
    } else {
      kept = remembered(prepare.call(this, sql) as Statement);
      if (statements.size >= STATEMENTS_PER_CONNECTION) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, kept);
    return kept.statement;
  } as typeof prepare;
}

/**
 * A compiled statement and what the driver asks of it each time. Its columns as it first ran, not before: a
 * statement compiled on a connection that has not yet seen another's schema change is compiled again by SQLite as
 * it runs, and only then names the new columns. For a statement that returns no rows, libsql's refusal of `raw()`
 * (how the driver tells one from the other, ~5 µs for each throw).
 */
function remembered(statement: Statement): KeptStatement {
  const reader = statement.reader;
  if (reader) {
    const { columns, all } = statement;
    let known: ReturnType<typeof columns> | undefined;
    statement.columns = () => known ?? columns.call(statement);
    statement.all = (...parameters) => {
      const rows = all.apply(statement, parameters);
      known ??= columns.call(statement);
      return rows;
    };
  } else {
    const { raw } = statement;
    let refusal: unknown;
    statement.raw = (toggle) => {
      if (refusal === undefined) {
        try {
          return raw.call(statement, toggle);
        } catch (error) {
          refusal = error;
        }
      }
      throw refusal;
    };
  }
  return { statement, reader };
}
