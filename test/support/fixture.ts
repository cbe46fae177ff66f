import { createAccount, type NewAccount } from '../../src/auth/accounts';
import { hashPassword } from '../../src/auth/passwords';
import type { Db } from '../../src/db/client';
import { accounts, roleGrants } from '../../src/db/schema';
import { newId } from '../../src/platform/ids';
import { seededRandom } from '../../src/seed/random';
import { ensureCounty, placeCounty, writeTownship } from '../../src/seed/write';
import { ApiClient } from './client';
import { SECOND_SHARD, startServer, TEST_ENV, type Driver, type Preload, type TestServer } from './servers';

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
 * The logins' one password hash, made once per test process (hashing it for each of the seven logins of each
 * fixture was ~1 s of CPU per fixture on two cores), at a thousand iterations instead of the production
 * 100,000: a sign-in verifies at the cost its stored hash names, by the same code, so each of the suite's
 * sign-ins costs 0.2 ms instead of ~20 ms (~6 s of CPU a run) and checks the same thing. Accounts made
 * through the API, and the sign-in of an unknown phone (DUMMY_HASH), keep the production cost.
 */
const FIXTURE_ITERATIONS = 1_000;
const fixtureHashes = new Map<string, Promise<string>>();
/** A password's hash at the fixture's cost, made once per test process. */
export const fixtureHash = (password: string) => fixtureHashes.get(password) ?? fixtureHashes.set(password, hashPassword(password, FIXTURE_ITERATIONS)).get(password)!;

/**
 * An account a test makes for itself, by the app's own createAccount (the password policy, a taken phone, the
 * grants), with its password hashed at the fixture's cost: the account is the test's starting state, and its
 * sign-ins verify by the same code. What the API creates keeps the production cost.
 */
export async function createTestAccount(db: Db, account: NewAccount, grants: Parameters<typeof createAccount>[2]): Promise<string> {
  return createAccount(db, account, grants, { passwordHash: await fixtureHash(account.password) });
}

/** What the fixture wrote besides its logins: its county and its two townships. */
type FixtureRows = Pick<Fixture, 'countyId' | 'a' | 'b'>;

/** Two small townships of one county (alpha, beta) and one login per role, written in one batch. */
async function writeFixture(db: Db, shardNames: readonly string[]): Promise<FixtureRows> {
  const random = seededRandom(7);
  const countyId = await ensureCounty(db, '德州市', '齐河县');
  const otherCountyId = await ensureCounty(db, '德州市', '禹城市');
  // the other county's rows on the second shard (servers.ts): its viewer's reads go there, never to main
  if (shardNames.includes(SECOND_SHARD)) await placeCounty(db, otherCountyId, SECOND_SHARD);
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
  const passwordHash = await fixtureHash(PASSWORD);
  const logins = (Object.entries(PHONES) as [Login, string][]).map(([login, phone]) => ({ login, phone, id: newId() }));
  await db.batch([
    db.insert(accounts).values(logins.map(({ login, phone, id }) => ({ id, phone, name: login, passwordHash }))),
    db.insert(roleGrants).values(logins.flatMap(({ login, id }) => grants[login].map((grant) => ({ ...grant, accountId: id })))),
  ]);
  return { countyId, a, b };
}

function fixtureOn(server: TestServer, rows: FixtureRows): Fixture {
  const clients = new Map<Login, ApiClient>();
  return {
    ...rows,
    anonymous: () => new ApiClient(server),
    async as(login) {
      if (!clients.has(login)) clients.set(login, await new ApiClient(server).login(PHONES[login], PASSWORD));
      return clients.get(login)!;
    },
  };
}

/** The fixture written into a running server's database (through workerd's D1 binding on workerd). */
export async function createFixture(server: TestServer): Promise<Fixture> {
  return fixtureOn(server, await writeFixture(server.db, server.databases.shardNames));
}

/**
 * A server started with the fixture already in its database (and `preload`'s rows before it): on workerd written
 * into its D1 file through libSQL before workerd opens it, as any preload is, not statement by statement through
 * workerd (~0.05 s of CPU per fixture even through servers.ts's D1 door). The fixture is the tests' starting
 * state, not what they test; demo-seed.test.ts writes townships through each driver's database.
 */
export async function startWithFixture(driver: Driver, env: Record<string, string> = TEST_ENV, preload?: Preload): Promise<{ server: TestServer; fixture: Fixture }> {
  let rows: FixtureRows | undefined;
  const server = await startServer(driver, env, async (db) => {
    await preload?.(db);
    rows = await writeFixture(db, [SECOND_SHARD]);
  });
  return { server, fixture: fixtureOn(server, rows!) };
}
