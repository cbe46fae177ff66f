import { ConnectionPool } from '@libsql/client/sqlite3';
import type Database from 'libsql';

type Connection = Database.Database;
type Statement = Database.Statement<unknown[]>;

/** Statements kept per connection: the app issues ~1,900 distinct texts in all, a request a few dozen. */
export const STATEMENTS_PER_CONNECTION = 256;

/** Statements whose compiled form stays valid while the schema does; anything else is compiled afresh. */
const REUSABLE = /^\s*(select|insert|update|delete|replace|with|begin|commit|end|rollback|savepoint|release)\b/i;
const ATTACH = /\battach\b/i;

/** What the kept statements saved: read by the tests, which cannot see a pooled connection. */
export const statementCacheStats = { compiled: 0, reused: 0 };

interface ConnectionCache {
  /** `PRAGMA schema_version` when the kept statements were compiled: SQLite's count of the main schema's changes */
  version: number;
  /** this connection changed a schema itself (DDL, PRAGMA, ATTACH, a script) in a transaction not yet over */
  unsettled: boolean;
  /** this connection attached a database: its readers are not kept */
  attached: boolean;
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
 * - a placeholder left without an argument is NULL, not the previous call's value (see asFresh);
 * - a statement that failed is gone: it is dropped from the cache;
 * - it is compiled for the schema as it is now: a connection that changes a schema itself (DDL, PRAGMA, ATTACH, a
 *   script) empties its cache and keeps nothing until that transaction is over (a savepoint, a trigger's
 *   RAISE(ROLLBACK) or the driver's ROLLBACK may undo the change); before a kept statement that returns rows is
 *   used again the connection reads the main schema's version (~2 µs in memory, ~7 on a file), so another
 *   connection's or process's change (a migration, a second replica's) empties it too; a connection that has
 *   attached a database keeps no statement that returns rows. SQLite itself compiles a statement again when it
 *   runs on a schema it was not compiled for, so only column names could ever be stale, never what runs.
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
  let schemaVersion: Statement | undefined;
  // read when a kept reader is reused, inside the driver's own error handling (never while the pool opens one)
  const versionOf = () => ((schemaVersion ??= (prepare.call(connection, 'PRAGMA schema_version') as Statement).raw(true)).get() as [number])[0];
  const cache: ConnectionCache = { version: NaN, unsettled: false, attached: false, statements: new Map() };

  /** Whether the schema changed since the cache was filled; if so the cache is emptied. */
  const schemaChanged = () => {
    const version = versionOf();
    if (version === cache.version) return false;
    cache.version = version;
    cache.statements.clear();
    return true;
  };

  connection.prepare = function prepareKept(sql: string) {
    if (!REUSABLE.test(sql)) {
      // DDL, PRAGMA, ATTACH…: nothing kept outlives it, nor anything compiled until its transaction is over
      cache.statements.clear();
      cache.unsettled = true;
      if (ATTACH.test(sql)) cache.attached = true;
      return prepare.call(connection, sql);
    }
    if (cache.unsettled) {
      // a savepoint, a trigger's RAISE(ROLLBACK) or INSERT OR ROLLBACK may still undo the change: compile afresh
      if (connection.inTransaction) return prepare.call(connection, sql);
      cache.statements.clear();
      cache.version = NaN;
      cache.unsettled = false;
    }
    const { statements } = cache;
    let kept = statements.get(sql);
    if (kept?.reader && schemaChanged()) kept = undefined;
    if (kept) {
      statementCacheStats.reused++;
      // most recently used last: the Map's first key is the one to drop
      statements.delete(sql);
    } else {
      statementCacheStats.compiled++;
      const compile = () => prepare.call(connection, sql) as Statement;
      const drop = () => statements.get(sql) === kept && statements.delete(sql);
      kept = asFresh(compile(), compile, drop);
      if (kept.reader) {
        // another connection's change to an attached database is not in the main schema's version
        if (cache.attached) return kept.statement;
        if (Number.isNaN(cache.version)) cache.version = versionOf();
      }
      if (statements.size >= STATEMENTS_PER_CONNECTION) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, kept);
    return kept.statement;
  } as typeof prepare;

  connection.exec = function execScript(sql: string) {
    cache.statements.clear();
    cache.unsettled = true;
    if (ATTACH.test(sql)) cache.attached = true;
    return exec.call(connection, sql);
  };
}

/**
 * A compiled statement that the driver's calls find as a freshly compiled one would be. Its columns as it first
 * ran, not before: a statement compiled on a connection that has not yet seen another's schema change is compiled
 * again by SQLite as it runs, and only then names the new columns. For a statement that returns no rows, libsql's
 * refusal of `raw()` (how the driver tells one from the other, ~5 µs for each throw). Arguments bound by an
 * earlier call stay bound (libsql has no way to clear them): a call that leaves out some of the positions or names
 * earlier calls bound binds them NULL, and a call in the other form (names after positions, or the reverse) runs
 * on a statement compiled afresh, in the modes the driver set, and drops this one.
 */
function asFresh(statement: Statement, compile: () => Statement, drop: () => void): KeptStatement {
  const reader = statement.reader;
  const bound = { form: undefined as 'positional' | 'named' | undefined, positional: 0, named: new Set<string>() };
  const modes: { safeIntegers?: boolean; raw?: boolean } = {};
  const formOf = ([args, ...more]: unknown[]) =>
    more.length || args === null || typeof args !== 'object' ? undefined : Array.isArray(args) ? 'positional' : 'named';
  /** the driver's one argument, an array or an object, with what earlier calls bound and this one leaves out as NULL */
  const unboundAsNull = (parameters: unknown[]): unknown[] => {
    const [args] = parameters as [Record<string, unknown> | unknown[]];
    if (Array.isArray(args)) return args.length >= bound.positional ? parameters : [[...args, ...Array(bound.positional - args.length).fill(null)]];
    const missing = [...bound.named].filter((name) => !(name in args));
    return missing.length ? [{ ...args, ...Object.fromEntries(missing.map((name) => [name, null])) }] : parameters;
  };
  const remember = (parameters: unknown[]) => {
    const [args] = parameters as [Record<string, unknown> | unknown[]];
    if (Array.isArray(args)) bound.positional = Math.max(bound.positional, args.length);
    else for (const name of Object.keys(args)) bound.named.add(name);
  };
  const binding = (method: 'run' | 'all') => {
    const call = statement[method] as (...parameters: unknown[]) => unknown;
    return function (...parameters: unknown[]): unknown {
      const form = formOf(parameters);
      if (form === undefined || (bound.form !== undefined && form !== bound.form)) {
        drop();
        const fresh = compile();
        if (modes.safeIntegers !== undefined) fresh.safeIntegers(modes.safeIntegers);
        if (modes.raw !== undefined) fresh.raw(modes.raw);
        return (fresh[method] as (...parameters: unknown[]) => unknown)(...parameters);
      }
      const complete = unboundAsNull(parameters);
      let result: unknown;
      try {
        result = call.apply(statement, complete);
      } catch (error) {
        drop();
        throw error;
      }
      bound.form = form;
      remember(complete);
      return result;
    };
  };

  const { safeIntegers } = statement;
  statement.safeIntegers = (toggle) => {
    modes.safeIntegers = toggle ?? true;
    return safeIntegers.call(statement, toggle);
  };
  statement.run = binding('run') as Statement['run'];
  if (reader) {
    const { columns, raw } = statement;
    statement.raw = (toggle) => {
      modes.raw = toggle ?? true;
      return raw.call(statement, toggle);
    };
    let known: ReturnType<typeof columns> | undefined;
    statement.columns = () => known ?? columns.call(statement);
    const all = binding('all');
    statement.all = (...parameters) => {
      const rows = all(...parameters) as unknown[];
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
