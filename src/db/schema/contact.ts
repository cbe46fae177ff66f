import { sql } from 'drizzle-orm';
import { check, index, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn } from './columns';
import { villages } from './rosters';
import { tenantId } from './tenant-column';
import { SIGNOFF_METHODS, VISIT_CATEGORIES } from '../../domain/vocabulary';
export { VISIT_CATEGORIES, type VisitCategory } from '../../domain/vocabulary';


/*
 * Member and household ids below carry no foreign key on purpose: a roster change (a member leaves, a
 * household is merged) must never lose visit history, so rows keep the names as they were (snapshots)
 * and links end (ended_at) instead of disappearing.
 */

/** A branch committee member links party members (一名支部成员联系 5 名党员). */
export const contactMemberLinks = sqliteTable(
  'contact_member_links',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    committeeMemberId: text('committee_member_id').notNull(),
    memberId: text('member_id').notNull(),
    createdAt: createdAt(),
    endedAt: text('ended_at'),
  },
  (t) => [
    index('contact_member_links_tenant_village').on(t.tenantId, t.villageId),
    // a party member has one linking committee member at a time
    uniqueIndex('contact_member_links_active').on(t.tenantId, t.memberId).where(sql`ended_at IS NULL`),
    check('contact_member_links_not_self', sql`${t.committeeMemberId} <> ${t.memberId}`),
  ],
);

/** A party member links households (一名党员联系 5–15 户). */
export const contactHouseholdLinks = sqliteTable(
  'contact_household_links',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    memberId: text('member_id').notNull(),
    householdId: text('household_id').notNull(),
    createdAt: createdAt(),
    endedAt: text('ended_at'),
  },
  (t) => [
    index('contact_household_links_tenant_village').on(t.tenantId, t.villageId),
    index('contact_household_links_tenant_member').on(t.tenantId, t.memberId),
    // a household is linked by one party member at a time
    uniqueIndex('contact_household_links_active').on(t.tenantId, t.householdId).where(sql`ended_at IS NULL`),
  ],
);

/** A visit recorded by a party member (走访记录), usually from a phone. */
export const contactVisits = sqliteTable(
  'contact_visits',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    memberId: text('member_id').notNull(),
    memberName: text('member_name').notNull(),
    householdId: text('household_id').notNull(),
    householdName: text('household_name').notNull(),
    /** Shanghai calendar date YYYY-MM-DD */
    visitedOn: text('visited_on').notNull(),
    category: text('category', { enum: VISIT_CATEGORIES }).notNull(),
    findings: text('findings').notNull().default(''),
    request: text('request').notNull().default(''),
    /** the problem-list entry this visit raised, once it has flowed into the problem list */
    problemId: text('problem_id'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('contact_visits_tenant_village_date').on(t.tenantId, t.villageId, t.visitedOn),
    index('contact_visits_tenant_household').on(t.tenantId, t.householdId, t.visitedOn),
    check('contact_visits_date', sql`${t.visitedOn} GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'`),
  ],
);

/** The monthly sign-off of a linked household (每户每月签字), recorded by the member with the household's confirmation. */
export const contactSignoffs = sqliteTable(
  'contact_signoffs',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    memberId: text('member_id').notNull(),
    householdId: text('household_id').notNull(),
    /** YYYY-MM (Shanghai) */
    month: text('month').notNull(),
    method: text('method', { enum: SIGNOFF_METHODS }).notNull(),
    /** a small image as a data: URL (the drawn signature, or the photo of the signed paper sheet) */
    evidence: text('evidence').notNull(),
    signedOn: text('signed_on').notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('contact_signoffs_month').on(t.tenantId, t.householdId, t.month, t.memberId),
    index('contact_signoffs_tenant_village_month').on(t.tenantId, t.villageId, t.month),
    check('contact_signoffs_month_format', sql`${t.month} GLOB '[12][0-9][0-9][0-9]-[01][0-9]'`),
  ],
);
