import type { Db } from '../db/client';
import { systemRecorder } from '../audit/record';
import { insertMany } from '../db/batch';
import { contactHouseholdLinks, contactMemberLinks, contactSignoffs, contactVisits, households, members, type VisitCategory } from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { newId } from '../platform/ids';
import { mustVisitCategories, raiseProblemFromVisit } from '../features/contact';
import { addDays, between, noonOf, type DemoCalendar } from './demo-dates';
import type { Random } from './random';

type Member = typeof members.$inferInsert & { id: string };
type Household = typeof households.$inferInsert & { id: string };

/** What a visit of each category typically finds and what the household asks. */
const FINDINGS: Partial<Record<VisitCategory, [string, string][]>> = {
  sick: [['户主腰椎手术后在家休养,行动不便', '希望帮助办理慢性病门诊报销']],
  opinion: [
    ['群众反映村西排水沟堵塞,雨天积水进院', '请村里组织清淤'],
    ['对今年土地流转价格有意见', '希望流转价格公开透明'],
  ],
  policy: [['宣讲城乡居民医保缴费政策,已协助线上缴费', '']],
  quarrel: [['与邻居因宅基地滴水问题发生口角,已劝和', '']],
  hardship: [['家中小麦收割缺少劳力', '希望党员志愿服务队帮忙']],
  discontent: [['对低保评定结果有疑问,已解释评定程序', '希望公开评定结果']],
  dispute: [['两户因浇地顺序发生纠纷,现场调解', '']],
  wedding_funeral: [['户中老人去世,协助按红白理事会章程从简办理', '']],
  poor_family: [['家庭收入低,孩子上学负担重', '希望申请教育救助']],
  critically_ill: [['户主癌症晚期,家属护理压力大', '希望申请大病救助']],
  empty_nest_left_behind: [['独居老人,身体尚好,冬季取暖需关注', '希望检查家中电路']],
  petitioner: [['了解其土地确权诉求,已反映到镇信访办', '希望尽快答复']],
};
const PLAIN: VisitCategory[] = ['opinion', 'policy', 'sick', 'hardship', 'quarrel', 'discontent', 'dispute', 'wedding_funeral'];

/** A small drawn signature (the phone page stores the household's signature as an image). */
const SIGNATURE = `data:image/svg+xml;base64,${btoa(
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><path d="M5 30 Q20 5 35 28 T65 22 Q80 10 95 30 L115 18" fill="none" stroke="#111" stroke-width="2"/></svg>',
)}`;

/**
 * 初心三人行 in 靖庄: each committee member links (up to) 5 party members, every party member links up to
 * 15 households, visits this month and last (every must-visit household but one visited, one finding
 * raised onto the problem list through the feature's own verb), and monthly sign-offs.
 */
export async function seedContact(
  db: Db,
  random: Random,
  tenantId: string,
  village: { id: string; members: Member[]; households: Household[] },
  calendar: DemoCalendar,
  perCommittee: number,
  perMember: number,
) {
  const committee = village.members.filter((m) => m.isCommittee);
  const rest = village.members.filter((m) => !m.isCommittee);
  const linkedAt = noonOf(`${calendar.lastYear}-03-01`);
  const memberLinks = rest.slice(0, committee.length * perCommittee).map((m, i) => ({
    tenantId,
    villageId: village.id,
    committeeMemberId: committee[i % committee.length].id,
    memberId: m.id,
    createdAt: linkedAt,
  }));
  // households dealt round the members, at most `perMember` each
  const linkedTo = new Map<string, Household[]>();
  const householdLinks = village.households.slice(0, village.members.length * perMember).map((h, i) => {
    const member = village.members[i % village.members.length];
    linkedTo.set(member.id, [...(linkedTo.get(member.id) ?? []), h]);
    return { tenantId, villageId: village.id, memberId: member.id, householdId: h.id, createdAt: linkedAt };
  });

  const visits: (typeof contactVisits.$inferInsert & { id: string })[] = [];
  const visit = (member: Member, household: Household, on: string, category: VisitCategory, pair?: [string, string]) => {
    const [findings, request] = pair ?? random.pick(FINDINGS[category] ?? [['入户了解家庭情况,宣讲惠民政策', '']]);
    visits.push({
      id: newId(),
      tenantId,
      villageId: village.id,
      memberId: member.id,
      memberName: member.name,
      householdId: household.id,
      householdName: household.headName,
      visitedOn: on,
      category,
      findings,
      request,
      recordedBy: 'demo',
      createdAt: noonOf(on),
    });
  };
  const monthStart = `${calendar.month}-01`;
  const lastMonthStart = addDays(monthStart, -1).slice(0, 7) + '-01';
  const memberOf = new Map(householdLinks.map((l) => [l.householdId, village.members.find((m) => m.id === l.memberId)!]));
  // must-visit households (四必访): all visited last month, all but one this month (so the report has an overdue one)
  const mustVisit = village.households.filter((h) => memberOf.has(h.id) && mustVisitCategories(h as never).length);
  for (const [i, h] of mustVisit.entries()) {
    const category = mustVisitCategories(h as never)[0];
    visit(memberOf.get(h.id)!, h, between(lastMonthStart, addDays(monthStart, -1), random.next()), category);
    if (i > 0) visit(memberOf.get(h.id)!, h, between(monthStart, calendar.today, random.next()), category);
  }
  // everyday visits by the members: five 上门, four 必到, this month and last
  for (const [monthFrom, monthTo, n] of [
    [lastMonthStart, addDays(monthStart, -1), 18],
    [monthStart, calendar.today, 22],
  ] as const)
    for (let i = 0; i < n; i++) {
      const member = village.members[i % village.members.length];
      const mine = linkedTo.get(member.id);
      if (mine?.length) visit(member, random.pick(mine), between(monthFrom, monthTo, random.next()), random.pick(PLAIN));
    }
  // the demo party member (the second on the roster) has visits of their own this month
  const demoMember = village.members[1];
  for (const h of (linkedTo.get(demoMember.id) ?? []).slice(0, 3)) visit(demoMember, h, between(monthStart, calendar.today, random.next()), random.pick(PLAIN));
  // and the visit whose finding goes onto the branch's problem list
  const raiser = village.members[2] ?? demoMember;
  const raisedHousehold = linkedTo.get(raiser.id)?.[0];
  if (raisedHousehold) visit(raiser, raisedHousehold, between(monthStart, calendar.today, 0.5), 'opinion', FINDINGS.opinion![0]);

  // sign-offs: every linked household last month, about half so far this month
  const signoffs = householdLinks.flatMap((l, i) => {
    const months = [lastMonthStart.slice(0, 7), ...(i % 2 === 0 ? [calendar.month] : [])];
    return months.map((month) => {
      const signedOn = month === calendar.month ? between(monthStart, calendar.today, random.next()) : between(lastMonthStart, addDays(monthStart, -1), 0.8 + random.next() * 0.2);
      return {
        tenantId,
        villageId: village.id,
        memberId: l.memberId,
        householdId: l.householdId,
        month,
        method: random.chance(0.8) ? ('signature' as const) : ('paper_photo' as const),
        evidence: SIGNATURE,
        signedOn,
        recordedBy: 'demo',
        createdAt: noonOf(signedOn),
      };
    });
  });

  await insertMany(db, contactMemberLinks, memberLinks);
  await insertMany(db, contactHouseholdLinks, householdLinks);
  await insertMany(db, contactVisits, visits);
  await insertMany(db, contactSignoffs, signoffs);

  const raised = visits.at(-1);
  if (raisedHousehold && raised)
    await raiseProblemFromVisit(
      new TenantScope(db, tenantId),
      { ...raised, problemId: null, createdAt: raised.createdAt! } as typeof contactVisits.$inferSelect,
      { measure: '组织党员志愿者清淤,雨季前完成', deadline: addDays(calendar.today, 14) },
      'demo',
      systemRecorder(db, tenantId),
    );
}
