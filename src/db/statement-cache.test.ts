import Database from 'libsql';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibsql } from './libsql';
import { cacheStatements, STATEMENTS_PER_CONNECTION } from './statement-cache';

describe('compiled statements kept per connection', () => {
  cacheStatements();
  const dir = mkdtempSync(join(tmpdir(), 'xingping-statements-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the libsql the database client runs on', () => {
    const require = createRequire(import.meta.url);
    expect(createRequire(require.resolve('@libsql/client')).resolve('libsql')).toBe(require.resolve('libsql'));
  });

  it('gives a connection back its own compiled statement, the least recently used dropped past the limit', () => {
    const one = new Database(':memory:');
    const other = new Database(':memory:');
    const first = one.prepare('SELECT 0');
    expect(one.prepare('SELECT 0')).toBe(first);
    expect(other.prepare('SELECT 0')).not.toBe(first);
    for (let i = 1; i < STATEMENTS_PER_CONNECTION; i++) one.prepare(`SELECT ${i}`);
    // `SELECT 0` used again: `SELECT 1` is now the least recent, and the next new text pushes it out
    expect(one.prepare('SELECT 0')).toBe(first);
    const second = one.prepare('SELECT 2');
    one.prepare(`SELECT ${STATEMENTS_PER_CONNECTION}`);
    expect(one.prepare('SELECT 0')).toBe(first);
    expect(one.prepare('SELECT 2')).toBe(second);
    const dropped = one.prepare('SELECT 1');
    expect(dropped.all()).toEqual([{ 1: 1 }]);
    one.close();
    other.close();
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
    } finally {
      client.close();
    }
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
