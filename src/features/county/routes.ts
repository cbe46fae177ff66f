import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import type { AppEnv } from '../../app-env';
import { platformActor } from '../../auth/actor';
import { allow } from '../../auth/guard';
import { counties } from '../../db/schema';
import { notFound } from '../../platform/errors';
import { shanghaiYear } from '../../platform/time';
import { input } from '../../platform/validate';
import { COMPARISON_SORTS, countyComparison } from './comparison';

/**
 * Settles who acts on /api/county/:countyId: a county viewer of that county, or a platform admin. A
 * county viewer of another county gets 404 (a county you do not belong to does not exist for you);
 * other roles get 403 from allow(), anonymous callers 401.
 */
const resolveCounty = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.var.session;
  if (!session) return next();
  const countyId = c.req.param('countyId');
  const viewer = session.grants.find((g) => g.role === 'county_viewer' && g.countyId === countyId);
  const admin = platformActor(session);
  if (viewer) c.set('actor', { kind: 'user', accountId: session.accountId, name: session.name, role: 'county_viewer', countyId });
  else if (admin) {
    const [county] = await c.var.db.select({ id: counties.id }).from(counties).where(eq(counties.id, countyId!));
    if (!county) throw notFound('tenancy.county_not_found');
    c.set('actor', admin);
  } else if (session.grants.some((g) => g.role === 'county_viewer')) throw notFound('tenancy.county_not_found');
  await next();
});

const countyParam = z.object({ countyId: z.string().min(1).max(40) });
const comparisonQuery = z.object({
  /** Shanghai calendar year; this year when absent */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  sort: z.enum(COMPARISON_SORTS).default('stars'),
  /** only this township of the county */
  township: z.string().min(1).max(40).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});

/** County departments compare the villages of every township of their county (read-only). */
export const countyRoutes = new Hono<AppEnv>()
  .use('/:countyId/*', resolveCounty)
  .get('/:countyId/comparison', allow('county_viewer', 'platform_admin'), input('param', countyParam), input('query', comparisonQuery), async (c) => {
    const { countyId } = c.req.valid('param');
    const q = c.req.valid('query');
    const year = q.year ?? shanghaiYear();
    const [county] = await c.var.db.select({ id: counties.id, name: counties.name }).from(counties).where(eq(counties.id, countyId));
    if (!county) throw notFound('tenancy.county_not_found');
    const { total, items } = await countyComparison(c.var.db, countyId, { year, sort: q.sort, townshipId: q.township, page: q.page, pageSize: q.pageSize });
    return c.json({ county, year, sort: q.sort, page: q.page, pageSize: q.pageSize, total, items });
  });
