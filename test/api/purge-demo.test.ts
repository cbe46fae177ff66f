import { count, eq, getTableColumns, getTableName, inArray, is, notInArray } from 'drizzle-orm';
import { SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client';
import * as schema from '../../src/db/schema';
import { accounts, cities, counties, tenants } from '../../src/db/schema';
import { hashPassword } from '../../src/auth/passwords';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/seed/demo';
import { demoAccountsWithDemoPassword, purgeDemo } from '../../src/seed/purge-demo';
import { ApiClient } from '../support/client';
import { moveCounty } from '../../src/features/transfer';
import { homeOf } from '../../src/db/tenant-tables';
import { DRIVERS, SECOND_SHARD, TEST_ENV, type Driver } from '../support/servers';
import { withFixture } from '../support/suite';
import { createTestAccount } from '../support/fixture';

const DEMO_PHONES = ['13800000000', '13800000001', '13800000002', '13800000003', '13800000004', '13800000005', '13800000006', '13800000007'];

const TINY = { villages: 3, liuqiaoVillages: 2, membersPerVillage: [3, 4] as [number, number], householdsPerVillage: [4, 6] as [number, number] };

/** The fixture's server on a database the (tiny) demo was seeded into first. */
const withDemoAndFixture = (driver: Driver) => withFixture(driver, TEST_ENV, (db) => seedDemoIfEmpty(db, TINY));

/** Rows of every tenant-owned table (of a shard's tables only, with `shardOnly`) that belong to none of `tenantIds`, by table. */
async function rowsOutside(db: Db, tenantIds: string[], shardOnly = false): Promise<Record<string, number>> {
  const counted: [string, ReturnType<typeof countOutside>][] = [];
  const countOutside = (table: SQLiteTable, column: SQLiteColumn) => db.select({ n: count() }).from(table).where(notInArray(column, tenantIds.length ? tenantIds : ['-']));
  for (const table of Object.values(schema)) {
    // the audit trail is kept whole (append-only): checked on its own below
    if (!is(table, SQLiteTable) || table === schema.auditEvents || (shardOnly && homeOf(table) !== 'shard')) continue;
    const column = (getTableColumns(table) as unknown as Record<string, SQLiteColumn | undefined>).tenantId;
    if (column) counted.push([getTableName(table), countOutside(table, column)]);
  }
  // one batch, not a round trip per table (on workerd each is a request to its D1)
  const [first, ...rest] = counted.map(([, query]) => query);
  const counts = await db.batch([first, ...rest]);
  return Object.fromEntries(counted.map(([name], i) => [name, counts[i][0].n]));
}

/**
 * `npm run purge-demo` removes what the demo seed wrote (its two townships with everything they own, its
 * accounts while they still have the demo password) and nothing else: the fixture's townships, accounts,
 * city and county stay row for row, a real 潘店镇 made without the demo is not mistaken for it, and a
 * demo phone whose password was changed is kept (someone may use it).
 */
describe.each(DRIVERS)('purge-demo on %s', (driver) => {
  // an install that ran as the demo (seeded into the empty database), then got townships of its own (the fixture's, in the
  // demo's county); the seed itself through the API's database is demo-seed.test.ts's, here it is only the starting state
  const ctx = withDemoAndFixture(driver);

  it('removes the demo townships and accounts and nothing else', async () => {
    const db = ctx.server.db;
    const demoIds = (await db.select({ id: tenants.id }).from(tenants).where(inArray(tenants.slug, ['pandian', 'liuqiao']))).map((t) => t.id);
    const before = await rowsOutside(db, demoIds);
    const registry = async () => ({
      cities: (await db.select({ n: count() }).from(cities))[0].n,
      counties: (await db.select({ n: count() }).from(counties))[0].n,
    });
    const registryBefore = await registry();
    const otherAccounts = (await db.select({ phone: accounts.phone }).from(accounts).where(notInArray(accounts.phone, DEMO_PHONES))).map((a) => a.phone).sort();
    expect(await demoAccountsWithDemoPassword(db)).toEqual(DEMO_PHONES);

    const dry = await purgeDemo(ctx.server.databases, { dryRun: true });
    expect(dry).toEqual({ townships: ['pandian', 'liuqiao'], accounts: DEMO_PHONES, keptAccounts: [] });
    expect(await demoAccountsWithDemoPassword(db)).toEqual(DEMO_PHONES);

    const trail = await db.select({ n: count() }).from(schema.auditEvents);
    expect(await purgeDemo(ctx.server.databases)).toEqual(dry);
    expect(await db.select().from(tenants).where(inArray(tenants.id, demoIds))).toEqual([]);
    expect(await db.select({ n: count() }).from(schema.auditEvents)).toEqual(trail);
    expect(await rowsOutside(db, [])).toEqual(before);
    expect(await registry()).toEqual(registryBefore);
    expect((await db.select({ phone: accounts.phone }).from(accounts)).map((a) => a.phone).sort()).toEqual(otherAccounts);
    expect((await new ApiClient(ctx.server).post('/api/auth/login', { phone: '13800000002', password: DEMO_PASSWORD })).status).toBe(401);
    // the fixture still works
    expect((await (await ctx.fixture.as('adminA')).get('/t/alpha/api/villages')).status).toBe(200);
    // a second run finds nothing
    expect(await purgeDemo(ctx.server.databases)).toEqual({ townships: [], accounts: [], keptAccounts: [] });
  });

  it('leaves a real 潘店镇 and a demo phone with a password of its own', async () => {
    const db = ctx.server.db;
    const [county] = await db.select({ id: counties.id }).from(counties).limit(1);
    await db.insert(tenants).values({ id: 'real-pandian', slug: 'pandian', name: '潘店镇', countyId: county.id });
    await createTestAccount(db, { phone: '13700000002', name: '潘店镇党委', password: 'Real-pass-2026' }, [{ role: 'township_admin', tenantId: 'real-pandian' }]);
    await createTestAccount(db, { phone: '13800000000', name: '平台管理员', password: 'Changed-pass-2026' }, [{ role: 'platform_admin' }]);
    expect(await purgeDemo(ctx.server.databases)).toEqual({ townships: [], accounts: [], keptAccounts: ['13800000000'] });
    expect(await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, 'pandian'))).toEqual([{ id: 'real-pandian' }]);
    expect(await demoAccountsWithDemoPassword(db)).toEqual([]);
  });
});

/**
 * Which demo accounts still open with the demo password, whatever hash each holds: the seed's one hash, shared by
 * its accounts, or one of the account's own (a changed password; the demo password again under a salt of its own).
 * The check is the same code on either driver: libSQL only.
 */
describe('the demo password check, account by account, on libsql', () => {
  const ctx = withDemoAndFixture('libsql');

  it('tells each demo account by the hash it holds', async () => {
    const db = ctx.server.db;
    const seeded = await db.select({ hash: accounts.passwordHash }).from(accounts).where(inArray(accounts.phone, DEMO_PHONES));
    expect(new Set(seeded.map((row) => row.hash)).size).toBe(1);
    expect(await demoAccountsWithDemoPassword(db)).toEqual(DEMO_PHONES);
    const [changed, resalted] = DEMO_PHONES;
    await db.update(accounts).set({ passwordHash: await hashPassword('Another-pass-2026', 1_000) }).where(eq(accounts.phone, changed));
    await db.update(accounts).set({ passwordHash: await hashPassword(DEMO_PASSWORD, 1_000) }).where(eq(accounts.phone, resalted));
    expect(await demoAccountsWithDemoPassword(db)).toEqual(DEMO_PHONES.filter((phone) => phone !== changed));
  });
});

/**
 * The demo's county moved to another shard (npm run shard:move) before the purge: its townships' rows are there
 * now, and the purge removes them there, and the townships' grants and rows in the registry; the fixture's
 * townships, moved along in the same county, stay row for row.
 */
describe.each(DRIVERS)('purge-demo of a demo whose county moved to another shard, on %s', (driver) => {
  const ctx = withDemoAndFixture(driver);

  it('removes the demo townships from the shard they are on', async () => {
    const { databases } = ctx.server;
    const demoIds = (await databases.registry.select({ id: tenants.id }).from(tenants).where(inArray(tenants.slug, ['pandian', 'liuqiao']))).map((t) => t.id);
    // the demo's evaluation day has a session open now, which a move waits for: over, as at night
    await databases.registry.update(schema.evaluationSessions).set({ closedAt: new Date().toISOString() });
    await moveCounty(databases, ctx.fixture.countyId, SECOND_SHARD, { graceMs: 0, settleMs: 0 });
    const second = databases.shard(SECOND_SHARD);
    const before = await rowsOutside(second, demoIds, true);
    expect((await rowsOutside(second, [], true)).villages).toBeGreaterThan(before.villages);

    // while the county is frozen for another move, the purge waits (its rows are being copied)
    const countyId = ctx.fixture.countyId;
    const villagesOnSecond = (await rowsOutside(second, [], true)).villages;
    await databases.registry.update(schema.countyPlacements).set({ frozenAt: new Date().toISOString() }).where(eq(schema.countyPlacements.countyId, countyId));
    await expect(purgeDemo(databases)).rejects.toMatchObject({ status: 503, code: 'error.maintenance' });
    expect((await rowsOutside(second, [], true)).villages).toBe(villagesOnSecond);
    await databases.registry.update(schema.countyPlacements).set({ frozenAt: null }).where(eq(schema.countyPlacements.countyId, countyId));

    expect(await purgeDemo(databases)).toMatchObject({ townships: ['pandian', 'liuqiao'] });
    expect(await rowsOutside(second, [], true)).toEqual(before);
    expect(await rowsOutside(databases.registry, [])).toEqual(await rowsOutside(databases.registry, demoIds));
    expect(await databases.registry.select().from(tenants).where(inArray(tenants.id, demoIds))).toEqual([]);
    expect((await (await ctx.fixture.as('adminA')).get('/t/alpha/api/villages')).status).toBe(200);
  });
});
