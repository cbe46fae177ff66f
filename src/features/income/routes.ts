import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { audit, audited } from '../../audit/record';
import { Hono } from '../../platform/hono';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { incomeEntries, incomeEntryRevisions, incomeTargets, villages } from '../../db/schema';
import { AppError, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { shanghaiYear } from '../../platform/time';
import { idParam, input } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { assertVillageVisible, listedVillage, ownVillage, villageListPage } from '../rosters';
import { assertYearOpen } from '../stars';
import { incomeEntryInput, incomeListQuery, incomeTargetInput, yearParam, yearQuery } from './schemas';
import { incomeImportRoutes } from './import-routes';
import { incomeSummary } from './summary';


const snapshot = (e: { villageId: string; year: number; category: string; amountFen: number; note: string }) =>
  JSON.stringify({ villageId: e.villageId, year: e.year, category: e.category, amountFen: e.amountFen, note: e.note });

function assertNotFuture(year: number) {
  if (year > shanghaiYear()) throw new AppError(400, 'stars.year_in_future', { year });
}

const writers = allow('township_admin', 'village_secretary');

/** Collective income (村集体经济): entries per village-year by category, audited edits, tiers and the annual target. */
export const incomeRoutes = new Hono<AppEnv>()
  .route('/imports', incomeImportRoutes)
  .get('/entries', allow(...TOWNSHIP_READERS), input('query', incomeListQuery), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(
      incomeEntries,
      isNull(incomeEntries.deletedAt),
      query.year ? eq(incomeEntries.year, query.year) : undefined,
      villageId ? eq(incomeEntries.villageId, villageId) : undefined,
      query.category ? eq(incomeEntries.category, query.category) : undefined,
    );
    const page = await villageListPage(scope, incomeEntries, {
      where,
      orderBy: [desc(incomeEntries.year), asc(villages.name), desc(incomeEntries.createdAt)],
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({ items: page.items, total: page.totals.n });
  })
  .get('/entries/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const entry = await scope.find(incomeEntries, c.req.valid('param').id);
    if (!entry || entry.deletedAt) throw notFound('income.entry_not_found');
    assertVillageVisible(c.var.actor, entry.villageId);
    const revisions = await scope.db
      .select()
      .from(incomeEntryRevisions)
      .where(scope.where(incomeEntryRevisions, eq(incomeEntryRevisions.entryId, entry.id)))
      .orderBy(asc(incomeEntryRevisions.version));
    return c.json({ ...entry, revisions: revisions.map((r) => ({ ...r, data: JSON.parse(r.data) })) });
  })
  .post('/entries', writers, input('json', incomeEntryInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    assertVillageVisible(c.var.actor, body.villageId);
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    assertNotFuture(body.year);
    await assertYearOpen(scope.db, scope.tenantId, body.year);
    const id = newId();
    const by = actorId(c.var.actor);
    await scope.db.batch([
      scope.insert(incomeEntries, [{ id, ...body, createdBy: by }]),
      scope.insert(incomeEntryRevisions, [{ entryId: id, version: 1, action: 'create', data: snapshot(body), actorId: by }]),
      audit(c, { action: 'income_entry.create', entity: 'income_entry', entityId: id, after: body }),
    ]);
    return c.json(await scope.find(incomeEntries, id), 201);
  })
  .put('/entries/:id', writers, input('param', idParam), input('json', incomeEntryInput), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const entry = await scope.find(incomeEntries, id);
    if (!entry || entry.deletedAt) throw notFound('income.entry_not_found');
    assertVillageVisible(c.var.actor, entry.villageId);
    assertVillageVisible(c.var.actor, body.villageId);
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    assertNotFuture(body.year);
    await assertYearOpen(scope.db, scope.tenantId, entry.year);
    await assertYearOpen(scope.db, scope.tenantId, body.year);
    const version = entry.version + 1;
    try {
      // the unique (entry, version) index refuses a concurrent edit of the same version: the batch fails whole
      await scope.db.batch([
        scope.db
          .update(incomeEntries)
          .set({ ...body, version })
          .where(scope.where(incomeEntries, and(eq(incomeEntries.id, id), eq(incomeEntries.version, entry.version)))),
        scope.insert(incomeEntryRevisions, [{ entryId: id, version, action: 'update', data: snapshot(body), actorId: actorId(c.var.actor) }]),
        audit(c, { action: 'income_entry.update', entity: 'income_entry', entityId: id, before: entry, after: body }),
      ]);
    } catch (error) {
      throw new AppError(409, 'error.conflict', {}, undefined, { cause: error });
    }
    return c.json(await scope.find(incomeEntries, id));
  })
  .delete('/entries/:id', writers, input('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const scope = c.var.scope!;
    const entry = await scope.find(incomeEntries, id);
    if (!entry || entry.deletedAt) throw notFound('income.entry_not_found');
    assertVillageVisible(c.var.actor, entry.villageId);
    await assertYearOpen(scope.db, scope.tenantId, entry.year);
    const version = entry.version + 1;
    try {
      await scope.db.batch([
        scope.db
          .update(incomeEntries)
          .set({ deletedAt: new Date().toISOString(), version })
          .where(scope.where(incomeEntries, and(eq(incomeEntries.id, id), eq(incomeEntries.version, entry.version)))),
        scope.insert(incomeEntryRevisions, [{ entryId: id, version, action: 'delete', data: snapshot(entry), actorId: actorId(c.var.actor) }]),
        audit(c, { action: 'income_entry.delete', entity: 'income_entry', entityId: id, before: entry }),
      ]);
    } catch (error) {
      throw new AppError(409, 'error.conflict', {}, undefined, { cause: error });
    }
    return c.body(null, 204);
  })
  .get('/summary', allow(...TOWNSHIP_READERS), input('query', yearQuery), async (c) => {
    const year = c.req.valid('query').year ?? shanghaiYear();
    const settings = parseSettings(c.var.tenant!.settings);
    return c.json(await incomeSummary(c.var.db, c.var.tenant!.id, year, settings.incomeTiersFen, ownVillage(c.var.actor)));
  })
  .get('/targets/:year', allow(...TOWNSHIP_READERS), input('param', yearParam), async (c) => {
    const { year } = c.req.valid('param');
    const scope = c.var.scope!;
    const [target] = await scope.db.select().from(incomeTargets).where(scope.where(incomeTargets, eq(incomeTargets.year, year)));
    if (!target) throw notFound();
    return c.json(target);
  })
  .put('/targets/:year', allow('township_admin'), input('param', yearParam), input('json', incomeTargetInput), async (c) => {
    const { year } = c.req.valid('param');
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const values = { ...body, updatedBy: actorId(c.var.actor), updatedAt: new Date().toISOString() };
    const [before] = await scope.db.select().from(incomeTargets).where(scope.where(incomeTargets, eq(incomeTargets.year, year)));
    const [target] = await audited(
      c,
      scope.insert(incomeTargets, [{ year, ...values }]).onConflictDoUpdate({ target: [incomeTargets.tenantId, incomeTargets.year], set: values }).returning(),
      { action: 'income_target.set', entity: 'income_target', entityId: String(year), before: before ?? null, after: body },
    );
    return c.json(target);
  });
