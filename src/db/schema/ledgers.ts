import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { villages } from './rosters';
import { tenantId } from './tenant-column';
import { DISPUTE_LEVELS, DISPUTE_STATUSES } from '../../domain/vocabulary';
export { DISPUTE_STATUSES, type DisputeStatus } from '../../domain/vocabulary';



/** A dispute mediation case (矛盾纠纷调处). Parties are private: never on a public page, never to county viewers. */
export const disputes = sqliteTable(
  'disputes',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    title: text('title').notNull(),
    parties: text('parties').notNull().default(''),
    /** Shanghai calendar date YYYY-MM-DD the case was taken up; its year is the ledger year */
    occurredOn: text('occurred_on').notNull(),
    /** 小事不出村、大事不出镇: who handles it */
    level: text('level', { enum: DISPUTE_LEVELS }).notNull().default('village'),
    status: text('status', { enum: DISPUTE_STATUSES }).notNull().default('in_mediation'),
    outcome: text('outcome').notNull().default(''),
    closedOn: text('closed_on'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('disputes_tenant_date').on(t.tenantId, t.occurredOn),
    index('disputes_tenant_village').on(t.tenantId, t.villageId),
    check('disputes_closed', sql`(${t.status} = 'in_mediation') = (${t.closedOn} IS NULL)`),
  ],
);

/** The weak-and-lax villages ledger (后进村整治台账). */
export const weakVillages = sqliteTable(
  'weak_villages',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    yearListed: integer('year_listed').notNull(),
    reasons: text('reasons').notNull(),
    measures: text('measures').notNull().default(''),
    /** Shanghai date the village was turned around (后进变先进); null while rectification goes on */
    turnedAroundOn: text('turned_around_on'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('weak_villages_tenant_village_year').on(t.tenantId, t.villageId, t.yearListed),
    check('weak_villages_year', sql`${t.yearListed} BETWEEN 2000 AND 2100`),
  ],
);
