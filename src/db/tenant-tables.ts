import { getTableColumns, inArray, is } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import * as schema from './schema';
import * as jobsSchema from './schema/jobs';
import * as platformSchema from './schema/platform';

/** Where a table's rows live (docs/scaling.md): the registry, or the shard of the row's county. */
export type TableHome = 'registry' | 'shard';

const registryTables = new Set<unknown>([...Object.values(platformSchema), ...Object.values(jobsSchema)].filter((value) => is(value, SQLiteTable)));

/** The registry's tables are those of schema/platform.ts and schema/jobs.ts; every other table is a shard's. */
export const homeOf = (table: SQLiteTable): TableHome => (registryTables.has(table) ? 'registry' : 'shard');

/** A table that holds rows of one tenant each, as SQL knows it: found in the schema by its tenant_id column. */
export interface TenantTable {
  table: SQLiteTable;
  /** SQL name */
  name: string;
  /** SQL column names, in schema order */
  columns: string[];
  /** SQL names of the primary key's columns (the keyset order of a paged read) */
  primaryKey: string[];
  /** a township's grants and host names are in the registry; everything else it owns in its county's shard */
  home: TableHome;
}

const describe = (table: SQLiteTable): TenantTable => {
  const config = getTableConfig(table);
  const composite = config.primaryKeys[0]?.columns.map((column) => column.name);
  return {
    table,
    name: config.name,
    columns: config.columns.map((column) => column.name),
    primaryKey: composite ?? config.columns.filter((column) => column.primary).map((column) => column.name),
    home: homeOf(table),
  };
};

let cached: TenantTable[] | undefined;

/**
 * Every table of the schema with a tenant_id column, each after every tenant table it references (so rows
 * inserted in this order meet their foreign keys, and deleted in reverse order leave nothing to cascade).
 * Derived from the schema, never listed by hand: a new tenant table is in it the day it is declared.
 */
export function tenantTablesParentsFirst(): TenantTable[] {
  if (cached) return cached;
  const owned: SQLiteTable[] = [];
  for (const value of Object.values(schema) as unknown[])
    if (is(value, SQLiteTable) && getTableConfig(value).columns.some((c) => c.name === 'tenant_id')) owned.push(value);
  const order: SQLiteTable[] = [];
  const state = new Map<SQLiteTable, 'visiting' | 'done'>();
  const visit = (table: SQLiteTable) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting') throw new Error(`foreign keys form a cycle through ${getTableConfig(table).name}`);
    state.set(table, 'visiting');
    for (const fk of getTableConfig(table).foreignKeys) {
      const parent = fk.reference().foreignTable;
      if (parent !== table && owned.includes(parent)) visit(parent);
    }
    state.set(table, 'done');
    order.push(table);
  };
  // by name first: a module namespace lists its exports sorted, a bundle in declaration order, and both runtimes must agree on the file order
  owned.sort((a, b) => (getTableConfig(a).name < getTableConfig(b).name ? -1 : 1)).forEach(visit);
  return (cached = order.map(describe));
}

/**
 * The delete statements of the rows of `tenantIds` in one database's tables (`home`), children first: nothing is
 * left for a foreign key to cascade, which would look up each deleted parent's children (a scan per row where the
 * child column has no index of its own). `except`: tables whose rows stay (the append-only audit trail).
 */
export function deleteTenantRows(db: Db, tenantIds: string[], home: TableHome, except: readonly SQLiteTable[] = []): BatchItem<'sqlite'>[] {
  return tenantTablesParentsFirst()
    .filter((entry) => entry.home === home && !except.includes(entry.table))
    .toReversed()
    .map(({ table }) => db.delete(table).where(inArray((getTableColumns(table) as unknown as Record<string, SQLiteColumn>).tenantId, tenantIds)) as unknown as BatchItem<'sqlite'>);
}
