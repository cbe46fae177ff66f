import { count, eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { villages } from '../../db/schema';
import type { TenantOwned, TenantScope } from '../../db/tenant-scope';

type VillageOwned = TenantOwned & { villageId: SQLiteColumn };

export interface VillageListPage<Row, Totals> {
  /** the page's rows, each with its village's name */
  items: (Row & { villageName: string })[];
  /** the count of every row that matches, and any other aggregates asked for over them */
  totals: { n: number } & Totals;
}

/**
 * One page of a village-owned list with each row's village name, and the count of all the rows that
 * match: the lists of members, households, income entries, matters, disputes, weak villages and visits.
 * One batch, two statements.
 */
export async function villageListPage<Table extends VillageOwned, Totals extends Record<string, SQL> = Record<never, SQL>>(
  scope: TenantScope,
  table: Table,
  query: { where: SQL; orderBy: (SQL | SQLiteColumn)[]; limit: number; offset: number; totals?: Totals },
): Promise<VillageListPage<Table['$inferSelect'], { [K in keyof Totals]: Totals[K]['_']['type'] }>> {
  const [rows, [totals]] = await scope.db.batch([
    scope.db
      // aliased: D1 returns a batch's rows keyed by column name, and villages.name would clobber the row's own `name`
      .select({ row: table as VillageOwned, villageName: sql<string>`${villages.name}`.as('village_name') })
      .from(table as VillageOwned)
      .innerJoin(villages, eq(villages.id, table.villageId))
      .where(query.where)
      .orderBy(...query.orderBy)
      .limit(query.limit)
      .offset(query.offset),
    scope.db
      .select({ n: count(), ...query.totals })
      .from(table as VillageOwned)
      .where(query.where),
  ]);
  return {
    items: rows.map(({ row, villageName }) => ({ ...(row as Table['$inferSelect']), villageName })),
    totals: totals as VillageListPage<Table['$inferSelect'], { [K in keyof Totals]: Totals[K]['_']['type'] }>['totals'],
  };
}
