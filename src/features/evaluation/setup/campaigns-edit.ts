/**
 * Changing and deleting a campaign without breaking its results. What may change depends on what the
 * campaign already holds, and each rule is checked by the write itself (UPDATE/DELETE … WHERE NOT EXISTS),
 * not only by a read before it, so a ballot or session arriving in between cannot slip past:
 * - the name: always (also in a finalised year, also with ballots);
 * - weights and star thresholds: only while no ballot exists (they decide what the ballots add up to);
 * - subject kind, subject villages and questionnaire: only while no session exists (an open session's
 *   phones hold the questionnaire and the subject list: see vote-context.ts);
 * - anything but the name, and deleting: never while the campaign's year is finalised in stars;
 * - deleting: only while no session and no ballot exists; its bookings and subjects go in the same batch.
 */
import { and, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import type { z } from 'zod';
import { ballots, campaigns, campaignSubjects, evaluationBookings, evaluationSessions, finalisedYears, villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { AppError, conflict, notFound } from '../../../platform/errors';
import type { Memo } from '../../../platform/memo';
import { assertVillagesInTenant, campaignView, defaultQuestionnaireId, getCampaign, getQuestionnaire, insertSubjects, type Campaign } from './campaigns';
import { thresholdsDescend } from '../../../domain/thresholds';
import { weightsSumTo100 } from '../rules';
import type { campaignPatch } from '../schemas';
import { forgetVoteContext } from '../voting/vote-context';

/** What a campaign already holds: what the edit form locks and whether it may be deleted. */
export interface CampaignUsage {
  bookings: number;
  sessions: number;
  ballots: boolean;
  /** its year's results are final in stars */
  yearFinal: boolean;
}

/** The conditions, as SQL on the campaign's id, under which a change of each kind may be written. */
function guards(scope: TenantScope, campaignId: string, year: number) {
  const t = scope.tenantId;
  const noBallots = sql`NOT EXISTS (SELECT 1 FROM ${ballots} WHERE ${ballots.tenantId} = ${t} AND ${ballots.campaignId} = ${campaignId})`;
  const noSessions = sql`NOT EXISTS (SELECT 1 FROM ${evaluationSessions} WHERE ${evaluationSessions.tenantId} = ${t} AND ${evaluationSessions.campaignId} = ${campaignId})`;
  const yearOpen = sql`NOT EXISTS (SELECT 1 FROM ${finalisedYears} WHERE ${finalisedYears.tenantId} = ${t} AND ${finalisedYears.year} = ${year} AND ${finalisedYears.reopeningId} IS NULL)`;
  // the campaign may have been deleted since it was read: then new subjects would break the foreign key (a 500)
  const stillThere = sql`EXISTS (SELECT 1 FROM ${campaigns} WHERE ${campaigns.tenantId} = ${t} AND ${campaigns.id} = ${campaignId})`;
  return { noBallots, noSessions, yearOpen, stillThere };
}

async function campaignUsage(scope: TenantScope, campaign: Campaign): Promise<CampaignUsage> {
  const db = scope.db;
  const [[bookings], [sessions], [ballot], [final]] = await db.batch([
    db.select({ n: count() }).from(evaluationBookings).where(scope.where(evaluationBookings, eq(evaluationBookings.campaignId, campaign.id), isNull(evaluationBookings.cancelledAt))),
    db.select({ n: count() }).from(evaluationSessions).where(scope.where(evaluationSessions, eq(evaluationSessions.campaignId, campaign.id))),
    db.select({ id: ballots.id }).from(ballots).where(scope.where(ballots, eq(ballots.campaignId, campaign.id))).limit(1),
    db
      .select({ id: finalisedYears.id })
      .from(finalisedYears)
      .where(scope.where(finalisedYears, eq(finalisedYears.year, campaign.year), isNull(finalisedYears.reopeningId)))
      .limit(1),
  ]);
  return { bookings: bookings.n, sessions: sessions.n, ballots: !!ballot, yearFinal: !!final };
}

/** The villages a campaign's subjects belong to (what the edit form starts from). */
async function subjectVillageIds(scope: TenantScope, campaignId: string): Promise<string[]> {
  const rows = await scope.db
    .selectDistinct({ id: campaignSubjects.villageId })
    .from(campaignSubjects)
    .where(scope.where(campaignSubjects, eq(campaignSubjects.campaignId, campaignId)))
    .orderBy(campaignSubjects.villageId);
  return rows.map((r) => r.id);
}

/** One campaign as its page and edit form read it: the view, its subject villages and its usage. */
export async function campaignDetail(scope: TenantScope, id: string) {
  const campaign = await getCampaign(scope, id);
  const [villageIds, usage] = await Promise.all([subjectVillageIds(scope, id), campaignUsage(scope, campaign)]);
  return { ...campaignView(campaign), villageIds, usage };
}

/** Why a guarded write changed nothing: the first rule the campaign now breaks. */
async function refusal(scope: TenantScope, id: string, structural: boolean, action: 'edit' | 'delete'): Promise<AppError> {
  const campaign = await scope.find(campaigns, id);
  if (!campaign) return notFound('evaluation.campaign_not_found');
  const usage = await campaignUsage(scope, campaign);
  if (action === 'delete' && (usage.ballots || usage.sessions > 0)) return conflict('evaluation.campaign_in_use');
  if (usage.ballots) return conflict('evaluation.campaign_has_ballots');
  if (usage.yearFinal) return conflict('stars.year_finalised', { year: campaign.year });
  if (structural && usage.sessions > 0) return conflict('evaluation.campaign_has_sessions');
  return conflict('error.conflict');
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
};

/** After a campaign changed or went: this instance's phones read its sessions again (others within the context's TTL). */
async function forgetSessions(scope: TenantScope, memo: Memo, campaignId: string) {
  const rows = await scope.db
    .select({ code: evaluationSessions.code })
    .from(evaluationSessions)
    .where(scope.where(evaluationSessions, eq(evaluationSessions.campaignId, campaignId)));
  for (const row of rows) forgetVoteContext(memo, scope.tenantId, row.code);
}

/**
 * Changes a campaign: only what differs from the stored campaign counts as a change, so a form sent
 * back whole with its locked fields untouched changes just the name. Everything goes in one batch: the
 * campaign's UPDATE and, when the subjects change, their DELETE and INSERT … SELECT, all under the same
 * guard; when the guard fails, nothing is written and the reason answers 409.
 */
export async function editCampaign(scope: TenantScope, memo: Memo, id: string, body: z.output<typeof campaignPatch>, record: Recorder) {
  const db = scope.db;
  const current = await getCampaign(scope, id);
  const patch: Partial<typeof campaigns.$inferInsert> = {};
  if (body.name !== undefined && body.name !== current.name) patch.name = body.name;

  // weights and thresholds: the schema checked them with the rules; checked again here as the last word
  let settingsChanged = false;
  if (body.weights) {
    if (!weightsSumTo100(body.weights)) throw new AppError(400, 'validation.weights_sum');
    const w = body.weights;
    if (w.self !== current.weightSelf || w.peer !== current.weightPeer || w.villager !== current.weightVillager || w.leader !== current.weightLeader) {
      Object.assign(patch, { weightSelf: w.self, weightPeer: w.peer, weightVillager: w.villager, weightLeader: w.leader });
      settingsChanged = true;
    }
  }
  if (body.starThresholds) {
    if (!thresholdsDescend(body.starThresholds)) throw new AppError(400, 'validation.thresholds_descend');
    const [star5, star4, star3, star2] = body.starThresholds;
    if (star5 !== current.star5 || star4 !== current.star4 || star3 !== current.star3 || star2 !== current.star2) {
      Object.assign(patch, { star5, star4, star3, star2 });
      settingsChanged = true;
    }
  }

  // subject kind, subject villages and questionnaire
  const kind = body.subjectKind ?? current.subjectKind;
  const kindChanged = kind !== current.subjectKind;
  if (body.villageIds) await assertVillagesInTenant(scope, body.villageIds);
  if (kind === 'member' && kindChanged && !body.villageIds) throw new AppError(400, 'evaluation.villages_required');
  if (kind === 'member' && body.villageIds === null) throw new AppError(400, 'evaluation.villages_required');
  let questionnaireId = body.questionnaireId ?? current.questionnaireId;
  const questionnaire = await getQuestionnaire(scope, questionnaireId);
  if (questionnaire.subjectKind !== kind) {
    if (body.questionnaireId) throw new AppError(400, 'evaluation.questionnaire_wrong_kind');
    questionnaireId = await defaultQuestionnaireId(scope, kind);
  }
  let subjectsChange: { villageIds: readonly string[] | null } | undefined;
  if (kindChanged || body.villageIds !== undefined) {
    const target =
      body.villageIds ??
      (await db.select({ id: villages.id }).from(villages).where(scope.where(villages))).map((v) => v.id);
    if (kindChanged || !sameSet(target, await subjectVillageIds(scope, id))) subjectsChange = { villageIds: body.villageIds ?? null };
  }
  if (kindChanged) patch.subjectKind = kind;
  if (questionnaireId !== current.questionnaireId) patch.questionnaireId = questionnaireId;
  const structural = kindChanged || !!subjectsChange || questionnaireId !== current.questionnaireId;

  if (Object.keys(patch).length || subjectsChange) {
    const g = guards(scope, id, current.year);
    const conditions: SQL[] = [];
    if (settingsChanged || structural) conditions.push(g.noBallots, g.yearOpen);
    if (structural) conditions.push(g.noSessions);
    if (subjectsChange) conditions.push(g.stillThere);
    const guard = conditions.length ? (and(...conditions) as SQL) : undefined;
    const update = db
      .update(campaigns)
      .set(Object.keys(patch).length ? patch : { name: current.name })
      .where(scope.where(campaigns, eq(campaigns.id, id), guard))
      .returning({ id: campaigns.id });
    // right after the guarded update: recorded only if the guard let it through
    const audited = record({ action: 'campaign.update', entity: 'campaign', entityId: id, before: current, after: { ...patch, ...(subjectsChange ?? {}) }, onlyIfChanged: true });
    const writes = subjectsChange
      ? [
          update,
          audited,
          db.delete(campaignSubjects).where(scope.where(campaignSubjects, eq(campaignSubjects.campaignId, id), guard)),
          insertSubjects(scope, id, kind, subjectsChange.villageIds, guard),
        ]
      : [update, audited];
    const [updated] = await db.batch(writes as [typeof update, ...(typeof writes)[number][]]);
    if (!updated.length) throw await refusal(scope, id, structural, 'edit');
    await forgetSessions(scope, memo, id);
  }
  return campaignDetail(scope, id);
}

/**
 * Deletes a campaign that no session or ballot uses, with its bookings (cancelled or not) and its subjects,
 * in one batch whose every statement carries the same guard: results, stars and reports are computed
 * from ballots and sessions, so none of them can be left pointing at it.
 */
export async function deleteCampaign(scope: TenantScope, id: string, record: Recorder): Promise<void> {
  const db = scope.db;
  const current = await getCampaign(scope, id);
  const g = guards(scope, id, current.year);
  const guard = and(g.noSessions, g.noBallots, g.yearOpen) as SQL;
  const [, , deleted] = await db.batch([
    db.delete(evaluationBookings).where(scope.where(evaluationBookings, eq(evaluationBookings.campaignId, id), guard)),
    db.delete(campaignSubjects).where(scope.where(campaignSubjects, eq(campaignSubjects.campaignId, id), guard)),
    db.delete(campaigns).where(scope.where(campaigns, eq(campaigns.id, id), guard)).returning({ id: campaigns.id }),
    record({ action: 'campaign.delete', entity: 'campaign', entityId: id, before: current, onlyIfChanged: true }),
  ]);
  if (!deleted.length) throw await refusal(scope, id, true, 'delete');
}
