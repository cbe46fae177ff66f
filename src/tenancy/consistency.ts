import { eq, sql } from 'drizzle-orm';
import { MAIN_SHARD, type Databases } from '../db/databases';
import { countyPlacements, shardTownships, tenants } from '../db/schema';
import { tenantTablesParentsFirst } from '../db/tenant-tables';

/** Rows of one table in one shard whose township is unknown to the registry, or placed on another shard. */
export interface StrayRows {
  shard: string;
  table: string;
  tenantId: string;
  rows: number;
  reason: 'unknown_tenant' | 'wrong_shard';
}

/**
 * The consistency check of shards against the registry (docs/scaling.md, `npm run shard:check`): every row of a
 * shard table must belong to a township the registry knows and has placed on that shard. A township a shard is
 * receiving or giving up (an import or a move under way: shard_townships) is not counted against it. One
 * batch per shard (a GROUP BY per table).
 */
export async function shardConsistency(databases: Databases): Promise<StrayRows[]> {
  const placed = new Map(
    (
      await databases.registry
        .select({ id: tenants.id, shard: countyPlacements.shard })
        .from(tenants)
        .leftJoin(countyPlacements, eq(countyPlacements.countyId, tenants.countyId))
    ).map((row) => [row.id, row.shard ?? MAIN_SHARD]),
  );
  const tables = tenantTablesParentsFirst().filter((table) => table.home === 'shard');
  const stray: StrayRows[] = [];
  for (const shard of databases.shardNames) {
    const db = databases.shard(shard);
    const inFlight = new Set((await db.select({ id: shardTownships.townshipId }).from(shardTownships)).map((row) => row.id));
    // one round trip per shard: every table's rows grouped by township, in one batch
    const counts = tables.map(({ name }) =>
      db.all<{ tenantId: string; rows: number }>(sql`SELECT tenant_id AS tenantId, count(*) AS rows FROM ${sql.identifier(name)} WHERE tenant_id IS NOT NULL GROUP BY tenant_id`),
    );
    const results = (await db.batch(counts as unknown as [(typeof counts)[0], ...typeof counts])) as unknown as { tenantId: string; rows: number }[][];
    const groups = results.flatMap((rows, i) => rows.map((row) => ({ ...row, tableName: tables[i].name })));
    for (const { tableName, tenantId, rows } of groups) {
      if (inFlight.has(tenantId)) continue;
      const home = placed.get(tenantId);
      if (home !== shard) stray.push({ shard, table: tableName, tenantId, rows: Number(rows), reason: home === undefined ? 'unknown_tenant' : 'wrong_shard' });
    }
  }
  return stray;
}
