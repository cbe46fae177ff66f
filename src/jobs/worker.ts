import type { Bindings } from '../app-env';
import { auditInsert } from '../audit/record';
import { PLATFORM_CHAIN } from '../db/schema';
import type { Databases } from '../db/databases';
import { purgeExpiredSessions } from '../auth/sessions';
import { purgeStaleFailures } from '../auth/throttle';
import { endSessionsPastTheirTime } from '../features/evaluation';
import { d1Databases } from '../db/d1';
import { configOf } from '../platform/config';
import { archiveAndPrune, sealAndAnchor } from '../audit/archive';
import { r2Store, type AuditStore } from '../audit/store';
import { AUDIT_ARCHIVE_CRON, jobForCron } from './cron';
import { inlineDispatch, processMessage, startRun, type Dispatch, type TenantJobMessage } from './runner';

/** The Worker's bindings as the jobs see them: the queue is optional (without it, tenants run in a loop). */
export interface JobsEnv extends Bindings {
  JOBS_QUEUE?: Queue<TenantJobMessage>;
}

/** Cloudflare Queues take at most 100 messages per sendBatch. */
const SEND_BATCH = 100;
const MAX_ATTEMPTS = 3;

const queueDispatch =
  (queue: Queue<TenantJobMessage>): Dispatch =>
  async (messages) => {
    for (let i = 0; i < messages.length; i += SEND_BATCH) await queue.sendBatch(messages.slice(i, i + SEND_BATCH).map((body) => ({ body })));
  };

/** Fan out through the queue where there is one, else in this invocation. */
export const dispatchFor = (env: Partial<JobsEnv>, databases: Databases): Dispatch => (env.JOBS_QUEUE ? queueDispatch(env.JOBS_QUEUE) : inlineDispatch(databases));

/** Every database holding rows: the registry (shard main) and the other shards, each once. */
const everyDatabase = (databases: Databases) => databases.shardNames.map((name) => databases.shard(name));

/**
 * What a cron fires: the job mapped to it, over every tenant, as the system. Returns the run id. The audit
 * trail's archive, seal and anchors, and the end of sessions past their time, run in every database: each
 * keeps the chains of the rows it holds.
 */
export async function runCron(databases: Databases, cron: string, scheduledTime: Date, dispatch: Dispatch, auditStore?: AuditStore): Promise<string | undefined> {
  const db = databases.registry;
  if (cron.trim() === AUDIT_ARCHIVE_CRON) {
    if (!auditStore) console.error('audit: no archive store (AUDIT_ARCHIVE / AUDIT_ARCHIVE_DIR); nothing archived or pruned');
    else for (const each of everyDatabase(databases)) console.log('audit archive', JSON.stringify(await archiveAndPrune(each, auditStore, new Date())));
    return undefined;
  }
  const job = jobForCron(cron);
  if (!job) {
    console.warn(`no job for cron "${cron}"`);
    return undefined;
  }
  // the nightly run also forgets expired login sessions and spent failure counters, and ends evaluation sessions
  // past their window that nobody has asked for since (their salt erased, raised problems released), by the clock,
  // not the scheduled time a late or replayed trigger carries; a failure there stops nothing
  if (job === 'recompute') {
    const now = new Date();
    await Promise.all([
      purgeExpiredSessions(db, now),
      purgeStaleFailures(db, now),
      ...everyDatabase(databases).map((each) => endSessionsPastTheirTime(each, now.toISOString())),
    ]).catch((error) => console.error('purge failed', error));
    // the audit trail's catch-up seal and the day's anchors outside the database
    for (const each of everyDatabase(databases)) await sealAndAnchor(each, auditStore, now).catch((error) => console.error('audit: seal and anchor failed', error));
  }
  return startRun(
    db,
    {
      job,
      trigger: 'cron',
      year: null,
      startedBy: null,
      now: scheduledTime,
      audit: (runId) =>
        auditInsert(db, {
          chain: PLATFORM_CHAIN,
          tenantId: null,
          actorId: 'system',
          actorRole: null,
          action: 'job.start',
          entity: 'job_run',
          entityId: runId,
          outcome: 'ok',
          requestId: null,
          clientIp: null,
          changes: JSON.stringify({ job: [null, job], cron: [null, cron] }),
        }),
    },
    dispatch,
  );
}

/** Workers `scheduled` handler. */
export const scheduled: ExportedHandlerScheduledHandler<JobsEnv> = async (controller, env, ctx) => {
  // a misconfigured Worker runs no job, as its fetch answers 503 (configOf logs why and throws)
  configOf(env);
  const databases = d1Databases(env);
  const auditStore = env.AUDIT_ARCHIVE ? r2Store(env.AUDIT_ARCHIVE) : undefined;
  ctx.waitUntil(runCron(databases, controller.cron, new Date(controller.scheduledTime), dispatchFor(env, databases), auditStore));
};

/** Workers `queue` handler: one tenant per message; a failure is recorded and retried a few times. */
export const queue: ExportedHandlerQueueHandler<JobsEnv, TenantJobMessage> = async (batch, env) => {
  // misconfigured: throwing leaves the messages to the queue's retries, none is processed
  configOf(env);
  const databases = d1Databases(env);
  for (const message of batch.messages) {
    const ok = await processMessage(databases, message.body);
    if (ok || message.attempts >= MAX_ATTEMPTS) message.ack();
    else message.retry();
  }
};
