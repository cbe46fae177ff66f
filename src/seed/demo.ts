import { count, eq } from 'drizzle-orm';
import { createAccount } from '../auth/accounts';
import { hashPassword } from '../auth/passwords';
import type { Db } from '../db/client';
import { counties, tenants } from '../db/schema';
import { PANDIAN_VILLAGES } from './names';
import { seededRandom } from './random';
import { ensureCounty, writeTownship } from './write';
import { seedDemoEvaluation } from './demo-evaluation-day';
import { seedDemoStory } from './demo-story';
import { demoCalendar } from './demo-dates';
import { seedRating } from './demo-rating';

export const DEMO_PASSWORD = 'xingping2026';

/** The demo logins printed by `npm start` and listed in the README. */
export const DEMO_LOGINS = [
  { phone: '13800000000', name: '平台管理员', role: 'platform_admin', where: '' },
  { phone: '13800000001', name: '齐河县委组织部', role: 'county_viewer', where: '齐河县' },
  { phone: '13800000002', name: '潘店镇党委', role: 'township_admin', where: '潘店镇 pandian' },
  { phone: '13800000003', name: '靖庄村书记', role: 'village_secretary', where: '潘店镇 靖庄村' },
  { phone: '13800000004', name: '靖庄村党员', role: 'party_member', where: '潘店镇 靖庄村' },
  { phone: '13800000005', name: '刘桥镇党委', role: 'township_admin', where: '刘桥镇 liuqiao' },
  { phone: '13800000006', name: '齐河县委组织部（复核）', role: 'county_organiser', where: '齐河县' },
  { phone: '13800000007', name: '德州市委组织部', role: 'city_organiser', where: '德州市' },
] as const;

/** The demo's size: 潘店镇 has 95 villages as in the source; tests seed a smaller one. */
export interface DemoShape {
  villages: number;
  liuqiaoVillages: number;
  membersPerVillage: [number, number];
  householdsPerVillage: [number, number];
}
const DEMO_SHAPE: DemoShape = { villages: 95, liuqiaoVillages: 40, membersPerVillage: [20, 40], householdsPerVillage: [150, 400] };

/**
 * Seeds 潘店镇 (about 95 villages) and 刘桥镇 of 齐河县, 德州市, with a login for each role, when the
 * database holds no tenant yet, and the story of 潘店镇 (income, ledgers, two years of evaluations and
 * stars: see demo-story.ts). Returns a text to print, or undefined when nothing was done.
 */
export async function seedDemoIfEmpty(db: Db, size: Partial<DemoShape> = {}): Promise<string | undefined> {
  const [{ n }] = await db.select({ n: count() }).from(tenants);
  if (n > 0) return undefined;
  const demo = { ...DEMO_SHAPE, ...size };
  const random = seededRandom(20_190_101);
  const countyId = await ensureCounty(db, '德州市', '齐河县');
  const [{ cityId }] = await db.select({ cityId: counties.cityId }).from(counties).where(eq(counties.id, countyId));
  const shape = { membersPerVillage: demo.membersPerVillage, householdsPerVillage: demo.householdsPerVillage };
  const pandian = await writeTownship(db, random, { slug: 'pandian', name: '潘店镇', countyId }, {
    ...shape,
    villages: demo.villages,
    knownVillages: PANDIAN_VILLAGES,
  });
  const liuqiao = await writeTownship(db, random, { slug: 'liuqiao', name: '刘桥镇', countyId }, { ...shape, villages: demo.liuqiaoVillages });

  const jingzhuang = pandian.rows.villages.find((v) => v.name === '靖庄')!;
  const [secretary, member] = pandian.rows.members.filter((m) => m.villageId === jingzhuang.id);
  const grants = {
    platform_admin: [{ role: 'platform_admin' as const }],
    county_viewer: [{ role: 'county_viewer' as const, countyId }],
    county_organiser: [{ role: 'county_organiser' as const, countyId }],
    city_organiser: [{ role: 'city_organiser' as const, cityId }],
    township_admin: [{ role: 'township_admin' as const, tenantId: pandian.tenantId }],
    village_secretary: [
      { role: 'village_secretary' as const, tenantId: pandian.tenantId, villageId: jingzhuang.id! },
      { role: 'party_member' as const, tenantId: pandian.tenantId, villageId: jingzhuang.id!, memberId: secretary.id! },
    ],
    party_member: [{ role: 'party_member' as const, tenantId: pandian.tenantId, villageId: jingzhuang.id!, memberId: member.id! }],
  };
  const accountOf = new Map<string, string>();
  // one hash for all: the password is published, so a salt of each account's own would hide nothing (~20 ms of CPU each)
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const login of DEMO_LOGINS) {
    const loginGrants = login.phone === '13800000005' ? [{ role: 'township_admin' as const, tenantId: liuqiao.tenantId }] : grants[login.role];
    accountOf.set(login.phone, await createAccount(db, { phone: login.phone, name: login.name, password: DEMO_PASSWORD }, loginGrants, { demoPassword: true, passwordHash }));
  }
  await seedDemoEvaluation(db, random, [pandian.tenantId, liuqiao.tenantId], ['靖庄', '西腰']);
  const story = await seedDemoStory(db, random, pandian);
  const rating = await seedRating(db, pandian.tenantId, pandian.rows.villages.map((v) => ({ id: v.id!, name: v.name })), demoCalendar(), {
    secretary: { villageId: jingzhuang.id!, accountId: accountOf.get('13800000003')! },
    admin: accountOf.get('13800000002')!,
    county: accountOf.get('13800000006')!,
    city: accountOf.get('13800000007')!,
  });
  const lines = DEMO_LOGINS.map((l) => `  ${l.phone}  ${l.role.padEnd(18)} ${l.where}`);
  return `Seeded the demo: 潘店镇 (pandian) and 刘桥镇 (liuqiao) of 齐河县. ${story} Rating: ${rating.named} branches named last year (${rating.plaques} plaques), ${rating.nominated} nominated this year.\nLogins (password ${DEMO_PASSWORD}):\n${lines.join('\n')}`;
}
