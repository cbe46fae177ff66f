import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertJsonRows } from './insert-json';
import { cities, counties, households, members, tenants, villages } from '../db/schema';
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

/** Creates a township (tenant) with generated rosters; returns its id and rows. */
export async function writeTownship(
  db: Db,
  random: Random,
  township: { slug: string; name: string; countyId: string },
  shape: TownshipShape,
) {
  const tenantId = newId();
  await db.insert(tenants).values({ id: tenantId, ...township, settings: JSON.stringify(tenantSettingsSchema.parse({})) });
  const rows = generateTownship(random, tenantId, shape);
  await insertJsonRows(db, villages, rows.villages);
  await insertJsonRows(db, members, rows.members);
  await insertJsonRows(db, households, rows.households);
  return { tenantId, rows };
}
