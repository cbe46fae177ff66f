import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failIfUnchanged, insertMany, insertStatements } from './batch';
import { isGuardRefusal } from './errors';
import type { Db } from './client';
import { openLibsql } from './libsql';

const notes = sqliteTable('notes', {
  id: text('id').primaryKey(),
  body: text('body'),
  pinned: integer('pinned', { mode: 'boolean' }).notNull().default(false),
  weight: integer('weight').notNull().default(7),
  createdAt: text('created_at').notNull().$defaultFn(() => 'made-by-default'),
});

/** The bulk insert every seed, import and county move goes through: the rows come back exactly as given. */
/** A fresh in-memory database with the notes table, for the enclosing describe block. */
function notesDatabase(): { db: Db } {
  const store = {} as { db: Db };
  let close = () => {};
  beforeAll(async () => {
    const opened = await openLibsql(':memory:');
    store.db = opened.db;
    close = () => opened.client.close();
    await store.db.run(sql`CREATE TABLE notes (id TEXT PRIMARY KEY NOT NULL, body TEXT, pinned INTEGER NOT NULL DEFAULT 0, weight INTEGER NOT NULL DEFAULT 7, created_at TEXT NOT NULL)`);
  });
  afterAll(() => close());
  return store;
}

describe('insertStatements / insertMany', () => {
  const store = notesDatabase();

  it('binds up to 400 rows to a statement, and a row too large for the rest to one of its own', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `n${i}` }));
    expect(insertStatements(store.db, notes, rows)).toHaveLength(3);
    const huge = { id: 'huge', body: '长'.repeat(300_000) };
    expect(insertStatements(store.db, notes, [{ id: 'a' }, huge, { id: 'b' }])).toHaveLength(3);
    expect(insertStatements(store.db, notes, [])).toEqual([]);
  });

  it('stores each value as drizzle would bind it: text as given, booleans as 0/1, defaults where a value is missing', async () => {
    const odd = `引号 ' " 反斜杠 \\ 换行\n制表\t表情 🧧 end`;
    const rows = [
      { id: 'given', body: odd, pinned: true, weight: -3, createdAt: '2026-12-07T00:00:00.000Z' },
      { id: 'missing', body: null },
      { id: 'false', body: '', pinned: false, weight: 0 },
      { id: 'number-like', body: '00123' },
      // half of an emoji, as a cut at a character count leaves it: stored as U+FFFD, as drizzle's binding stores it
      { id: 'half-emoji', body: `表情${'🧧'.slice(0, 1)}` },
      { id: 'low-half', body: `${'🧧'.slice(1)}尾` },
      ...Array.from({ length: 950 }, (_, i) => ({ id: `bulk-${String(i).padStart(4, '0')}`, body: `第${i}条`, pinned: i % 2 === 0 })),
      { id: 'huge', body: '长'.repeat(300_000) },
    ];
    await insertMany(store.db, notes, rows);
    const stored = await store.db.select().from(notes).orderBy(notes.id);
    expect(stored).toHaveLength(rows.length);
    const byId = new Map(stored.map((row) => [row.id, row]));
    expect(byId.get('given')).toEqual({ id: 'given', body: odd, pinned: true, weight: -3, createdAt: '2026-12-07T00:00:00.000Z' });
    expect(byId.get('missing')).toEqual({ id: 'missing', body: null, pinned: false, weight: 7, createdAt: 'made-by-default' });
    expect(byId.get('false')).toEqual({ id: 'false', body: '', pinned: false, weight: 0, createdAt: 'made-by-default' });
    expect(byId.get('number-like')?.body).toBe('00123');
    expect([byId.get('half-emoji')?.body, byId.get('low-half')?.body]).toEqual(['表情\uFFFD', '\uFFFD尾']);
    expect(byId.get('huge')?.body).toHaveLength(300_000);
    const [{ pinned, typeofBody }] = await store.db.all<{ pinned: number; typeofBody: string }>(
      sql`SELECT sum(pinned) AS pinned, group_concat(DISTINCT typeof(body)) AS typeofBody FROM notes WHERE id LIKE 'bulk-%'`,
    );
    expect({ pinned, typeofBody }).toEqual({ pinned: 475, typeofBody: 'text' });
  });

  it('refuses what a JSON row cannot carry: an SQL default or value, a number that is not finite', () => {
    const stamped = sqliteTable('notes', { id: text('id').primaryKey(), at: text('at').default(sql`CURRENT_TIMESTAMP`) });
    expect(() => insertStatements(store.db, stamped, [{ id: 'x' }])).toThrow(/at is SQL/);
    expect(() => insertStatements(store.db, notes, [{ id: 'x', body: sql`'y'` as unknown as string }])).toThrow(/body is SQL/);
    expect(() => insertStatements(store.db, notes, [{ id: 'x', weight: Number.NaN }])).toThrow(/weight is NaN/);
  });
});

/** The guard of a state move: a batch whose guarded UPDATE matched nothing is refused whole, and known for what it is. */
describe('failIfUnchanged', () => {
  const store = notesDatabase();
  beforeAll(() => store.db.insert(notes).values({ id: 'n', body: 'draft' }));

  const publish = (from: string) => [
    store.db.update(notes).set({ body: 'published' }).where(sql`${notes.id} = 'n' AND ${notes.body} = ${from}`),
    failIfUnchanged(store.db, notes),
    store.db.insert(notes).values({ id: 'audit-' + from }),
  ];

  it('lets the batch through when the guard matched, and refuses it whole when it did not', async () => {
    await store.db.batch(publish('draft') as [never]);
    const refused = await store.db.batch(publish('draft') as [never]).then(() => null, (error: unknown) => error);
    expect(isGuardRefusal(refused)).toBe(true);
    expect((await store.db.select({ id: notes.id }).from(notes)).map((r) => r.id).sort()).toEqual(['audit-draft', 'n']);
  });

  it('is told apart from other refusals: a NOT NULL column other than the id, a unique id', async () => {
    const otherNull = await store.db.run(sql`INSERT INTO notes (id, created_at) VALUES ('x', NULL)`).then(() => null, (error: unknown) => error);
    const taken = await store.db.insert(notes).values({ id: 'n' }).then(() => null, (error: unknown) => error);
    expect([isGuardRefusal(otherNull), isGuardRefusal(taken)]).toEqual([false, false]);
  });
});
