import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ENTRY_STATUSES, MEMBER_GRADES, PLAQUE_KINDS, RATING_STEPS } from '../../domain/rating';
import { SUBJECT_KINDS } from '../../domain/vocabulary';
import { createdAt, idColumn, updatedAt } from './columns';
import { campaigns } from './evaluation';
import { members, villages } from './rosters';
import { tenantId } from './tenant-column';

/**
 * A township-year of the rating workflow (评星定级): its step, the nomination deadline, the public notice's
 * window (Shanghai dates, inclusive) and the naming.
 */
export const ratingYears = sqliteTable(
  'rating_years',
  {
    tenantId: tenantId(),
    year: integer('year').notNull(),
    step: text('step', { enum: RATING_STEPS }).notNull().default('nomination'),
    /** the last day (Shanghai) a secretary may submit the branch's nomination */
    nominationDeadline: text('nomination_deadline').notNull(),
    noticeStartsOn: text('notice_starts_on'),
    noticeEndsOn: text('notice_ends_on'),
    namedAt: text('named_at'),
    namedBy: text('named_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.year] }),
    check('rating_years_year', sql`${t.year} BETWEEN 2000 AND 2100`),
    check('rating_years_notice', sql`(${t.noticeStartsOn} IS NULL) = (${t.noticeEndsOn} IS NULL)`),
  ],
);

/**
 * One branch's way through a year: its nomination (level applied for, statement, 述职述廉 report), the
 * township's proposal with the reasons that shaped it, the county's and city's re-check, and the level named.
 */
export const ratingEntries = sqliteTable(
  'rating_entries',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    status: text('status', { enum: ENTRY_STATUSES }).notNull(),
    appliedStars: integer('applied_stars'),
    statement: text('statement'),
    /** the secretary's report on duties and integrity (述职述廉) */
    dutyReport: text('duty_report'),
    nominatedAt: text('nominated_at'),
    nominatedBy: text('nominated_by'),
    /** the level from the composite and red lines (satisfaction included), before quotas */
    scoredStars: integer('scored_stars'),
    composite: integer('composite'),
    /** JSON: the quota cuts that pushed the branch down (rules.ts QuotaCut[]) */
    quotaCuts: text('quota_cuts').notNull().default('[]'),
    proposedStars: integer('proposed_stars'),
    /** why the township proposes above the level applied for, or changed a proposal */
    proposalReason: text('proposal_reason'),
    proposedAt: text('proposed_at'),
    recheckReason: text('recheck_reason'),
    recheckedBy: text('rechecked_by'),
    recheckedAt: text('rechecked_at'),
    cityReason: text('city_reason'),
    cityCheckedBy: text('city_checked_by'),
    cityCheckedAt: text('city_checked_at'),
    /** every write bumps it: a re-check answers the proposal it saw, not a later one */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('rating_entries_branch').on(t.tenantId, t.year, t.villageId),
    index('rating_entries_status').on(t.tenantId, t.year, t.status),
    check('rating_entries_applied', sql`${t.appliedStars} IS NULL OR ${t.appliedStars} BETWEEN 1 AND 5`),
    check('rating_entries_proposed', sql`${t.proposedStars} IS NULL OR ${t.proposedStars} BETWEEN 1 AND 5`),
  ],
);

/** A plaque (授牌) issued at naming: which branch, which plaque, who awarded it (the confirming organiser) and when. */
export const plaques = sqliteTable(
  'plaques',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    kind: text('kind', { enum: PLAQUE_KINDS }).notNull(),
    /** the organisation department's account that confirmed the level */
    awardedBy: text('awarded_by').notNull(),
    issuedAt: createdAt(),
    /** set when the year is re-opened: the plaque no longer stands (kept, never deleted), with the re-opening */
    withdrawnAt: text('withdrawn_at'),
    withdrawnReopeningId: text('withdrawn_reopening_id'),
  },
  // one standing plaque per branch-year; withdrawn ones stay beside the one issued at the next naming
  (t) => [uniqueIndex('plaques_branch_year').on(t.tenantId, t.year, t.villageId).where(sql`withdrawn_at IS NULL`)],
);

/** The campaign a township designates as a year's official evaluation of one subject kind; other campaigns stay reports. */
export const officialCampaigns = sqliteTable(
  'official_campaigns',
  {
    tenantId: tenantId(),
    year: integer('year').notNull(),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    designatedBy: text('designated_by').notNull(),
    designatedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.year, t.subjectKind] })],
);

/** A member's 民主评议党员 grade of a year: proposed from the evaluation, decided by the branch meeting. */
export const memberGrades = sqliteTable(
  'member_grades',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    composite: integer('composite'),
    proposedGrade: text('proposed_grade', { enum: MEMBER_GRADES }),
    grade: text('grade', { enum: MEMBER_GRADES }).notNull(),
    /** required for 不合格, and whenever the meeting departs from the proposal */
    reason: text('reason'),
    /** the branch meeting (支部党员大会) that decided it: its date and reference */
    meetingOn: text('meeting_on').notNull(),
    meetingNote: text('meeting_note').notNull(),
    decidedBy: text('decided_by').notNull(),
    decidedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('member_grades_member_year').on(t.tenantId, t.year, t.memberId),
    check('member_grades_unqualified', sql`${t.grade} <> 'unqualified' OR length(${t.reason}) > 0`),
  ],
);
