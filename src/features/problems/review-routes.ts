import { and, asc, count, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { allow } from '../../auth/guard';
import { PROBLEM_REVIEW_STATUSES, problemReviews, problems } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { failIfUnchanged } from '../../db/batch';
import { AppError, conflict, notFound } from '../../platform/errors';
import { idField, idParam, input, paging } from '../../platform/validate';
import { assertVillageVisible, listedVillage } from '../rosters';
import { insertProblems } from './insert-problems';

type Review = typeof problemReviews.$inferSelect;

const reviewQuery = z.object({ status: z._default(z.enum(PROBLEM_REVIEW_STATUSES), 'pending'), villageId: z.optional(z.string().check(z.maxLength(40))), ...paging });
const decision = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept') }),
  z.object({ action: z.literal('merge'), problemId: idField }),
  z.object({ action: z.literal('dismiss'), reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)) }),
]);

const view = ({ tenantId: _t, ...rest }: Review) => rest;

/** A queued problem the actor may see (another village's is not found), decided only by the township. */
async function pendingReview(c: Context<AppEnv>, id: string): Promise<Review> {
  const review = await c.var.scope!.find(problemReviews, id);
  if (!review) throw notFound('problems.review_not_found');
  assertVillageVisible(c.var.actor, review.villageId);
  if (c.var.actor?.kind !== 'user' || c.var.actor.role !== 'township_admin') throw new AppError(403, 'problems.review_township_only');
  if (review.status !== 'pending') throw conflict('problems.review_decided');
  return review;
}

/** The guarded UPDATE of a decision: only a row still pending changes, so two decisions never both count. */
const decide = (scope: TenantScope, id: string, set: Partial<Review>) =>
  scope.db
    .update(problemReviews)
    .set({ ...set, decidedAt: new Date().toISOString() })
    .where(scope.where(problemReviews, eq(problemReviews.id, id), eq(problemReviews.status, 'pending')))
    .returning();

/** 群众反映问题审核: the queue of ballot-raised problems, and the township's decision on each. */
export const problemReviewRoutes = new Hono<AppEnv>()
  .get('/', allow('township_admin', 'village_secretary'), input('query', reviewQuery), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(problemReviews, eq(problemReviews.status, query.status), villageId ? eq(problemReviews.villageId, villageId) : undefined);
    const [items, [total]] = await scope.db.batch([
      scope.db.select().from(problemReviews).where(where).orderBy(asc(problemReviews.raisedAt), asc(problemReviews.id)).limit(query.limit).offset(query.offset),
      scope.db.select({ n: count() }).from(problemReviews).where(where),
    ]);
    return c.json({ items: items.map(view), total: total.n });
  })
  .post('/:id', allow('township_admin', 'village_secretary'), input('param', idParam), input('json', decision), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const review = await pendingReview(c, c.req.valid('param').id);
    const decidedBy = actorId(c.var.actor);
    const entry = { entity: 'problem_review', entityId: review.id, before: { status: review.status }, onlyIfChanged: true };
    if (body.action === 'accept') {
      // the problem takes the review's id: a second accept of the same row fails on it, the whole batch with it
      const [insert] = insertProblems(scope, [
        { id: review.id, villageId: review.villageId, subjectKind: review.subjectKind, subjectId: review.subjectId, source: 'ballot', year: review.year, content: review.content, raisedAt: review.raisedAt, createdBy: decidedBy },
      ]);
      // decided since it was read (a dismissal, say): the guard's NULL insert fails, and the batch with it
      const stillPending = failIfUnchanged(scope.db, problemReviews);
      try {
        const [, [row]] = await c.var.db.batch([
          insert,
          decide(scope, review.id, { status: 'accepted', problemId: review.id, decidedBy }),
          // right after the decision it guards (changes() is the statement just before's)
          stillPending,
          audit(c, { ...entry, onlyIfChanged: false, action: 'problem_review.accept', after: { status: 'accepted', problemId: review.id } }),
        ]);
        return c.json(view(row));
      } catch (error) {
        if ((await scope.find(problemReviews, review.id))?.status !== 'pending') throw conflict('problems.review_decided');
        throw error;
      }
    }
    if (body.action === 'merge') {
      const target = await scope.find(problems, body.problemId);
      if (!target || target.villageId !== review.villageId) throw notFound('problems.not_found');
      const [[row]] = await c.var.db.batch([
        decide(scope, review.id, { status: 'merged', problemId: target.id, decidedBy }),
        audit(c, { ...entry, action: 'problem_review.merge', after: { status: 'merged', problemId: target.id } }),
      ]);
      if (!row) throw conflict('problems.review_decided');
      return c.json(view(row));
    }
    const [[row]] = await c.var.db.batch([
      decide(scope, review.id, { status: 'dismissed', reason: body.reason, decidedBy }),
      audit(c, { ...entry, action: 'problem_review.dismiss', after: { status: 'dismissed', reason: body.reason } }),
    ]);
    if (!row) throw conflict('problems.review_decided');
    return c.json(view(row));
  });

/** How many problems of a village wait for review (the secretary's and the township's home). */
export const pendingReviews = (scope: TenantScope, villageId?: string) =>
  scope.db
    .select({ n: count() })
    .from(problemReviews)
    .where(scope.where(problemReviews, and(eq(problemReviews.status, 'pending'), villageId ? eq(problemReviews.villageId, villageId) : undefined)))
    .then((r) => r[0].n);
