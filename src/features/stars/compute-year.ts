import { and, count, eq, gte, inArray, isNull, lt, lte, or, sum } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { annualResults, campaigns, campaignSubjects, incomeEntries, members, problems, redLineRecords, villages, weakVillages } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { shanghaiDate, shanghaiYear, startOfShanghaiDay } from '../../platform/time';
import type { TenantSettings } from '../../tenancy/settings';
import { villagesWithIncompleteDecisions } from '../decisions';
import { branchSatisfaction, type Satisfaction } from '../evaluation';
import { incomeTier } from '../income';
import { townshipOrgLife } from '../orglife';
import { yearComposites } from './evaluation-source';
import { listRedLineRules } from './red-line-catalogue';
import { annualOutcome, computedRedLineTriggered, factFor, SATISFACTION_CODE, satisfactionBelow, type RedLineHit, type SatisfactionRule } from './rules';
import type { Stars } from '../../domain/thresholds';

export type ResultRow = Omit<typeof annualResults.$inferInsert, 'tenantId' | 'stage'>;

/**
 * Computes the annual results of one tenant-year: one row per branch (every village) and one per
 * evaluated member. Aggregates come from SQL in one batch; the star rules are the pure ones.
 */
export async function computeYear(db: Db, tenantId: string, year: number, settings: TenantSettings): Promise<ResultRow[]> {
  const scope = new TenantScope(db, tenantId);
  const rules = (await listRedLineRules(db, tenantId)).filter((r) => r.enabled);
  // overdue at year end (a problem rectified only after it still counts for its year); for the running year, overdue now
  const past = year < shanghaiYear();
  const overdueBefore = past ? `${year + 1}-01-01` : shanghaiDate();
  const unrectifiedAt = past ? startOfShanghaiDay(year + 1, 1, 1).toISOString() : new Date().toISOString();
  const [villageRows, memberRows, records, cadres, income, previous, weak, overdue] = await db.batch([
    db.select({ id: villages.id }).from(villages).where(scope.where(villages)),
    // only the members evaluated this year: the whole roster (thousands of rows) would cost more than the ballots' GROUP BY
    db
      .select({ id: members.id, villageId: members.villageId })
      .from(members)
      .where(
        scope.where(
          members,
          inArray(
            members.id,
            db
              .select({ id: campaignSubjects.subjectId })
              .from(campaignSubjects)
              .innerJoin(campaigns, and(eq(campaigns.tenantId, campaignSubjects.tenantId), eq(campaigns.id, campaignSubjects.campaignId)))
              .where(and(eq(campaignSubjects.tenantId, tenantId), eq(campaignSubjects.subjectKind, 'member'), eq(campaigns.year, year))),
          ),
        ),
      ),
    db
      .select({ id: redLineRecords.id, ruleId: redLineRecords.ruleId, villageId: redLineRecords.villageId, note: redLineRecords.note })
      .from(redLineRecords)
      .where(scope.where(redLineRecords, eq(redLineRecords.year, year), isNull(redLineRecords.revokedAt))),
    db
      .select({ villageId: members.villageId, n: count() })
      .from(members)
      .where(scope.where(members, eq(members.isReserveCadre, true)))
      .groupBy(members.villageId),
    db
      .select({ villageId: incomeEntries.villageId, fen: sum(incomeEntries.amountFen).mapWith(Number) })
      .from(incomeEntries)
      .where(scope.where(incomeEntries, eq(incomeEntries.year, year), isNull(incomeEntries.deletedAt)))
      .groupBy(incomeEntries.villageId),
    db
      .select({ kind: annualResults.subjectKind, subjectId: annualResults.subjectId, stage: annualResults.stage, stars: annualResults.finalStars })
      .from(annualResults)
      .where(scope.where(annualResults, and(eq(annualResults.year, year - 1), isNull(annualResults.reopeningId)))),
    // on the weak-and-lax list at some time in the year: listed by then and not turned around before it began
    db
      .select({ villageId: weakVillages.villageId, n: count() })
      .from(weakVillages)
      .where(
        scope.where(
          weakVillages,
          lte(weakVillages.yearListed, year),
          or(isNull(weakVillages.turnedAroundOn), gte(weakVillages.turnedAroundOn, `${year}-01-01`)),
        ),
      )
      .groupBy(weakVillages.villageId),
    db
      .select({ villageId: problems.villageId, n: count() })
      .from(problems)
      .where(
        scope.where(
          problems,
          // rectifiedAt is set on rectification and cleared when the township sends a rectification back
          or(isNull(problems.rectifiedAt), gte(problems.rectifiedAt, unrectifiedAt)),
          lt(problems.deadline, overdueBefore),
          gte(problems.deadline, `${year}-01-01`),
        ),
      )
      .groupBy(problems.villageId),
  ]);
  // the organisation-life records only where the township judges its branches on them (the rule is off by default)
  const judgesOrgLife = rules.some((r) => r.mode === 'computed' && r.source === 'org_life');
  const [composites, irregular, orgLife] = await Promise.all([
    yearComposites(db, tenantId, year),
    villagesWithIncompleteDecisions(scope, year),
    judgesOrgLife ? townshipOrgLife(db, tenantId, settings.orgLife, year, shanghaiDate()) : [],
  ]);
  const satisfactionRule = settings.rating.satisfaction;
  const satisfaction = satisfactionRule
    ? await branchSatisfaction(scope, new Map(composites.filter((c) => c.subjectKind === 'branch').map((c) => [c.subjectId, c.campaignId])))
    : new Map<string, Satisfaction>();

  const cadresBy = new Map(cadres.map((r) => [r.villageId, r.n]));
  const incomeBy = new Map(income.map((r) => [r.villageId, r.fen ?? 0]));
  const weakBy = new Map(weak.map((r) => [r.villageId, r.n]));
  const irregularBy = new Map(irregular.map((v) => [v.villageId, v.matters]));
  const overdueBy = new Map(overdue.map((r) => [r.villageId, r.n]));
  const orgLifeBy = new Map(orgLife.map((w) => [w.villageId, w.missed]));
  // last year's stars: the final result where the year is final, else the provisional one
  const previousBy = new Map<string, Stars | null>();
  for (const row of [...previous].sort((a, b) => (a.stage === b.stage ? 0 : a.stage === 'final' ? 1 : -1)))
    previousBy.set(`${row.kind}:${row.subjectId}`, row.stars as Stars | null);
  const compositeBy = new Map(composites.map((c) => [`${c.subjectKind}:${c.subjectId}`, c]));
  const memberVillage = new Map(memberRows.map((m) => [m.id, m.villageId]));
  const recordBy = new Map(records.map((r) => [`${r.ruleId}:${r.villageId}`, r]));
  const computedAt = new Date().toISOString();
  const base = { thresholds: settings.starThresholds, settings: settings.consequences };

  const rows: ResultRow[] = [];
  for (const village of villageRows) {
    const facts = {
      reserveCadres: cadresBy.get(village.id) ?? 0,
      incomeFen: incomeBy.get(village.id) ?? 0,
      weakListings: weakBy.get(village.id) ?? 0,
      irregularDecisions: irregularBy.get(village.id)?.length ?? 0,
      overdueProblems: overdueBy.get(village.id) ?? 0,
      missedMeetings: orgLifeBy.get(village.id)?.length ?? 0,
    };
    const hits: RedLineHit[] = [];
    for (const rule of rules) {
      if (rule.mode === 'computed' && rule.source && rule.threshold !== null) {
        if (computedRedLineTriggered(rule.source, rule.threshold, facts))
          hits.push({
            ruleId: rule.id,
            code: rule.code,
            title: rule.title,
            source: rule.source,
            actual: factFor(rule.source, facts),
            threshold: rule.threshold,
            ...(rule.source === 'irregular_decisions' ? { note: (irregularBy.get(village.id) ?? []).map((m) => m.title).join('、') } : {}),
          });
      } else if (rule.mode === 'manual') {
        const record = recordBy.get(`${rule.id}:${village.id}`);
        if (record) hits.push({ ruleId: rule.id, code: rule.code, title: rule.title, note: record.note, recordId: record.id });
      }
    }
    const satisfied = satisfaction.get(village.id);
    if (satisfactionRule && satisfied && satisfactionBelow(satisfied.satisfied, satisfied.answers, satisfactionRule as SatisfactionRule))
      hits.push({
        ruleId: SATISFACTION_CODE,
        code: SATISFACTION_CODE,
        title: SATISFACTION_CODE,
        source: SATISFACTION_CODE,
        // the share in whole per mille, for the reason's one decimal; the decision above is exact. Of fewer ballots than
        // a group shows its score from (样本不足) the share is not given: it would be those one or two villagers' answers
        ...(satisfied.ballots >= settings.smallGroupMinBallots ? { actual: Math.floor((satisfied.satisfied * 1000) / satisfied.answers) } : {}),
        threshold: satisfactionRule.thresholdPercent,
        maxStars: satisfactionRule.maxStars as Stars,
      });
    const evaluated = compositeBy.get(`branch:${village.id}`);
    const previousStars = previousBy.get(`branch:${village.id}`) ?? null;
    const outcome = annualOutcome({
      ...base,
      thresholds: evaluated?.thresholds ?? settings.starThresholds,
      kind: 'branch',
      composite: evaluated?.composite ?? null,
      complete: evaluated?.complete ?? false,
      redLines: hits.length,
      maxStars: hits.reduce<Stars | undefined>((cap, h) => (h.maxStars !== undefined && (cap === undefined || h.maxStars < cap) ? h.maxStars : cap), undefined),
      previousStars,
    });
    rows.push({
      year,
      subjectKind: 'branch',
      subjectId: village.id,
      villageId: village.id,
      composite: evaluated?.composite ?? null,
      complete: evaluated?.complete ?? false,
      rawStars: outcome.rawStars,
      redLines: JSON.stringify(hits),
      finalStars: outcome.finalStars,
      previousStars,
      consequences: JSON.stringify(outcome.consequences),
      // no income entered this year is missing (未录入), not ¥0.00; the red line still reads it as nothing earned
      incomeFen: incomeBy.has(village.id) ? facts.incomeFen : null,
      incomeTier: incomeBy.has(village.id) ? incomeTier(facts.incomeFen, settings.incomeTiersFen) : null,
      computedAt,
    });
  }
  for (const evaluated of composites) {
    if (evaluated.subjectKind !== 'member') continue;
    const villageId = memberVillage.get(evaluated.subjectId);
    if (!villageId) continue; // a member removed from the roster since
    const previousStars = previousBy.get(`member:${evaluated.subjectId}`) ?? null;
    const outcome = annualOutcome({
      ...base,
      thresholds: evaluated.thresholds,
      kind: 'member',
      composite: evaluated.composite,
      complete: evaluated.complete,
      redLines: 0,
      previousStars,
    });
    rows.push({
      year,
      subjectKind: 'member',
      subjectId: evaluated.subjectId,
      villageId,
      composite: evaluated.composite,
      complete: evaluated.complete,
      rawStars: outcome.rawStars,
      finalStars: outcome.finalStars,
      previousStars,
      computedAt,
    });
  }
  return rows;
}
