import { asc, eq, like, or } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { Hono } from '../../platform/hono';
import type * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { seesPersonalDetails, withoutPersonalDetails } from '../../auth/personal-data';
import { households, members, villages } from '../../db/schema';
import { notFound } from '../../platform/errors';
import { idParam, input } from '../../platform/validate';
import { householdInput, listQuery, memberInput } from './schemas';
import { assertVillageVisible, listedVillage } from './village-access';
import { audited } from '../../audit/record';
import { newId } from '../../platform/ids';
import { villageListPage } from './village-list';

type VillageRosterTable = typeof members | typeof households;

/**
 * CRUD of a roster whose rows belong to one village (party members, households). Admins manage every
 * village; a secretary only their own; county viewers read names and counts, without personal details
 * (phones, addresses, care tags), and cannot search by them either.
 */
function villageRosterRoutes<Table extends VillageRosterTable, Schema extends z.ZodMiniObject<{ villageId: z.ZodMiniString }>>(options: {
  /** the audit trail's name of a row (member, household) */
  entity: string;
  table: Table;
  body: Schema;
  searchColumns: SQLiteColumn[];
  /** searched only for those who see personal details (a county viewer's search must not confirm a phone) */
  personalSearchColumns: SQLiteColumn[];
  sortColumn: SQLiteColumn;
}) {
  const { table, body, sortColumn, entity } = options;
  const writers = allow('township_admin', 'village_secretary');

  return new Hono<AppEnv>()
    .get('/', allow(...TOWNSHIP_READERS), input('query', listQuery), async (c) => {
      const query = c.req.valid('query');
      const scope = c.var.scope!;
      const villageId = listedVillage(c.var.actor, query.villageId);
      const searchColumns = seesPersonalDetails(c.var.actor) ? [...options.searchColumns, ...options.personalSearchColumns] : options.searchColumns;
      const where = scope.where(
        table,
        villageId ? eq(table.villageId, villageId) : undefined,
        query.q ? or(...searchColumns.map((col) => like(col, `%${query.q}%`))) : undefined,
      );
      const page = await villageListPage(scope, table, { where, orderBy: [asc(villages.name), asc(sortColumn)], limit: query.limit, offset: query.offset });
      return c.json({ items: page.items.map((item) => withoutPersonalDetails(c.var.actor, item)), total: page.totals.n });
    })
    .get('/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
      const row = await c.var.scope!.find(table, c.req.valid('param').id);
      if (!row) throw notFound();
      assertVillageVisible(c.var.actor, row.villageId);
      return c.json(withoutPersonalDetails(c.var.actor, row));
    })
    .post('/', writers, input('json', body), async (c) => {
      const values = c.req.valid('json') as z.output<Schema> & { villageId: string };
      const scope = c.var.scope!;
      assertVillageVisible(c.var.actor, values.villageId);
      if (!(await scope.find(villages, values.villageId))) throw notFound('rosters.village_not_found');
      const row = { ...values, id: newId() };
      const [created] = await audited(c, scope.insert(table, [row as never]).returning(), { action: `${entity}.create`, entity, entityId: row.id, after: row });
      return c.json(created, 201);
    })
    .put('/:id', writers, input('param', idParam), input('json', body), async (c) => {
      const { id } = c.req.valid('param');
      const values = c.req.valid('json') as z.output<Schema> & { villageId: string };
      const scope = c.var.scope!;
      const existing = await scope.find(table, id);
      if (!existing) throw notFound();
      assertVillageVisible(c.var.actor, existing.villageId);
      assertVillageVisible(c.var.actor, values.villageId);
      if (!(await scope.find(villages, values.villageId))) throw notFound('rosters.village_not_found');
      const [updated] = await audited(c, scope.update(table, id, values as never).returning(), {
        action: `${entity}.update`,
        entity,
        entityId: id,
        before: existing,
        after: values,
      });
      return c.json(updated);
    })
    .delete('/:id', writers, input('param', idParam), async (c) => {
      const { id } = c.req.valid('param');
      const scope = c.var.scope!;
      const existing = await scope.find(table, id);
      if (!existing) throw notFound();
      assertVillageVisible(c.var.actor, existing.villageId);
      await audited(c, scope.delete(table, id), { action: `${entity}.delete`, entity, entityId: id, before: existing });
      return c.body(null, 204);
    });
}

export const memberRoutes = villageRosterRoutes({
  entity: 'member',
  table: members,
  body: memberInput,
  searchColumns: [members.name],
  personalSearchColumns: [members.phone],
  sortColumn: members.name,
});

export const householdRoutes = villageRosterRoutes({
  entity: 'household',
  table: households,
  body: householdInput,
  searchColumns: [households.headName],
  personalSearchColumns: [households.address, households.phone],
  sortColumn: households.headName,
});
