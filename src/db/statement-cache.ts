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
  statements: Map<string, Statement>;
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
 * no two uses overlap. Before a kept statement is used again the connection reads the database's schema version
 * (~2 µs in memory, ~7 on a file), and a change by any connection or process (a migration, a second replica's)
 * empties its cache, so a kept statement never outlives the schema it was compiled for.
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
      return cache;
    }
    const version = versionOf(cache.schemaVersion);
    if (version !== cache.version) {
      cache.version = version;
      cache.statements.clear();
    }
    return cache;
  }

  Database.prototype.prepare = function prepareCached(this: Database.Database, sql: string) {
    if (!REUSABLE.test(sql)) return prepare.call(this, sql);
    const { statements } = cacheOf(this);
    let statement = statements.get(sql);
    if (statement) {
      // most recently used last: the Map's first key is the one to drop
      statements.delete(sql);
    } else {
      statement = withColumnsRemembered(prepare.call(this, sql) as Statement);
      if (statements.size >= STATEMENTS_PER_CONNECTION) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return statement;
  } as typeof prepare;
}

/**
 * The columns a statement read when it first ran. Not before: a statement compiled on a connection that has not yet
 * seen another's schema change is compiled again by SQLite as it runs, and only then names the new columns.
 */
function withColumnsRemembered(statement: Statement): Statement {
  const { columns, all } = statement;
  let known: ReturnType<typeof columns> | undefined;
  statement.columns = () => known ?? columns.call(statement);
  statement.all = (...parameters) => {
    const rows = all.apply(statement, parameters);
    known ??= columns.call(statement);
    return rows;
  };
  return statement;
}
