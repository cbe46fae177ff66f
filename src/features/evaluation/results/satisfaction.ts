import { inArray, sql } from 'drizzle-orm';
import { campaigns, questionnaires } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import type { QuestionnaireItem } from '../rules';
import { endedSessionIds } from '../sessions/sessions';

/** Villagers' answers about one branch in one campaign: how many, and how many chose an option its questionnaire marks satisfied. */
export interface Satisfaction {
  satisfied: number;
  answers: number;
  /** the villagers' ballots these answers are of (every ballot answers each of its group's items once) */
  ballots: number;
}

/**
 * 满意率 per branch: the villagers' (群评) item answers of ended sessions in the given campaign of each
 * branch, counted in SQL by item and points; an answer is satisfied when its item's option of those points
 * is marked `satisfied` in the campaign's questionnaire. A questionnaire with no option so marked defines no
 * satisfaction (its branches are absent from the answer).
 */
export async function branchSatisfaction(scope: TenantScope, campaignOf: Map<string, string>): Promise<Map<string, Satisfaction>> {
  const out = new Map<string, Satisfaction>();
  const campaignIds = [...new Set(campaignOf.values())];
  if (!campaignIds.length) return out;
  const t = scope.tenantId;
  const [forms, counts] = await Promise.all([
    scope.db
      .select({ campaignId: campaigns.id, items: questionnaires.items })
      .from(campaigns)
      .innerJoin(questionnaires, sql`${questionnaires.tenantId} = ${campaigns.tenantId} AND ${questionnaires.id} = ${campaigns.questionnaireId}`)
      .where(scope.where(campaigns, inArray(campaigns.id, campaignIds))),
    scope.db.all<{ campaign_id: string; subject_id: string; item_key: string; points: number; n: number }>(sql`
      SELECT b.campaign_id, b.subject_id, a.item_key, a.points, count(*) AS n
      FROM evaluation_ballot_answers a
      JOIN evaluation_ballots b ON b.tenant_id = a.tenant_id AND b.id = a.ballot_id
      WHERE a.tenant_id = ${t} AND b.subject_kind = 'branch' AND b.rater_group = 'villager'
        AND b.campaign_id IN (SELECT value FROM json_each(${JSON.stringify(campaignIds)}))
        AND b.session_id IN ${endedSessionIds(t)}
      GROUP BY b.campaign_id, b.subject_id, a.item_key, a.points`),
  ]);
  const satisfiedBy = new Map<string, Set<string>>();
  for (const form of forms) {
    const marked = new Set<string>();
    for (const item of JSON.parse(form.items) as QuestionnaireItem[]) for (const o of item.options) if (o.satisfied) marked.add(`${item.key}:${o.points}`);
    if (marked.size) satisfiedBy.set(form.campaignId, marked);
  }
  const answersOfItem = new Map<string, number>();
  for (const row of counts) {
    const marked = satisfiedBy.get(row.campaign_id);
    if (!marked || campaignOf.get(row.subject_id) !== row.campaign_id) continue;
    const s = out.get(row.subject_id) ?? { satisfied: 0, answers: 0, ballots: 0 };
    s.answers += Number(row.n);
    if (marked.has(`${row.item_key}:${Number(row.points)}`)) s.satisfied += Number(row.n);
    const item = `${row.subject_id}:${row.item_key}`;
    answersOfItem.set(item, (answersOfItem.get(item) ?? 0) + Number(row.n));
    s.ballots = Math.max(s.ballots, answersOfItem.get(item)!);
    out.set(row.subject_id, s);
  }
  return out;
}
