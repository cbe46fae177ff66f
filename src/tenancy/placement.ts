import { eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Db } from '../db/client';
import { MAIN_SHARD } from '../db/databases';
import { countyPlacements, PLATFORM_CHAIN, tenants } from '../db/schema';
import { AppError } from '../platform/errors';
import type { Memo } from '../platform/memo';
import { TENANT_TTL_MS } from './tenant';

/** Where a county's rows are, as the registry's shard map says (docs/scaling.md). */
export interface Placement {
  shard: string;
  version: number;
  frozen: boolean;
}

/** How long a frozen county asks to be retried after: a township's copy takes seconds (docs/scaling.md). */
export const MAINTENANCE_RETRY_SECONDS = 5;

export async function readPlacement(registry: Db, countyId: string): Promise<Placement> {
  const [row] = await registry
    .select({ shard: countyPlacements.shard, version: countyPlacements.version, frozenAt: countyPlacements.frozenAt })
    .from(countyPlacements)
    .where(eq(countyPlacements.countyId, countyId));
  return row ? { shard: row.shard, version: row.version, frozen: row.frozenAt !== null } : { shard: MAIN_SHARD, version: 0, frozen: false };
}

const cachedPlacement = (memo: Memo, registry: Db, countyId: string) => memo.get(`placement:${countyId}`, TENANT_TTL_MS, () => readPlacement(registry, countyId));

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The database of a county's rows for this request. A read may use the instance's placement of the last few
 * seconds (a move keeps the old copy that long past the switch); a write reads the map itself, so it never
 * lands on a shard the county has left, and is refused with 503 维护中 while the county is frozen for a move:
 * the phone's outbox and the admin pages retry it.
 */
export async function countyDatabase(c: Context<AppEnv>, countyId: string): Promise<Db> {
  const write = !READS.has(c.req.method);
  const placement = write ? await readPlacement(c.var.registry, countyId) : await cachedPlacement(c.var.memo, c.var.registry, countyId);
  if (write && placement.frozen) throw new AppError(503, 'error.maintenance', { seconds: MAINTENANCE_RETRY_SECONDS });
  return c.var.databases.shard(placement.shard);
}

/**
 * For a GET that writes (a download recorded in the audit trail): refused like any write while the county is
 * frozen for a move, since reads use the cached placement and a write there would miss the copy.
 */
export async function refuseWhileMoving(c: Context<AppEnv>, countyId: string): Promise<void> {
  if ((await readPlacement(c.var.registry, countyId)).frozen) throw new AppError(503, 'error.maintenance', { seconds: MAINTENANCE_RETRY_SECONDS });
}

/** The placement of a county just inserted in the same batch (nothing when the insert met an existing name). */
export const placeNewCounty = (registry: Db, countyId: string, shard: string) =>
  registry.run(sql`INSERT INTO county_placements (county_id, shard, version, updated_at)
    SELECT ${countyId}, ${shard}, 1, ${new Date().toISOString()} WHERE EXISTS (SELECT 1 FROM counties WHERE id = ${countyId})`);

/**
 * The database holding an audit chain: the platform's in the registry, a township's in its county's shard
 * (each database keeps the chains of the rows it holds); a chain of no township the registry knows (one
 * removed) is looked for in the registry.
 */
export async function chainDatabase(c: Context<AppEnv>, chain: string): Promise<Db> {
  if (chain === PLATFORM_CHAIN) return c.var.registry;
  const [township] = await c.var.registry.select({ countyId: tenants.countyId }).from(tenants).where(eq(tenants.id, chain));
  return township ? countyDatabase(c, township.countyId) : c.var.registry;
}
