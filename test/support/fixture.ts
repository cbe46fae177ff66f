import { createAccount } from '../../src/auth/accounts';
import type { Db } from '../../src/db/client';
import { seededRandom } from '../../src/seed/random';
import { ensureCounty, writeTownship } from '../../src/seed/write';
import { ApiClient } from './client';
import type { TestServer } from './servers';

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

/** Two small townships of one county (alpha, beta) and one login per role. */
export async function createFixture(server: TestServer): Promise<Fixture> {
  const db: Db = server.db;
  const random = seededRandom(7);
  const countyId = await ensureCounty(db, '德州市', '齐河县');
  const otherCountyId = await ensureCounty(db, '德州市', '禹城市');
  const shape = { villages: 3, membersPerVillage: [4, 6] as [number, number], householdsPerVillage: [5, 8] as [number, number] };
  const a = await writeTownship(db, random, { slug: 'alpha', name: '甲镇', countyId }, { ...shape, knownVillages: ['靖庄', '刘洼'] });
  const b = await writeTownship(db, random, { slug: 'beta', name: '乙镇', countyId }, shape);
  const villageA = a.rows.villages[0].id!;
  const memberA = a.rows.members.find((m) => m.villageId === villageA)!;
  const grants: Record<Login, Parameters<typeof createAccount>[2]> = {
    platformAdmin: [{ role: 'platform_admin' }],
    countyViewer: [{ role: 'county_viewer', countyId }],
    adminA: [{ role: 'township_admin', tenantId: a.tenantId }],
    secretaryA: [{ role: 'village_secretary', tenantId: a.tenantId, villageId: villageA }],
    memberA: [{ role: 'party_member', tenantId: a.tenantId, villageId: villageA, memberId: memberA.id! }],
    adminB: [{ role: 'township_admin', tenantId: b.tenantId }],
    otherCountyViewer: [{ role: 'county_viewer', countyId: otherCountyId }],
  };
  for (const [login, phone] of Object.entries(PHONES) as [Login, string][])
    await createAccount(db, { phone, name: login, password: PASSWORD }, grants[login]);

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
