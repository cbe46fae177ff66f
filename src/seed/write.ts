import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertMany } from '../db/batch';
import { cities, counties, countyPlacements, households, members, tenants, villages } from '../db/schema';
import { newId } from '../platform/ids';
import { tenantSettingsSchema } from '../tenancy/settings';
import { generateTownship, type TownshipShape } from './generate';
import type { Random } from './random';

export async function ensureCounty(db: Db, cityName: string, countyName: string): Promise<string> {
  await db.insert(cities).values({ name: cityName }).onConflictDoNothing();
  const [city] = await db.select().from(cities).where(eq(cities.name, cityName));
  await db.insert(counties).values({ cityId: city.id, name: countyName }).onConflictDoNothing();
  const [county] = await db.select().from(counties).where(eq(counties.name, countyName));
  return county.id;
}

/** Where a seeded township goes: one database, or the registry and its county's shard (docs/scaling.md). */
export type SeedInto = Db | { registry: Db; shard: Db };
export const seedDatabases = (into: SeedInto) => ('registry' in into ? into : { registry: into, shard: into });

/** Puts a county on a shard other than `main` (its rows are written there from now on). */
export async function placeCounty(registry: Db, countyId: string, shard: string) {
  await registry.insert(countyPlacements).values({ countyId, shard }).onConflictDoUpdate({ target: countyPlacements.countyId, set: { shard } });
}

/** Creates a township (tenant) with generated rosters; returns its id and rows. */
export async function writeTownship(
  into: SeedInto,
  random: Random,
  township: { slug: string; name: string; countyId: string },
  shape: TownshipShape,
) {
  const { registry, shard } = seedDatabases(into);
  const tenantId = newId();
  await registry.insert(tenants).values({ id: tenantId, ...township, settings: JSON.stringify(tenantSettingsSchema.parse({})) });
  const rows = generateTownship(random, tenantId, shape);
  await insertMany(shard, villages, rows.villages);
  await insertMany(shard, members, rows.members);
  await insertMany(shard, households, rows.households);
  return { tenantId, rows };
}
