import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateLibsql, migrateShard, openLibsql } from '../../src/db/libsql';
import { seedDemoIfEmpty } from '../../src/seed/demo';
import { TEST_BUILD } from '../support/build';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'xingping-shard-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Rows of the demo's townships in every tenant table of one database file. */
async function townshipRows(url: string): Promise<number> {
  const { db, client } = await openLibsql(url);
  const tables = await db.all<{ name: string }>(sql`SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'tenant_id')
    AND m.name NOT IN ('role_grants', 'tenant_hostnames', 'job_runs', 'job_run_tenants')`);
  let rows = 0;
  for (const { name } of tables) rows += Number((await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(name)} WHERE tenant_id IS NOT NULL`))[0].n);
  client.close();
  return rows;
}

/**
 * `npm run shard:move` and `npm run shard:check` as an install runs them (the built dist/ entries, plain node) on
 * three libSQL files: the registry (shard main) and two shards of SHARDS. The demo county goes from main to a
 * shard and back: out of the database that still has the old foreign keys to `tenants`, and into it again.
 */
describe('the shard:move and shard:check commands (scripts/shard-*.ts)', () => {
  it('moves a county from the registry to a shard and back, and finds nothing astray after either move', async () => {
    const [registry, sd1] = ['registry', 'sd1'].map((name) => `file:${join(work, `${name}.db`)}`);
    const main = await openLibsql(registry);
    await migrateLibsql(main.db);
    await seedDemoIfEmpty(main.db, { villages: 2, liuqiaoVillages: 1, membersPerVillage: [2, 3], householdsPerVillage: [2, 3] });
    const [{ id: countyId }] = await main.db.all<{ id: string }>(sql`SELECT id FROM counties WHERE name = '齐河县'`);
    // here a township may leave (and its trail be deleted) only once its county is placed elsewhere
    const [{ id: pandian }] = await main.db.all<{ id: string }>(sql`SELECT id FROM tenants WHERE slug = 'pandian'`);
    await expect(main.db.run(sql`INSERT INTO shard_townships (township_id, state, created_at) VALUES (${pandian}, 'leaving', 'x')`)).rejects.toThrow();
    main.client.close();
    const shard = await openLibsql(sd1);
    await migrateShard(shard.db);
    shard.client.close();
    const before = await townshipRows(registry);
    expect(before).toBeGreaterThan(100);

    const env = { ...process.env, DATABASE_URL: registry, SHARDS: `sd1=${sd1}`, DEMO_MODE: '0' };
    const command = (name: string) => join(TEST_BUILD.node, `${name}.js`);
    const move = (to: string) => run(process.execPath, [command('shard-move'), '--county', countyId, '--to', to, '--grace-seconds', '0', '--settle-seconds', '0'], { env });
    const check = () => run(process.execPath, [command('shard-check')], { env });

    expect((await move('sd1')).stdout).toMatch(new RegExp(`moved county ${countyId} from main to sd1: 2 townships, ${before} rows`));
    expect([await townshipRows(registry), await townshipRows(sd1)]).toEqual([0, before]);
    expect((await check()).stdout).toMatch(/consistent: main, sd1/);

    expect((await move('main')).stdout).toMatch(new RegExp(`from sd1 to main: 2 townships, ${before} rows`));
    expect([await townshipRows(registry), await townshipRows(sd1)]).toEqual([before, 0]);
    expect((await check()).stdout).toMatch(/consistent/);

    const same = await move('main').catch((error) => error);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/该县的数据已在分库 main 中/);
    const unknown = await move('sd9').catch((error) => error);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no shard "sd9" is configured/);
  }, 120_000);
});
