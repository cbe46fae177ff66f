import { asc, count, eq, sql } from 'drizzle-orm';
import { Hono } from '../../platform/hono';
import type { AppEnv } from '../../app-env';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { households, members, villages } from '../../db/schema';
import { conflict, notFound } from '../../platform/errors';
import { idParam, input } from '../../platform/validate';
import { ownVillage } from './village-access';
import { audited } from '../../audit/record';
import { isUniqueViolation } from '../../db/errors';
import { newId } from '../../platform/ids';
import { villageInput } from './schemas';

export const villageRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS, 'party_member'), async (c) => {
    const scope = c.var.scope!;
    const own = ownVillage(c.var.actor);
    const memberCount = scope.db
      .select({ villageId: members.villageId, n: count().as('member_count') })
      .from(members)
      .where(scope.where(members))
      .groupBy(members.villageId)
      .as('mc');
    const householdCount = scope.db
      .select({ villageId: households.villageId, n: count().as('household_count') })
      .from(households)
      .where(scope.where(households))
      .groupBy(households.villageId)
      .as('hc');
    const rows = await scope.db
      .select({
        id: villages.id,
        name: villages.name,
        branchName: villages.branchName,
        memberCount: sql<number>`coalesce(${memberCount.n}, 0)`,
        householdCount: sql<number>`coalesce(${householdCount.n}, 0)`,
      })
      .from(villages)
      .leftJoin(memberCount, eq(memberCount.villageId, villages.id))
      .leftJoin(householdCount, eq(householdCount.villageId, villages.id))
      .where(scope.where(villages, own ? eq(villages.id, own) : undefined))
      .orderBy(asc(villages.name));
    return c.json(rows);
  })
  .get('/:id', allow(...TOWNSHIP_READERS, 'party_member'), input('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const own = ownVillage(c.var.actor);
    const village = await c.var.scope!.find(villages, id);
    if (!village || (own && own !== id)) throw notFound('rosters.village_not_found');
    return c.json(village);
  })
  .post('/', allow('township_admin'), input('json', villageInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const row = { id: newId(), name: body.name, branchName: body.branchName ?? `${body.name}党支部` };
    try {
      const [created] = await audited(c, scope.insert(villages, [row]).returning(), { action: 'village.create', entity: 'village', entityId: row.id, after: row });
      return c.json(created, 201);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('rosters.village_name_taken', { name: body.name });
      throw error;
    }
  })
  .put('/:id', allow('township_admin'), input('param', idParam), input('json', villageInput), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const before = await scope.find(villages, id);
    if (!before) throw notFound('rosters.village_not_found');
    const patch = { name: body.name, branchName: body.branchName ?? `${body.name}党支部` };
    try {
      const [updated] = await audited(c, scope.update(villages, id, patch).returning(), { action: 'village.update', entity: 'village', entityId: id, before, after: patch });
      return c.json(updated);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('rosters.village_name_taken', { name: body.name }); // the unique (tenant, name) index refused it
      throw error;
    }
  })
  .delete('/:id', allow('township_admin'), input('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const scope = c.var.scope!;
    const before = await scope.find(villages, id);
    if (!before) throw notFound('rosters.village_not_found');
    const [[m], [h]] = await scope.db.batch([
      scope.db.select({ n: count() }).from(members).where(scope.where(members, eq(members.villageId, id))),
      scope.db.select({ n: count() }).from(households).where(scope.where(households, eq(households.villageId, id))),
    ]);
    if (m.n + h.n > 0) throw conflict('rosters.village_in_use');
    await audited(c, scope.delete(villages, id), { action: 'village.delete', entity: 'village', entityId: id, before });
    return c.body(null, 204);
  });
