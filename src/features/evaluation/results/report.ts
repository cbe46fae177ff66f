import { and, asc, count, eq, isNotNull, ne, sql, sum } from 'drizzle-orm';
import { ballotAnswers, ballots, evaluationSessions, members, problems, unknownSubjects, villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { notFound } from '../../../platform/errors';
import { problemAsSeen } from '../../problems';
import { campaignView, getCampaign, getQuestionnaire } from '../setup/campaigns';
import { shownResult, subjectResults } from './results';
import { endedSessionIds } from '../sessions/sessions';
import { breakdownVisible, divideHalfUp, itemsFor, RATER_GROUPS, type RaterGroup, type SubjectKind } from '../rules';

/**
 * The evaluation report (评定报告) of one subject in one campaign: composite, stars, each rater group's
 * score, count and contribution; per-item averages and comments only for groups with at least k ballots
 * (anonymity in small villages); and the subject's problem list, a visit's problem without its text for a reader
 * who may not read visit records (`seesPersonalDetails` false: problemAsSeen).
 */
export async function subjectReport(scope: TenantScope, campaignId: string, subjectKind: SubjectKind, subjectId: string, k: number, smallGroup: number, seesPersonalDetails: boolean) {
  const db = scope.db;
  const campaign = await getCampaign(scope, campaignId);
  const [computed] = await subjectResults(scope, { campaignId, subjectKind, subjectId });
  if (!computed) throw notFound('evaluation.subject_not_found');
  const result = shownResult(computed, smallGroup);
  const questionnaire = await getQuestionnaire(scope, campaign.questionnaireId);
  // the subject's ballots in ended sessions, as the result counts them
  const counted = [
    eq(ballots.campaignId, campaignId),
    eq(ballots.subjectKind, subjectKind),
    eq(ballots.subjectId, subjectId),
    sql`${ballots.sessionId} IN ${endedSessionIds(scope.tenantId)}`,
  ];
  const [itemRows, commentRows, problemRows, [names], [unknown]] = await db.batch([
    db
      .select({ group: ballots.raterGroup, itemKey: ballotAnswers.itemKey, n: count(), points: sum(ballotAnswers.points).mapWith(Number), max: ballotAnswers.maxPoints })
      .from(ballotAnswers)
      .innerJoin(ballots, and(eq(ballots.id, ballotAnswers.ballotId), eq(ballots.tenantId, ballotAnswers.tenantId)))
      .where(scope.where(ballotAnswers, ...counted))
      .groupBy(ballots.raterGroup, ballotAnswers.itemKey, ballotAnswers.maxPoints),
    // ordered by text, not by time: the order must not hint at who wrote what
    db
      .select({ group: ballots.raterGroup, comment: ballots.comment })
      .from(ballots)
      .where(scope.where(ballots, ...counted, ne(ballots.comment, '')))
      .orderBy(asc(ballots.comment)),
    db
      .select()
      .from(problems)
      .where(scope.where(problems, eq(problems.subjectKind, subjectKind), eq(problems.subjectId, subjectId), eq(problems.year, campaign.year)))
      .orderBy(asc(problems.createdAt)),
    subjectKind === 'branch'
      ? db.select({ name: villages.branchName, villageName: villages.name }).from(villages).where(scope.where(villages, eq(villages.id, subjectId)))
      : db
          .select({ name: members.name, villageName: villages.name })
          .from(members)
          .innerJoin(villages, eq(villages.id, members.villageId))
          .where(scope.where(members, eq(members.id, subjectId))),
    // how many voters said 不了解 of this subject in the campaign's ended sessions: a count, never who
    db
      .select({ n: count() })
      .from(unknownSubjects)
      .where(
        scope.where(
          unknownSubjects,
          eq(unknownSubjects.subjectKind, subjectKind),
          eq(unknownSubjects.subjectId, subjectId),
          sql`${unknownSubjects.sessionId} IN ${endedSessionIds(scope.tenantId)}`,
          sql`${unknownSubjects.sessionId} IN (SELECT id FROM evaluation_sessions WHERE tenant_id = ${scope.tenantId} AND campaign_id = ${campaignId})`,
        ),
      ),
  ]);
  const groups = RATER_GROUPS.map((group: RaterGroup) => {
    const r = result.groups[group];
    const visible = breakdownVisible(r.count, k) && !r.sampleTooSmall;
    return {
      group,
      weight: r.weight,
      count: r.count,
      score: r.score,
      /** this group's share of the composite, in hundredths of a point */
      contribution: r.contribution,
      sampleTooSmall: !!r.sampleTooSmall,
      breakdownVisible: visible,
      items: visible
        ? itemsFor(questionnaire.items, group).map((item) => {
            const row = itemRows.find((i) => i.group === group && i.itemKey === item.key);
            return {
              key: item.key,
              text: item.text,
              maxPoints: row?.max ?? null,
              /** mean points of the item, in hundredths of a point */
              average: row ? divideHalfUp(row.points * 100, row.n) : null,
            };
          })
        : null,
      comments: visible ? commentRows.filter((c) => c.group === group).map((c) => c.comment) : null,
    };
  });
  return {
    campaign: campaignView(campaign),
    subject: { kind: subjectKind, id: subjectId, villageId: result.villageId, name: names?.name ?? '', villageName: names?.villageName ?? '' },
    composite: result.composite,
    complete: result.complete,
    stars: result.stars,
    ballots: result.ballots,
    /** voters who said 不了解 of this subject (not ballots: they score nothing) */
    unknownCount: unknown?.n ?? 0,
    anonymityMinBallots: k,
    smallGroupMinBallots: smallGroup,
    groups,
    problems: problemRows.map(({ tenantId: _t, ...p }) => problemAsSeen(p, seesPersonalDetails)),
    /** the published tally of each session of the campaign in the subject's village, once closed by hand: anyone can check their receipt against it */
    tallies: await scope.db
      .select({ code: evaluationSessions.code, closedAt: evaluationSessions.closedAt, count: evaluationSessions.tallyCount, root: evaluationSessions.tallyRoot })
      .from(evaluationSessions)
      .where(
        scope.where(
          evaluationSessions,
          eq(evaluationSessions.campaignId, campaignId),
          eq(evaluationSessions.villageId, result.villageId),
          isNotNull(evaluationSessions.tallyRoot),
        ),
      )
      .orderBy(asc(evaluationSessions.closedAt)),
  };
}
