import { ConnectionPool } from '@libsql/client/sqlite3';
import type Database from 'libsql';

type Connection = Database.Database;
type Statement = Database.Statement<unknown[]>;

/** Statements kept per connection: the app issues ~1,900 distinct texts in all, a request a few dozen. */
export const STATEMENTS_PER_CONNECTION = 256;

/** Statements whose compiled form stays valid while the schema does; anything else is compiled afresh. */
const REUSABLE = /^\s*(select|insert|update|delete|replace|with|begin|commit|end|rollback|savepoint|release)\b/i;
const ROLLBACK = /^\s*rollback\b/i;

/** What the kept statements saved: read by the tests, which cannot see a pooled connection. */
export const statementCacheStats = { compiled: 0, reused: 0 };

interface ConnectionCache {
  /** `PRAGMA schema_version`, compiled: SQLite's count of changes to the main schema, by any connection */
  schemaVersion: Statement;
  version: number;
  /** this connection changed a schema itself (DDL, ATTACH, a script): a ROLLBACK may undo that too */
  changedSchema: boolean;
  statements: Map<string, KeptStatement>;
}

interface KeptStatement {
  statement: Statement;
  /** whether it returns rows (and so has columns) */
  reader: boolean;
}

let installed = false;

/**
 * The embedded driver (@libsql/client over `libsql`) compiles every statement again on every call, then asks it
 * for its columns twice (~9 µs each for six columns): in the api suite that was 88,528 compilations of 1,903 texts,
 * the session lookup alone ~86 µs a request. Each connection the driver opens here keeps its most recently used
 * statements compiled, and their columns once they have run: a 12-column select by key through the client took
 * 62 µs and takes 15 in memory, 70 and 28 on a WAL file. Only the driver's own connections (its pool's) keep them,
 * and the driver uses a statement as a fresh one: it sets its modes and binds its arguments each time and reads
 * every row in one synchronous call, so no two uses overlap; a connection is the pool's or one transaction's.
 *
 * What a fresh statement would do differently, and how a kept one is made to do the same:
 * - a placeholder left without an argument is NULL, not the previous call's value: the arguments a call leaves
 *   out are bound NULL;
 * - a statement that failed is gone: it is dropped from the cache;
 * - it is compiled for the schema as it is now: a connection that changes a schema itself (DDL, PRAGMA, ATTACH, a
 *   script) empties its cache, and again at its next ROLLBACK (which may undo the change); before a kept
 *   statement that returns rows is used again the connection reads the main schema's version (~2 µs in memory,
 *   ~7 on a file), so another connection's or process's change (a migration, a second replica's) empties it too.
 *   Other connections' changes to an attached database are not seen (the app attaches none); SQLite itself
 *   compiles a statement again when it runs on a schema it was not compiled for, so only column names could be
 *   stale, never what runs.
 */
export function cacheStatements(): void {
  if (installed) return;
  installed = true;
  const { acquireSync } = ConnectionPool.prototype;
  const opened = new WeakSet<Connection>();
  ConnectionPool.prototype.acquireSync = function acquireKeeping(this: ConnectionPool, forTransaction?: boolean) {
    const connection = acquireSync.call(this, forTransaction);
    if (!opened.has(connection)) {
      opened.add(connection);
      keepStatements(connection);
    }
    return connection;
  };
}

function keepStatements(connection: Connection): void {
  const { prepare, exec } = connection;
  const schemaVersion = (prepare.call(connection, 'PRAGMA schema_version') as Statement).raw(true);
  const versionOf = () => (schemaVersion.get() as [number])[0];
  const cache: ConnectionCache = { schemaVersion, version: versionOf(), changedSchema: false, statements: new Map() };

  const schemaChangedHere = () => {
    cache.statements.clear();
    cache.changedSchema = true;
  };
  /** Whether another connection changed the schema since the cache was filled; if so the cache is emptied. */
  const schemaChangedElsewhere = () => {
    const version = versionOf();
    if (version === cache.version) return false;
    cache.version = version;
    cache.statements.clear();
    return true;
  };

  connection.prepare = function prepareKept(sql: string) {
    if (!REUSABLE.test(sql)) {
      schemaChangedHere();
      return prepare.call(connection, sql);
    }
    if (cache.changedSchema && ROLLBACK.test(sql)) {
      cache.statements.clear();
      cache.changedSchema = false;
    }
    const { statements } = cache;
    let kept = statements.get(sql);
    if (kept?.reader && schemaChangedElsewhere()) kept = undefined;
    if (kept) {
      statementCacheStats.reused++;
      // most recently used last: the Map's first key is the one to drop
      statements.delete(sql);
    } else {
      statementCacheStats.compiled++;
      kept = asFresh(prepare.call(connection, sql) as Statement, () => statements.get(sql) === kept && statements.delete(sql));
      if (statements.size >= STATEMENTS_PER_CONNECTION) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, kept);
    return kept.statement;
  } as typeof prepare;

  connection.exec = function execScript(sql: string) {
    schemaChangedHere();
    return exec.call(connection, sql);
  };
}

/**
 * A compiled statement that the driver's calls find as a freshly compiled one would be. Its columns as it first
 * ran, not before: a statement compiled on a connection that has not yet seen another's schema change is compiled
 * again by SQLite as it runs, and only then names the new columns. For a statement that returns no rows, libsql's
 * refusal of `raw()` (how the driver tells one from the other, ~5 µs for each throw).
 */
function asFresh(statement: Statement, drop: () => void): KeptStatement {
  const reader = statement.reader;
  const bound = { positional: 0, named: new Set<string>() };
  /** the driver's one argument, an array or an object, with what earlier calls bound and this one leaves out as NULL */
  const unboundAsNull = (parameters: unknown[]): unknown[] => {
    const [args] = parameters;
    if (parameters.length !== 1 || args === null || typeof args !== 'object') return parameters;
    if (Array.isArray(args)) return args.length >= bound.positional ? parameters : [[...args, ...Array(bound.positional - args.length).fill(null)]];
    const missing = [...bound.named].filter((name) => !(name in args));
    return missing.length ? [{ ...args, ...Object.fromEntries(missing.map((name) => [name, null])) }] : parameters;
  };
  const remember = (parameters: unknown[]) => {
    const [args] = parameters;
    if (Array.isArray(args)) bound.positional = Math.max(bound.positional, args.length);
    else if (args !== null && typeof args === 'object') for (const name of Object.keys(args)) bound.named.add(name);
  };
  const binding = <R>(call: (...parameters: unknown[]) => R) =>
    function (...parameters: unknown[]): R {
      const complete = unboundAsNull(parameters);
      let result: R;
      try {
        result = call.apply(statement, complete);
      } catch (error) {
        drop();
        throw error;
      }
      remember(complete);
      return result;
    };

  statement.run = binding(statement.run);
  if (reader) {
    const { columns } = statement;
    let known: ReturnType<typeof columns> | undefined;
    statement.columns = () => known ?? columns.call(statement);
    const all = binding(statement.all);
    statement.all = (...parameters) => {
      const rows = all(...parameters);
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
