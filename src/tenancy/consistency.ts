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
 * GROUP BY per table and shard.
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
    for (const { name } of tables) {
      const groups = await db.all<{ tenantId: string | null; rows: number }>(
        sql`SELECT tenant_id AS tenantId, count(*) AS rows FROM ${sql.identifier(name)} WHERE tenant_id IS NOT NULL GROUP BY tenant_id`,
      );
      for (const { tenantId, rows } of groups) {
        if (!tenantId || inFlight.has(tenantId)) continue;
        const home = placed.get(tenantId);
        if (home !== shard) stray.push({ shard, table: name, tenantId, rows: Number(rows), reason: home === undefined ? 'unknown_tenant' : 'wrong_shard' });
      }
    }
  }
  return stray;
}
