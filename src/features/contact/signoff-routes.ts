import { asc, desc, eq, isNull } from 'drizzle-orm';
import { audit } from '../../audit/record';
import { newId } from '../../platform/ids';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow } from '../../auth/guard';
import { contactHouseholdLinks, contactSignoffs } from '../../db/schema';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { shanghaiDate } from '../../platform/time';
import { idField, idParam, input, isoDate, isoMonth, paging } from '../../platform/validate';
import { assertVillageVisible } from '../rosters';
import { actingMember, findHousehold, findMember, listVillage, PERSONAL_READERS, RECORDERS } from './access';

/** A small image as a data: URL; the 64 KB request limit bounds its size. */
const evidence = z.string().check(z.maxLength(60_000), z.regex(/^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$/));

const signoffInput = z.object({
  memberId: z.optional(idField),
  householdId: idField,
  month: isoMonth,
  method: z.enum(['signature', 'paper_photo']),
  evidence: z.string().check(z.maxLength(60_000)),
  signedOn: z.optional(isoDate),
});

/** The monthly sign-off (签字确认): a household confirms, by signature or a photo of paper, that its member came. */
export const signoffRoutes = new Hono<AppEnv>()
  .get('/', PERSONAL_READERS, input('query', z.object({ villageId: z.optional(idField), month: z.optional(isoMonth), ...paging })), async (c) => {
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
    const id = newId();
    const [[created]] = await scope.db.batch([
      scope
      .insert(contactSignoffs, [
        {
          id,
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
      .returning({ id: contactSignoffs.id, month: contactSignoffs.month, householdId: contactSignoffs.householdId }),
      audit(c, { action: 'signoff.create', entity: 'signoff', entityId: id, after: { memberId: member.id, householdId: household.id, month: body.month, method: body.method, evidence: body.evidence }, onlyIfChanged: true }),
    ]);
    if (!created) throw conflict('contact.signoff_exists', { month: body.month });
    return c.json(created, 201);
  });
