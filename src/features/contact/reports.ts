import { and, asc, count, countDistinct, eq, gte, isNull, lte, max, sql } from 'drizzle-orm';
import { contactHouseholdLinks, contactMemberLinks, contactSignoffs, contactVisits, households, members } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { shanghaiDate } from '../../platform/time';
import type { parseSettings } from '../../tenancy/settings';
import { monthBounds, mustVisitCategories, ratioWarning, visitOverdue } from './rules';

/** Link counts per member with the ratio warnings, and who is not linked at all. */
export async function networkReport(scope: TenantScope, villageId: string, settings: ReturnType<typeof parseSettings>['contact']) {
  const memberLinks = scope.db
    .select({ committeeMemberId: contactMemberLinks.committeeMemberId, n: count().as('n_members') })
    .from(contactMemberLinks)
    .where(scope.where(contactMemberLinks, eq(contactMemberLinks.villageId, villageId), isNull(contactMemberLinks.endedAt)))
    .groupBy(contactMemberLinks.committeeMemberId)
    .as('ml');
  const householdLinks = scope.db
    .select({ memberId: contactHouseholdLinks.memberId, n: count().as('n_households') })
    .from(contactHouseholdLinks)
    .where(scope.where(contactHouseholdLinks, eq(contactHouseholdLinks.villageId, villageId), isNull(contactHouseholdLinks.endedAt)))
    .groupBy(contactHouseholdLinks.memberId)
    .as('hl');
  const linkedBy = scope.db
    .select({ memberId: contactMemberLinks.memberId })
    .from(contactMemberLinks)
    .where(scope.where(contactMemberLinks, eq(contactMemberLinks.villageId, villageId), isNull(contactMemberLinks.endedAt)))
    .as('lb');
  const householdLinked = scope.db
    .select({ householdId: contactHouseholdLinks.householdId })
    .from(contactHouseholdLinks)
    .where(scope.where(contactHouseholdLinks, eq(contactHouseholdLinks.villageId, villageId), isNull(contactHouseholdLinks.endedAt)))
    .as('hk');
  const [memberRows, unlinkedHouseholds] = await scope.db.batch([
    scope.db
      .select({
        memberId: members.id,
        name: members.name,
        isCommittee: members.isCommittee,
        linkedMembers: sql<number>`coalesce(${memberLinks.n}, 0)`,
        households: sql<number>`coalesce(${householdLinks.n}, 0)`,
        linkedByCommittee: sql<number>`${linkedBy.memberId} IS NOT NULL`,
      })
      .from(members)
      .leftJoin(memberLinks, eq(memberLinks.committeeMemberId, members.id))
      .leftJoin(householdLinks, eq(householdLinks.memberId, members.id))
      .leftJoin(linkedBy, eq(linkedBy.memberId, members.id))
      .where(scope.where(members, eq(members.villageId, villageId)))
      .orderBy(asc(members.name)),
    scope.db
      .select({ id: households.id, headName: households.headName })
      .from(households)
      .leftJoin(householdLinked, eq(householdLinked.householdId, households.id))
      .where(scope.where(households, eq(households.villageId, villageId), isNull(householdLinked.householdId)))
      .orderBy(asc(households.headName)),
  ]);
  const committeeRows = memberRows
    .filter((m) => m.isCommittee)
    .map((m) => ({ memberId: m.memberId, name: m.name, linkedMembers: Number(m.linkedMembers), warning: ratioWarning(Number(m.linkedMembers), settings.membersPerCommittee) }));
  const partyMembers = memberRows.map((m) => ({
    memberId: m.memberId,
    name: m.name,
    households: Number(m.households),
    warning: ratioWarning(Number(m.households), settings.householdsPerMember),
  }));
  const unlinkedMembers = memberRows.filter((m) => !m.isCommittee && !Number(m.linkedByCommittee)).map((m) => ({ memberId: m.memberId, name: m.name }));
  return {
    villageId,
    ranges: { membersPerCommittee: settings.membersPerCommittee, householdsPerMember: settings.householdsPerMember },
    committee: committeeRows,
    members: partyMembers,
    unlinkedMembers,
    unlinkedHouseholds,
    warnings: committeeRows.filter((r) => r.warning).length + partyMembers.filter((r) => r.warning).length + unlinkedHouseholds.length + unlinkedMembers.length,
  };
}

/** Coverage of a month: households visited and signed, and must-visit households not visited in time. */
export async function coverageReport(scope: TenantScope, villageId: string, month: string, mustVisitDays: number) {
  const { from, to } = monthBounds(month);
  const today = shanghaiDate();
  const asOf = to < today ? to : today;
  const lastVisit = scope.db
    .select({ householdId: contactVisits.householdId, last: max(contactVisits.visitedOn).as('last_visit') })
    .from(contactVisits)
    .where(scope.where(contactVisits, eq(contactVisits.villageId, villageId), lte(contactVisits.visitedOn, asOf)))
    .groupBy(contactVisits.householdId)
    .as('lv');
  const signedThisMonth = scope.db
    .select({ householdId: contactSignoffs.householdId, memberId: contactSignoffs.memberId })
    .from(contactSignoffs)
    .where(scope.where(contactSignoffs, eq(contactSignoffs.villageId, villageId), eq(contactSignoffs.month, month)))
    .as('sm');
  const [[totals], [visited], [signed], careRows, unsigned] = await scope.db.batch([
    scope.db
      .select({
        households: count(),
        linked: sql<number>`count(DISTINCT ${contactHouseholdLinks.householdId})`,
      })
      .from(households)
      .leftJoin(
        contactHouseholdLinks,
        and(eq(contactHouseholdLinks.householdId, households.id), isNull(contactHouseholdLinks.endedAt), eq(contactHouseholdLinks.tenantId, households.tenantId)),
      )
      .where(scope.where(households, eq(households.villageId, villageId))),
    scope.db
      .select({ households: countDistinct(contactVisits.householdId), visits: count() })
      .from(contactVisits)
      .where(scope.where(contactVisits, eq(contactVisits.villageId, villageId), gte(contactVisits.visitedOn, from), lte(contactVisits.visitedOn, to))),
    scope.db
      .select({ households: countDistinct(contactSignoffs.householdId) })
      .from(contactSignoffs)
      .where(scope.where(contactSignoffs, eq(contactSignoffs.villageId, villageId), eq(contactSignoffs.month, month))),
    scope.db
      .select({
        householdId: households.id,
        headName: households.headName,
        isHardship: households.isHardship,
        isCriticallyIll: households.isCriticallyIll,
        isEmptyNest: households.isEmptyNest,
        isLeftBehind: households.isLeftBehind,
        isPetitioner: households.isPetitioner,
        lastVisitedOn: lastVisit.last,
      })
      .from(households)
      .leftJoin(lastVisit, eq(lastVisit.householdId, households.id))
      .where(
        scope.where(
          households,
          eq(households.villageId, villageId),
          sql`(${households.isHardship} OR ${households.isCriticallyIll} OR ${households.isEmptyNest} OR ${households.isLeftBehind} OR ${households.isPetitioner})`,
        ),
      )
      .orderBy(asc(households.headName)),
    // linked households whose member has not yet recorded this month's sign-off
    scope.db
      .select({
        // named apart: D1 returns batched rows keyed by column name, so two "id" columns would collide
        householdId: contactHouseholdLinks.householdId,
        headName: households.headName,
        memberId: contactHouseholdLinks.memberId,
        memberName: members.name,
      })
      .from(contactHouseholdLinks)
      .innerJoin(households, eq(households.id, contactHouseholdLinks.householdId))
      .innerJoin(members, eq(members.id, contactHouseholdLinks.memberId))
      .leftJoin(
        signedThisMonth,
        and(eq(signedThisMonth.householdId, contactHouseholdLinks.householdId), eq(signedThisMonth.memberId, contactHouseholdLinks.memberId)),
      )
      .where(
        scope.where(
          contactHouseholdLinks,
          eq(contactHouseholdLinks.villageId, villageId),
          isNull(contactHouseholdLinks.endedAt),
          isNull(signedThisMonth.householdId),
        ),
      )
      .orderBy(asc(members.name), asc(households.headName)),
  ]);
  const mustVisit = careRows.map(({ householdId, headName, lastVisitedOn, ...tags }) => ({
    householdId,
    headName,
    categories: mustVisitCategories(tags),
    lastVisitedOn: lastVisitedOn ?? null,
    overdue: visitOverdue(lastVisitedOn ?? null, asOf, mustVisitDays),
  }));
  return {
    villageId,
    month,
    asOf,
    mustVisitDays,
    households: totals.households,
    linkedHouseholds: Number(totals.linked),
    visitedHouseholds: visited.households,
    visits: visited.visits,
    signedHouseholds: signed.households,
    unsignedHouseholds: unsigned,
    mustVisit,
    mustVisitOverdue: mustVisit.filter((h) => h.overdue),
  };
}
