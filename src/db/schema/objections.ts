import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { OBJECTION_TARGETS } from '../../domain/rating';
import { createdAt, idColumn } from './columns';
import { problems } from './problems';
import { ratingEntries } from './rating';
import { tenantId } from './tenant-column';

/**
 * An objection (异议) raised by anyone during a public notice, without login: against a problem of a
 * problem list, or against a branch's rating in its 公示. The township answers each one; for a rating it
 * says whether the objection is upheld.
 */
export const objections = sqliteTable(
  'objections',
  {
    id: idColumn(),
    tenantId: tenantId(),
    target: text('target', { enum: OBJECTION_TARGETS }).notNull(),
    problemId: text('problem_id').references(() => problems.id, { onDelete: 'cascade' }),
    ratingEntryId: text('rating_entry_id').references(() => ratingEntries.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    /** how to reach whoever objected, if they chose to say (shown to township admins only) */
    contact: text('contact'),
    createdAt: createdAt(),
    answer: text('answer'),
    answeredBy: text('answered_by'),
    answeredAt: text('answered_at'),
    /** a rating objection's verdict: upheld (the level was changed) or not; NULL for problems and unanswered ones */
    upheld: integer('upheld', { mode: 'boolean' }),
  },
  (t) => [
    index('objections_problem').on(t.tenantId, t.problemId),
    index('objections_rating').on(t.tenantId, t.ratingEntryId),
    check('objections_target', sql`(${t.target} = 'problem' AND ${t.problemId} IS NOT NULL AND ${t.ratingEntryId} IS NULL)
      OR (${t.target} = 'rating' AND ${t.ratingEntryId} IS NOT NULL AND ${t.problemId} IS NULL)`),
    check('objections_content', sql`length(${t.content}) BETWEEN 1 AND 1000`),
    check('objections_answer', sql`(${t.answer} IS NULL) = (${t.answeredAt} IS NULL)`),
  ],
);
