import { asc, desc, eq, isNull } from 'drizzle-orm';
import { audit, audited } from '../../audit/record';
import { isUniqueViolation } from '../../db/errors';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { redLineRecords, redLineRules, villages } from '../../db/schema';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { translate } from '../../platform/i18n';
import { newId } from '../../platform/ids';
import { shanghaiYear } from '../../platform/time';
import { idField, idParam, input, yearField, yearText } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { assertVillageVisible, listedVillage } from '../rosters';
import { townshipDashboard } from './dashboard';
import { displayTitle, listRedLineRules } from './red-line-catalogue';
import { dataYears, listResults, listResultYears, yearStage } from './queries';
import { COMPUTED_SOURCES, thresholdFits } from './rules';
import { assertYearOpen } from './year-lock';
import { reopenYear } from './year-verbs';
import { ratingReopening } from '../rating';


const ruleInput = z.object({
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
    description: z._default(z.string().check(z.trim(), z.maxLength(500)), ''),
    mode: z.enum(['computed', 'manual']),
    source: z._default(z.nullable(z.enum(COMPUTED_SOURCES)), null),
    /** reserve cadres: minimum count; income floor: minimum fen */
    threshold: z._default(z.nullable(z.int().check(z.gte(0), z.lte(100_000_000_000))), null),
    enabled: z._default(z.boolean(), true),
    sortOrder: z.optional(z.int().check(z.gte(0), z.lte(10_000))),
  }).check(z.refine((r) => r.mode === 'manual' || (r.source !== null && r.threshold !== null), {
    message: 'validation.computed_rule_needs_source',
    path: ['source'],
  }), z.refine((r) => r.mode === 'manual' || r.source === null || r.threshold === null || thresholdFits(r.source, r.threshold), {
    message: 'validation.red_line_threshold',
    path: ['threshold'],
  }));

const recordInput = z.object({
  ruleId: idField,
  villageId: idField,
  year: yearField,
  note: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  evidence: z._default(z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))).check(z.maxLength(20)), []),
});

const recordsQuery = z.object({
  year: z.optional(yearText),
  villageId: z.optional(idField),
  includeRevoked: z._default(z.enum(['true', 'false']), 'false'),
});

const resultsQuery = z.object({
  year: z.optional(yearText),
  kind: z._default(z.enum(['branch', 'member']), 'branch'),
  villageId: z.optional(idField),
});

const yearParam = z.object({ year: yearText });

function ruleView(c: Context<AppEnv>, rule: typeof redLineRules.$inferSelect) {
  return { ...rule, title: displayTitle(rule, (key) => translate(c.var.locale, key)) };
}

function recordView(record: typeof redLineRecords.$inferSelect) {
  return { ...record, evidence: JSON.parse(record.evidence) as string[] };
}

/** Red lines (底线管理), annual results and consequences (结果运用), and the township dashboard. */
export const starsRoutes = new Hono<AppEnv>()
  .get('/red-line-rules', allow(...TOWNSHIP_READERS), async (c) => {
    const rules = await listRedLineRules(c.var.db, c.var.tenant!.id);
    return c.json(rules.map((r) => ruleView(c, r)));
  })
  .get('/red-line-rules/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const rule = await c.var.scope!.find(redLineRules, c.req.valid('param').id);
    if (!rule) throw notFound('stars.rule_not_found');
    return c.json(ruleView(c, rule));
  })
  .post('/red-line-rules', allow('township_admin'), input('json', ruleInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const rules = await listRedLineRules(scope.db, scope.tenantId);
    const id = newId();
    const sortOrder = body.sortOrder ?? Math.max(0, ...rules.map((r) => r.sortOrder)) + 10;
    const row = { ...body, id, code: `custom-${id}`, sortOrder, source: body.mode === 'manual' ? null : body.source };
    const [created] = await audited(c, scope.insert(redLineRules, [row]).returning(), { action: 'red_line_rule.create', entity: 'red_line_rule', entityId: id, after: row });
    return c.json(ruleView(c, created), 201);
  })
  .put('/red-line-rules/:id', allow('township_admin'), input('param', idParam), input('json', ruleInput), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const rule = await scope.find(redLineRules, id);
    if (!rule) throw notFound('stars.rule_not_found');
    const patch = { ...body, sortOrder: body.sortOrder ?? rule.sortOrder, source: body.mode === 'manual' ? null : body.source };
    const [updated] = await audited(c, scope.update(redLineRules, id, patch).returning(), { action: 'red_line_rule.update', entity: 'red_line_rule', entityId: id, before: rule, after: patch });
    return c.json(ruleView(c, updated));
  })
  .get('/red-line-records', allow(...TOWNSHIP_READERS), input('query', recordsQuery), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const rows = await scope.db
      .select({ record: redLineRecords, villageName: villages.name, rule: redLineRules })
      .from(redLineRecords)
      .innerJoin(villages, eq(villages.id, redLineRecords.villageId))
      .innerJoin(redLineRules, eq(redLineRules.id, redLineRecords.ruleId))
      .where(
        scope.where(
          redLineRecords,
          query.year ? eq(redLineRecords.year, query.year) : undefined,
          villageId ? eq(redLineRecords.villageId, villageId) : undefined,
          query.includeRevoked === 'true' ? undefined : isNull(redLineRecords.revokedAt),
        ),
      )
      .orderBy(desc(redLineRecords.year), asc(villages.name), asc(redLineRules.sortOrder));
    return c.json({
      items: rows.map(({ record, villageName, rule }) => ({ ...recordView(record), villageName, ruleTitle: ruleView(c, rule).title })),
    });
  })
  .get('/red-line-records/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const record = await c.var.scope!.find(redLineRecords, c.req.valid('param').id);
    if (!record) throw notFound('stars.record_not_found');
    assertVillageVisible(c.var.actor, record.villageId);
    return c.json(recordView(record));
  })
  .post('/red-line-records', allow('township_admin'), input('json', recordInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const [rule, village] = await Promise.all([scope.find(redLineRules, body.ruleId), scope.find(villages, body.villageId)]);
    if (!rule) throw notFound('stars.rule_not_found');
    if (!village) throw notFound('rosters.village_not_found');
    if (rule.mode !== 'manual') throw badRequest('stars.rule_not_manual');
    if (!rule.enabled) throw badRequest('stars.rule_disabled');
    if (body.year > shanghaiYear()) throw badRequest('stars.year_in_future', { year: body.year });
    await assertYearOpen(scope.db, scope.tenantId, body.year);
    const row = { ...body, id: newId(), evidence: JSON.stringify(body.evidence), recordedBy: actorId(c.var.actor) };
    try {
      const [created] = await audited(c, scope.insert(redLineRecords, [row]).returning(), { action: 'red_line_record.create', entity: 'red_line_record', entityId: row.id, after: row });
      return c.json(recordView(created), 201);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('stars.record_exists', { year: body.year });
      throw error;
    }
  })
  .post(
    '/red-line-records/:id/revoke',
    allow('township_admin'),
    input('param', idParam),
    input('json', z.object({ note: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)) })),
    async (c) => {
      const { id } = c.req.valid('param');
      const scope = c.var.scope!;
      const record = await scope.find(redLineRecords, id);
      if (!record) throw notFound('stars.record_not_found');
      if (record.revokedAt) throw conflict('stars.record_revoked');
      await assertYearOpen(scope.db, scope.tenantId, record.year);
      const patch = { revokedAt: new Date().toISOString(), revokedBy: actorId(c.var.actor), revokeNote: c.req.valid('json').note };
      // revoked once: a second revoke at the same moment changes nothing and records nothing
      const still = scope.where(redLineRecords, eq(redLineRecords.id, id), isNull(redLineRecords.revokedAt));
      const [updated] = await audited(c, scope.db.update(redLineRecords).set(patch).where(still).returning(), {
        action: 'red_line_record.revoke',
        entity: 'red_line_record',
        entityId: id,
        before: record,
        after: patch,
        onlyIfChanged: true,
      });
      if (!updated) throw conflict('stars.record_revoked');
      return c.json(recordView(updated));
    },
  )
  .get('/results', allow(...TOWNSHIP_READERS), input('query', resultsQuery), async (c) => {
    const query = c.req.valid('query');
    const villageId = listedVillage(c.var.actor, query.villageId);
    const y = query.year ?? shanghaiYear();
    const tenantId = c.var.tenant!.id;
    const [stage, items] = await Promise.all([
      yearStage(c.var.db, tenantId, y),
      listResults(c.var.db, tenantId, { year: y, kind: query.kind, villageId, locale: c.var.locale }),
    ]);
    return c.json({ year: y, ...stage, items });
  })
  .get('/data-years', allow(...TOWNSHIP_READERS), async (c) => c.json({ years: await dataYears(c.var.db, c.var.tenant!.id, shanghaiYear()) }))
  .get('/result-years', allow(...TOWNSHIP_READERS), async (c) => c.json(await listResultYears(c.var.db, c.var.tenant!.id)))
  .post(
    '/result-years/:year/reopen',
    allow('township_admin'),
    input('param', yearParam),
    input('json', z.object({ reason: z.string().check(z.trim(), z.minLength(4), z.maxLength(500)) })),
    async (c) => {
      const { year: y } = c.req.valid('param');
      const tenantId = c.var.tenant!.id;
      const { reason } = c.req.valid('json');
      const reopened = await reopenYear(c.var.db, tenantId, y, actorId(c.var.actor), reason, ({ id, resultsRetired }) =>
        audit(c, { action: 'stars.reopen_year', entity: 'year_reopening', entityId: id, summary: { year: y, reason, resultsRetired } }),
        (id) => ratingReopening(c, tenantId, y, { id, reason }),
      );
      return c.json(reopened, 201);
    },
  )
  .get('/consequences', allow(...TOWNSHIP_READERS), input('query', z.pick(resultsQuery, { year: true, villageId: true })), async (c) => {
    const query = c.req.valid('query');
    const villageId = listedVillage(c.var.actor, query.villageId);
    const y = query.year ?? shanghaiYear();
    const tenantId = c.var.tenant!.id;
    const [stage, rows] = await Promise.all([
      yearStage(c.var.db, tenantId, y),
      listResults(c.var.db, tenantId, { year: y, kind: 'branch', villageId, locale: c.var.locale }),
    ]);
    const items = rows
      .filter((r) => r.consequences.length)
      .map(({ villageId, villageName, finalStars, previousStars, consequences }) => ({ villageId, villageName, finalStars, previousStars, consequences }));
    return c.json({ year: y, ...stage, items });
  })
  .get('/dashboard', allow('township_admin', 'county_viewer'), input('query', z.object({ year: z.optional(yearText) })), async (c) => {
    const y = c.req.valid('query').year ?? shanghaiYear();
    const tenant = c.var.tenant!;
    return c.json(await townshipDashboard(c.var.db, tenant.id, y, parseSettings(tenant.settings), c.var.locale));
  });
