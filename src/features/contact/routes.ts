import { and, asc, count, countDistinct, desc, eq, gte, isNull, lte, max, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { PERSONAL_DATA_READERS, withoutPersonalDetails } from '../../auth/personal-data';
import {
  VISIT_CATEGORIES,
  contactHouseholdLinks,
  contactMemberLinks,
  contactSignoffs,
  contactVisits,
  households,
  members,
  villages,
} from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { translate } from '../../platform/i18n';
import { idField, idParam, input, isoDate, isoMonth, paging } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { assertVillageVisible, ownVillage } from '../rosters/village-access';
import { shanghaiDate } from '../../platform/time';
import { raiseProblemFromVisit } from './raise-problem';
import { monthBounds, mustVisitCategories, ratioWarning, visitOverdue } from './rules';

type Ctx = Context<AppEnv>;

const MANAGERS = ['township_admin', 'village_secretary'] as const;
const RECORDERS = ['township_admin', 'village_secretary', 'party_member'] as const;
/**
 * County viewers see the network (who links whom, by name, and the counts) but not what is personal: a
 * household's address, the visit records (findings, requests, categories such as 困难家庭), the sign-off
 * signatures, or the coverage report (its must-visit list is the list of care-tagged households).
 */
const PERSONAL_READERS = allow(...PERSONAL_DATA_READERS);

/** A party member acts only as themselves; the township and the village's secretary for anyone they see. */
function actingMember(c: Ctx, requested: string | undefined): string {
  const actor = c.var.actor;
  if (actor?.kind === 'user' && actor.role === 'party_member') {
    if (requested && requested !== actor.memberId) throw new AppError(403, 'contact.own_visits_only');
    return actor.memberId!;
  }
  if (!requested) throw badRequest('error.validation', {}, [{ path: 'memberId', message: translate(c.var.locale, 'validation.required') }]);
  return requested;
}

/** The one village a secretary or a party member works in (undefined: the township's roles see all). */
function actorVillage(c: Ctx): string | undefined {
  const actor = c.var.actor;
  return ownVillage(actor) ?? (actor?.kind === 'user' && actor.role === 'party_member' ? actor.villageId : undefined);
}

/** The village a list is about: a secretary's or member's own; others must say which (or see all where allowed). */
function listVillage(c: Ctx, requested: string | undefined): string | undefined {
  const own = actorVillage(c);
  if (own && requested && requested !== own) throw notFound('rosters.village_not_found');
  return own ?? requested;
}

/** A member or household of another village is, for a secretary or a party member, as if it did not exist. */
async function findInVillage<T extends typeof members | typeof households>(c: Ctx, table: T, id: string, missing: 'contact.member_not_found' | 'contact.household_not_found') {
  const row = await c.var.scope!.find(table, id);
  const own = actorVillage(c);
  if (!row || (own && own !== row.villageId)) throw notFound(missing);
  return row;
}

const findMember = (c: Ctx, memberId: string) => findInVillage(c, members, memberId, 'contact.member_not_found');
const findHousehold = (c: Ctx, householdId: string) => findInVillage(c, households, householdId, 'contact.household_not_found');

const committee = alias(members, 'committee');

const memberLinkRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS), input('query', z.object({ villageId: idField.optional() })), async (c) => {
    const scope = c.var.scope!;
    const villageId = listVillage(c, c.req.valid('query').villageId);
    const items = await scope.db
      .select({
        id: contactMemberLinks.id,
        villageId: contactMemberLinks.villageId,
        committeeMemberId: contactMemberLinks.committeeMemberId,
        committeeMemberName: committee.name,
        memberId: contactMemberLinks.memberId,
        memberName: members.name,
        createdAt: contactMemberLinks.createdAt,
      })
      .from(contactMemberLinks)
      .innerJoin(committee, eq(committee.id, contactMemberLinks.committeeMemberId))
      .innerJoin(members, eq(members.id, contactMemberLinks.memberId))
      .where(scope.where(contactMemberLinks, isNull(contactMemberLinks.endedAt), villageId ? eq(contactMemberLinks.villageId, villageId) : undefined))
      .orderBy(asc(committee.name), asc(members.name));
    return c.json({ items });
  })
  .post('/', allow(...MANAGERS), input('json', z.object({ committeeMemberId: idField, memberId: idField })), async (c) => {
    const body = c.req.valid('json');
    const leader = await findMember(c, body.committeeMemberId);
    const member = await findMember(c, body.memberId);
    if (!leader.isCommittee) throw badRequest('contact.not_committee', { name: leader.name });
    if (leader.villageId !== member.villageId || leader.id === member.id) throw badRequest('contact.other_village');
    const [created] = await c.var
      .scope!.insert(contactMemberLinks, [{ villageId: member.villageId, committeeMemberId: leader.id, memberId: member.id }])
      .onConflictDoNothing()
      .returning();
    if (!created) throw conflict('contact.member_already_linked', { name: member.name });
    return c.json(created, 201);
  })
  .delete('/:id', allow(...MANAGERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const link = await scope.find(contactMemberLinks, c.req.valid('param').id);
    if (!link || link.endedAt) throw notFound('contact.link_not_found');
    assertVillageVisible(c.var.actor, link.villageId);
    // ended, not deleted: who linked whom, and when, stays on record
    await scope.update(contactMemberLinks, link.id, { endedAt: new Date().toISOString() });
    return c.body(null, 204);
  });

const householdLinkRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS, 'party_member'), input('query', z.object({ villageId: idField.optional(), memberId: idField.optional() })), async (c) => {
    const scope = c.var.scope!;
    const query = c.req.valid('query');
    const villageId = listVillage(c, query.villageId);
    const actor = c.var.actor;
    const memberId = actor?.kind === 'user' && actor.role === 'party_member' ? actor.memberId : query.memberId;
    const items = await scope.db
      .select({
        id: contactHouseholdLinks.id,
        villageId: contactHouseholdLinks.villageId,
        memberId: contactHouseholdLinks.memberId,
        memberName: members.name,
        householdId: contactHouseholdLinks.householdId,
        headName: households.headName,
        address: households.address,
        createdAt: contactHouseholdLinks.createdAt,
      })
      .from(contactHouseholdLinks)
      .innerJoin(members, eq(members.id, contactHouseholdLinks.memberId))
      .innerJoin(households, eq(households.id, contactHouseholdLinks.householdId))
      .where(
        scope.where(
          contactHouseholdLinks,
          isNull(contactHouseholdLinks.endedAt),
          villageId ? eq(contactHouseholdLinks.villageId, villageId) : undefined,
          memberId ? eq(contactHouseholdLinks.memberId, memberId) : undefined,
        ),
      )
      .orderBy(asc(members.name), asc(households.headName));
    return c.json({ items: items.map((item) => withoutPersonalDetails(c.var.actor, item)) });
  })
  .post('/', allow(...MANAGERS), input('json', z.object({ memberId: idField, householdId: idField })), async (c) => {
    const body = c.req.valid('json');
    const member = await findMember(c, body.memberId);
    const household = await findHousehold(c, body.householdId);
    if (member.villageId !== household.villageId) throw badRequest('contact.other_village');
    const [created] = await c.var
      .scope!.insert(contactHouseholdLinks, [{ villageId: member.villageId, memberId: member.id, householdId: household.id }])
      .onConflictDoNothing()
      .returning();
    if (!created) throw conflict('contact.household_already_linked');
    return c.json(created, 201);
  })
  .delete('/:id', allow(...MANAGERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const link = await scope.find(contactHouseholdLinks, c.req.valid('param').id);
    if (!link || link.endedAt) throw notFound('contact.link_not_found');
    assertVillageVisible(c.var.actor, link.villageId);
    await scope.update(contactHouseholdLinks, link.id, { endedAt: new Date().toISOString() });
    return c.body(null, 204);
  });

const visitInput = z.object({
  /** the visiting party member; a party member's own id when they record it */
  memberId: idField.optional(),
  householdId: idField,
  visitedOn: isoDate,
  category: z.enum(VISIT_CATEGORIES),
  /** 发现的问题 / what was found */
  findings: z.string().trim().max(2000).default(''),
  /** 群众诉求 / the household's request */
  request: z.string().trim().max(2000).default(''),
});

const visitQuery = z.object({
  villageId: idField.optional(),
  month: isoMonth.optional(),
  memberId: idField.optional(),
  householdId: idField.optional(),
  ...paging,
});

const raiseProblemInput = z.object({
  content: z.string().trim().min(1).max(1000).optional(),
  /** 整改措施 */
  measure: z.string().trim().max(1000).optional(),
  /** 整改时间 */
  deadline: isoDate.nullable().optional(),
});

const visitRoutes = new Hono<AppEnv>()
  .get('/', PERSONAL_READERS, input('query', visitQuery), async (c) => {
    const scope = c.var.scope!;
    const query = c.req.valid('query');
    const villageId = listVillage(c, query.villageId);
    const actor = c.var.actor;
    const memberId = actor?.kind === 'user' && actor.role === 'party_member' ? actor.memberId : query.memberId;
    const bounds = query.month ? monthBounds(query.month) : undefined;
    const where = scope.where(
      contactVisits,
      villageId ? eq(contactVisits.villageId, villageId) : undefined,
      memberId ? eq(contactVisits.memberId, memberId) : undefined,
      query.householdId ? eq(contactVisits.householdId, query.householdId) : undefined,
      bounds ? and(gte(contactVisits.visitedOn, bounds.from), lte(contactVisits.visitedOn, bounds.to)) : undefined,
    );
    const [items, [total]] = await scope.db.batch([
      scope.db
        .select({ visit: contactVisits, villageName: villages.name })
        .from(contactVisits)
        .innerJoin(villages, eq(villages.id, contactVisits.villageId))
        .where(where)
        .orderBy(desc(contactVisits.visitedOn), asc(contactVisits.memberName), desc(contactVisits.createdAt))
        .limit(query.limit)
        .offset(query.offset),
      scope.db.select({ n: count() }).from(contactVisits).where(where),
    ]);
    return c.json({ items: items.map(({ visit, villageName }) => ({ ...visit, villageName })), total: total.n });
  })
  .get('/:id', PERSONAL_READERS, input('param', idParam), async (c) => {
    const visit = await c.var.scope!.find(contactVisits, c.req.valid('param').id);
    const actor = c.var.actor;
    if (!visit || (actor?.kind === 'user' && actor.role === 'party_member' && visit.memberId !== actor.memberId)) throw notFound();
    assertVillageVisible(actor, visit.villageId);
    return c.json(visit);
  })
  .post('/', allow(...RECORDERS), input('json', visitInput), async (c) => {
    const body = c.req.valid('json');
    const member = await findMember(c, actingMember(c, body.memberId));
    const household = await findHousehold(c, body.householdId);
    if (member.villageId !== household.villageId) throw badRequest('contact.other_village');
    if (body.visitedOn > shanghaiDate()) throw badRequest('contact.visit_in_future');
    const [created] = await c.var
      .scope!.insert(contactVisits, [
        {
          villageId: member.villageId,
          memberId: member.id,
          memberName: member.name,
          householdId: household.id,
          householdName: household.headName,
          visitedOn: body.visitedOn,
          category: body.category,
          findings: body.findings,
          request: body.request,
          recordedBy: actorId(c.var.actor),
        },
      ])
      .returning();
    return c.json(created, 201);
  })
  // the member who made the visit raises what they found; the branch then rectifies it
  .post('/:id/problem', allow(...RECORDERS), input('param', idParam), input('json', raiseProblemInput), async (c) => {
    const scope = c.var.scope!;
    const visit = await scope.find(contactVisits, c.req.valid('param').id);
    const actor = c.var.actor;
    if (!visit || (actor?.kind === 'user' && actor.role === 'party_member' && visit.memberId !== actor.memberId)) throw notFound();
    assertVillageVisible(actor, visit.villageId);
    if (visit.problemId) throw conflict('contact.problem_already_raised');
    const body = c.req.valid('json');
    if (!body.content && !visit.findings && !visit.request) throw badRequest('contact.nothing_to_raise');
    const problemId = await raiseProblemFromVisit(scope, visit, body, actorId(c.var.actor));
    if (!problemId) throw conflict('contact.problem_already_raised');
    return c.json({ visitId: visit.id, problemId }, 201);
  });

/** A small image as a data: URL; the 64 KB request limit bounds its size. */
const evidence = z
  .string()
  .max(60_000)
  .regex(/^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$/);

const signoffInput = z.object({
  memberId: idField.optional(),
  householdId: idField,
  month: isoMonth,
  method: z.enum(['signature', 'paper_photo']),
  evidence: z.string().max(60_000),
  signedOn: isoDate.optional(),
});

const signoffRoutes = new Hono<AppEnv>()
  .get('/', PERSONAL_READERS, input('query', z.object({ villageId: idField.optional(), month: isoMonth.optional(), ...paging })), async (c) => {
    const scope = c.var.scope!;
    const query = c.req.valid('query');
    const villageId = listVillage(c, query.villageId);
    const actor = c.var.actor;
    const memberId = actor?.kind === 'user' && actor.role === 'party_member' ? actor.memberId : undefined;
    const where = scope.where(
      contactSignoffs,
      villageId ? eq(contactSignoffs.villageId, villageId) : undefined,
      memberId ? eq(contactSignoffs.memberId, memberId) : undefined,
      query.month ? eq(contactSignoffs.month, query.month) : undefined,
    );
    // the evidence images stay out of lists; GET /signoffs/:id returns one
    const items = await scope.db
      .select({
        id: contactSignoffs.id,
        villageId: contactSignoffs.villageId,
        memberId: contactSignoffs.memberId,
        householdId: contactSignoffs.householdId,
        month: contactSignoffs.month,
        method: contactSignoffs.method,
        signedOn: contactSignoffs.signedOn,
        createdAt: contactSignoffs.createdAt,
      })
      .from(contactSignoffs)
      .where(where)
      .orderBy(desc(contactSignoffs.month), asc(contactSignoffs.householdId))
      .limit(query.limit)
      .offset(query.offset);
    return c.json({ items });
  })
  .get('/:id', PERSONAL_READERS, input('param', idParam), async (c) => {
    const row = await c.var.scope!.find(contactSignoffs, c.req.valid('param').id);
    const actor = c.var.actor;
    if (!row || (actor?.kind === 'user' && actor.role === 'party_member' && row.memberId !== actor.memberId)) throw notFound();
    assertVillageVisible(actor, row.villageId);
    return c.json(row);
  })
  .post('/', allow(...RECORDERS), input('json', signoffInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const member = await findMember(c, actingMember(c, body.memberId));
    const household = await findHousehold(c, body.householdId);
    if (!evidence.safeParse(body.evidence).success) throw badRequest('contact.bad_evidence');
    const today = shanghaiDate();
    if (body.month > today.slice(0, 7)) throw badRequest('contact.signoff_in_future');
    const [link] = await scope.db
      .select({ id: contactHouseholdLinks.id })
      .from(contactHouseholdLinks)
      .where(
        scope.where(
          contactHouseholdLinks,
          eq(contactHouseholdLinks.memberId, member.id),
          eq(contactHouseholdLinks.householdId, household.id),
          isNull(contactHouseholdLinks.endedAt),
        ),
      )
      .limit(1);
    if (!link) throw badRequest('contact.not_linked');
    const [created] = await scope
      .insert(contactSignoffs, [
        {
          villageId: member.villageId,
          memberId: member.id,
          householdId: household.id,
          month: body.month,
          method: body.method,
          evidence: body.evidence,
          signedOn: body.signedOn ?? today,
          recordedBy: actorId(c.var.actor),
        },
      ])
      .onConflictDoNothing()
      .returning({ id: contactSignoffs.id, month: contactSignoffs.month, householdId: contactSignoffs.householdId });
    if (!created) throw conflict('contact.signoff_exists', { month: body.month });
    return c.json(created, 201);
  });

/** Village-level reports need a village: a secretary's own, or the one asked for. */
async function reportVillage(c: Ctx, requested: string | undefined): Promise<string> {
  const villageId = listVillage(c, requested);
  if (!villageId) throw badRequest('error.validation', {}, [{ path: 'villageId', message: translate(c.var.locale, 'validation.required') }]);
  if (!(await c.var.scope!.find(villages, villageId))) throw notFound('rosters.village_not_found');
  return villageId;
}

/** Link counts per member with the ratio warnings, and who is not linked at all. */
async function networkReport(scope: TenantScope, villageId: string, settings: ReturnType<typeof parseSettings>['contact']) {
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
async function coverageReport(scope: TenantScope, villageId: string, month: string, mustVisitDays: number) {
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

/** 初心三人行: the contact network, visits, monthly sign-offs, and the network and coverage reports. */
export const contactRoutes = new Hono<AppEnv>()
  .route('/member-links', memberLinkRoutes)
  .route('/household-links', householdLinkRoutes)
  .route('/visits', visitRoutes)
  .route('/signoffs', signoffRoutes)
  .get('/network', allow(...TOWNSHIP_READERS), input('query', z.object({ villageId: idField.optional() })), async (c) => {
    const villageId = await reportVillage(c, c.req.valid('query').villageId);
    return c.json(await networkReport(c.var.scope!, villageId, parseSettings(c.var.tenant!.settings).contact));
  })
  .get('/coverage', allow(...MANAGERS), input('query', z.object({ villageId: idField.optional(), month: isoMonth.optional() })), async (c) => {
    const query = c.req.valid('query');
    const villageId = await reportVillage(c, query.villageId);
    const month = query.month ?? shanghaiDate().slice(0, 7);
    return c.json(await coverageReport(c.var.scope!, villageId, month, parseSettings(c.var.tenant!.settings).contact.mustVisitDays));
  });
