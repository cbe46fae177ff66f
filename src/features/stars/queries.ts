import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { annualResults, finalisedYears, members, redLineRules, villages, yearReopenings } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { translate, type Locale, type MessageKey } from '../../platform/i18n';
import { yuan } from '../income';
import { displayTitle } from './red-line-catalogue';
import type { Consequence, RedLineHit } from './rules';

/**
 * Which annual result is live, the one every reader shows (the stars pages, the public village page, the
 * county comparison): the final row where the township's year is final, else the provisional one; a row
 * retired by a re-opening never is. A condition on the unaliased annual_results table.
 */
export function liveAnnualResult(): SQL {
  return and(
    isNull(annualResults.reopeningId),
    sql`${annualResults.stage} = case when exists (select 1 from ${finalisedYears} f where f.tenant_id = ${annualResults.tenantId}
      and f.year = ${annualResults.year} and f.reopening_id is null) then 'final' else 'provisional' end`,
  ) as SQL;
}

/** The live results of a township (see liveAnnualResult), narrowed by `extra`. */
export function liveResults(tenantId: string, extra?: SQL): SQL {
  return and(eq(annualResults.tenantId, tenantId), liveAnnualResult(), extra) as SQL;
}

export async function yearStage(db: Db, tenantId: string, year: number) {
  const scope = new TenantScope(db, tenantId);
  const [final] = await db
    .select()
    .from(finalisedYears)
    .where(scope.where(finalisedYears, eq(finalisedYears.year, year), isNull(finalisedYears.reopeningId)));
  if (final) return { stage: 'final' as const, finalisedAt: final.finalisedAt };
  const [any] = await db
    .select({ computedAt: annualResults.computedAt })
    .from(annualResults)
    .where(liveResults(tenantId, eq(annualResults.year, year)))
    .limit(1);
  return { stage: any ? ('provisional' as const) : ('none' as const), computedAt: any?.computedAt ?? null };
}

/** Text of one red line's reason in the caller's language. */
export function redLineView(hit: RedLineHit, locale: Locale) {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  let reason = hit.note ?? '';
  if (hit.source === 'income_floor') reason = t('stars.reason.income_floor', { actual: yuan(hit.actual ?? 0), threshold: yuan(hit.threshold ?? 0) });
  if (hit.source === 'reserve_cadres') reason = t('stars.reason.reserve_cadres', { actual: hit.actual ?? 0, threshold: hit.threshold ?? 0 });
  if (hit.source === 'weak_list') reason = t('stars.reason.weak_list', { actual: hit.actual ?? 0 });
  if (hit.source === 'overdue_problems') reason = t('stars.reason.overdue_problems', { actual: hit.actual ?? 0 });
  if (hit.source === 'org_life') reason = t('stars.reason.org_life', { actual: hit.actual ?? 0 });
  if (hit.source === 'satisfaction')
    reason =
      hit.actual === undefined
        ? t('stars.reason.satisfaction_small_group', { threshold: hit.threshold ?? 0, stars: hit.maxStars ?? 0 })
        : t('stars.reason.satisfaction', { actual: (hit.actual / 10).toFixed(1), threshold: hit.threshold ?? 0, stars: hit.maxStars ?? 0 });
  if (hit.source === 'irregular_decisions') reason = t('stars.reason.irregular_decisions', { actual: hit.actual ?? 0, matters: hit.note ?? '' });
  const title = hit.code === 'satisfaction' ? t('stars.rule.satisfaction') : displayTitle(hit, (key) => t(key));
  return { ...hit, title, reason };
}

export function consequenceView(consequence: Consequence, locale: Locale) {
  const amount = consequence.amountFen !== undefined ? yuan(consequence.amountFen) : '';
  return { ...consequence, label: translate(locale, `stars.consequence.${consequence.kind}` as MessageKey, { amount }) };
}

/** The annual results of a year, branches or members, with names, red-line reasons and consequence labels. */
export async function listResults(
  db: Db,
  tenantId: string,
  options: { year: number; kind: 'branch' | 'member'; villageId?: string; locale: Locale },
) {
  const where = liveResults(
    tenantId,
    and(
      eq(annualResults.year, options.year),
      eq(annualResults.subjectKind, options.kind),
      options.villageId ? eq(annualResults.villageId, options.villageId) : undefined,
    ),
  );
  const rows = await db
    .select({ result: annualResults, villageName: villages.name, memberName: members.name })
    .from(annualResults)
    .innerJoin(villages, eq(villages.id, annualResults.villageId))
    .leftJoin(members, and(eq(annualResults.subjectKind, 'member'), eq(members.id, annualResults.subjectId)))
    .where(where)
    .orderBy(sql`${annualResults.finalStars} is null`, desc(annualResults.finalStars), desc(annualResults.composite), asc(villages.name));
  return rows.map(({ result, villageName, memberName }) => ({
    id: result.id,
    year: result.year,
    stage: result.stage,
    subjectKind: result.subjectKind,
    subjectId: result.subjectId,
    villageId: result.villageId,
    villageName,
    name: result.subjectKind === 'member' ? memberName : villageName,
    composite: result.composite,
    complete: result.complete,
    rawStars: result.rawStars,
    finalStars: result.finalStars,
    previousStars: result.previousStars,
    redLines: (JSON.parse(result.redLines) as RedLineHit[]).map((h) => redLineView(h, options.locale)),
    consequences: (JSON.parse(result.consequences) as Consequence[]).map((x) => consequenceView(x, options.locale)),
    incomeFen: result.incomeFen,
    incomeTier: result.incomeTier,
    computedAt: result.computedAt,
  }));
}

/** Years with results, each with its stage, finalisation and re-openings. */
export async function listResultYears(db: Db, tenantId: string) {
  const scope = new TenantScope(db, tenantId);
  const [years, finals, reopenings] = await db.batch([
    db
      .selectDistinct({ year: annualResults.year })
      .from(annualResults)
      .where(scope.where(annualResults))
      .orderBy(desc(annualResults.year)),
    db.select().from(finalisedYears).where(scope.where(finalisedYears)),
    db.select().from(yearReopenings).where(scope.where(yearReopenings)).orderBy(asc(yearReopenings.reopenedAt)),
  ]);
  return years.map(({ year }) => {
    const live = finals.find((f) => f.year === year && !f.reopeningId);
    return {
      id: String(year),
      year,
      stage: live ? 'final' : 'provisional',
      finalisedAt: live?.finalisedAt ?? null,
      finalisedBy: live?.finalisedBy ?? null,
      reopenings: reopenings.filter((r) => r.year === year),
    };
  });
}

/**
 * The years a year picker offers: those holding any of the township's data (results, income entries,
 * campaigns, red-line records, problems), and this year, newest first.
 */
export async function dataYears(db: Db, tenantId: string, thisYear: number): Promise<number[]> {
  const rows = await db.all<{ year: number }>(sql`
    SELECT year FROM annual_results WHERE tenant_id = ${tenantId}
    UNION SELECT year FROM income_entries WHERE tenant_id = ${tenantId}
    UNION SELECT year FROM evaluation_campaigns WHERE tenant_id = ${tenantId}
    UNION SELECT year FROM red_line_records WHERE tenant_id = ${tenantId}
    UNION SELECT year FROM problems WHERE tenant_id = ${tenantId}`);
  return [...new Set([thisYear, ...rows.map((r) => Number(r.year))])].sort((a, b) => b - a);
}

/** Rule titles for a tenant's red-line ids, for grouping by rule. */
export async function ruleTitles(db: Db, tenantId: string, ids: string[], locale: Locale) {
  if (!ids.length) return new Map<string, string>();
  const scope = new TenantScope(db, tenantId);
  const rows = await db
    .select({ id: redLineRules.id, code: redLineRules.code, title: redLineRules.title })
    .from(redLineRules)
    .where(scope.where(redLineRules, inArray(redLineRules.id, ids)));
  return new Map(rows.map((r) => [r.id, displayTitle(r, (key) => translate(locale, key))]));
}
