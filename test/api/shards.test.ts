import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../src/db/client';
import { databasesOf } from '../../src/db/databases';
import { accounts, roleGrants, ratingEntries } from '../../src/db/schema';
import { tenantTablesParentsFirst } from '../../src/db/tenant-tables';
import { moveCounty } from '../../src/features/transfer';
import { newId } from '../../src/platform/ids';
import { shanghaiYear } from '../../src/platform/time';
import { seededRandom } from '../../src/seed/random';
import { ensureCounty, placeCounty, writeTownship } from '../../src/seed/write';
import { shardConsistency } from '../../src/tenancy/consistency';
import { TENANT_TTL_MS } from '../../src/tenancy/tenant';
import { ApiClient } from '../support/client';
import { fixtureHash } from '../support/fixture';
import { DRIVERS, startServer, TEST_ENV, type TestServer } from '../support/servers';
import { openBranchSession } from './evaluation-support';
import { documentedReads } from '../support/openapi';

const PASSWORD = 'test-password-1';
const SHARDS = ['sd1', 'sd2'] as const;
const SHARD_TABLES = tenantTablesParentsFirst().filter((table) => table.home === 'shard');
const LOGINS = {
  platformAdmin: { phone: '13900000100', grants: [{ role: 'platform_admin' }] },
  viewerA: { phone: '13900000101', grants: [] },
  viewerB: { phone: '13900000102', grants: [] },
  adminAlpha: { phone: '13900000103', grants: [] },
  adminGamma: { phone: '13900000104', grants: [] },
  cityOrganiser: { phone: '13900000105', grants: [] },
} as const;
type Login = keyof typeof LOGINS;

/** Rows per township of every shard table in one database. */
async function rowsByTownship(db: Db): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  // one batch, not a round trip per table (on workerd each is a request to its D1)
  const [first, ...rest] = SHARD_TABLES.map(({ table }) => {
    const tenantId = (getTableColumns(table) as unknown as { tenantId: SQLiteColumn }).tenantId;
    return db.select({ tenantId, n: count() }).from(table).groupBy(tenantId);
  });
  for (const rows of await db.batch([first, ...rest]))
    for (const row of rows as { tenantId: string | null; n: number }[]) if (row.tenantId) counts.set(row.tenantId, (counts.get(row.tenantId) ?? 0) + Number(row.n));
  return counts;
}

/**
 * A registry that holds no township, and two shards: county A (齐河县: alpha, beta) on sd1, county B (禹城市:
 * gamma) on sd2, both of one city. What a province's deployment looks like, on both drivers.
 */
describe.each(DRIVERS)('two shards on %s', (driver) => {
  let server: TestServer;
  let registry: Db;
  let sd1: Db;
  let sd2: Db;
  const ids = {} as { countyA: string; countyB: string; cityId: string; alpha: string; beta: string; gamma: string; alphaVillage: string; gammaVillage: string };
  const clients = new Map<Login, ApiClient>();
  const as = async (login: Login) => {
    if (!clients.has(login)) clients.set(login, await new ApiClient(server).login(LOGINS[login].phone, PASSWORD));
    return clients.get(login)!;
  };

  beforeAll(async () => {
    server = await startServer(driver, TEST_ENV, undefined, { shards: SHARDS });
    ({ registry } = server.databases);
    [sd1, sd2] = SHARDS.map((name) => server.databases.shard(name));
    const random = seededRandom(11);
    ids.countyA = await ensureCounty(registry, '德州市', '齐河县');
    ids.countyB = await ensureCounty(registry, '德州市', '禹城市');
    await placeCounty(registry, ids.countyA, 'sd1');
    await placeCounty(registry, ids.countyB, 'sd2');
    const shape = { villages: 3, membersPerVillage: [3, 4] as [number, number], householdsPerVillage: [3, 4] as [number, number] };
    const alpha = await writeTownship({ registry, shard: sd1 }, random, { slug: 'alpha', name: '甲镇', countyId: ids.countyA }, shape);
    const beta = await writeTownship({ registry, shard: sd1 }, random, { slug: 'beta', name: '乙镇', countyId: ids.countyA }, shape);
    const gamma = await writeTownship({ registry, shard: sd2 }, random, { slug: 'gamma', name: '丙镇', countyId: ids.countyB }, shape);
    Object.assign(ids, { alpha: alpha.tenantId, beta: beta.tenantId, gamma: gamma.tenantId, alphaVillage: alpha.rows.villages[0].id!, gammaVillage: gamma.rows.villages[0].id! });
    const [{ cityId }] = await registry.all<{ cityId: string }>(sql`SELECT city_id AS cityId FROM counties WHERE id = ${ids.countyA}`);
    ids.cityId = cityId;
    const grants: Record<Login, object[]> = {
      platformAdmin: [{ role: 'platform_admin' }],
      viewerA: [{ role: 'county_viewer', countyId: ids.countyA }],
      viewerB: [{ role: 'county_viewer', countyId: ids.countyB }],
      adminAlpha: [{ role: 'township_admin', tenantId: ids.alpha }],
      adminGamma: [{ role: 'township_admin', tenantId: ids.gamma }],
      cityOrganiser: [{ role: 'city_organiser', cityId }],
    };
    const passwordHash = await fixtureHash(PASSWORD);
    for (const [login, { phone }] of Object.entries(LOGINS) as [Login, (typeof LOGINS)[Login]][]) {
      const id = newId();
      await registry.insert(accounts).values({ id, phone, name: login, passwordHash });
      await registry.insert(roleGrants).values(grants[login].map((grant) => ({ ...grant, accountId: id })) as never);
    }
  });
  afterAll(() => server?.close());

  it('answers its health check with every shard migrated', async () => {
    expect((await server.fetch('/api/health')).status).toBe(200);
  });

  it("writes a township's rows to its county's shard only; the registry holds none", async () => {
    const alpha = await as('adminAlpha');
    const gamma = await as('adminGamma');
    expect((await alpha.post('/t/alpha/api/villages', { name: '新庄' })).status).toBe(201);
    expect((await gamma.post('/t/gamma/api/villages', { name: '后屯' })).status).toBe(201);
    // a registry write of a township on another shard: its audit row stays in the registry's chain
    expect((await alpha.post('/t/alpha/api/accounts', { phone: '13900000199', name: '书记', password: 'Zhang-1988-qihe', role: 'village_secretary', villageId: ids.alphaVillage })).status).toBe(201);
    const [inRegistry, inSd1, inSd2] = await Promise.all([rowsByTownship(registry), rowsByTownship(sd1), rowsByTownship(sd2)]);
    expect([...inRegistry.keys()]).toEqual([]);
    expect([...inSd1.keys()].sort()).toEqual([ids.alpha, ids.beta].sort());
    expect([...inSd2.keys()]).toEqual([ids.gamma]);
    expect(await shardConsistency(server.databases)).toEqual([]);
    // the township's audit trail is in its shard and names its actors (accounts are in the registry)
    const trail = await alpha.get('/t/alpha/api/audit/events?action=village.create');
    expect(trail.status).toBe(200);
    expect(trail.body.items).toEqual([expect.objectContaining({ action: 'village.create', actorName: 'adminAlpha', tenantSlug: 'alpha' })]);
    expect((await alpha.get('/t/alpha/api/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('answers every read of a township and a county off main without a server error', async () => {
    const reads = await documentedReads(await as('adminAlpha'));
    const fill = (path: string) => path.replace('{tenant}', 'alpha').replace('{countyId}', ids.countyA).replace('{cityId}', ids.cityId);
    const callers: [RegExp, Login, string][] = [
      [/^\/t\/\{tenant\}\/api\//, 'adminAlpha', 'township_admin'],
      [/^\/api\/county\/\{countyId\}\//, 'viewerA', 'county_viewer'],
      [/^\/api\/city\/\{cityId\}\//, 'cityOrganiser', 'city_organiser'],
    ];
    let called = 0;
    for (const read of reads) {
      const caller = callers.find(([pattern, , role]) => pattern.test(read.path) && read.roles.includes(role));
      // a path with ids of its own (a village, a session, …) or a required query is walked by the feature suites
      if (!caller || /\{/.test(fill(read.path)) || read.query.some((q) => q.required)) continue;
      const reply = await (await as(caller[1])).get(fill(read.path));
      expect(reply.status, `${read.path}: ${JSON.stringify(reply.body).slice(0, 200)}`).toBeLessThan(500);
      called++;
    }
    expect(called).toBeGreaterThan(30);
  });

  it('keeps county reads inside the county: the other shard is not even asked', async () => {
    // take a table of sd2 away: county A's reads still answer, so they never reached sd2
    await sd2.run(sql`ALTER TABLE annual_results RENAME TO annual_results_away`);
    try {
      const a = await (await as('viewerA')).get(`/api/county/${ids.countyA}/comparison`);
      expect(a.status).toBe(200);
      expect(new Set(a.body.items.map((i: { township: string }) => i.township))).toEqual(new Set(['甲镇', '乙镇']));
      expect(a.body.total).toBe(7);
      for (const path of ['summary', 'org-life', 'rating']) expect((await (await as('viewerA')).get(`/api/county/${ids.countyA}/${path}`)).status, path).toBe(200);
    } finally {
      await sd2.run(sql`ALTER TABLE annual_results_away RENAME TO annual_results`);
    }
    const b = await (await as('viewerB')).get(`/api/county/${ids.countyB}/comparison`);
    expect(b.body.items.map((i: { township: string }) => i.township)).toEqual(['丙镇', '丙镇', '丙镇', '丙镇']);
    expect((await (await as('viewerA')).get(`/api/county/${ids.countyB}/comparison`)).status).toBe(404);
  });

  it("fans a city's roll-up out to both shards and merges it", async () => {
    const year = shanghaiYear();
    for (const [db, tenantId, villageId] of [
      [sd1, ids.alpha, ids.alphaVillage],
      [sd2, ids.gamma, ids.gammaVillage],
    ] as const)
      await db.insert(ratingEntries).values({ tenantId, year, villageId, status: 'county_confirmed', appliedStars: 5, proposedStars: 5 });
    const reply = await (await as('cityOrganiser')).get(`/api/city/${ids.cityId}/rating?year=${year}`);
    expect(reply.status).toBe(200);
    // by county name as SQLite orders text (code points): 禹 (U+79B9) before 齐 (U+9F50)
    expect(reply.body.items.map((i: { county: string; tenantSlug: string }) => [i.county, i.tenantSlug])).toEqual([
      ['禹城市', 'gamma'],
      ['齐河县', 'alpha'],
    ]);
  });

  it('runs the nightly job for every township, each on its shard', async () => {
    const platform = await as('platformAdmin');
    await server.scheduled!('0 18 * * *', new Date());
    await expect
      .poll(async () => ((await platform.get('/api/platform/job-runs')).body.items as { job: string; status: string }[]).find((r) => r.job === 'recompute')?.status)
      .toBe('finished');
    const [run] = (await platform.get('/api/platform/job-runs')).body.items;
    expect(run).toMatchObject({ tenantsTotal: 3, tenantsDone: 3, tenantsFailed: 0 });
  });

  it('finds rows whose township the registry does not know, or that lie on the wrong shard', async () => {
    await sd2.run(sql`INSERT INTO villages (id, tenant_id, name, branch_name, created_at, updated_at) VALUES ('stray1', 'ghost', '无主', '无主党支部', 'x', 'x')`);
    await sd2.run(sql`INSERT INTO villages (id, tenant_id, name, branch_name, created_at, updated_at) VALUES ('stray2', ${ids.alpha}, '错库', '错库党支部', 'x', 'x')`);
    expect((await shardConsistency(server.databases)).sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      { shard: 'sd2', table: 'villages', tenantId: 'ghost', rows: 1, reason: 'unknown_tenant' },
      { shard: 'sd2', table: 'villages', tenantId: ids.alpha, rows: 1, reason: 'wrong_shard' },
    ]);
    await sd2.run(sql`DELETE FROM villages WHERE id IN ('stray1', 'stray2')`);
    expect(await shardConsistency(server.databases)).toEqual([]);
  });

  it('moves a county while its people work: refused while a session is open, writes during the freeze answer 503 and land after the switch', async () => {
    const alpha = await as('adminAlpha');
    const { session } = await openBranchSession(alpha, ids.alphaVillage);
    await expect(moveCounty(server.databases, ids.countyA, 'sd2', { graceMs: 0, settleMs: 0 })).rejects.toMatchObject({ code: 'shards.session_open' });
    expect((await alpha.post(`/t/alpha/api/evaluation/sessions/${session.id}/close`)).status).toBe(200);

    const before = { sd1: await rowsByTownship(sd1), sd2: await rowsByTownship(sd2) };
    // the freeze lasts at least the grace; a write sent inside it is refused before anything is written
    // two names for one database: refused before anything is frozen
    const aliased = databasesOf(registry, { sd1, sd2, alias: sd1 });
    await expect(moveCounty(aliased, ids.countyA, 'alias', { graceMs: 0, settleMs: 0 })).rejects.toMatchObject({ code: 'shards.same_database' });
    const moving = moveCounty(server.databases, ids.countyA, 'sd2', { graceMs: 1500, settleMs: TENANT_TTL_MS + 500 });
    await expect.poll(async () => (await registry.all<{ f: string | null }>(sql`SELECT frozen_at AS f FROM county_placements WHERE county_id = ${ids.countyA}`))[0]?.f ?? null).not.toBeNull();
    // a second move of the county while the first runs is refused, and leaves the first alone
    await expect(moveCounty(server.databases, ids.countyA, 'sd2', { graceMs: 0, settleMs: 0 })).rejects.toMatchObject({ code: 'shards.move_running' });
    const refused = await alpha.post('/t/alpha/api/villages', { name: '迁移庄' });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('error.maintenance');
    expect(refused.headers.get('retry-after')).toBe('5');
    // reads go on from the old copy
    expect((await alpha.get('/t/alpha/api/villages')).status).toBe(200);
    const report = await moving;
    expect(report).toMatchObject({ from: 'sd1', to: 'sd2' });
    expect(report.townships.map((t) => t.slug).sort()).toEqual(['alpha', 'beta']);

    // the retry lands, in the new shard
    expect((await alpha.post('/t/alpha/api/villages', { name: '迁移庄' })).status).toBe(201);
    const after = { sd1: await rowsByTownship(sd1), sd2: await rowsByTownship(sd2) };
    expect([...after.sd1.keys()]).toEqual([]);
    expect(after.sd2.get(ids.beta)).toBe(before.sd1.get(ids.beta));
    // alpha: every row it had, the retried village and its audit row
    expect(after.sd2.get(ids.alpha)).toBe(before.sd1.get(ids.alpha)! + 2);
    expect(after.sd2.get(ids.gamma)).toBe(before.sd2.get(ids.gamma));
    expect(await shardConsistency(server.databases)).toEqual([]);
    const villages = await alpha.get('/t/alpha/api/villages');
    expect(villages.body.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['新庄', '迁移庄']));
    // the trail came along whole, and verifies in its new database
    expect((await alpha.get('/t/alpha/api/audit/verify')).body).toMatchObject({ ok: true });
    const county = await (await as('viewerA')).get(`/api/county/${ids.countyA}/comparison`);
    expect(county.body.total).toBe(8);
    // and the registry's chain says who moved what
    const platform = await as('platformAdmin');
    const platformTrail = await platform.get('/api/platform/audit/events?action=county.move');
    expect(platformTrail.body.items).toEqual([expect.objectContaining({ entityId: ids.countyA, actorId: 'system' })]);
    // the platform reads a township's chain from the shard that holds it, and every chain verifies where it is
    expect((await platform.get(`/api/platform/audit/events?chain=${ids.alpha}&action=village.create`)).body.total).toBe(2);
    const verified = await platform.get('/api/platform/audit/verify');
    expect(verified.body.chains.filter((chain: { ok: boolean }) => !chain.ok)).toEqual([]);
    // the move waits out the placement cache (5 s) and, on workerd, makes a few hundred D1 round trips
  }, 90_000);
});
