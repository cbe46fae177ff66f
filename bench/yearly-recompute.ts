import { databasesOf } from '../src/db/databases';
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { openLibsql } from '../src/db/libsql';
import { annualResults, campaigns, tenants } from '../src/db/schema';
import { TenantScope } from '../src/db/tenant-scope';
import { subjectResults } from '../src/features/evaluation/results/results';
import { composite, groupScore, RATER_GROUPS, type BallotSum, type RaterGroup } from '../src/features/evaluation/rules';
import { inlineDispatch, startRun } from '../src/jobs/runner';
import { runCron } from '../src/jobs/worker';
import { countyDatabase } from './county-data';
import type { BenchResult } from './report';

const NIGHTLY = '0 18 * * *';
const ROSTER = { villages: 95, membersPerVillage: [20, 40] as [number, number], householdsPerVillage: [150, 400] as [number, number] };

interface FloorGroup {
  campaign_id: string;
  subject_kind: string;
  subject_id: string;
  rater_group: RaterGroup;
  max_points: number;
  n: number;
  points: number;
}

/** The floor: one hand-written GROUP BY over a township's ballots, giving each group's counts and sums. */
export const floorQuery = (db: Db, tenantId: string) =>
  db.all<FloorGroup>(sql`
    SELECT campaign_id, subject_kind, subject_id, rater_group, max_points, count(*) AS n, sum(points) AS points
    FROM evaluation_ballots WHERE tenant_id = ${tenantId}
    GROUP BY campaign_id, subject_kind, subject_id, rater_group, max_points`);

/** The nightly job for one township, exactly as "run now" and the cron start it (in this process). */
const recomputeTownship = (db: Db, tenantId: string) =>
  startRun(db, { job: 'recompute', trigger: 'manual', year: null, tenantId, startedBy: null }, inlineDispatch(databasesOf(db)));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return match ? Number(match[1]) * 1024 : NaN;
}

/**
 * Growth of this process's peak RSS (kernel high-water mark, reset before the run) and of the JS heap
 * (sampled every millisecond the event loop is free) over the run. libSQL runs each statement
 * synchronously in native code, so the RSS mark is what sees SQLite's own memory.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function memoryDuring(f: () => Promise<unknown>): Promise<{ rss: number; heap: number }> {
  gc(); // start from a collected heap, so the growth is the run's and not leftover garbage
  let resettable = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resettable = false;
  }
  const rssBefore = vm('VmRSS');
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 1);
  await f();
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  return { rss: resettable ? vm('VmHWM') - rssBefore : NaN, heap: heapPeak - heapBefore };
}

/** Interleaved runs of floor and job after one warm-up; medians. */
async function compare(db: Db, tenantId: string, runs: number) {
  const cold = await timed(() => recomputeTownship(db, tenantId));
  await floorQuery(db, tenantId);
  const floor: number[] = [];
  const job: number[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(await timed(() => floorQuery(db, tenantId)));
    job.push(await timed(() => recomputeTownship(db, tenantId)));
  }
  const memory = await memoryDuring(() => recomputeTownship(db, tenantId));
  return { cold, floor: median(floor), job: median(job), memory };
}

/**
 * Checks that the job's per-group counts equal the floor's, and that each branch's stored provisional
 * composite is the pure composite of the floor's sums. Returns the number of groups compared.
 */
async function verify(db: Db, tenantId: string, year: number): Promise<number> {
  const floor = await floorQuery(db, tenantId);
  const [campaign] = await db.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.year, year)));
  const results = await subjectResults(new TenantScope(db, tenantId), { year });
  const bySubject = new Map(results.map((r) => [r.subjectId, r]));
  const stored = new Map(
    (
      await db
        .select({ subjectId: annualResults.subjectId, composite: annualResults.composite })
        .from(annualResults)
        .where(and(eq(annualResults.tenantId, tenantId), eq(annualResults.year, year), eq(annualResults.stage, 'provisional'), isNull(annualResults.reopeningId)))
    ).map((r) => [r.subjectId, r.composite]),
  );
  const sumsBySubject = new Map<string, Record<RaterGroup, BallotSum[]>>();
  for (const g of floor) {
    const sums = sumsBySubject.get(g.subject_id) ?? { self: [], peer: [], villager: [], leader: [] };
    sums[g.rater_group].push({ count: Number(g.n), points: Number(g.points), maxPoints: Number(g.max_points) });
    sumsBySubject.set(g.subject_id, sums);
  }
  const weights = { self: campaign.weightSelf, peer: campaign.weightPeer, villager: campaign.weightVillager, leader: campaign.weightLeader };
  for (const [subjectId, sums] of sumsBySubject) {
    const groups = Object.fromEntries(
      RATER_GROUPS.map((g) => [g, { count: sums[g].reduce((n, s) => n + s.count, 0), score: groupScore(sums[g]) }]),
    );
    const job = bySubject.get(subjectId);
    for (const g of RATER_GROUPS)
      if (job?.groups[g].count !== groups[g].count)
        throw new Error(`group count differs for ${subjectId}/${g}: floor ${groups[g].count}, job ${job?.groups[g].count}`);
    const expected = composite(weights, groups).composite;
    if (stored.get(subjectId) !== expected) throw new Error(`composite of ${subjectId}: stored ${stored.get(subjectId)}, floor ${expected}`);
  }
  return floor.length;
}

/**
 * Both modes keep the 100k ballots per township: the job has a fixed part (red-line facts, writes,
 * bookkeeping; ~15–30 ms) that a smaller township would let dominate the ratio. --quick has fewer
 * townships and a smaller scale series.
 */
const BALLOTS_PER_TOWNSHIP = (_quick: boolean) => 100_000;
const SCALE_BASE = (quick: boolean) => (quick ? 25_000 : 100_000);

/** The generated county both county benches use (the comparison reads the results the recompute leaves). */
export const COUNTY_SHAPE = (quick: boolean) => {
  const townships = quick ? 2 : 15;
  return { ...ROSTER, townships, seed: 1, ballotsPer: Array<number>(townships).fill(BALLOTS_PER_TOWNSHIP(quick)) };
};

export async function yearlyRecompute(quick: boolean): Promise<BenchResult> {
  const perTownship = BALLOTS_PER_TOWNSHIP(quick);
  const townships = COUNTY_SHAPE(quick).townships;
  const runs = quick ? 3 : 5;
  const county = await countyDatabase('county', COUNTY_SHAPE(quick));
  const scaleBase = SCALE_BASE(quick);
  const scale = await countyDatabase('scale', { ...ROSTER, townships: 3, seed: 2, ballotsPer: [1, 2, 4].map((x) => x * scaleBase) });
  const rows: BenchResult['rows'] = [];
  const notes: string[] = [];

  // one township, then the county, on the county database
  {
    const { db, client } = await openLibsql(county.url);
    const tenantIds = (await db.select({ id: tenants.id }).from(tenants).orderBy(tenants.slug)).map((t) => t.id);
    const one = await compare(db, tenantIds[0], runs);
    const ratio = one.job / one.floor;
    rows.push(
      { figure: `one township (${perTownship.toLocaleString('en')} ballots, 95 villages): nightly recompute, median of ${runs}`, value: ms(one.job), floor: ms(one.floor), ratio: `${ratio.toFixed(2)}×`, target: '≤ 2× floor', ok: ratio <= 2 },
      { figure: 'one township: recompute time', value: ms(one.job), target: '≤ 1 s', ok: one.job <= 1000 },
      { figure: 'one township: first run after opening the database (cold cache)', value: ms(one.cold) },
    );
    const countyFloor: number[] = [];
    const countyJob: number[] = [];
    for (let i = 0; i < (quick ? 2 : 3); i++) {
      countyFloor.push(await timed(async () => { for (const id of tenantIds) await floorQuery(db, id); }));
      countyJob.push(await timed(() => runCron(databasesOf(db), NIGHTLY, new Date(), inlineDispatch(databasesOf(db)))));
    }
    const job = median(countyJob);
    const floor = median(countyFloor);
    rows.push({
      figure: `whole county (${townships} townships, ${county.ballots.toLocaleString('en')} ballots): the nightly cron, in-process`,
      value: ms(job),
      floor: ms(floor),
      ratio: `${(job / floor).toFixed(2)}×`,
      target: '≤ 2× floor',
      ok: job / floor <= 2,
    });
    let groups = 0;
    for (const id of tenantIds) groups += await verify(db, id, county.year);
    notes.push(`Equality checked after the runs: for all ${townships} townships, every one of ${groups.toLocaleString('en')} (subject, rater group) means of the job equals the floor's, and every stored provisional composite equals the pure composite() of the floor's means.`);
    client.close();
  }

  // linearity and memory: townships with the same roster shape at 1×, 2×, 4× the ballots
  {
    const { db, client } = await openLibsql(scale.url);
    const tenantIds = (await db.select({ id: tenants.id }).from(tenants).orderBy(tenants.slug)).map((t) => t.id);
    const base: { job: number; floor: number }[] = [];
    for (const [i, factor] of [1, 2, 4].entries()) {
      const r = await compare(db, tenantIds[i], runs);
      await verify(db, tenantIds[i], scale.year);
      base.push(r);
      const growth = r.job / base[0].job;
      // linear means a constant cost per extra ballot on top of the fixed part (red-line facts, writes, job bookkeeping)
      const perExtra = factor === 1 ? '' : ` (+${ms((r.job - base[0].job) / (factor - 1))} per extra ${(scaleBase / 1000).toFixed(0)}k)`;
      rows.push({
        figure: `${factor}× ballots (${(factor * scaleBase).toLocaleString('en')}): recompute · vs 1× · peak RSS growth · JS heap growth`,
        value: `${ms(r.job)} · ${growth.toFixed(2)}×${perExtra} · ${mib(r.memory.rss)} · ${mib(r.memory.heap)}`,
        floor: ms(r.floor),
        ratio: `${(r.job / r.floor).toFixed(2)}×`,
        target: factor === 1 ? 'linear time, flat memory' : `time ≈ ${factor}×, memory flat`,
        ok: factor === 1 ? undefined : growth <= factor * 1.5 && r.memory.heap < 32 * 2 ** 20,
      });
    }
    client.close();
  }
  if (county.generatedIn || scale.generatedIn)
    notes.push(`Generated the databases in this run: ${(county.generatedIn + scale.generatedIn).toFixed(0)} s (cached under .build/bench-county/ for the next run).`);
  return {
    name: 'Yearly recompute: one township and the whole county',
    method: `A generated county (npm run seed … --ballots-per-township ${perTownship}): ${townships} townships × 95 villages, each with one branch campaign of this year, a closed session per village and ${perTownship.toLocaleString('en')} ballots (70% villagers, 15% peers, 10% self, 5% leaders), on a libSQL file. The job is the production code path in-process: \`startRun\` for one township (what "run now" calls) and \`runCron('${NIGHTLY}')\` for the county, dispatched inline as in the Node server; each run replaces this year's provisional results. Last year is final in the generated data, as January's finalise job leaves every township for the rest of the year, so the job only checks it (in early January, before a township's finalise day, it recomputes both years). Floor: one hand-written GROUP BY (campaign, subject, rater group) over the same township's ballots yielding the same group means; for the county, that query once per township. Medians of interleaved runs after one warm-up. Memory: growth of the process's peak RSS (high-water mark reset through /proc/self/clear_refs) and of the sampled JS heap during one township's run.`,
    rows,
    notes,
  };
}
