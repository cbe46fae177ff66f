import { and, asc, desc, eq, gte, lte } from 'drizzle-orm';
import { audited, recorder } from '../../audit/record';
import { newId } from '../../platform/ids';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow } from '../../auth/guard';
import { VISIT_CATEGORIES, contactVisits } from '../../db/schema';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { shanghaiDate } from '../../platform/time';
import { idField, idParam, input, isoDate, isoMonth, paging } from '../../platform/validate';
import { assertVillageVisible, villageListPage } from '../rosters';
import { actingMember, findHousehold, findMember, listVillage, PERSONAL_READERS, RECORDERS } from './access';
import { raiseProblemFromVisit } from './raise-problem';
import { monthBounds } from './rules';

const visitInput = z.object({
  /** the visiting party member; a party member's own id when they record it */
  memberId: z.optional(idField),
  householdId: idField,
  visitedOn: isoDate,
  category: z.enum(VISIT_CATEGORIES),
  /** 发现的问题 / what was found */
  findings: z._default(z.string().check(z.trim(), z.maxLength(2000)), ''),
  /** 群众诉求 / the household's request */
  request: z._default(z.string().check(z.trim(), z.maxLength(2000)), ''),
});

const visitQuery = z.object({
  villageId: z.optional(idField),
  month: z.optional(isoMonth),
  memberId: z.optional(idField),
  householdId: z.optional(idField),
  ...paging,
});

const raiseProblemInput = z.object({
  content: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
  /** 整改措施 */
  measure: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  /** 整改时间 */
  deadline: z.optional(z.nullable(isoDate)),
});

export const visitRoutes = new Hono<AppEnv>()
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
    const page = await villageListPage(scope, contactVisits, {
      where,
      orderBy: [desc(contactVisits.visitedOn), asc(contactVisits.memberName), desc(contactVisits.createdAt)],
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({ items: page.items, total: page.totals.n });
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
    const id = newId();
    const values = {
          id,
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
        };
    const [created] = await audited(c, c.var.scope!.insert(contactVisits, [values]).returning(), { action: 'visit.create', entity: 'visit', entityId: id, after: values });
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
    const problemId = await raiseProblemFromVisit(scope, visit, body, actorId(c.var.actor), recorder(c));
    if (!problemId) throw conflict('contact.problem_already_raised');
    return c.json({ visitId: visit.id, problemId }, 201);
  });
