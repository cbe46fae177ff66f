import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { campaigns, evaluationScreens } from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { createScreen } from '../features/evaluation/bookings';
import { createCampaign, getQuestionnaire, type Campaign } from '../features/evaluation/campaigns';
import { subjectResults } from '../features/evaluation/results';
import type { Stars } from '../features/stars/rules';
import { inlineDispatch, listRuns, startRun } from '../jobs/runner';
import type { JobName } from '../jobs/cron';
import { tenantSettingsSchema, type TenantSettings } from '../tenancy/settings';
import { seedContact } from './demo-contact';
import { addDays, demoCalendar, noonOf, type DemoCalendar } from './demo-dates';
import { sessionSlots, writeEvaluations } from './demo-evaluations';
import { seedIncome } from './demo-income';
import { seedDecisions, seedDisputes, seedProblems, seedRedLineRecord, seedWeakVillages, type DemoVillage } from './demo-ledgers';
import { planDemo, type VillagePlan } from './demo-plan';
import type { Random } from './random';
import type { TownshipRows } from './generate';

const SCREEN = '星级评定中心一号厅';

/**
 * The whole story of the demo township, after its rosters, logins and the evaluation demo's sessions
 * (靖庄, 西腰) exist: collective income of last year and this year with targets, the weak-village and
 * dispute ledgers, 四议三审两公开 matters, a red line recorded by hand, 初心三人行 in 靖庄, problem lists
 * with rectification, and branch evaluations of every village in both years. Last year is then finalised
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

  // last year: every village evaluated in October, then the year finalised as the January job does
  const screenId = await demoScreen(scope);
  const last = await createCampaign(scope, { name: `${calendar.lastYear}年度村党支部星级评定`, subjectKind: 'branch', year: calendar.lastYear }, settings, 'demo');
  await db.update(campaigns).set({ createdAt: noonOf(`${calendar.lastYear}-09-20`) }).where(scope.where(campaigns, eq(campaigns.id, last.id)));
  const evaluated = (plan: (p: VillagePlan) => Stars | null) =>
    planned.flatMap((v) => {
      const stars = plan(v.plan);
      return stars === null ? [] : [{ id: v.id, name: v.name, members: memberCount.get(v.id) ?? 0, stars }];
    });
  const lastVillages = evaluated((p) => p.stars.last);
  let ballots = await writeEvaluations(db, random, {
    tenantId,
    campaign: last,
    questionnaire: await getQuestionnaire(scope, last.questionnaireId),
    screenId,
    villages: lastVillages,
    slots: sessionSlots(`${calendar.lastYear}-10-09`, lastVillages.length),
  });
  await runJob(db, 'finalise', calendar.lastYear, now);

  // this year: the villages the evaluation demo did not hold sessions for, in the weeks before it
  const thisVillages = evaluated((p) => (measured.has(p.name) ? null : p.stars.this));
  const days = Math.ceil(thisVillages.length / 4) + 3;
  const first = [addDays(calendar.today, -days), `${calendar.year}-01-02`].sort().at(-1)!;
  ballots += await writeEvaluations(db, random, {
    tenantId,
    campaign: current,
    questionnaire: await getQuestionnaire(scope, current.questionnaireId),
    screenId,
    villages: thisVillages,
    slots: sessionSlots(first, thisVillages.length),
  });
  await runJob(db, 'recompute', null, now);
  return `Demo story of ${villageRows.length} villages: income ${calendar.lastYear}–${calendar.year}, ${ballots} branch ballots, ${calendar.lastYear} finalised, ${calendar.year} recomputed.`;
}

/** The branch campaign of this year the evaluation demo created (or a new one when it did not). */
async function currentCampaign(scope: TenantScope, calendar: DemoCalendar, settings: TenantSettings): Promise<Campaign> {
  const [existing] = await scope.db
    .select()
    .from(campaigns)
    .where(scope.where(campaigns, and(eq(campaigns.year, calendar.year), eq(campaigns.subjectKind, 'branch'))))
    .orderBy(asc(campaigns.createdAt))
    .limit(1);
  return existing ?? createCampaign(scope, { name: `${calendar.year}年度村党支部星级评定`, subjectKind: 'branch' }, settings, 'demo');
}

async function demoScreen(scope: TenantScope): Promise<string> {
  const [screen] = await scope.db.select({ id: evaluationScreens.id }).from(evaluationScreens).where(scope.where(evaluationScreens, eq(evaluationScreens.name, SCREEN)));
  return screen?.id ?? (await createScreen(scope, SCREEN)).id;
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
  const runId = await startRun(db, { job, trigger: 'manual', year, startedBy: null, now }, inlineDispatch(db));
  const [run] = await listRuns(db, { runId });
  if (run.tenantsFailed) throw new Error(`demo ${job} failed: ${run.errors.map((e) => `${e.slug}: ${e.error}`).join('; ')}`);
}
