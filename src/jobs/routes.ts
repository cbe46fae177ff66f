import type { Context } from 'hono';
import { Hono } from '../platform/hono';
import { registryAudit } from '../audit/record';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env';
import { platformActor } from '../auth/actor';
import { allow } from '../auth/guard';
import { AppError, notFound } from '../platform/errors';
import { idParam, input, yearField } from '../platform/validate';
import { shanghaiYear } from '../platform/time';
import { JOB_NAMES } from './cron';
import { inlineDispatch, listRuns, listTenantOutcomes, startRun } from './runner';
import { dispatchFor, type JobsEnv } from './worker';

const startBody = z.object({
  job: z.enum(JOB_NAMES),
  /** recompute: defaults to this year (and last year until final); finalise: defaults to last year */
  year: z.optional(yearField),
});

const actorId = (c: Context<AppEnv>) => (c.var.actor?.kind === 'user' ? c.var.actor.accountId : null);

function yearFor(body: z.output<typeof startBody>): number | null {
  if (body.year !== undefined && body.year > shanghaiYear()) throw new AppError(400, 'jobs.year_in_future', { year: body.year });
  if (body.job === 'finalise') return body.year ?? shanghaiYear() - 1;
  return body.year ?? null;
}

const setPlatformActor = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.var.session && platformActor(c.var.session);
  if (actor) c.set('actor', actor);
  await next();
});

/** The platform admin's view of scheduled jobs: every run, and starting one over all townships. */
export const jobPlatformRoutes = new Hono<AppEnv>()
  .use('/job-runs/*', setPlatformActor)
  .use('/job-runs', setPlatformActor)
  .get('/job-runs', allow('platform_admin'), async (c) => c.json({ items: await listRuns(c.var.registry) }))
  .get('/job-runs/:id', allow('platform_admin'), input('param', idParam), async (c) => {
    const [run] = await listRuns(c.var.registry, { runId: c.req.valid('param').id });
    if (!run) throw notFound();
    return c.json(run);
  })
  .post('/job-runs', allow('platform_admin'), input('json', startBody), async (c) => {
    const body = c.req.valid('json');
    const env = c.env as Partial<JobsEnv>;
    const runId = await startRun(
      c.var.registry,
      {
        job: body.job,
        trigger: 'manual',
        year: yearFor(body),
        startedBy: actorId(c),
        audit: (runId) => registryAudit(c, { action: 'job.start', entity: 'job_run', entityId: runId, summary: { job: body.job, year: body.year ?? null } }),
      },
      dispatchFor(env, c.var.databases),
    );
    const [run] = await listRuns(c.var.registry, { runId });
    return c.json(run, env.JOBS_QUEUE ? 202 : 201);
  });

/** A township admin's jobs: its own outcome in each run, and running a job for the township now. */
export const jobTenantRoutes = new Hono<AppEnv>()
  .get('/job-runs', allow('township_admin'), async (c) => c.json({ items: await listTenantOutcomes(c.var.registry, c.var.tenant!.id) }))
  .post('/job-runs', allow('township_admin'), input('json', startBody), async (c) => {
    const body = c.req.valid('json');
    const tenantId = c.var.tenant!.id;
    // one township is small: run it in this request and answer with its outcome
    const runId = await startRun(
      c.var.registry,
      {
        job: body.job,
        trigger: 'manual',
        year: yearFor(body),
        tenantId,
        startedBy: actorId(c),
        audit: (runId) => registryAudit(c, { action: 'job.start', entity: 'job_run', entityId: runId, summary: { job: body.job, year: body.year ?? null } }),
      },
      inlineDispatch(c.var.databases),
    );
    const [run] = await listRuns(c.var.registry, { runId });
    const [outcome] = (await listTenantOutcomes(c.var.registry, tenantId)).filter((o) => o.id === runId);
    return c.json({ ...run, outcome }, 201);
  });
