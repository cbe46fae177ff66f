import { asc, count, desc, eq, like, sql } from 'drizzle-orm';
import { audited } from '../../audit/record';
import { isUniqueViolation } from '../../db/errors';
import { newId } from '../../platform/ids';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { withoutPersonalDetails } from '../../auth/personal-data';
import { DISPUTE_STATUSES, disputes, villages, weakVillages } from '../../db/schema';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { idField, idParam, input, isoDate, paging, yearField, yearText } from '../../platform/validate';
import { assertVillageVisible, listedVillage, ownVillage, villageListPage } from '../rosters';
import { closedOnConsistent, tallyDisputes } from './rules';

const disputeInput = z.object({
  villageId: idField,
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  /** private: never shown on public pages or to county viewers */
  parties: z._default(z.string().check(z.trim(), z.maxLength(1000)), ''),
  occurredOn: isoDate,
  level: z._default(z.enum(['village', 'township']), 'village'),
  status: z._default(z.enum(DISPUTE_STATUSES), 'in_mediation'),
  outcome: z._default(z.string().check(z.trim(), z.maxLength(2000)), ''),
  closedOn: z._default(z.nullable(isoDate), null),
});

const weakVillageInput = z.object({
  villageId: idField,
  yearListed: yearField,
  reasons: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
  measures: z._default(z.string().check(z.trim(), z.maxLength(4000)), ''),
  turnedAroundOn: z._default(z.nullable(isoDate), null),
});

const listQuery = z.object({
  villageId: z.optional(idField),
  year: z.optional(yearText),
  ...paging,
});

const disputeRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS), input('query', z.extend(listQuery, { status: z.optional(z.enum(DISPUTE_STATUSES)) })), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(
      disputes,
      villageId ? eq(disputes.villageId, villageId) : undefined,
      query.year ? like(disputes.occurredOn, `${query.year}-%`) : undefined,
      query.status ? eq(disputes.status, query.status) : undefined,
    );
    const page = await villageListPage(scope, disputes, { where, orderBy: [desc(disputes.occurredOn), asc(villages.name)], limit: query.limit, offset: query.offset });
    return c.json({ items: page.items.map((item) => withoutPersonalDetails(c.var.actor, item)), total: page.totals.n });
  })
  .get('/summary', allow(...TOWNSHIP_READERS), input('query', z.object({ year: yearText })), async (c) => {
    const { year } = c.req.valid('query');
    const scope = c.var.scope!;
    const own = ownVillage(c.var.actor);
    const rows = await scope.db
      .select({ villageId: disputes.villageId, villageName: villages.name, status: disputes.status, n: count() })
      .from(disputes)
      .innerJoin(villages, eq(villages.id, disputes.villageId))
      .where(scope.where(disputes, like(disputes.occurredOn, `${year}-%`), own ? eq(disputes.villageId, own) : undefined))
      .groupBy(disputes.villageId, villages.name, disputes.status)
      .orderBy(asc(villages.name));
    return c.json({ year, ...tallyDisputes(rows) });
  })
  .get('/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const row = await c.var.scope!.find(disputes, c.req.valid('param').id);
    if (!row) throw notFound('ledgers.dispute_not_found');
    assertVillageVisible(c.var.actor, row.villageId);
    return c.json(withoutPersonalDetails(c.var.actor, row)); // parties are personal: not for county viewers
  })
  .post('/', allow('township_admin', 'village_secretary'), input('json', disputeInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    assertVillageVisible(c.var.actor, body.villageId);
    if (!closedOnConsistent(body.status, body.closedOn)) throw badRequest('ledgers.closed_on_required');
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    const row = { ...body, id: newId(), createdBy: actorId(c.var.actor) };
    const [created] = await audited(c, scope.insert(disputes, [row]).returning(), { action: 'dispute.create', entity: 'dispute', entityId: row.id, after: row });
    return c.json(created, 201);
  })
  .put('/:id', allow('township_admin', 'village_secretary'), input('param', idParam), input('json', disputeInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const existing = await scope.find(disputes, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.dispute_not_found');
    assertVillageVisible(c.var.actor, existing.villageId);
    assertVillageVisible(c.var.actor, body.villageId);
    if (!closedOnConsistent(body.status, body.closedOn)) throw badRequest('ledgers.closed_on_required');
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    const [updated] = await audited(c, scope.update(disputes, existing.id, body).returning(), {
      action: 'dispute.update',
      entity: 'dispute',
      entityId: existing.id,
      before: existing,
      after: body,
    });
    return c.json(updated);
  })
  .delete('/:id', allow('township_admin'), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const existing = await scope.find(disputes, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.dispute_not_found');
    await audited(c, scope.delete(disputes, existing.id), { action: 'dispute.delete', entity: 'dispute', entityId: existing.id, before: existing });
    return c.body(null, 204);
  });

const weakVillageRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS), input('query', listQuery), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(
      weakVillages,
      villageId ? eq(weakVillages.villageId, villageId) : undefined,
      query.year ? eq(weakVillages.yearListed, query.year) : undefined,
    );
    const page = await villageListPage(scope, weakVillages, {
      where,
      orderBy: [desc(weakVillages.yearListed), asc(villages.name)],
      limit: query.limit,
      offset: query.offset,
      totals: { turnedAround: sql<number>`coalesce(sum(${weakVillages.turnedAroundOn} IS NOT NULL), 0)` },
    });
    return c.json({ items: page.items, total: page.totals.n, turnedAround: Number(page.totals.turnedAround) });
  })
  .get('/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const row = await c.var.scope!.find(weakVillages, c.req.valid('param').id);
    if (!row) throw notFound('ledgers.weak_village_not_found');
    assertVillageVisible(c.var.actor, row.villageId);
    return c.json(row);
  })
  .post('/', allow('township_admin'), input('json', weakVillageInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    const row = { ...body, id: newId(), createdBy: actorId(c.var.actor) };
    try {
      const [created] = await audited(c, scope.insert(weakVillages, [row]).returning(), { action: 'weak_village.create', entity: 'weak_village', entityId: row.id, after: row });
      return c.json(created, 201);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('ledgers.weak_village_exists', { year: body.yearListed });
      throw error;
    }
  })
  .put('/:id', allow('township_admin'), input('param', idParam), input('json', weakVillageInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const existing = await scope.find(weakVillages, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.weak_village_not_found');
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    try {
      const [updated] = await audited(c, scope.update(weakVillages, existing.id, body).returning(), {
        action: 'weak_village.update',
        entity: 'weak_village',
        entityId: existing.id,
        before: existing,
        after: body,
      });
      return c.json(updated);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('ledgers.weak_village_exists', { year: body.yearListed }); // the unique (tenant, village, year) index
      throw error;
    }
  })
  .delete('/:id', allow('township_admin'), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const existing = await scope.find(weakVillages, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.weak_village_not_found');
    await audited(c, scope.delete(weakVillages, existing.id), { action: 'weak_village.delete', entity: 'weak_village', entityId: existing.id, before: existing });
    return c.body(null, 204);
  });

/** Other ledgers: dispute mediation (矛盾纠纷调处) and weak-and-lax villages (后进村整治台账). */
export const ledgerRoutes = new Hono<AppEnv>().route('/disputes', disputeRoutes).route('/weak-villages', weakVillageRoutes);
