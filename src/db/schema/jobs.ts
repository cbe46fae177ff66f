import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { idColumn } from './columns';
import { tenants } from './platform';
import { JOB_KINDS, JOB_STATUSES, JOB_TRIGGERS } from '../../domain/vocabulary';

/** One run of a scheduled job (by cron or by hand), over every tenant or one. Platform-owned. */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: idColumn(),
    job: text('job', { enum: JOB_KINDS }).notNull(),
    trigger: text('trigger', { enum: JOB_TRIGGERS }).notNull(),
    /** the year asked for; null: each tenant's due year (cron) */
    year: integer('year'),
    /** null: every tenant */
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    startedBy: text('started_by'),
    startedAt: text('started_at').notNull(),
    tenantsTotal: integer('tenants_total').notNull(),
  },
  (t) => [index('job_runs_started').on(t.startedAt), index('job_runs_tenant').on(t.tenantId, t.startedAt)],
);

/** The outcome of one tenant in a run; written once per tenant (a retried message overwrites it). */
export const jobRunTenants = sqliteTable(
  'job_run_tenants',
  {
    runId: text('run_id')
      .notNull()
      .references(() => jobRuns.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    /** what was done (e.g. "finalised 2026", "already final") or the error */
    detail: text('detail').notNull().default(''),
    finishedAt: text('finished_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.tenantId] }), check('job_run_tenants_duration', sql`${t.durationMs} >= 0`)],
);
