import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Db } from '../db/client';
import { MAIN_SHARD } from '../db/databases';
import { jsonTable } from '../db/json-table';
import { counties, countyPlacements, tenants } from '../db/schema';

/** An active township of a county, as the registry knows it. */
export interface CountyTownship {
  id: string;
  slug: string;
  name: string;
  /** JSON (tenancy/settings.ts) */
  settings: string;
}

/** The county's active townships by name: what its reads join its shard's rows to (the shard has no `tenants`). */
export function countyTownships(registry: Db, countyId: string): Promise<CountyTownship[]> {
  return registry
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, settings: tenants.settings })
    .from(tenants)
    .where(and(eq(tenants.countyId, countyId), eq(tenants.status, 'active')))
    .orderBy(asc(tenants.name), asc(tenants.id));
}

/** The townships as a table (id, slug, name, settings) for SQL run in their county's shard. */
export const townshipTable = (townships: readonly CountyTownship[]): SQL => jsonTable(townships as unknown as Record<string, string>[], ['id', 'slug', 'name', 'settings']);

/** A city's township, with its county's name. */
export interface CityTownship extends CountyTownship {
  county: string;
}

/**
 * The active townships of a city's counties, grouped by the database holding their rows: a city's roll-up
 * reads each database once, in parallel, and merges (its counties may sit on several shards).
 */
export async function cityTownshipsByDatabase(c: Context<AppEnv>, cityId: string): Promise<{ db: Db; townships: CityTownship[] }[]> {
  const rows = await c.var.registry
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, settings: tenants.settings, county: counties.name, shard: countyPlacements.shard })
    .from(tenants)
    .innerJoin(counties, eq(counties.id, tenants.countyId))
    .leftJoin(countyPlacements, eq(countyPlacements.countyId, counties.id))
    .where(and(eq(counties.cityId, cityId), eq(tenants.status, 'active')));
  const byShard = new Map<string, CityTownship[]>();
  for (const { shard, ...township } of rows) byShard.set(shard ?? MAIN_SHARD, [...(byShard.get(shard ?? MAIN_SHARD) ?? []), township]);
  return [...byShard].map(([shard, townships]) => ({ db: c.var.databases.shard(shard), townships }));
}
