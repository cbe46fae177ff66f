import { eq } from 'drizzle-orm';
import { villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { notFound } from '../../../platform/errors';
import type { Memo } from '../../../platform/memo';
import { getCampaign, getQuestionnaire, sessionSubjects, type Campaign, type Questionnaire } from '../setup/campaigns';
import { itemsFor, RATER_GROUPS, type QuestionnaireItem, type RaterGroup } from '../rules';
import { sessionByCode, type EvaluationSession } from '../sessions/sessions';

/** What casting a ballot into a session needs to know besides the ballot itself. */
export interface BallotContext {
  session: EvaluationSession;
  campaign: Campaign;
  questionnaire: Questionnaire;
  /** `kind:id` of every subject of the campaign in the session's village: what a ballot may be about */
  subjectKeys: Set<string>;
}

/** Everything every phone of a session reads: the ballot context plus what the page shows. */
export interface VoteContext extends BallotContext {
  village: { name: string; branchName: string };
  subjects: Awaited<ReturnType<typeof sessionSubjects>>;
  /** the items each rater group answers (option index is what a ballot sends) */
  itemsByGroup: Record<RaterGroup, QuestionnaireItem[]>;
  /** pass replies already serialised, by variant (pass, settings, what the phone has voted on) */
  passReplies: Map<string, string>;
}

/**
 * How long an app instance reuses a session's context. Everything in it is fixed once the session is
 * open (a campaign's questionnaire and subjects change only while it has no session at all, checked by
 * the UPDATE itself: see campaigns-edit.ts; a session changes only by closing) except names (a renamed
 * member or campaign shows after this time), a campaign's weights and thresholds (changeable until the
 * first ballot; no ballot reads them from here) and `closedAt`: closing or editing forgets the context in
 * that instance, and the ballot's INSERT checks in SQL that the session is still open, so a stale copy
 * can never let a ballot into a closed session.
 */
export const VOTE_CONTEXT_TTL_MS = 10_000;

const memoKey = (tenantId: string, code: string) => `vote:${tenantId}:${code}`;

/** The context of the session behind a code typed or scanned by a phone (404 for an unknown code). */
export function voteContext(memo: Memo, scope: TenantScope, code: string): Promise<VoteContext> {
  return memo.get(memoKey(scope.tenantId, code), VOTE_CONTEXT_TTL_MS, async () => loadVoteContext(scope, await sessionByCode(scope, code)));
}

/** After a session changed (closed): this instance reads it again on the next request. */
export const forgetVoteContext = (memo: Memo, tenantId: string, code: string) => memo.forget(memoKey(tenantId, code));

export async function loadBallotContext(scope: TenantScope, session: EvaluationSession): Promise<BallotContext> {
  const { village: _village, subjects: _subjects, itemsByGroup: _items, passReplies: _replies, ...context } = await loadVoteContext(scope, session);
  return context;
}

async function loadVoteContext(scope: TenantScope, session: EvaluationSession): Promise<VoteContext> {
  const campaign = await getCampaign(scope, session.campaignId);
  const [questionnaire, subjects, [village]] = await Promise.all([
    getQuestionnaire(scope, campaign.questionnaireId),
    sessionSubjects(scope, campaign.id, session.villageId),
    scope.db.select({ name: villages.name, branchName: villages.branchName }).from(villages).where(scope.where(villages, eq(villages.id, session.villageId))),
  ]);
  if (!village) throw notFound('evaluation.session_not_found');
  return {
    session,
    campaign,
    questionnaire,
    subjectKeys: new Set(subjects.map((s) => `${s.kind}:${s.id}`)),
    village,
    subjects,
    itemsByGroup: Object.fromEntries(RATER_GROUPS.map((g) => [g, itemsFor(questionnaire.items, g)])) as Record<RaterGroup, QuestionnaireItem[]>,
    passReplies: new Map(),
  };
}
