/**
 * The rating as the organisation departments above the townships see it: the county's quotas (a ceiling on
 * every township's own), and the city's queue of five-star proposals its counties confirmed.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { registryAudit } from '../../audit/record';
import { actorId, platformActor } from '../../auth/actor';
import { allow } from '../../auth/guard';
import type { Db } from '../../db/client';
import { cities, countyRatingQuotas, ratingEntries, villages } from '../../db/schema';
import { cityTownshipsByDatabase, townshipTable } from '../../tenancy/county';
import { notFound } from '../../platform/errors';
import { shanghaiYear } from '../../platform/time';
import { input, yearText } from '../../platform/validate';
import type { Quotas } from './rules';

const percent = z.optional(z.int().check(z.gte(0), z.lte(100)));
/** The county's quotas, as a township's settings hold theirs: a whole percentage per capped level. */
export const countyQuotasBody = z.strictObject({ quotas: z.strictObject({ 5: percent, 4: percent, 3: percent, 2: percent }) });

/** A county's quotas, or null when its organisation department set none. */
export async function countyQuotas(db: Db, countyId: string): Promise<Quotas | null> {
  const [row] = await db.select({ quotas: countyRatingQuotas.quotas }).from(countyRatingQuotas).where(eq(countyRatingQuotas.countyId, countyId));
  return row ? (JSON.parse(row.quotas) as Quotas) : null;
}

/** The county organiser sets the county's quotas (an empty object lifts every county cap): in the registry, audited in the platform's chain. */
export async function setCountyQuotas(c: Context<AppEnv>, countyId: string, quotas: Quotas) {
  const db = c.var.registry;
  const before = await countyQuotas(db, countyId);
  const values = { countyId, quotas: JSON.stringify(quotas), updatedBy: actorId(c.var.actor), updatedAt: new Date().toISOString() };
  await db.batch([
    db.insert(countyRatingQuotas).values(values).onConflictDoUpdate({ target: countyRatingQuotas.countyId, set: values }),
    registryAudit(c, { action: 'rating.county_quotas', entity: 'county', entityId: countyId, before: before && { quotas: before }, after: { quotas }, tenantId: null }),
  ]);
  return quotas;
}

/**
 * Settles who acts on /api/city/:cityId: a city organiser of that city, or a platform admin. A city
 * organiser of another city gets 404, as a county viewer of another county does.
 */
const resolveCity = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.var.session;
  if (!session) return next();
  const cityId = c.req.param('cityId');
  const admin = platformActor(session);
  if (session.grants.some((g) => g.role === 'city_organiser' && g.cityId === cityId))
    c.set('actor', { kind: 'user', accountId: session.accountId, name: session.name, role: 'city_organiser' });
  else if (admin) c.set('actor', admin);
  else if (session.grants.some((g) => g.role === 'city_organiser')) throw notFound('tenancy.city_not_found');
  await next();
});

/**
 * The five-star proposals of every township of the city's counties that the county confirmed and the city has
 * yet to answer: read from each database holding some of those counties, in parallel, and merged.
 */
export async function cityAwaiting(c: Context<AppEnv>, cityId: string, year: number) {
  const parts = await Promise.all(
    (await cityTownshipsByDatabase(c, cityId)).map(async ({ db, townships }) => {
      const byId = new Map(townships.map((t) => [t.id, t]));
      const rows = await db
        .select({
          tenantId: ratingEntries.tenantId,
          villageId: ratingEntries.villageId,
          villageName: villages.name,
          appliedStars: ratingEntries.appliedStars,
          scoredStars: ratingEntries.scoredStars,
          composite: ratingEntries.composite,
          proposedStars: ratingEntries.proposedStars,
          proposalReason: ratingEntries.proposalReason,
          recheckedAt: ratingEntries.recheckedAt,
          version: ratingEntries.version,
        })
        .from(ratingEntries)
        .innerJoin(villages, eq(villages.id, ratingEntries.villageId))
        .where(and(inArray(ratingEntries.tenantId, sql`(SELECT id FROM ${townshipTable(townships)})`), eq(ratingEntries.year, year), eq(ratingEntries.status, 'county_confirmed')));
      return rows.map(({ tenantId, ...row }) => {
        const township = byId.get(tenantId)!;
        return { tenantSlug: township.slug, township: township.name, county: township.county, ...row };
      });
    }),
  );
  // the order SQLite's ORDER BY gave when one database held them all: county, township, village (by code point)
  const key = (row: { county: string; township: string; villageName: string }) => [row.county, row.township, row.villageName];
  return parts.flat().sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

/** The city organisation department's view of the rating: /api/city/:cityId/… */
export const cityRoutes = new Hono<AppEnv>()
  .use('/:cityId/*', resolveCity)
  .get('/:cityId/rating', allow('city_organiser', 'platform_admin'), input('param', z.object({ cityId: z.string().check(z.minLength(1), z.maxLength(40)) })), input('query', z.object({ year: z.optional(yearText) })), async (c) => {
    const { cityId } = c.req.valid('param');
    const [city] = await c.var.registry.select({ id: cities.id, name: cities.name }).from(cities).where(eq(cities.id, cityId));
    if (!city) throw notFound('tenancy.city_not_found');
    const year = c.req.valid('query').year ?? shanghaiYear();
    return c.json({ city, year, items: await cityAwaiting(c, cityId, year) });
  });
