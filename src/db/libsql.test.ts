import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibsql } from './libsql';

describe('the embedded libSQL file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xingping-libsql-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // the client keeps a pool of connections (a second one opens as soon as two requests overlap), and a PRAGMA run
  // once reaches only one of them: a writer of a second replica must make every one of them wait, not fail at once
  it('waits for a lock, enforces foreign keys and syncs every commit on every pooled connection', async () => {
    const { client } = await openLibsql(`file:${join(dir, 'pool.db')}`);
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => client.batch(['PRAGMA busy_timeout', 'PRAGMA foreign_keys', 'PRAGMA synchronous'])));
      // synchronous 2 = FULL
      expect(answers.map((sets) => sets.map((set) => Number(set.rows[0][0])))).toEqual(Array(8).fill([5000, 1, 2]));
    } finally {
      client.close();
    }
  });
});
