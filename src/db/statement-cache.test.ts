import Database from 'libsql';
import { LibsqlError } from '@libsql/client';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibsql } from './libsql';
import { STATEMENTS_PER_CONNECTION, statementCacheStats } from './statement-cache';

/** How many statements `work` compiled and how many it found kept. */
async function counted(work: () => Promise<unknown>): Promise<{ compiled: number; reused: number }> {
  const before = { ...statementCacheStats };
  await work();
  return { compiled: statementCacheStats.compiled - before.compiled, reused: statementCacheStats.reused - before.reused };
}

describe("compiled statements kept on the driver's connections", () => {
  const dir = mkdtempSync(join(tmpdir(), 'xingping-statements-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles a text once per connection and drops the least recently used past the limit', async () => {
    const { client } = await openLibsql(':memory:');
    try {
      expect(await counted(() => client.execute('SELECT 0'))).toEqual({ compiled: 1, reused: 0 });
      expect(await counted(() => client.execute('SELECT 0'))).toEqual({ compiled: 0, reused: 1 });
      for (let i = 1; i < STATEMENTS_PER_CONNECTION; i++) await client.execute(`SELECT ${i}`);
      // `SELECT 0` used again: `SELECT 1` is now the least recent, and the next new text pushes it out
      expect(await counted(() => client.execute('SELECT 0'))).toEqual({ compiled: 0, reused: 1 });
      await client.execute(`SELECT ${STATEMENTS_PER_CONNECTION}`);
      expect(await counted(() => client.execute('SELECT 2'))).toEqual({ compiled: 0, reused: 1 });
      expect(await counted(() => client.execute('SELECT 1'))).toEqual({ compiled: 1, reused: 0 });
      expect((await client.execute('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      client.close();
    }
  });

  it('leaves libsql alone for anyone but the driver', () => {
    const connection = new Database(':memory:');
    expect(connection.prepare('SELECT 1')).not.toBe(connection.prepare('SELECT 1'));
    connection.close();
  });

  it('binds NULL where a call leaves a placeholder out, as a freshly compiled statement does', async () => {
    const { client } = await openLibsql(':memory:');
    try {
      await client.execute('CREATE TABLE t (k TEXT, a INTEGER, b TEXT)');
      const insert = 'INSERT INTO t VALUES (?, ?, ?)';
      await client.execute({ sql: insert, args: ['full', 1, 'secret'] });
      await client.execute({ sql: insert, args: [] });
      await client.execute({ sql: insert, args: ['short'] });
      expect((await client.execute('SELECT k, a, b FROM t ORDER BY rowid')).rows.map((row) => [row.k, row.a, row.b])).toEqual([
        ['full', 1, 'secret'],
        [null, null, null],
        ['short', null, null],
      ]);
      const update = 'UPDATE t SET b = ? WHERE k = ?';
      expect((await client.execute({ sql: update, args: ['x', 'full'] })).rowsAffected).toBe(1);
      expect((await client.execute({ sql: update, args: ['y'] })).rowsAffected).toBe(0);
      const named = 'SELECT :x AS x, :y AS y';
      expect({ ...(await client.execute({ sql: named, args: { x: 1, y: 2 } })).rows[0] }).toEqual({ x: 1, y: 2 });
      expect({ ...(await client.execute({ sql: named, args: { x: 3 } })).rows[0] }).toEqual({ x: 3, y: null });
      // a call that failed leaves its arguments bound: the statement is compiled afresh for the next
      await client.execute('CREATE TABLE u (k TEXT UNIQUE, v TEXT)');
      await client.execute("INSERT INTO u VALUES ('a', '1')");
      const insertU = 'INSERT INTO u (k, v) VALUES (?, ?)';
      await expect(client.execute({ sql: insertU, args: ['a', '2'] })).rejects.toThrow(/UNIQUE/);
      await client.execute({ sql: insertU, args: ['b'] });
      expect((await client.execute('SELECT k, v FROM u ORDER BY rowid')).rows.map((row) => [row.k, row.v])).toEqual([
        ['a', '1'],
        ['b', null],
      ]);
      const positional = 'SELECT ? AS x, ? AS y';
      expect({ ...(await client.execute({ sql: positional, args: [1, 2] })).rows[0] }).toEqual({ x: 1, y: 2 });
      expect({ ...(await client.execute({ sql: positional, args: [] })).rows[0] }).toEqual({ x: null, y: null });
    } finally {
      client.close();
    }
  });

  it('binds fresh arguments on every use and recovers from a statement that failed', async () => {
    const { client } = await openLibsql(':memory:');
    try {
      await client.execute('CREATE TABLE voter (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
      const insert = 'INSERT INTO voter (name) VALUES (?)';
      await client.execute({ sql: insert, args: ['甲'] });
      await expect(client.execute({ sql: insert, args: ['甲'] })).rejects.toThrow(/UNIQUE/);
      // the second use of the kept insert is still told from a select: it reports what it changed
      expect(await client.execute({ sql: insert, args: ['乙'] })).toMatchObject({ rowsAffected: 1, lastInsertRowid: 2n });
      const find = 'SELECT id, name FROM voter WHERE name = ?';
      expect((await client.execute({ sql: find, args: ['乙'] })).rows.map((row) => row.name)).toEqual(['乙']);
      expect((await client.execute({ sql: find, args: ['丙'] })).rows).toEqual([]);
      // a batch that fails part-way is rolled back whole, and its statements serve the next one
      await expect(client.batch([{ sql: insert, args: ['丙'] }, { sql: insert, args: ['甲'] }])).rejects.toThrow(/UNIQUE/);
      await client.batch([{ sql: insert, args: ['丙'] }]);
      expect((await client.execute('SELECT name FROM voter ORDER BY id')).rows.map((row) => row.name)).toEqual(['甲', '乙', '丙']);
    } finally {
      client.close();
    }
  });

  it('forgets a column list when the schema changes, by a statement or a script, on the same connection', async () => {
    const { client } = await openLibsql(':memory:');
    try {
      await client.execute('CREATE TABLE branch (id INTEGER PRIMARY KEY)');
      await client.execute('INSERT INTO branch (id) VALUES (1)');
      const everything = 'SELECT * FROM branch';
      expect((await client.execute(everything)).columns).toEqual(['id']);
      await client.execute("ALTER TABLE branch ADD COLUMN name TEXT NOT NULL DEFAULT '东村'");
      const altered = await client.execute(everything);
      expect(altered.columns).toEqual(['id', 'name']);
      expect(altered.rows[0].name).toBe('东村');
      await client.executeMultiple("ALTER TABLE branch ADD COLUMN stars INTEGER NOT NULL DEFAULT 3; UPDATE branch SET name = '西村';");
      expect({ ...(await client.execute(everything)).rows[0] }).toEqual({ id: 1, name: '西村', stars: 3 });
      // a temporary table of the same name hides the table, on this connection only
      await client.execute('CREATE TEMP TABLE branch (code TEXT)');
      await client.execute("INSERT INTO temp.branch VALUES ('临时')");
      expect({ ...(await client.execute(everything)).rows[0] }).toEqual({ code: '临时' });
    } finally {
      client.close();
    }
  });

  it('forgets what a rolled-back schema change compiled, though the schema version comes back to the same number', async () => {
    const file = `file:${join(dir, 'rolled-back.db')}`;
    const reader = await openLibsql(file);
    const writer = await openLibsql(file);
    try {
      await writer.client.execute('CREATE TABLE household (id INTEGER PRIMARY KEY)');
      await writer.client.execute('INSERT INTO household (id) VALUES (1)');
      const everything = 'SELECT * FROM household';
      // the reader's own change, read twice (its version seen), then undone: the version is back where it was
      const attempt = await reader.client.transaction('write');
      await attempt.execute('ALTER TABLE household ADD COLUMN rolled_back TEXT');
      await attempt.execute(everything);
      expect((await attempt.execute(everything)).columns).toEqual(['id', 'rolled_back']);
      await attempt.rollback();
      // another connection's change takes the version to the number the undone one had
      await writer.client.execute("ALTER TABLE household ADD COLUMN address TEXT NOT NULL DEFAULT '三组'");
      await reader.client.execute('SELECT count(*) FROM household');
      expect({ ...(await reader.client.execute(everything)).rows[0] }).toEqual({ id: 1, address: '三组' });
    } finally {
      reader.client.close();
      writer.client.close();
    }
  });

  it('compiles afresh while a schema change may still be undone: a savepoint, INSERT OR ROLLBACK', async () => {
    const { client } = await openLibsql(':memory:');
    try {
      await client.execute("CREATE TABLE t (a TEXT)");
      await client.execute("CREATE TABLE u (k TEXT PRIMARY KEY)");
      await client.execute("INSERT INTO t VALUES ('A')");
      await client.execute("INSERT INTO u VALUES ('dup')");
      const everything = 'SELECT * FROM t';
      await client.execute(everything);
      await client.execute(everything);
      const attempt = await client.transaction('write');
      await attempt.execute('ALTER TABLE t RENAME a TO b');
      await attempt.execute('SAVEPOINT s');
      await attempt.execute('ROLLBACK TO s');
      expect((await attempt.execute(everything)).columns).toEqual(['b']);
      await attempt.rollback();
      expect((await client.execute(everything)).columns).toEqual(['a']);
      // SQLite rolls the batch's transaction back itself, before the driver's ROLLBACK
      await expect(
        client.batch(['ALTER TABLE t RENAME a TO b', everything, "INSERT OR ROLLBACK INTO u VALUES ('dup')"]),
      ).rejects.toThrow(/UNIQUE/);
      expect({ ...(await client.execute(everything)).rows[0] }).toEqual({ a: 'A' });
    } finally {
      client.close();
    }
  });

  it('binds NULL where a call in the other form (names, positions) leaves a parameter out', async () => {
    const { client } = await openLibsql(':memory:');
    try {
      const named = 'SELECT :a AS a';
      expect((await client.execute({ sql: named, args: { a: 'stale' } })).rows[0].a).toBe('stale');
      expect((await client.execute({ sql: named, args: [] })).rows[0].a).toBeNull();
      const positional = 'SELECT :b AS b';
      expect((await client.execute({ sql: positional, args: ['stale'] })).rows[0].b).toBe('stale');
      expect((await client.execute({ sql: positional, args: {} })).rows[0].b).toBeNull();
    } finally {
      client.close();
    }
  });

  it("reads an attached database's columns as another connection left them", async () => {
    const attachedFile = join(dir, 'attached.db');
    const other = await openLibsql(`file:${attachedFile}`);
    const { client } = await openLibsql(':memory:');
    try {
      await other.client.execute('CREATE TABLE t (p INTEGER)');
      await other.client.execute('INSERT INTO t VALUES (1)');
      await client.execute(`ATTACH DATABASE '${attachedFile}' AS aux`);
      const everything = 'SELECT * FROM aux.t';
      expect((await client.execute(everything)).columns).toEqual(['p']);
      await client.execute(everything);
      await other.client.execute('ALTER TABLE t ADD COLUMN q INTEGER NOT NULL DEFAULT 2');
      await client.execute('SELECT count(*) FROM aux.t');
      expect({ ...(await client.execute(everything)).rows[0] }).toEqual({ p: 1, q: 2 });
    } finally {
      client.close();
      other.client.close();
    }
  });

  it('refuses a file that is not a database as the driver does, with its error', async () => {
    const file = join(dir, 'not-a-database.db');
    writeFileSync(file, 'not a database, but long enough to be read as one '.repeat(100));
    await expect(openLibsql(`file:${file}`)).rejects.toBeInstanceOf(LibsqlError);
  });

  it("forgets a column list when another connection changes the file's schema", async () => {
    const file = `file:${join(dir, 'shared.db')}`;
    const reader = await openLibsql(file);
    const writer = await openLibsql(file);
    try {
      await writer.client.execute('CREATE TABLE household (id INTEGER PRIMARY KEY)');
      await writer.client.execute('INSERT INTO household (id) VALUES (7)');
      const everything = 'SELECT * FROM household';
      expect((await reader.client.execute(everything)).columns).toEqual(['id']);
      await writer.client.execute("ALTER TABLE household ADD COLUMN address TEXT NOT NULL DEFAULT '三组'");
      // the reader's connection learns of the new schema when it next reads (before then a statement compiled
      // afresh would name the old columns too: the driver reads them before running it)
      await reader.client.execute('SELECT count(*) FROM household');
      expect({ ...(await reader.client.execute(everything)).rows[0] }).toEqual({ id: 7, address: '三组' });
      // a connection that has not yet seen the change compiles the statement on the old schema, and SQLite compiles
      // it again as it runs: the driver alone then names the old columns once; the columns kept are those it ran with
      await writer.client.execute('ALTER TABLE household ADD COLUMN stars INTEGER NOT NULL DEFAULT 4');
      await reader.client.execute(everything);
      expect({ ...(await reader.client.execute(everything)).rows[0] }).toEqual({ id: 7, address: '三组', stars: 4 });
    } finally {
      reader.client.close();
      writer.client.close();
    }
  });
});
