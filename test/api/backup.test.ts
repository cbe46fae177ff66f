import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client';
import { backupDatabase, restoreDatabase, rotate } from '../../src/db/backup';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { PassphraseError } from '../../src/platform/passphrase-stream';
import { seededRandom } from '../../src/seed/random';
import { ensureCounty, writeTownship } from '../../src/seed/write';

const work = mkdtempSync(join(tmpdir(), 'xingping-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every row of every table, by table: what a restore must bring back exactly. */
async function snapshot(db: Db) {
  const tables = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = await db.all(sql`SELECT * FROM ${sql.identifier(name)} ORDER BY 1, 2`);
  return out;
}

/**
 * The restore drill of docs/operations.md: write, back up while the server's connection is open, write
 * more, restore (the server stopped), and the database is exactly what it was at the backup.
 */
describe('backup and restore of the embedded libSQL file', () => {
  it('brings back exactly what was backed up, plain and encrypted', async () => {
    const url = `file:${join(work, 'live', 'xingping.db')}`;
    let { db, client } = await openLibsql(url);
    await migrateLibsql(db);
    const countyId = await ensureCounty(db, '德州市', '齐河县');
    const shape = { villages: 3, membersPerVillage: [3, 4] as [number, number], householdsPerVillage: [4, 6] as [number, number] };
    await writeTownship(db, seededRandom(3), { slug: 'alpha', name: '甲镇', countyId }, shape);
    const atBackup = await snapshot(db);

    const plain = await backupDatabase({ url, dir: join(work, 'backups') });
    const sealed = await backupDatabase({ url, dir: join(work, 'backups'), passphrase: 'drill passphrase 2026' });
    expect(sealed.file).toMatch(/\.db\.enc$/);

    // more writes after the backup: a restore must drop them
    await writeTownship(db, seededRandom(4), { slug: 'beta', name: '乙镇', countyId }, shape);
    expect(await snapshot(db)).not.toEqual(atBackup);
    client.close();

    await expect(restoreDatabase({ url, from: sealed.file, passphrase: 'not the passphrase' })).rejects.toBeInstanceOf(PassphraseError);
    const { replaced } = await restoreDatabase({ url, from: sealed.file, passphrase: 'drill passphrase 2026' });
    expect(replaced).toMatch(/before-restore/);
    ({ db, client } = await openLibsql(url));
    expect(await snapshot(db)).toEqual(atBackup);
    // and the server's own start-up (migrations) finds nothing to do
    await migrateLibsql(db);
    client.close();

    await restoreDatabase({ url, from: plain.file });
    ({ db, client } = await openLibsql(url));
    expect(await snapshot(db)).toEqual(atBackup);
    client.close();
  });

  it('refuses a damaged backup before touching the database', async () => {
    const url = `file:${join(work, 'other', 'xingping.db')}`;
    const { db, client } = await openLibsql(url);
    await migrateLibsql(db);
    const before = await snapshot(db);
    client.close();
    const junk = join(work, 'junk.db');
    const raw = createClient({ url: `file:${junk}` });
    await raw.execute('CREATE TABLE t (x)');
    raw.close();
    const { writeFileSync, readFileSync } = await import('node:fs');
    const bytes = readFileSync(junk);
    bytes.fill(0x55, 100, 4096);
    writeFileSync(junk, bytes);
    await expect(restoreDatabase({ url, from: junk })).rejects.toThrow();
    const again = await openLibsql(url);
    expect(await snapshot(again.db)).toEqual(before);
    again.client.close();
  });

  it('keeps the newest backups and rotates out the rest', async () => {
    const url = `file:${join(work, 'live', 'xingping.db')}`;
    const dir = join(work, 'rotation');
    for (let i = 0; i < 4; i++) await backupDatabase({ url, dir, keep: 2, now: new Date(Date.UTC(2026, 11, 1 + i, 18)) });
    expect(readdirSync(dir).sort()).toEqual(['xingping-20261203-180000.db', 'xingping-20261204-180000.db']);
    expect(rotate(dir, 1)).toEqual(['xingping-20261203-180000.db']);
  });
});
