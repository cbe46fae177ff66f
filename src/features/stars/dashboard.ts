import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { annualResults, villages } from '../../db/schema';
import type { Locale } from '../../platform/i18n';
import type { TenantSettings } from '../../tenancy/settings';
import { incomeSummary } from '../income';
import type { Consequence, ConsequenceKind, RedLineHit } from './rules';
import { CONSEQUENCE_KINDS } from './rules';
import { consequenceView, liveResults, redLineView, ruleTitles, yearStage } from './queries';

const STAR_LEVELS = [5, 4, 3, 2, 1] as const;

/**
 * Everything the township dashboard shows for a year, aggregated in SQL: star distributions of branches
 * and members against last year, red lines triggered, the consequence list, income tiers against the
 * target, and the villages that moved up or down.
 */
export async function townshipDashboard(db: Db, tenantId: string, year: number, settings: TenantSettings, locale: Locale) {
  const years = [year, year - 1];
  const distribution = db
    .select({
      year: annualResults.year,
      kind: annualResults.subjectKind,
      stars: annualResults.finalStars,
      n: sql<number>`count(*)`,
    })
    .from(annualResults)
    .where(liveResults(tenantId, inArray(annualResults.year, years)))
    .groupBy(annualResults.year, annualResults.subjectKind, annualResults.finalStars);
  const redLineCounts = db
    .select({
      ruleId: sql<string>`json_extract(rl.value, '$.ruleId')`,
      villages: sql<number>`count(*)`,
    })
    .from(sql`${annualResults}, json_each(${annualResults.redLines}) rl`)
    .where(liveResults(tenantId, and(eq(annualResults.year, year), eq(annualResults.subjectKind, 'branch'))))
    .groupBy(sql`json_extract(rl.value, '$.ruleId')`);
  const consequenceCounts = db
    .select({
      kind: sql<ConsequenceKind>`json_extract(cq.value, '$.kind')`,
      villages: sql<number>`count(*)`,
      amountFen: sql<number>`coalesce(sum(json_extract(cq.value, '$.amountFen')), 0)`,
    })
    .from(sql`${annualResults}, json_each(${annualResults.consequences}) cq`)
    .where(liveResults(tenantId, and(eq(annualResults.year, year), eq(annualResults.subjectKind, 'branch'))))
    .groupBy(sql`json_extract(cq.value, '$.kind')`);
  // branches with something to report: a red line, a consequence, or a move up or down
  const notable = db
    .select({
      villageId: annualResults.villageId,
      villageName: villages.name,
      composite: annualResults.composite,
      rawStars: annualResults.rawStars,
      finalStars: annualResults.finalStars,
      previousStars: annualResults.previousStars,
      redLines: annualResults.redLines,
      consequences: annualResults.consequences,
    })
    .from(annualResults)
    .innerJoin(villages, eq(villages.id, annualResults.villageId))
    .where(
      liveResults(
        tenantId,
        and(
          eq(annualResults.year, year),
          eq(annualResults.subjectKind, 'branch'),
          sql`(${annualResults.redLines} <> '[]' or ${annualResults.consequences} <> '[]'
            or ${annualResults.finalStars} <> ${annualResults.previousStars})`,
        ),
      ),
    )
    .orderBy(asc(villages.name));
  const [dist, redLines, consequences, notableRows] = await db.batch([distribution, redLineCounts, consequenceCounts, notable]);
  const [stage, lastStage, income, titles] = await Promise.all([
    yearStage(db, tenantId, year),
    yearStage(db, tenantId, year - 1),
    incomeSummary(db, tenantId, year, settings.incomeTiersFen),
    ruleTitles(db, tenantId, redLines.map((r) => r.ruleId), locale),
  ]);

  const starsOf = (kind: 'branch' | 'member') => ({
    levels: STAR_LEVELS.map((stars) => ({
      stars,
      thisYear: Number(dist.find((d) => d.kind === kind && d.year === year && d.stars === stars)?.n ?? 0),
      lastYear: Number(dist.find((d) => d.kind === kind && d.year === year - 1 && d.stars === stars)?.n ?? 0),
    })),
    unratedThisYear: Number(dist.find((d) => d.kind === kind && d.year === year && d.stars === null)?.n ?? 0),
    unratedLastYear: Number(dist.find((d) => d.kind === kind && d.year === year - 1 && d.stars === null)?.n ?? 0),
  });

  const branches = notableRows.map((row) => ({
    villageId: row.villageId,
    villageName: row.villageName,
    composite: row.composite,
    rawStars: row.rawStars,
    finalStars: row.finalStars,
    previousStars: row.previousStars,
    redLines: (JSON.parse(row.redLines) as RedLineHit[]).map((h) => redLineView(h, locale)),
    consequences: (JSON.parse(row.consequences) as Consequence[]).map((c) => consequenceView(c, locale)),
  }));
  const moved = (up: boolean) =>
    branches
      .flatMap(({ villageId, villageName, previousStars: from, finalStars: to }) =>
        from !== null && to !== null && (up ? to > from : to < from) ? [{ villageId, villageName, from, to }] : [],
      );

  return {
    year,
    stage: stage.stage,
    computedAt: 'computedAt' in stage ? stage.computedAt : null,
    lastYearStage: lastStage.stage,
    thresholds: settings.starThresholds,
    branchStars: starsOf('branch'),
    memberStars: starsOf('member'),
    redLines: {
      byRule: redLines
        .map((r) => ({ ruleId: r.ruleId, title: titles.get(r.ruleId) ?? '', villages: Number(r.villages) }))
        .sort((a, b) => b.villages - a.villages),
      branches: branches.filter((b) => b.redLines.length).map(({ villageId, villageName, rawStars, finalStars, redLines }) => ({ villageId, villageName, rawStars, finalStars, redLines })),
    },
    consequences: {
      byKind: CONSEQUENCE_KINDS.map((kind) => {
        const row = consequences.find((c) => c.kind === kind);
        return { kind, label: consequenceView({ kind, amountFen: kind === 'secretary_pay' ? settings.consequences.secretaryPayFen : undefined }, locale).label, villages: Number(row?.villages ?? 0), amountFen: Number(row?.amountFen ?? 0) };
      }),
      branches: branches
        .filter((b) => b.consequences.length)
        .map(({ villageId, villageName, finalStars, previousStars, consequences }) => ({ villageId, villageName, finalStars, previousStars, consequences })),
    },
    income: {
      tiersFen: income.tiersFen,
      totalFen: income.totalFen,
      tierCounts: income.tierCounts,
      target: income.target,
      progress: income.progress,
      categoryTotals: income.categoryTotals,
    },
    movement: { up: moved(true), down: moved(false) },
  };
}
