import { asc, count, desc, eq, like, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { withoutPersonalDetails } from '../../auth/personal-data';
import { DISPUTE_STATUSES, disputes, villages, weakVillages } from '../../db/schema';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { idField, idParam, input, isoDate, paging, yearField, yearText } from '../../platform/validate';
import { assertVillageVisible, listedVillage, ownVillage } from '../rosters';
import { closedOnConsistent, tallyDisputes } from './rules';

const disputeInput = z.object({
  villageId: idField,
  title: z.string().trim().min(1).max(200),
  /** private: never shown on public pages or to county viewers */
  parties: z.string().trim().max(1000).default(''),
  occurredOn: isoDate,
  level: z.enum(['village', 'township']).default('village'),
  status: z.enum(DISPUTE_STATUSES).default('in_mediation'),
  outcome: z.string().trim().max(2000).default(''),
  closedOn: isoDate.nullable().default(null),
});

const weakVillageInput = z.object({
  villageId: idField,
  yearListed: yearField,
  reasons: z.string().trim().min(1).max(2000),
  measures: z.string().trim().max(4000).default(''),
  turnedAroundOn: isoDate.nullable().default(null),
});

const listQuery = z.object({
  villageId: idField.optional(),
  year: yearText.optional(),
  ...paging,
});

const disputeRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS), input('query', listQuery.extend({ status: z.enum(DISPUTE_STATUSES).optional() })), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(
      disputes,
      villageId ? eq(disputes.villageId, villageId) : undefined,
      query.year ? like(disputes.occurredOn, `${query.year}-%`) : undefined,
      query.status ? eq(disputes.status, query.status) : undefined,
    );
    const [items, [total]] = await scope.db.batch([
      scope.db
        .select({ row: disputes, villageName: villages.name })
        .from(disputes)
        .innerJoin(villages, eq(villages.id, disputes.villageId))
        .where(where)
        .orderBy(desc(disputes.occurredOn), asc(villages.name))
        .limit(query.limit)
        .offset(query.offset),
      scope.db.select({ n: count() }).from(disputes).where(where),
    ]);
    return c.json({ items: items.map(({ row, villageName }) => ({ ...withoutPersonalDetails(c.var.actor, row), villageName })), total: total.n });
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
    const [created] = await scope.insert(disputes, [{ ...body, createdBy: actorId(c.var.actor) }]).returning();
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
    const [updated] = await scope.update(disputes, existing.id, body).returning();
    return c.json(updated);
  })
  .delete('/:id', allow('township_admin'), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const existing = await scope.find(disputes, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.dispute_not_found');
    await scope.delete(disputes, existing.id);
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
    const [items, [totals]] = await scope.db.batch([
      scope.db
        .select({ row: weakVillages, villageName: villages.name })
        .from(weakVillages)
        .innerJoin(villages, eq(villages.id, weakVillages.villageId))
        .where(where)
        .orderBy(desc(weakVillages.yearListed), asc(villages.name))
        .limit(query.limit)
        .offset(query.offset),
      scope.db
        .select({ n: count(), turnedAround: sql<number>`coalesce(sum(${weakVillages.turnedAroundOn} IS NOT NULL), 0)` })
        .from(weakVillages)
        .where(where),
    ]);
    return c.json({
      items: items.map(({ row, villageName }) => ({ ...row, villageName })),
      total: totals.n,
      turnedAround: Number(totals.turnedAround),
    });
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
    const [created] = await scope
      .insert(weakVillages, [{ ...body, createdBy: actorId(c.var.actor) }])
      .onConflictDoNothing()
      .returning();
    if (!created) throw conflict('ledgers.weak_village_exists', { year: body.yearListed });
    return c.json(created, 201);
  })
  .put('/:id', allow('township_admin'), input('param', idParam), input('json', weakVillageInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const existing = await scope.find(weakVillages, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.weak_village_not_found');
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    try {
      const [updated] = await scope.update(weakVillages, existing.id, body).returning();
      return c.json(updated);
    } catch {
      throw conflict('ledgers.weak_village_exists', { year: body.yearListed }); // the unique (tenant, village, year) index
    }
  })
  .delete('/:id', allow('township_admin'), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const existing = await scope.find(weakVillages, c.req.valid('param').id);
    if (!existing) throw notFound('ledgers.weak_village_not_found');
    await scope.delete(weakVillages, existing.id);
    return c.body(null, 204);
  });

/** Other ledgers: dispute mediation (矛盾纠纷调处) and weak-and-lax villages (后进村整治台账). */
export const ledgerRoutes = new Hono<AppEnv>().route('/disputes', disputeRoutes).route('/weak-villages', weakVillageRoutes);
