import { asc, eq, isNull } from 'drizzle-orm';
import { audit, audited } from '../../audit/record';
import { newId } from '../../platform/ids';
import { alias } from 'drizzle-orm/sqlite-core';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { withoutPersonalDetails } from '../../auth/personal-data';
import { contactHouseholdLinks, contactMemberLinks, households, members } from '../../db/schema';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { idField, idParam, input } from '../../platform/validate';
import { assertVillageVisible } from '../rosters';
import { findHousehold, findMember, listVillage, MANAGERS } from './access';

const committee = alias(members, 'committee');

/** Who of the committee looks after which party member (one committee member to a few members). */
export const memberLinkRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS), input('query', z.object({ villageId: z.optional(idField) })), async (c) => {
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
    const values = { id: newId(), villageId: member.villageId, committeeMemberId: leader.id, memberId: member.id };
    const [[created]] = await c.var.db.batch([
      c.var.scope!.insert(contactMemberLinks, [values]).onConflictDoNothing().returning(),
      audit(c, { action: 'member_link.create', entity: 'member_link', entityId: values.id, after: values, onlyIfChanged: true }),
    ]);
    if (!created) throw conflict('contact.member_already_linked', { name: member.name });
    return c.json(created, 201);
  })
  .delete('/:id', allow(...MANAGERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const link = await scope.find(contactMemberLinks, c.req.valid('param').id);
    if (!link || link.endedAt) throw notFound('contact.link_not_found');
    assertVillageVisible(c.var.actor, link.villageId);
    // ended, not deleted: who linked whom, and when, stays on record
    await audited(c, scope.update(contactMemberLinks, link.id, { endedAt: new Date().toISOString() }), { action: 'member_link.end', entity: 'member_link', entityId: link.id, before: link });
    return c.body(null, 204);
  });

/** Which party member looks after which households. */
export const householdLinkRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS, 'party_member'), input('query', z.object({ villageId: z.optional(idField), memberId: z.optional(idField) })), async (c) => {
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
    const values = { id: newId(), villageId: member.villageId, memberId: member.id, householdId: household.id };
    const [[created]] = await c.var.db.batch([
      c.var.scope!.insert(contactHouseholdLinks, [values]).onConflictDoNothing().returning(),
      audit(c, { action: 'household_link.create', entity: 'household_link', entityId: values.id, after: values, onlyIfChanged: true }),
    ]);
    if (!created) throw conflict('contact.household_already_linked');
    return c.json(created, 201);
  })
  .delete('/:id', allow(...MANAGERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const link = await scope.find(contactHouseholdLinks, c.req.valid('param').id);
    if (!link || link.endedAt) throw notFound('contact.link_not_found');
    assertVillageVisible(c.var.actor, link.villageId);
    await audited(c, scope.update(contactHouseholdLinks, link.id, { endedAt: new Date().toISOString() }), { action: 'household_link.end', entity: 'household_link', entityId: link.id, before: link });
    return c.body(null, 204);
  });
