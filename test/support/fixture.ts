import { hashPassword } from '../../src/auth/passwords';
import type { Db } from '../../src/db/client';
import { accounts, roleGrants } from '../../src/db/schema';
import { newId } from '../../src/platform/ids';
import { seededRandom } from '../../src/seed/random';
import { ensureCounty, placeCounty, writeTownship } from '../../src/seed/write';
import { ApiClient } from './client';
import { SECOND_SHARD, type TestServer } from './servers';

export const PASSWORD = 'test-password-1';

/** Phones of the fixture's logins, one per role (and a second township's admin). */
export const PHONES = {
  platformAdmin: '13900000000',
  countyViewer: '13900000001',
  adminA: '13900000002',
  secretaryA: '13900000003',
  memberA: '13900000004',
  adminB: '13900000005',
  otherCountyViewer: '13900000006',
} as const;
export type Login = keyof typeof PHONES;

export interface Fixture {
  countyId: string;
  a: Awaited<ReturnType<typeof writeTownship>>;
  b: Awaited<ReturnType<typeof writeTownship>>;
  /** logged-in clients, created lazily */
  as(login: Login): Promise<ApiClient>;
  anonymous(): ApiClient;
}

type Grant = Omit<typeof roleGrants.$inferInsert, 'id' | 'accountId' | 'createdAt'>;

/**
 * The logins' one password hash, made once per test process at the production cost (PASSWORD_ITERATIONS):
 * hashing it again for each of the seven logins of each fixture was ~1 s of CPU per fixture on two cores,
 * and every sign-in still verifies it at that cost. (Accounts made through the API hash their own.)
 */
let fixtureHash: Promise<string> | undefined;

/** Two small townships of one county (alpha, beta) and one login per role, written in one batch. */
export async function createFixture(server: TestServer): Promise<Fixture> {
  const db: Db = server.db;
  const random = seededRandom(7);
  const countyId = await ensureCounty(db, '德州市', '齐河县');
  const otherCountyId = await ensureCounty(db, '德州市', '禹城市');
  // the other county's rows on the second shard (servers.ts): its viewer's reads go there, never to main
  if (server.databases.shardNames.includes(SECOND_SHARD)) await placeCounty(db, otherCountyId, SECOND_SHARD);
  const shape = { villages: 3, membersPerVillage: [4, 6] as [number, number], householdsPerVillage: [5, 8] as [number, number] };
  const a = await writeTownship(db, random, { slug: 'alpha', name: '甲镇', countyId }, { ...shape, knownVillages: ['靖庄', '刘洼'] });
  const b = await writeTownship(db, random, { slug: 'beta', name: '乙镇', countyId }, shape);
  const villageA = a.rows.villages[0].id!;
  const memberA = a.rows.members.find((m) => m.villageId === villageA)!;
  const grants: Record<Login, Grant[]> = {
    platformAdmin: [{ role: 'platform_admin' }],
    countyViewer: [{ role: 'county_viewer', countyId }],
    adminA: [{ role: 'township_admin', tenantId: a.tenantId }],
    secretaryA: [{ role: 'village_secretary', tenantId: a.tenantId, villageId: villageA }],
    memberA: [{ role: 'party_member', tenantId: a.tenantId, villageId: villageA, memberId: memberA.id! }],
    adminB: [{ role: 'township_admin', tenantId: b.tenantId }],
    otherCountyViewer: [{ role: 'county_viewer', countyId: otherCountyId }],
  };
  const passwordHash = await (fixtureHash ??= hashPassword(PASSWORD));
  const logins = (Object.entries(PHONES) as [Login, string][]).map(([login, phone]) => ({ login, phone, id: newId() }));
  await db.batch([
    db.insert(accounts).values(logins.map(({ login, phone, id }) => ({ id, phone, name: login, passwordHash }))),
    db.insert(roleGrants).values(logins.flatMap(({ login, id }) => grants[login].map((grant) => ({ ...grant, accountId: id })))),
  ]);

  const clients = new Map<Login, ApiClient>();
  return {
    countyId,
    a,
    b,
    anonymous: () => new ApiClient(server),
    async as(login) {
      if (!clients.has(login)) clients.set(login, await new ApiClient(server).login(PHONES[login], PASSWORD));
      return clients.get(login)!;
    },
  };
}
