import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import * as z from 'zod/mini';
import { campaigns, campaignSubjects, members, questionnaires, villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { AppError, notFound } from '../../../platform/errors';
import { newId } from '../../../platform/ids';
import { shanghaiYear } from '../../../platform/time';
import type { TenantSettings } from '../../../tenancy/settings';
import { defaultFamily, ensureDefaultQuestionnaires } from './default-questionnaires';
import type { QuestionnaireItem, SubjectKind, Weights } from '../rules';
import type { campaignInput, questionnaireInput, questionnaireRevision } from '../schemas';

export type Questionnaire = Omit<typeof questionnaires.$inferSelect, 'items' | 'tenantId'> & { items: QuestionnaireItem[] };
export type Campaign = typeof campaigns.$inferSelect;

const parseQuestionnaire = (row: typeof questionnaires.$inferSelect): Questionnaire => {
  const { tenantId: _tenant, items, ...rest } = row;
  return { ...rest, items: JSON.parse(items) as QuestionnaireItem[] };
};

export const campaignWeights = (c: Campaign): Weights => ({ self: c.weightSelf, peer: c.weightPeer, villager: c.weightVillager, leader: c.weightLeader });
export const campaignThresholds = (c: Campaign) => [c.star5, c.star4, c.star3, c.star2];

export function campaignView(c: Campaign) {
  return {
    id: c.id,
    year: c.year,
    name: c.name,
    subjectKind: c.subjectKind,
    questionnaireId: c.questionnaireId,
    weights: campaignWeights(c),
    starThresholds: campaignThresholds(c),
    createdAt: c.createdAt,
  };
}

export async function listQuestionnaires(scope: TenantScope, all: boolean): Promise<Questionnaire[]> {
  await ensureDefaultQuestionnaires(scope.db, scope.tenantId);
  const rows = await scope.db
    .select()
    .from(questionnaires)
    .where(scope.where(questionnaires))
    .orderBy(questionnaires.subjectKind, questionnaires.family, desc(questionnaires.version));
  const seen = new Set<string>();
  return rows.filter((r) => all || (!seen.has(r.family) && seen.add(r.family))).map(parseQuestionnaire);
}

export async function getQuestionnaire(scope: TenantScope, id: string): Promise<Questionnaire> {
  const row = await scope.find(questionnaires, id);
  if (!row) throw notFound('evaluation.questionnaire_not_found');
  return parseQuestionnaire(row);
}

export async function createQuestionnaire(scope: TenantScope, body: z.output<typeof questionnaireInput>, record: Recorder): Promise<Questionnaire> {
  const values = { id: newId(), family: `custom-${newId()}`, version: 1, subjectKind: body.subjectKind, name: body.name, items: JSON.stringify(body.items) };
  const [[row]] = await scope.db.batch([
    scope.insert(questionnaires, [values]).returning(),
    record({ action: 'questionnaire.create', entity: 'questionnaire', entityId: values.id, after: values }),
  ]);
  return parseQuestionnaire(row);
}

/**
 * Changes a questionnaire. One that no campaign uses is edited in place; one in use is never changed:
 * the change becomes the next version of its family, and the old ballots keep their meaning.
 */
export async function reviseQuestionnaire(
  scope: TenantScope,
  id: string,
  body: z.output<typeof questionnaireRevision>,
  record: Recorder,
): Promise<{ questionnaire: Questionnaire; newVersion: boolean }> {
  const current = await getQuestionnaire(scope, id);
  const [[{ n }], [latest]] = await scope.db.batch([
    scope.db.select({ n: count() }).from(campaigns).where(scope.where(campaigns, eq(campaigns.questionnaireId, id))),
    scope.db
      .select({ version: questionnaires.version })
      .from(questionnaires)
      .where(scope.where(questionnaires, eq(questionnaires.family, current.family)))
      .orderBy(desc(questionnaires.version))
      .limit(1),
  ]);
  const items = JSON.stringify(body.items);
  const name = body.name ?? current.name;
  if (n === 0) {
    const [[row]] = await scope.db.batch([
      scope.update(questionnaires, id, { items, name }).returning(),
      record({ action: 'questionnaire.update', entity: 'questionnaire', entityId: id, before: { name: current.name, items: current.items }, after: { name, items: body.items } }),
    ]);
    return { questionnaire: parseQuestionnaire(row), newVersion: false };
  }
  const values = { id: newId(), family: current.family, version: latest.version + 1, subjectKind: current.subjectKind, name, items };
  const [[row]] = await scope.db.batch([
    scope.insert(questionnaires, [values]).returning(),
    record({ action: 'questionnaire.new_version', entity: 'questionnaire', entityId: values.id, summary: { previousId: id, version: values.version }, after: { name, items: body.items } }),
  ]);
  return { questionnaire: parseQuestionnaire(row), newVersion: true };
}

/** The latest version of the default questionnaire of a kind. */
export async function defaultQuestionnaireId(scope: TenantScope, kind: SubjectKind): Promise<string> {
  await ensureDefaultQuestionnaires(scope.db, scope.tenantId);
  const [row] = await scope.db
    .select({ id: questionnaires.id })
    .from(questionnaires)
    .where(scope.where(questionnaires, eq(questionnaires.family, defaultFamily(kind))))
    .orderBy(desc(questionnaires.version))
    .limit(1);
  return row.id;
}

/**
 * Creates a campaign with weights and thresholds copied from the settings (or given), and fixes its
 * subjects in the same batch with INSERT … SELECT from the rosters.
 */
export async function createCampaign(
  scope: TenantScope,
  body: z.output<typeof campaignInput>,
  settings: TenantSettings,
  createdBy: string,
  record: Recorder,
): Promise<Campaign> {
  const db = scope.db;
  const questionnaireId = body.questionnaireId ?? (await defaultQuestionnaireId(scope, body.subjectKind));
  const questionnaire = await getQuestionnaire(scope, questionnaireId);
  if (questionnaire.subjectKind !== body.subjectKind) throw new AppError(400, 'evaluation.questionnaire_wrong_kind');
  if (body.subjectKind === 'member' && !body.villageIds) throw new AppError(400, 'evaluation.villages_required');
  if (body.villageIds) await assertVillagesInTenant(scope, body.villageIds);
  const weights = body.weights ?? settings.weights;
  const [star5, star4, star3, star2] = body.starThresholds ?? settings.starThresholds;
  const id = newId();
  const subjects = insertSubjects(scope, id, body.subjectKind, body.villageIds ?? null);
  const [[campaign]] = await db.batch([
    scope
      .insert(campaigns, [
        {
          id,
          year: body.year ?? shanghaiYear(),
          name: body.name,
          subjectKind: body.subjectKind,
          questionnaireId,
          weightSelf: weights.self,
          weightPeer: weights.peer,
          weightVillager: weights.villager,
          weightLeader: weights.leader,
          star5,
          star4,
          star3,
          star2,
          createdBy,
        },
      ])
      .returning(),
    subjects,
    record({ action: 'campaign.create', entity: 'campaign', entityId: id, after: { name: body.name, subjectKind: body.subjectKind, questionnaireId, weights, starThresholds: [star5, star4, star3, star2], villageIds: body.villageIds ?? null } }),
  ]);
  return campaign;
}

/** 404 unless every village id is one of the tenant's (ids go as one JSON parameter: D1 binds at most 100). */
export async function assertVillagesInTenant(scope: TenantScope, villageIds: readonly string[]) {
  const ids = [...new Set(villageIds)];
  const [{ n }] = await scope.db
    .select({ n: count() })
    .from(villages)
    .where(scope.where(villages, sql`${villages.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`));
  if (n !== ids.length) throw notFound('rosters.village_not_found');
}

/**
 * The INSERT … SELECT that fixes a campaign's subjects from the rosters: every branch (of the given
 * villages, or of all villages with null), or the members of the given villages. `guard` is an extra
 * condition of the SELECT (the edit's "still unused" check).
 */
export function insertSubjects(scope: TenantScope, campaignId: string, kind: SubjectKind, villageIds: readonly string[] | null, guard?: SQL) {
  const t = scope.tenantId;
  const inList = (column: string) =>
    villageIds ? sql`AND ${sql.raw(column)} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(villageIds)])}))` : sql``;
  const also = guard ? sql`AND ${guard}` : sql``;
  // columns in the table's order: id, tenant_id, campaign_id, subject_kind, subject_id, village_id
  return kind === 'branch'
    ? scope.db.insert(campaignSubjects).select(sql`
        SELECT lower(hex(randomblob(10))), tenant_id, ${campaignId}, 'branch', id, id FROM villages
        WHERE tenant_id = ${t} ${inList('id')} ${also}`)
    : scope.db.insert(campaignSubjects).select(sql`
        SELECT lower(hex(randomblob(10))), tenant_id, ${campaignId}, 'member', id, village_id FROM members
        WHERE tenant_id = ${t} ${villageIds ? inList('village_id') : sql`AND 0`} ${also}`);
}

export async function getCampaign(scope: TenantScope, id: string): Promise<Campaign> {
  const row = await scope.find(campaigns, id);
  if (!row) throw notFound('evaluation.campaign_not_found');
  return row;
}

/** The subjects of a campaign in one village, with their names, in a stable order (branch first). */
export async function sessionSubjects(scope: TenantScope, campaignId: string, villageId: string) {
  const db = scope.db;
  return db
    .select({
      kind: campaignSubjects.subjectKind,
      id: campaignSubjects.subjectId,
      name: sql<string>`coalesce(${members.name}, ${villages.branchName})`,
      isSecretary: sql<number>`coalesce(${members.isSecretary}, 0)`.mapWith(Boolean),
    })
    .from(campaignSubjects)
    .innerJoin(villages, and(eq(villages.id, campaignSubjects.villageId), eq(villages.tenantId, campaignSubjects.tenantId)))
    .leftJoin(
      members,
      and(eq(campaignSubjects.subjectKind, 'member'), eq(members.id, campaignSubjects.subjectId), eq(members.tenantId, campaignSubjects.tenantId)),
    )
    .where(scope.where(campaignSubjects, eq(campaignSubjects.campaignId, campaignId), eq(campaignSubjects.villageId, villageId)))
    .orderBy(campaignSubjects.subjectKind, desc(sql`coalesce(${members.isSecretary}, 0)`), sql`coalesce(${members.name}, '')`);
}
