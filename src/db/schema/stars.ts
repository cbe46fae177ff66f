import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { villages } from './rosters';
import { tenantId } from './tenant-column';
import { INCOME_TIERS, RED_LINE_MODES, RED_LINE_SOURCES, RESULT_STAGES, SUBJECT_KINDS } from '../../domain/vocabulary';


/**
 * A township's red lines (底线管理): each names a situation that bars a branch from five stars. A
 * computed rule is judged from data (source + threshold); a manual one by records the township keeps.
 */
export const redLineRules = sqliteTable(
  'red_line_rules',
  {
    id: idColumn(),
    tenantId: tenantId(),
    /** stable key of a default rule (e.g. "income_floor"), or "custom-…" for one the township added */
    code: text('code').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    mode: text('mode', { enum: RED_LINE_MODES }).notNull(),
    source: text('source', { enum: RED_LINE_SOURCES }),
    /** reserve cadres: minimum count; income floor: minimum fen; weak list, irregular decisions: entries that trigger */
    threshold: integer('threshold'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('red_line_rules_tenant_code').on(t.tenantId, t.code),
    check('red_line_rules_computed', sql`${t.mode} = 'manual' OR (${t.source} IS NOT NULL AND ${t.threshold} IS NOT NULL AND ${t.threshold} >= 0)`),
  ],
);

/** A red line recorded by hand against a branch for a year, with a note and evidence; revoked, never deleted. */
export const redLineRecords = sqliteTable(
  'red_line_records',
  {
    id: idColumn(),
    tenantId: tenantId(),
    ruleId: text('rule_id')
      .notNull()
      .references(() => redLineRules.id),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    year: integer('year').notNull(),
    note: text('note').notNull(),
    /** JSON array of evidence references (document numbers, links) */
    evidence: text('evidence').notNull().default('[]'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: createdAt(),
    revokedAt: text('revoked_at'),
    revokedBy: text('revoked_by'),
    revokeNote: text('revoke_note'),
  },
  (t) => [
    index('red_line_records_tenant_year').on(t.tenantId, t.year, t.villageId),
    uniqueIndex('red_line_records_active').on(t.tenantId, t.ruleId, t.villageId, t.year).where(sql`revoked_at IS NULL`),
    check('red_line_records_year', sql`${t.year} BETWEEN 2000 AND 2100`),
  ],
);

/**
 * The annual result of a branch or member (年度结果). Provisional rows are replaced by the nightly job;
 * final rows are write-once (insert … on conflict do nothing) and leave the live set only through an
 * audited re-opening, which stamps them with its id.
 */
export const annualResults = sqliteTable(
  'annual_results',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    stage: text('stage', { enum: RESULT_STAGES }).notNull(),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    /** the village id for a branch, the member id for a member */
    subjectId: text('subject_id').notNull(),
    villageId: text('village_id').notNull(),
    /** composite in hundredths of a point; null when not evaluated */
    composite: integer('composite'),
    complete: integer('complete', { mode: 'boolean' }).notNull().default(false),
    rawStars: integer('raw_stars'),
    /** JSON array of RedLineHit */
    redLines: text('red_lines').notNull().default('[]'),
    finalStars: integer('final_stars'),
    previousStars: integer('previous_stars'),
    /** JSON array of Consequence */
    consequences: text('consequences').notNull().default('[]'),
    incomeFen: integer('income_fen'),
    incomeTier: text('income_tier', { enum: INCOME_TIERS }),
    computedAt: text('computed_at').notNull(),
    reopeningId: text('reopening_id'),
  },
  (t) => [
    uniqueIndex('annual_results_live')
      .on(t.tenantId, t.year, t.stage, t.subjectKind, t.subjectId)
      .where(sql`reopening_id IS NULL`),
    index('annual_results_tenant_village').on(t.tenantId, t.villageId, t.year),
    check('annual_results_stars', sql`(${t.rawStars} IS NULL OR ${t.rawStars} BETWEEN 1 AND 5)
      AND (${t.finalStars} IS NULL OR ${t.finalStars} BETWEEN 1 AND 5)
      AND (${t.previousStars} IS NULL OR ${t.previousStars} BETWEEN 1 AND 5)
      AND (${t.finalStars} IS NULL OR ${t.rawStars} IS NULL OR ${t.finalStars} <= ${t.rawStars})`),
    check('annual_results_year', sql`${t.year} BETWEEN 2000 AND 2100`),
  ],
);

/** A year whose results are final; at most one live row per tenant-year (a re-opening retires it). */
export const finalisedYears = sqliteTable(
  'finalised_years',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    finalisedAt: text('finalised_at').notNull(),
    /** account id, or null when the scheduled job finalised it */
    finalisedBy: text('finalised_by'),
    branches: integer('branches').notNull(),
    members: integer('members').notNull(),
    reopeningId: text('reopening_id'),
  },
  (t) => [uniqueIndex('finalised_years_live').on(t.tenantId, t.year).where(sql`reopening_id IS NULL`)],
);

/** The audit of re-opening a finalised year: who, when, why, and how many final results it retired. */
export const yearReopenings = sqliteTable(
  'year_reopenings',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    reason: text('reason').notNull(),
    reopenedBy: text('reopened_by').notNull(),
    reopenedAt: createdAt(),
    resultsRetired: integer('results_retired').notNull(),
  },
  (t) => [index('year_reopenings_tenant_year').on(t.tenantId, t.year)],
);
