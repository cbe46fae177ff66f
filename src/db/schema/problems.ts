import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { villages } from './rosters';
import { tenantId } from './tenant-column';
import { PROBLEM_SOURCES, PROBLEM_STATUSES, SUBJECT_KINDS } from '../../domain/vocabulary';
export { PROBLEM_SOURCES, PROBLEM_STATUSES } from '../../domain/vocabulary';



/**
 * The problem list (问题清单) of a branch or a member: raised on a ballot (反映问题), by a visit, or entered
 * by an admin; with the rectification measure (整改措施), deadline (整改时间), owner and status. A problem
 * raised on a ballot keeps its session, never its ballot: the ballot stays secret.
 */
export const problems = sqliteTable(
  'problems',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    /** the village id for a branch, the member id for a member */
    subjectId: text('subject_id').notNull(),
    source: text('source', { enum: PROBLEM_SOURCES }).notNull(),
    sessionId: text('session_id'),
    year: integer('year').notNull(),
    content: text('content').notNull(),
    measure: text('measure').notNull().default(''),
    /** YYYY-MM-DD, a Shanghai calendar date */
    deadline: text('deadline'),
    owner: text('owner').notNull().default(''),
    status: text('status', { enum: PROBLEM_STATUSES }).notNull().default('open'),
    /** 公示期: from publication for the tenant's noticeDays */
    noticeStartsAt: text('notice_starts_at'),
    noticeEndsAt: text('notice_ends_at'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    rectifiedAt: text('rectified_at'),
    verifiedAt: text('verified_at'),
    verifiedBy: text('verified_by'),
  },
  (t) => [
    index('problems_tenant_village').on(t.tenantId, t.villageId, t.status),
    index('problems_tenant_subject').on(t.tenantId, t.subjectKind, t.subjectId),
    check('problems_content', sql`length(${t.content}) BETWEEN 1 AND 1000`),
    check('problems_notice', sql`(${t.noticeStartsAt} IS NULL) = (${t.noticeEndsAt} IS NULL)`),
  ],
);

export const PROBLEM_REVIEW_STATUSES = ['pending', 'accepted', 'merged', 'dismissed'] as const;

/**
 * The review queue of problems villagers raised on ballots: released there when a session ends (shuffled,
 * all at the session's end, no session id), they become official only when a township admin accepts one
 * into the problem list, merges it with an existing problem, or dismisses it with a reason.
 */
export const problemReviews = sqliteTable(
  'problem_reviews',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    year: integer('year').notNull(),
    content: text('content').notNull(),
    /** the session's end: the same for every problem of a session */
    raisedAt: text('raised_at').notNull(),
    status: text('status', { enum: PROBLEM_REVIEW_STATUSES }).notNull().default('pending'),
    /** the problem it became (accepted) or joined (merged) */
    problemId: text('problem_id').references(() => problems.id),
    /** why it was dismissed */
    reason: text('reason'),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
  },
  (t) => [
    index('problem_reviews_tenant_status').on(t.tenantId, t.status, t.villageId),
    check('problem_reviews_content', sql`length(${t.content}) BETWEEN 1 AND 1000`),
    check('problem_reviews_decision', sql`(${t.status} = 'pending') = (${t.decidedAt} IS NULL)`),
    check('problem_reviews_reason', sql`${t.status} <> 'dismissed' OR length(${t.reason}) > 0`),
  ],
);
