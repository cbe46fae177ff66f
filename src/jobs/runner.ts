import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { MAIN_SHARD, type Databases } from '../db/databases';
import { countyPlacements, jobRuns, jobRunTenants, tenants } from '../db/schema';
import { finalisation, finalisationDue, finaliseYear, recomputeProvisional } from '../features/stars';
import { ratingInProgress } from '../features/rating';
import { newId } from '../platform/ids';
import { shanghaiYear } from '../platform/time';
import { readPlacement } from '../tenancy/placement';
import { parseSettings } from '../tenancy/settings';
import type { JobName } from './cron';

/** One tenant's share of a run: the unit a queue message carries. */
export interface TenantJobMessage {
  runId: string;
  job: JobName;
  tenantId: string;
  /** the shard holding the tenant's rows when the run was fanned out (docs/scaling.md); the consumer checks it is still so */
  shard: string;
  /** the year asked for; null: the year the job picks for "now" */
  year: number | null;
  /** ISO instant the run stands for (the cron's scheduled time) */
  now: string;
  actorId: string | null;
}

/** How a run's per-tenant messages are carried out: a queue on Workers, a loop in Node. */
export type Dispatch = (messages: TenantJobMessage[]) => Promise<void>;

/**
 * Does one tenant's part of a job, as the system (or the admin who started it). Idempotent: a second
 * run changes nothing written by the first.
 */
async function runTenantJob(databases: Databases, message: TenantJobMessage): Promise<string> {
  const [tenant] = await databases.registry
    .select({ settings: tenants.settings, countyId: tenants.countyId })
    .from(tenants)
    .where(and(eq(tenants.id, message.tenantId), eq(tenants.status, 'active')));
  if (!tenant) return 'tenant gone';
  // the county may have moved since the fan-out: the map decides, and a county frozen for a move is retried later
  const placement = await readPlacement(databases.registry, tenant.countyId);
  if (placement.frozen) throw new Error('county frozen for a move to another shard; run again after it');
  const db = databases.shard(placement.shard);
  const settings = parseSettings(tenant.settings);
  const now = new Date(message.now);
  if (message.job === 'recompute') {
    const years = message.year !== null ? [message.year] : [shanghaiYear(now), shanghaiYear(now) - 1];
    const done: string[] = [];
    for (const year of years) {
      // last year is recomputed only until it is final (it may still be, in early January)
      if (message.year === null && year !== shanghaiYear(now) && (await finalisation(db, message.tenantId, year))) continue;
      const outcome = await recomputeProvisional(db, message.tenantId, year, settings);
      done.push(outcome.status === 'already_final' ? `${year}: final` : `${year}: ${outcome.branches} branches, ${outcome.members} members`);
    }
    return done.join('; ');
  }
  const year = message.year ?? shanghaiYear(now) - 1;
  if (message.year === null && !finalisationDue(year, now, settings.finaliseDay)) return `${year}: not due`;
  // a year in the rating workflow becomes final only by its naming (命名), never by the calendar
  const step = await ratingInProgress(db, message.tenantId, year);
  if (step) return `${year}: rating at ${step}`;
  const outcome = await finaliseYear(db, message.tenantId, year, settings, message.actorId);
  return outcome.status === 'already_final' ? `${year}: already final` : `${year}: finalised ${outcome.branches} branches, ${outcome.members} members`;
}

/** Records one tenant's outcome (a retried message overwrites its earlier failure). */
async function recordOutcome(db: Db, message: TenantJobMessage, status: 'done' | 'failed', detail: string, startedMs: number) {
  const row = {
    runId: message.runId,
    tenantId: message.tenantId,
    status,
    detail: detail.slice(0, 500),
    finishedAt: new Date().toISOString(),
    durationMs: Math.max(0, Date.now() - startedMs),
  };
  await db
    .insert(jobRunTenants)
    .values(row)
    .onConflictDoUpdate({ target: [jobRunTenants.runId, jobRunTenants.tenantId], set: row });
}

/** Runs one message and records it; never throws, so one failing tenant cannot stop the others. */
export async function processMessage(databases: Databases, message: TenantJobMessage): Promise<boolean> {
  const started = Date.now();
  const db = databases.registry;
  try {
    const detail = await runTenantJob(databases, message);
    await recordOutcome(db, message, 'done', detail, started);
    return true;
  } catch (error) {
    console.error(`[job ${message.runId}] ${message.job} failed for tenant ${message.tenantId} (shard ${message.shard})`, error);
    await recordOutcome(db, message, 'failed', error instanceof Error ? error.message : String(error), started).catch(() => {});
    return false;
  }
}

/** The Node mode (and a Worker without a queue): tenants one after another in this process. */
export const inlineDispatch =
  (databases: Databases): Dispatch =>
  async (messages) => {
    for (const message of messages) await processMessage(databases, message);
  };

export interface StartRun {
  job: JobName;
  trigger: 'cron' | 'manual';
  year: number | null;
  /** only this tenant; otherwise every tenant */
  tenantId?: string;
  startedBy: string | null;
  now?: Date;
  /** a run started by hand: its audit row, written with the run's record */
  audit?: (runId: string) => BatchItem<'sqlite'>;
}

/** Records a run in the registry and fans it out per tenant, each message naming the tenant's shard, through `dispatch`. */
export async function startRun(db: Db, options: StartRun, dispatch: Dispatch): Promise<string> {
  const now = options.now ?? new Date();
  const targets = await db
    .select({ id: tenants.id, shard: countyPlacements.shard })
    .from(tenants)
    .leftJoin(countyPlacements, eq(countyPlacements.countyId, tenants.countyId))
    .where(options.tenantId ? eq(tenants.id, options.tenantId) : eq(tenants.status, 'active'))
    .orderBy(tenants.slug);
  const runId = newId();
  await db.batch([
    db.insert(jobRuns).values({
      id: runId,
      job: options.job,
      trigger: options.trigger,
      year: options.year,
      tenantId: options.tenantId ?? null,
      startedBy: options.startedBy,
      startedAt: new Date().toISOString(),
      tenantsTotal: targets.length,
    }),
    ...(options.audit ? [options.audit(runId)] : []),
  ]);
  await dispatch(
    targets.map((t) => ({ runId, job: options.job, tenantId: t.id, shard: t.shard ?? MAIN_SHARD, year: options.year, now: now.toISOString(), actorId: options.startedBy })),
  );
  return runId;
}

/** Runs with their progress: tenants done and failed, duration once every tenant has reported, errors. */
export async function listRuns(db: Db, options: { runId?: string; tenantId?: string; limit?: number } = {}) {
  const finished = sql<number>`count(${jobRunTenants.tenantId})`;
  const runs = await db
    .select({
      run: jobRuns,
      done: sql<number>`coalesce(sum(${jobRunTenants.status} = 'done'), 0)`,
      failed: sql<number>`coalesce(sum(${jobRunTenants.status} = 'failed'), 0)`,
      finished,
      lastFinishedAt: sql<string | null>`max(${jobRunTenants.finishedAt})`,
    })
    .from(jobRuns)
    .leftJoin(jobRunTenants, eq(jobRunTenants.runId, jobRuns.id))
    .where(
      and(
        options.runId ? eq(jobRuns.id, options.runId) : undefined,
        options.tenantId ? eq(jobRuns.tenantId, options.tenantId) : undefined,
      ),
    )
    .groupBy(jobRuns.id)
    .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
    .limit(options.limit ?? 50);
  const ids = runs.map((r) => r.run.id);
  const failures = ids.length
    ? await db
        .select({ runId: jobRunTenants.runId, tenantId: jobRunTenants.tenantId, slug: tenants.slug, detail: jobRunTenants.detail })
        .from(jobRunTenants)
        .innerJoin(tenants, eq(tenants.id, jobRunTenants.tenantId))
        .where(and(inArray(jobRunTenants.runId, ids), eq(jobRunTenants.status, 'failed')))
    : [];
  return runs.map(({ run, done, failed, finished, lastFinishedAt }) => {
    const complete = Number(finished) >= run.tenantsTotal;
    return {
      ...run,
      tenantsDone: Number(done),
      tenantsFailed: Number(failed),
      status: complete ? (Number(failed) ? ('finished_with_errors' as const) : ('finished' as const)) : ('running' as const),
      finishedAt: complete ? (lastFinishedAt ?? run.startedAt) : null,
      durationMs: complete ? new Date(lastFinishedAt ?? run.startedAt).getTime() - new Date(run.startedAt).getTime() : null,
      errors: failures.filter((f) => f.runId === run.id).map(({ tenantId, slug, detail }) => ({ tenantId, slug, error: detail })),
    };
  });
}

/** One tenant's own outcomes across runs (what a township admin sees). */
export async function listTenantOutcomes(db: Db, tenantId: string, limit = 50) {
  return db
    .select({
      id: jobRuns.id,
      job: jobRuns.job,
      trigger: jobRuns.trigger,
      year: jobRuns.year,
      startedAt: jobRuns.startedAt,
      status: sql<'done' | 'failed' | 'pending'>`coalesce(${jobRunTenants.status}, 'pending')`,
      detail: jobRunTenants.detail,
      finishedAt: jobRunTenants.finishedAt,
      durationMs: jobRunTenants.durationMs,
    })
    .from(jobRuns)
    .leftJoin(jobRunTenants, and(eq(jobRunTenants.runId, jobRuns.id), eq(jobRunTenants.tenantId, tenantId)))
    .where(sql`(${jobRuns.tenantId} = ${tenantId} or (${isNull(jobRuns.tenantId)} and ${jobRunTenants.tenantId} is not null))`)
    .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
    .limit(limit);
}
