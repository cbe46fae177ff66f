import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { seedDemoIfEmpty } from '../../src/seed/demo';
import { TEST_BUILD } from '../support/build';
import { TEST_APP_SECRET } from '../support/servers';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'xingping-transfer-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The operator's commands as an install runs them: the built tenant-export.js / tenant-import.js (what
 * `npm run build` writes to dist/, bundled by the test build from scripts/tenant-*.ts) on libSQL files, with
 * plain node: tsx would compile the scripts again on each of the three starts.
 */
describe('the tenant:export and tenant:import commands (scripts/tenant-*.ts)', () => {
  it('moves a township from one database file to another, encrypted, and refuses it a second time', async () => {
    const from = `file:${join(work, 'from.db')}`;
    const to = `file:${join(work, 'to.db')}`;
    const source = await openLibsql(from);
    await migrateLibsql(source.db);
    await seedDemoIfEmpty(source.db, { villages: 2, liuqiaoVillages: 1, membersPerVillage: [2, 3], householdsPerVillage: [2, 3] });
    const [{ n: villages }] = await source.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM villages v JOIN tenants t ON t.id = v.tenant_id WHERE t.slug = 'liuqiao'`);
    source.client.close();

    const env = { ...process.env, APP_SECRET: TEST_APP_SECRET, XINGPING_PASSPHRASE: 'cli test passphrase', DEMO_MODE: '0' };
    const command = (name: string) => join(TEST_BUILD.node, `${name}.js`);
    const file = join(work, 'liuqiao.zip.enc');
    const exported = await run(process.execPath, [command('tenant-export'), '--tenant', 'liuqiao', '--db', from, '--out', file], { env });
    expect(exported.stdout).toMatch(/刘桥镇 \(liuqiao\) exported to .*liuqiao\.zip\.enc \(encrypted\)/);
    expect(statSync(file).size).toBeGreaterThan(1000);

    const imported = await run(process.execPath, [command('tenant-import'), '--file', file, '--db', to], { env });
    expect(imported.stdout).toMatch(/刘桥镇 \(liuqiao\) imported: \d+ rows/);
    expect(imported.stdout).toMatch(/accounts: 1 new/);
    const target = await openLibsql(to);
    const [{ n }] = await target.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM villages v JOIN tenants t ON t.id = v.tenant_id WHERE t.slug = 'liuqiao' AND t.status = 'active'`);
    expect(n).toBe(villages);
    target.client.close();

    const again = await run(process.execPath, [command('tenant-import'), '--file', file, '--db', to], { env }).catch((error) => error);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/transfer\.tenant_exists: 本系统已有该乡镇（liuqiao）/);
  }, 120_000);
});
