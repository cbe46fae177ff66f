import { createClient, type Client } from '@libsql/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withGroupCommit } from './group-commit';

describe('group commit on an embedded libSQL file', () => {
  let dir: string;
  let raw: Client;
  let client: Client;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xingping-group-commit-'));
    raw = createClient({ url: `file:${join(dir, 'test.db')}` });
    await raw.execute('PRAGMA journal_mode = WAL');
    await raw.execute('CREATE TABLE ledger (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, note TEXT NOT NULL UNIQUE)');
    client = withGroupCommit(raw);
  });
  afterEach(() => {
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entry = (owner: string, note: string) => ({ sql: 'INSERT INTO ledger (owner, note) VALUES (?, ?) RETURNING owner, note', args: [owner, note] });
  const notes = async () => (await raw.execute('SELECT note FROM ledger ORDER BY note')).rows.map((r) => r.note);
  /** WAL frames written since the last checkpoint: each commit writes its own frames. */
  const walFrames = async () => Number((await raw.execute('PRAGMA wal_checkpoint(PASSIVE)')).rows[0][1]);

  it('gives each concurrent batch its own results, in its own order', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => client.batch([entry(`b${n}`, `${n}-1`), entry(`b${n}`, `${n}-2`)])));
    results.forEach((sets, n) => {
      expect(sets).toHaveLength(2);
      expect(sets.map((s) => s.rows[0].note)).toEqual([`${n}-1`, `${n}-2`]);
      expect(sets.every((s) => s.rows[0].owner === `b${n}`)).toBe(true);
    });
    expect(await notes()).toHaveLength(40);
  });

  it('writes concurrent batches in one commit, batches one after another in their own', async () => {
    await raw.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    await Promise.all(Array.from({ length: 30 }, (_, n) => client.batch([entry('together', `t${n}`)])));
    const grouped = await walFrames();

    await raw.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    for (let n = 0; n < 30; n++) await client.batch([entry('alone', `a${n}`)]);
    const oneByOne = await walFrames();

    expect(await notes()).toHaveLength(60);
    expect(grouped).toBeLessThan(oneByOne / 5);
  });

  it('fails only the batch at fault, with its own error, and keeps nothing of it', async () => {
    await client.batch([entry('earlier', 'taken')]);
    const outcomes = await Promise.allSettled([
      client.batch([entry('first', 'f1')]),
      // its first row is fine, its second breaks the unique note: neither may be stored
      client.batch([entry('faulty', 'half'), entry('faulty', 'taken')]),
      client.batch([entry('last', 'l1'), entry('last', 'l2')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(await notes()).toEqual(['f1', 'l1', 'l2', 'taken']);
  });

  it('commits the others of a group still together when batches fail (a retried ballot must not cost everyone a sync)', async () => {
    await client.batch([entry('earlier', 'taken')]);
    await raw.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, n) => client.batch(n === 9 || n === 20 ? [entry('faulty', `f${n}`), entry('faulty', 'taken')] : [entry('fine', `g${n}`), entry('fine', `h${n}`)])),
    );
    const withFault = await walFrames();

    await raw.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    for (let n = 0; n < 30; n++) await client.batch([entry('alone', `a${n}`), entry('alone', `b${n}`)]);
    const oneByOne = await walFrames();

    expect(outcomes.flatMap((o, n) => (o.status === 'rejected' ? [n] : []))).toEqual([9, 20]);
    expect(String((outcomes[20] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(await notes()).toHaveLength(1 + 56 + 60);
    expect(await notes()).not.toContain('f9');
    expect(withFault).toBeLessThan(oneByOne / 5);
  });

  it('leaves the rest of the client as it is', async () => {
    await client.execute({ sql: 'INSERT INTO ledger (owner, note) VALUES (?, ?)', args: ['execute', 'e1'] });
    const [read] = await client.batch([{ sql: 'SELECT count(*) AS n FROM ledger', args: [] }], 'read');
    expect(read.rows[0].n).toBe(1);
    expect(client.protocol).toBe('file');
  });
});
