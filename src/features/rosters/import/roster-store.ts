import type { BatchItem } from 'drizzle-orm/batch';
import { and, asc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../../db/client';
import { households, members, villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { insertStatements } from '../../../db/batch';
import { newId } from '../../../platform/ids';
import { duplicateKey, type ImportContext, type RosterRecords } from './rules';
import type { Roster } from './roster-columns';

/** What validation needs from the database: the township's villages and the keys of rows already there. */
export async function loadImportContext(scope: TenantScope, roster: Roster, ownVillageId?: string): Promise<ImportContext> {
  const db = scope.db;
  const villageRows = await db.select({ id: villages.id, name: villages.name }).from(villages).where(scope.where(villages));
  const byName = new Map(villageRows.map((v) => [v.name, v.id]));
  let keys: string[];
  if (roster === 'villages') keys = villageRows.map((v) => duplicateKey('villages', { name: v.name, branchName: '' }));
  else if (roster === 'members') {
    const rows = await db
      .select({ villageId: members.villageId, name: members.name, phone: members.phone })
      .from(members)
      .where(scope.where(members, ownVillageId ? eq(members.villageId, ownVillageId) : undefined));
    keys = rows.map((r) => duplicateKey('members', r as RosterRecords['members']));
  } else {
    const rows = await db
      .select({ villageId: households.villageId, headName: households.headName, address: households.address })
      .from(households)
      .where(scope.where(households, ownVillageId ? eq(households.villageId, ownVillageId) : undefined));
    keys = rows.map((r) => duplicateKey('households', r as RosterRecords['households']));
  }
  return { villages: byName, ownVillageId, existingKeys: new Set(keys) };
}

const TABLES: Record<Roster, typeof villages | typeof members | typeof households> = { villages, members, households };

/**
 * Inserts all records in ONE db.batch, so an import is all or nothing on D1 and libSQL alike, as
 * insertStatements' JSON rows (a bound value per 400 rows: a 20,000-row file is 50 statements, far from D1's
 * 100-parameter and per-invocation query limits). The tenant is the scope's, never the file's; ids and times
 * are made here.
 */
export async function insertRecords<R extends Roster>(scope: TenantScope, roster: R, records: RosterRecords[R][], alongside: BatchItem<'sqlite'>[] = []): Promise<number> {
  if (!records.length) return 0;
  const now = new Date().toISOString();
  const rows = records.map((record) => ({ ...record, id: newId(), tenantId: scope.tenantId, createdAt: now, updatedAt: now }));
  const batch = [...insertStatements(scope.db, TABLES[roster], rows as never[]), ...alreadyThereGuard(scope, roster, records, now), ...alongside];
  await scope.db.batch(batch as [(typeof batch)[0], ...typeof batch]);
  return records.length;
}

/**
 * A statement that fails the import's batch if any row it inserts now shares its key (duplicateKey) with another row: the
 * file was checked against the rows read before, and a second commit of the same file at the same moment read the same
 * rows. It fails as the codebase's guards do, on a row of NULLs. Only groups holding a row of this import (its
 * `createdAt`) count, so rows that were already alike do not block it. Villages need none: their names are a unique index.
 */
function alreadyThereGuard(scope: TenantScope, roster: Roster, records: RosterRecords[Roster][], createdAt: string): BatchItem<'sqlite'>[] {
  if (roster === 'villages') return [];
  const villageIds = JSON.stringify([...new Set(records.map((record) => (record as { villageId: string }).villageId))]);
  const key = roster === 'members' ? sql`t.name, coalesce(t.phone, '')` : sql`t.head_name, t.address`;
  const shared = sql`SELECT 1 FROM ${sql.identifier(roster)} t WHERE t.tenant_id = ${scope.tenantId} AND t.village_id IN (SELECT value FROM json_each(${villageIds}))
    GROUP BY t.village_id, ${key} HAVING count(*) > 1 AND max(t.created_at = ${createdAt}) = 1`;
  // through drizzle's insert … select: D1's batch takes no raw statement with parameters
  const table = TABLES[roster];
  const nulls = sql.raw(Object.keys(getTableColumns(table)).map(() => 'NULL').join(', '));
  return [scope.db.insert(table).select(sql`SELECT ${nulls} WHERE EXISTS (${shared})`)];
}

/** Every row of a roster with its village's name, in the order people read a roster (village, then name). */
export async function exportRecords(scope: TenantScope, roster: Roster, ownVillageId?: string): Promise<Record<string, unknown>[]> {
  const db: Db = scope.db;
  const own = (column: SQLiteColumn): SQL | undefined => (ownVillageId ? eq(column, ownVillageId) : undefined);
  if (roster === 'villages')
    return db
      .select({ name: villages.name, branchName: villages.branchName })
      .from(villages)
      .where(scope.where(villages, own(villages.id)))
      .orderBy(asc(villages.name));
  const table = roster === 'members' ? members : households;
  const rows = await db
    .select({ row: table, villageName: villages.name })
    .from(table as typeof members)
    .innerJoin(villages, and(eq(villages.id, table.villageId), eq(villages.tenantId, table.tenantId)))
    .where(scope.where(table, own(table.villageId)))
    .orderBy(asc(villages.name), asc(roster === 'members' ? members.name : households.headName), asc(table.id));
  return rows.map(({ row, villageName }) => ({ ...(row as object), villageName }));
}
