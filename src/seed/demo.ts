import { count } from 'drizzle-orm';
import { createAccount } from '../auth/accounts';
import type { Db } from '../db/client';
import { tenants } from '../db/schema';
import { PANDIAN_VILLAGES } from './names';
import { seededRandom } from './random';
import { ensureCounty, writeTownship } from './write';
import { seedDemoEvaluation } from './demo-evaluation-day';
import { seedDemoStory } from './demo-story';

export const DEMO_PASSWORD = 'xingping2026';

/** The demo logins printed by `npm start` and listed in the README. */
export const DEMO_LOGINS = [
  { phone: '13800000000', name: '平台管理员', role: 'platform_admin', where: '' },
  { phone: '13800000001', name: '齐河县委组织部', role: 'county_viewer', where: '齐河县' },
  { phone: '13800000002', name: '潘店镇党委', role: 'township_admin', where: '潘店镇 pandian' },
  { phone: '13800000003', name: '靖庄村书记', role: 'village_secretary', where: '潘店镇 靖庄村' },
  { phone: '13800000004', name: '靖庄村党员', role: 'party_member', where: '潘店镇 靖庄村' },
  { phone: '13800000005', name: '刘桥镇党委', role: 'township_admin', where: '刘桥镇 liuqiao' },
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
    township_admin: [{ role: 'township_admin' as const, tenantId: pandian.tenantId }],
    village_secretary: [
      { role: 'village_secretary' as const, tenantId: pandian.tenantId, villageId: jingzhuang.id! },
      { role: 'party_member' as const, tenantId: pandian.tenantId, villageId: jingzhuang.id!, memberId: secretary.id! },
    ],
    party_member: [{ role: 'party_member' as const, tenantId: pandian.tenantId, villageId: jingzhuang.id!, memberId: member.id! }],
  };
  for (const login of DEMO_LOGINS) {
    const loginGrants = login.phone === '13800000005' ? [{ role: 'township_admin' as const, tenantId: liuqiao.tenantId }] : grants[login.role];
    await createAccount(db, { phone: login.phone, name: login.name, password: DEMO_PASSWORD }, loginGrants, { demoPassword: true });
  }
  await seedDemoEvaluation(db, random, [pandian.tenantId, liuqiao.tenantId], ['靖庄', '西腰']);
  const story = await seedDemoStory(db, random, pandian);
  const lines = DEMO_LOGINS.map((l) => `  ${l.phone}  ${l.role.padEnd(18)} ${l.where}`);
  return `Seeded the demo: 潘店镇 (pandian) and 刘桥镇 (liuqiao) of 齐河县. ${story}\nLogins (password ${DEMO_PASSWORD}):\n${lines.join('\n')}`;
}
