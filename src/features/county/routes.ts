import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { platformActor } from '../../auth/actor';
import { allow } from '../../auth/guard';
import { counties } from '../../db/schema';
import { countyTownships } from '../../tenancy/county';
import { countyDatabase } from '../../tenancy/placement';
import { notFound } from '../../platform/errors';
import { translate } from '../../platform/i18n';
import { shanghaiYear } from '../../platform/time';
import { input } from '../../platform/validate';
import { toCsv } from '../../platform/tables/csv';
import { writeXlsx } from '../../platform/tables/xlsx';
import { COMPARISON_SORTS, countyComparison, countyComparisonAll } from './comparison';
import { csvTable, EXPORT_COLUMN_WIDTHS, exportFileName, xlsxTable } from './rules';
import { countySummary, townshipIncomeTiers } from './summary';
import { countyQuotas, countyQuotasBody, countyRatingOverview, setCountyQuotas } from '../rating';
import { countyOrgLifeWarnings } from '../orglife';
import { contentDisposition } from '../../platform/download';
import { shanghaiDate } from '../../platform/time';

/**
 * Settles who acts on /api/county/:countyId: a county viewer of that county, or a platform admin. A
 * county viewer of another county gets 404 (a county you do not belong to does not exist for you);
 * other roles get 403 from allow(), anonymous callers 401.
 */
const resolveCounty = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.var.session;
  if (!session) return next();
  const countyId = c.req.param('countyId');
  const viewer = session.grants.find((g) => (g.role === 'county_viewer' || g.role === 'county_organiser') && g.countyId === countyId);
  const admin = platformActor(session);
  if (viewer) c.set('actor', { kind: 'user', accountId: session.accountId, name: session.name, role: viewer.role, countyId });
  else if (admin) {
    const [county] = await c.var.registry.select({ id: counties.id }).from(counties).where(eq(counties.id, countyId!));
    if (!county) throw notFound('tenancy.county_not_found');
    c.set('actor', admin);
  } else if (session.grants.some((g) => g.role === 'county_viewer' || g.role === 'county_organiser')) throw notFound('tenancy.county_not_found');
  // the county's rows are all in its shard: its reads never reach another
  if (c.var.actor) c.set('db', await countyDatabase(c, countyId!));
  await next();
});

const countyParam = z.object({ countyId: z.string().check(z.minLength(1), z.maxLength(40)) });
const comparisonQuery = z.object({
  /** Shanghai calendar year; this year when absent */
  year: z.optional(z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100))),
  sort: z._default(z.enum(COMPARISON_SORTS), 'stars'),
  /** only this township of the county */
  township: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  page: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000)), 1),
  pageSize: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
});
/** The export's filter and order: the comparison's, without paging (every village of the filter). */
const exportQuery = z.omit(comparisonQuery, { page: true, pageSize: true });
const summaryQuery = z.pick(comparisonQuery, { year: true });

/** The county (from the registry) and its active townships. */
async function findCounty(c: Context<AppEnv>, countyId: string) {
  const [[county], townships] = await Promise.all([
    c.var.registry.select({ id: counties.id, name: counties.name }).from(counties).where(eq(counties.id, countyId)),
    countyTownships(c.var.registry, countyId),
  ]);
  if (!county) throw notFound('tenancy.county_not_found');
  return { county, townships };
}

/** Every row of the export's filter in the comparison's order, and what the file is called. */
async function exportRows(c: Context<AppEnv>, countyId: string, q: z.output<typeof exportQuery>, extension: 'csv' | 'xlsx') {
  const { county, townships } = await findCounty(c, countyId);
  const year = q.year ?? shanghaiYear();
  const rows = await countyComparisonAll(c.var.db, townships, { year, sort: q.sort, townshipId: q.township });
  const tiers = townshipIncomeTiers(townships);
  const township = q.township ? townships.find((t) => t.id === q.township)?.name : undefined;
  const name = exportFileName(c.var.locale, county.name, township, year, extension);
  c.header('Content-Disposition', contentDisposition(name, `county-comparison-${year}.${extension}`));
  c.header('Cache-Control', 'no-store');
  return { rows, tiers, year };
}

/** County departments compare the villages of every township of their county (read-only). */
export const countyRoutes = new Hono<AppEnv>()
  .use('/:countyId/*', resolveCounty)
  .get('/:countyId/comparison', allow('county_viewer', 'platform_admin'), input('param', countyParam), input('query', comparisonQuery), async (c) => {
    const { countyId } = c.req.valid('param');
    const q = c.req.valid('query');
    const year = q.year ?? shanghaiYear();
    const { county, townships } = await findCounty(c, countyId);
    const { total, items } = await countyComparison(c.var.db, townships, { year, sort: q.sort, townshipId: q.township, page: q.page, pageSize: q.pageSize });
    return c.json({ county, year, sort: q.sort, page: q.page, pageSize: q.pageSize, total, items });
  })
  .get('/:countyId/summary', allow('county_viewer', 'platform_admin'), input('param', countyParam), input('query', summaryQuery), async (c) => {
    const { countyId } = c.req.valid('param');
    const year = c.req.valid('query').year ?? shanghaiYear();
    const { county, townships } = await findCounty(c, countyId);
    return c.json({ county, year, ...(await countySummary(c.var.db, townships, year)) });
  })
  .get('/:countyId/comparison.csv', allow('county_viewer', 'platform_admin'), input('param', countyParam), input('query', exportQuery), async (c) => {
    const { rows, tiers } = await exportRows(c, c.req.valid('param').countyId, c.req.valid('query'), 'csv');
    return c.body(toCsv(csvTable(rows, c.var.locale, tiers)), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  })
  .get('/:countyId/comparison.xlsx', allow('county_viewer', 'platform_admin'), input('param', countyParam), input('query', exportQuery), async (c) => {
    const { rows, tiers, year } = await exportRows(c, c.req.valid('param').countyId, c.req.valid('query'), 'xlsx');
    const sheet = translate(c.var.locale, 'county.export.title', { year });
    const bytes = writeXlsx(sheet, xlsxTable(rows, c.var.locale, tiers), EXPORT_COLUMN_WIDTHS);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  })
  .get('/:countyId/rating', allow('county_viewer', 'county_organiser', 'platform_admin'), input('param', countyParam), input('query', summaryQuery), async (c) => {
    const { countyId } = c.req.valid('param');
    const { county, townships: ofCounty } = await findCounty(c, countyId);
    const year = c.req.valid('query').year ?? shanghaiYear();
    const [townships, quotas] = await Promise.all([countyRatingOverview(c.var.db, ofCounty, year), countyQuotas(c.var.registry, countyId)]);
    return c.json({ county, year, quotas, townships });
  })
  /** The county's quotas, a ceiling on each township's own at its 评定 (docs/rating-workflow.md). */
  .put('/:countyId/rating/quotas', allow('county_organiser'), input('param', countyParam), input('json', countyQuotasBody), async (c) => {
    const { countyId } = c.req.valid('param');
    await findCounty(c, countyId);
    return c.json({ quotas: await setCountyQuotas(c, countyId, c.req.valid('json').quotas) });
  })
  // 支部组织生活预警: per township, the branches that missed a required meeting in the year (each township's own frequencies)
  .get('/:countyId/org-life', allow('county_viewer', 'platform_admin'), input('param', countyParam), input('query', summaryQuery), async (c) => {
    const { countyId } = c.req.valid('param');
    const { county, townships } = await findCounty(c, countyId);
    const year = c.req.valid('query').year ?? shanghaiYear();
    return c.json({ county, year, townships: await countyOrgLifeWarnings(c.var.db, townships, year, shanghaiDate()) });
  });
