import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { accounts, roleGrants } from '../../src/db/schema';
import { newId } from '../../src/platform/ids';
import { seededRandom } from '../../src/seed/random';
import { ensureCounty, placeCounty, writeTownship } from '../../src/seed/write';
import { ApiClient } from '../support/client';
import { fixtureHash } from '../support/fixture';
import { startServer, TEST_ENV, type TestServer } from '../support/servers';

const PASSWORD = 'test-password-1';
describe.each(['libsql'] as const)('platform grant audit on %s', (driver) => {
  let server: TestServer;
  let registry: Db;
  let sd1: Db;
  const ids = {} as { alpha: string; village: string };
  beforeAll(async () => {
    server = await startServer(driver, TEST_ENV, undefined, { shards: ['sd1'] });
    ({ registry } = server.databases);
    sd1 = server.databases.shard('sd1');
    const county = await ensureCounty(registry, '德州市', '齐河县');
    await placeCounty(registry, county, 'sd1');
    const shape = { villages: 2, membersPerVillage: [2, 2] as [number, number], householdsPerVillage: [2, 2] as [number, number] };
    const alpha = await writeTownship({ registry, shard: sd1 }, seededRandom(3), { slug: 'alpha', name: '甲镇', countyId: county }, shape);
    ids.alpha = alpha.tenantId; ids.village = alpha.rows.villages[0].id!;
    const passwordHash = await fixtureHash(PASSWORD);
    for (const [phone, grant] of [['13900000100', { role: 'platform_admin' }], ['13900000103', { role: 'township_admin', tenantId: ids.alpha }]] as const) {
      const id = newId();
      await registry.insert(accounts).values({ id, phone, name: phone, passwordHash });
      await registry.insert(roleGrants).values([{ ...grant, accountId: id }] as never);
    }
  });
  afterAll(() => server?.close());

  it('writes the township chain into the db that holds it', async () => {
    const platform = await new ApiClient(server).login('13900000100', PASSWORD);
    const admin = await new ApiClient(server).login('13900000103', PASSWORD);
    // an audited township write first, so the shard's chain for alpha exists
    expect((await admin.post('/t/alpha/api/villages', { name: '新庄' })).status).toBe(201);
    const r = await platform.post(`/api/platform/tenants/${ids.alpha}/accounts`, { phone: '13900000199', name: '书记', password: 'Zhang-1988-qihe', role: 'village_secretary', villageId: ids.village });
    console.log('grant', r.status, JSON.stringify(r.body));
    console.log('registry chain alpha rows', JSON.stringify(await registry.all(sql`SELECT chain, seq, action FROM audit_events WHERE chain = ${ids.alpha}`)));
    console.log('sd1 chain alpha rows', JSON.stringify(await sd1.all(sql`SELECT chain, seq, action FROM audit_events WHERE chain = ${ids.alpha}`)));
    const events = await admin.get('/t/alpha/api/audit/events?action=account.grant');
    const events2 = await admin.get('/t/alpha/api/audit/events?action=account.create');
    console.log('township sees', JSON.stringify(events.body), JSON.stringify(events2.body));
    console.log('verify', JSON.stringify((await admin.get('/t/alpha/api/audit/verify')).body));
    const pv = await platform.get('/api/platform/audit/verify');
    console.log('platform verify', pv.status, JSON.stringify(pv.body).slice(0, 500));
  });
});
