import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { villages } from './rosters';
import { tenantId } from './tenant-column';
import { INCOME_ACTIONS, INCOME_CATEGORIES } from '../../domain/vocabulary';



/** One item of a village's collective income (村集体经济收入) in a year; removal is a soft delete. */
export const incomeEntries = sqliteTable(
  'income_entries',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    year: integer('year').notNull(),
    category: text('category', { enum: INCOME_CATEGORIES }).notNull(),
    amountFen: integer('amount_fen').notNull(),
    note: text('note').notNull().default(''),
    /** bumped by every change; the revision table keeps each version */
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: text('deleted_at'),
  },
  (t) => [
    index('income_entries_tenant_year').on(t.tenantId, t.year, t.villageId),
    check('income_entries_amount', sql`${t.amountFen} >= 0 AND ${t.amountFen} <= 100000000000`),
    check('income_entries_year', sql`${t.year} BETWEEN 2000 AND 2100`),
  ],
);

/** The audit of income entries: every version as written, with who wrote it. */
export const incomeEntryRevisions = sqliteTable(
  'income_entry_revisions',
  {
    id: idColumn(),
    tenantId: tenantId(),
    entryId: text('entry_id')
      .notNull()
      .references(() => incomeEntries.id),
    version: integer('version').notNull(),
    action: text('action', { enum: INCOME_ACTIONS }).notNull(),
    /** JSON: village, year, category, amount and note of this version */
    data: text('data').notNull(),
    actorId: text('actor_id').notNull(),
    at: createdAt(),
  },
  (t) => [
    uniqueIndex('income_entry_revisions_version').on(t.entryId, t.version),
    index('income_entry_revisions_tenant_entry').on(t.tenantId, t.entryId),
  ],
);

/** The township's income target for a year (增收目标): how many villages at each tier. */
export const incomeTargets = sqliteTable(
  'income_targets',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    villagesAtLeastLow: integer('villages_at_least_low').notNull(),
    villagesAtLeastHigh: integer('villages_at_least_high').notNull(),
    note: text('note').notNull().default(''),
    updatedBy: text('updated_by').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('income_targets_tenant_year').on(t.tenantId, t.year),
    check('income_targets_counts', sql`${t.villagesAtLeastLow} >= 0 AND ${t.villagesAtLeastHigh} >= 0`),
  ],
);
