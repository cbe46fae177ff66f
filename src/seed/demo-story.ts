import { databasesOf } from '../db/databases';
import { and, asc, eq, sql } from 'drizzle-orm';
import { systemRecorder } from '../audit/record';
import type { Db } from '../db/client';
import { campaigns, evaluationScreens } from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { type Campaign, createCampaign, createScreen, getQuestionnaire, subjectResults } from '../features/evaluation';
import type { Stars } from '../domain/thresholds';
import { inlineDispatch, listRuns, startRun } from '../jobs/runner';
import type { JobName } from '../jobs/cron';
import { tenantSettingsSchema, type TenantSettings } from '../tenancy/settings';
import { seedContact } from './demo-contact';
import { addDays, demoCalendar, noonOf, type DemoCalendar } from './demo-dates';
import { branchCounts, memberCounts, sessionSlots, writeEvaluations, type EvaluatedVillage } from './demo-evaluations';
import { seedIncome } from './demo-income';
import { seedDecisions, seedDisputes, seedProblems, seedRedLineRecord, seedWeakVillages, type DemoVillage } from './demo-ledgers';
import { planDemo, type VillagePlan } from './demo-plan';
import type { Random } from './random';
import type { TownshipRows } from './generate';

const SCREEN = '星级评定中心一号厅';
const MEMBER_SCREEN = '星级评定中心二号厅';

/**
 * The whole story of the demo township, after its rosters, logins and the evaluation demo's sessions
 * (靖庄, 西腰) exist: collective income of last year and this year with targets, the weak-village and
 * dispute ledgers, 四议三审两公开 matters, a red line recorded by hand, 初心三人行 in 靖庄, problem lists
 * with rectification, branch evaluations of every village and member evaluations of a few in both years. Last year is then finalised
 * and this year recomputed through the scheduled jobs' own runs (as the cron would), so stars, red
 * lines, consequences and movements show right away. Returns a one-line summary.
 */
export async function seedDemoStory(db: Db, random: Random, township: { tenantId: string; rows: TownshipRows }, now = new Date()): Promise<string> {
  const { tenantId, rows } = township;
  const calendar = demoCalendar(now);
  const scope = new TenantScope(db, tenantId);
  const settings = tenantSettingsSchema.parse({});
  const villageRows = rows.villages.map((v) => ({ id: v.id!, name: v.name }));
  const memberCount = new Map<string, number>();
  for (const m of rows.members) memberCount.set(m.villageId, (memberCount.get(m.villageId) ?? 0) + 1);

  // this year's campaign (the evaluation demo's) and the stars its own sessions came to
  const current = await currentCampaign(scope, calendar, settings);
  const measured = new Map<string, Stars | null>();
  const results = await subjectResults(scope, { campaignId: current.id, subjectKind: 'branch' });
  for (const r of results) if (r.ballots > 0) measured.set(villageRows.find((v) => v.id === r.subjectId)!.name, r.complete ? r.stars : null);

  const plans = planDemo(random, villageRows.map((v) => v.name), measured);
  const planned = villageRows.map((v, i) => ({ ...v, plan: plans[i] }));
  const demoVillages: DemoVillage[] = planned.map((v) => ({ id: v.id, name: v.name, members: memberCount.get(v.id) ?? 0, story: v.plan.story }));

  await markReserveCadres(db, tenantId, rows, planned);
  await seedIncome(db, tenantId, planned, calendar);
  await seedWeakVillages(db, random, tenantId, demoVillages, calendar);
  await seedDisputes(db, random, tenantId, demoVillages, calendar);
  await seedDecisions(db, tenantId, demoVillages, calendar);
  await seedRedLineRecord(db, tenantId, demoVillages, calendar);
  const jingzhuang = villageRows.find((v) => v.name === '靖庄');
  if (jingzhuang)
    await seedContact(
      db,
      random,
      tenantId,
      {
        id: jingzhuang.id,
        members: rows.members.filter((m) => m.villageId === jingzhuang.id) as never,
        households: rows.households.filter((h) => h.villageId === jingzhuang.id) as never,
      },
      calendar,
      settings.contact.membersPerCommittee.max,
      settings.contact.householdsPerMember.max,
    );
  await seedProblems(db, random, tenantId, demoVillages, calendar, settings.noticeDays);

  // last year: every branch evaluated in October and the members of a few villages in September, then
  // the year finalised as the January job does
  const screenId = await demoScreen(scope, SCREEN);
  const memberScreenId = await demoScreen(scope, MEMBER_SCREEN);
  const branches = (plan: (p: VillagePlan) => Stars | null): EvaluatedVillage[] =>
    planned.flatMap((v) => {
      const stars = plan(v.plan);
      const subject = { kind: 'branch' as const, id: v.id, name: v.name, stars: stars!, counts: branchCounts(random, memberCount.get(v.id) ?? 0) };
      return stars === null ? [] : [{ id: v.id, subjects: [subject] }];
    });
  const memberVillages = planned.filter((v) => v.name === '靖庄' || v.name === '西腰' || (!v.plan.story && planned.indexOf(v) % 12 === 5));
  const memberSubjects = (): EvaluatedVillage[] =>
    memberVillages.map((v) => ({
      id: v.id,
      subjects: rows.members
        .filter((m) => m.villageId === v.id)
        .map((m) => ({ kind: 'member' as const, id: m.id!, name: m.name, stars: memberStars(random), counts: memberCounts(random) })),
    }));
  let ballots = 0;
  const evaluate = async (campaign: Campaign, villages: EvaluatedVillage[], screen: string, first: string) => {
    ballots += await writeEvaluations(db, random, {
      tenantId,
      campaign,
      questionnaire: await getQuestionnaire(scope, campaign.questionnaireId),
      screenId: screen,
      villages,
      slots: sessionSlots(first, villages.length),
    });
  };
  const lastYear = { year: calendar.lastYear, createdAt: noonOf(`${calendar.lastYear}-08-20`) };
  await evaluate(await demoCampaign(scope, settings, 'branch', lastYear), branches((p) => p.stars.last), screenId, `${calendar.lastYear}-10-09`);
  const memberIds = memberVillages.map((v) => v.id);
  await evaluate(await demoCampaign(scope, settings, 'member', lastYear, memberIds), memberSubjects(), memberScreenId, `${calendar.lastYear}-09-08`);
  await runJob(db, 'finalise', calendar.lastYear, now);

  // this year: the branches the evaluation demo held no session for, and the same villages' members, in
  // the weeks before the demo's sessions
  const thisBranches = branches((p) => (measured.has(p.name) ? null : p.stars.this));
  const days = Math.ceil(thisBranches.length / 4) + 3;
  const first = [addDays(calendar.today, -days), `${calendar.year}-01-02`].sort().at(-1)!;
  const thisYear = { year: calendar.year, createdAt: noonOf(addDays(first, -14)) };
  // the campaign was planned before its first session
  await db.update(campaigns).set({ createdAt: thisYear.createdAt }).where(scope.where(campaigns, eq(campaigns.id, current.id)));
  await evaluate(current, thisBranches, screenId, first);
  await evaluate(await demoCampaign(scope, settings, 'member', thisYear, memberIds), memberSubjects(), memberScreenId, first);
  await runJob(db, 'recompute', null, now);
  return `Demo story of ${villageRows.length} villages: income ${calendar.lastYear}–${calendar.year}, ${ballots} ballots, ${calendar.lastYear} finalised, ${calendar.year} recomputed.`;
}

/** Most members do well; a few are reminded. */
function memberStars(random: Random): Stars {
  const r = random.next();
  return r < 0.3 ? 5 : r < 0.75 ? 4 : r < 0.95 ? 3 : 2;
}

/** A campaign of a past date (its creation shown when it was planned, not when the demo ran). */
async function demoCampaign(
  scope: TenantScope,
  settings: TenantSettings,
  kind: 'branch' | 'member',
  when: { year: number; createdAt: string },
  villageIds?: string[],
): Promise<Campaign> {
  const name = `${when.year}年度${kind === 'branch' ? '村党支部' : '党员'}星级评定`;
  const campaign = await createCampaign(scope, { name, subjectKind: kind, year: when.year, villageIds }, settings, 'demo', systemRecorder(scope.db, scope.tenantId));
  await scope.db.update(campaigns).set({ createdAt: when.createdAt }).where(scope.where(campaigns, eq(campaigns.id, campaign.id)));
  return { ...campaign, createdAt: when.createdAt };
}

/** The branch campaign of this year the evaluation demo created (or a new one when it did not). */
async function currentCampaign(scope: TenantScope, calendar: DemoCalendar, settings: TenantSettings): Promise<Campaign> {
  const [existing] = await scope.db
    .select()
    .from(campaigns)
    .where(scope.where(campaigns, and(eq(campaigns.year, calendar.year), eq(campaigns.subjectKind, 'branch'))))
    .orderBy(asc(campaigns.createdAt))
    .limit(1);
  return existing ?? createCampaign(scope, { name: `${calendar.year}年度村党支部星级评定`, subjectKind: 'branch' }, settings, 'demo', systemRecorder(scope.db, scope.tenantId));
}

async function demoScreen(scope: TenantScope, name: string): Promise<string> {
  const [screen] = await scope.db.select({ id: evaluationScreens.id }).from(evaluationScreens).where(scope.where(evaluationScreens, eq(evaluationScreens.name, name)));
  return screen?.id ?? (await createScreen(scope, name, systemRecorder(scope.db, scope.tenantId))).id;
}

/**
 * Reserve cadres (后备力量): the two youngest ordinary members of each village, one only in the villages
 * whose story is a shortage (the red line asks for two).
 */
async function markReserveCadres(db: Db, tenantId: string, rows: TownshipRows, planned: { id: string; plan: VillagePlan }[]) {
  const short = new Set(planned.filter((v) => v.plan.story === 'few_reserve_cadres').map((v) => v.id));
  const chosen: string[] = [];
  for (const { id } of planned) {
    const young = rows.members
      .filter((m) => m.villageId === id && !m.isCommittee && !m.isSecretary)
      .sort((a, b) => (b.birthYear ?? 0) - (a.birthYear ?? 0));
    chosen.push(...young.slice(0, short.has(id) ? 1 : 2).map((m) => m.id!));
  }
  await db.run(sql`UPDATE members SET is_reserve_cadre = (id IN (SELECT value FROM json_each(${JSON.stringify(chosen)}))) WHERE tenant_id = ${tenantId}`);
}

/** Runs a scheduled job for every township as the cron would (inline), and fails loudly if a township failed. */
async function runJob(db: Db, job: JobName, year: number | null, now: Date) {
  const runId = await startRun(db, { job, trigger: 'manual', year, startedBy: null, now }, inlineDispatch(databasesOf(db)));
  const [run] = await listRuns(db, { runId });
  if (run.tenantsFailed) throw new Error(`demo ${job} failed: ${run.errors.map((e) => `${e.slug}: ${e.error}`).join('; ')}`);
}
