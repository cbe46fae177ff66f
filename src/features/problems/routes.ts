import { desc, eq, isNull, sql } from 'drizzle-orm';
import { newId } from '../../platform/ids';
import { audited } from '../../audit/record';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId, type Actor } from '../../auth/actor';
import { seesPersonalDetails } from '../../auth/personal-data';
import { allow, publicRoute, TOWNSHIP_READERS } from '../../auth/guard';
import { members, problems, villages } from '../../db/schema';
import { answerObjection, fileObjection, noneUnanswered, objectionsOf, unansweredCount } from '../objections';
import type { TenantScope } from '../../db/tenant-scope';
import { AppError, conflict, notFound } from '../../platform/errors';
import { idField, idParam, input, isoDate, yearField, yearText } from '../../platform/validate';
import { shanghaiDate, shanghaiYear } from '../../platform/time';
import { parseSettings } from '../../tenancy/settings';
import { assertVillageVisible, listedVillage } from '../rosters';
import { insertProblems } from './insert-problems';
import { problemReviewRoutes } from './review-routes';
import { canMove, inNotice, isOverdue, noticeWindow, PROBLEM_STATUSES, problemAsSeen, type ProblemStatus } from './rules';

type Problem = typeof problems.$inferSelect;
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

const problemInput = z.object({
  villageId: idField,
  subjectKind: z._default(z.enum(['branch', 'member']), 'branch'),
  /** the member, for a member's problem; a branch's problem is the village's */
  subjectId: z.optional(idField),
  content: text(1000),
  measure: z._default(z.string().check(z.trim(), z.maxLength(1000)), ''),
  deadline: z.optional(isoDate),
  owner: z._default(z.string().check(z.trim(), z.maxLength(40)), ''),
  year: z.optional(yearField),
});
const problemPatch = z.object({
  measure: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  deadline: z.optional(z.nullable(isoDate)),
  owner: z.optional(z.string().check(z.trim(), z.maxLength(40))),
  status: z.optional(z.enum(PROBLEM_STATUSES)),
});
const listQuery = z.object({
  villageId: z.optional(z.string().check(z.maxLength(40))),
  subjectKind: z.optional(z.enum(['branch', 'member'])),
  subjectId: z.optional(z.string().check(z.maxLength(40))),
  status: z.optional(z.enum(PROBLEM_STATUSES)),
  year: z.optional(yearText),
  overdue: z.optional(z.enum(['1'])),
});

const role = (c: Context<AppEnv>) => (c.var.actor?.kind === 'user' ? c.var.actor.role : 'system');

const view = (p: Problem, today = shanghaiDate(), now = new Date().toISOString()) => {
  const { tenantId: _t, ...rest } = p;
  return { ...rest, overdue: isOverdue(p.status, p.deadline, today), inNotice: inNotice(p, now) };
};

/** A problem as the request's actor sees it (problemAsSeen). */
const readerView = (actor: Actor | undefined, p: Problem, today?: string) => problemAsSeen(view(p, today), seesPersonalDetails(actor));

async function findProblem(c: Context<AppEnv>, id: string): Promise<Problem> {
  const problem = await c.var.scope!.find(problems, id);
  if (!problem) throw notFound('problems.not_found');
  assertVillageVisible(c.var.actor, problem.villageId);
  return problem;
}

/** Objections of a problem still waiting for the township's answer. */
export const unansweredObjections = (scope: TenantScope, problemId: string) => unansweredCount(scope, { target: 'problem', problemId });

/** The condition, for a problem's UPDATE, that none of its objections waits for an answer. */
const noUnansweredObjection = (scope: TenantScope, problemId: string) => noneUnanswered(scope, { target: 'problem', problemId });

/** The problem list (问题清单): problems with rectification measures, deadlines, owners, status and public notice with objections (异议). */
export const problemRoutes = new Hono<AppEnv>()
  .route('/reviews', problemReviewRoutes)
  .get('/', allow(...TOWNSHIP_READERS), input('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, q.villageId);
    const today = shanghaiDate();
    const rows = await scope.db
      .select()
      .from(problems)
      .where(
        scope.where(
          problems,
          villageId ? eq(problems.villageId, villageId) : undefined,
          q.subjectKind ? eq(problems.subjectKind, q.subjectKind) : undefined,
          q.subjectId ? eq(problems.subjectId, q.subjectId) : undefined,
          q.status ? eq(problems.status, q.status) : undefined,
          q.year ? eq(problems.year, q.year) : undefined,
          q.overdue ? sql`${problems.deadline} < ${today} AND ${problems.status} IN ('open', 'in_progress')` : undefined,
        ),
      )
      .orderBy(desc(problems.createdAt))
      .limit(1000);
    return c.json({ items: rows.map((p) => readerView(c.var.actor, p, today)) });
  })
  .post('/', allow('township_admin', 'village_secretary'), input('json', problemInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    assertVillageVisible(c.var.actor, body.villageId);
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    let subjectId = body.villageId;
    if (body.subjectKind === 'member') {
      const member = body.subjectId ? await scope.find(members, body.subjectId) : undefined;
      if (!member || member.villageId !== body.villageId) throw notFound('contact.member_not_found');
      subjectId = member.id;
    }
    const values = {
      id: newId(),
      villageId: body.villageId,
      subjectKind: body.subjectKind,
      subjectId,
      source: 'admin' as const,
      year: body.year ?? shanghaiYear(),
      content: body.content,
      measure: body.measure,
      deadline: body.deadline ?? null,
      owner: body.owner,
      createdBy: actorId(c.var.actor),
    };
    const [insert] = insertProblems(scope, [values]);
    const [row] = await audited(c, insert.returning(), { action: 'problem.create', entity: 'problem', entityId: values.id, after: values });
    return c.json(view(row), 201);
  })
  .get('/public', publicRoute(), input('query', z.object({ villageId: idField })), async (c) => {
    // 公示: what is in (or has been through) public notice; no authors, no ballots
    const scope = c.var.scope!;
    const now = new Date().toISOString();
    const rows = await scope.db
      .select()
      .from(problems)
      .where(scope.where(problems, eq(problems.villageId, c.req.valid('query').villageId), sql`${problems.noticeStartsAt} IS NOT NULL`))
      .orderBy(desc(problems.noticeStartsAt))
      .limit(500);
    const today = shanghaiDate();
    return c.json({
      items: rows.map((p) => ({
        id: p.id,
        subjectKind: p.subjectKind,
        content: p.content,
        measure: p.measure,
        deadline: p.deadline,
        owner: p.owner,
        status: p.status,
        overdue: isOverdue(p.status, p.deadline, today),
        noticeEndsAt: p.noticeEndsAt,
        inNotice: inNotice(p, now),
      })),
    });
  })
  .get('/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const problem = await findProblem(c, c.req.valid('param').id);
    const scope = c.var.scope!;
    const objections = await objectionsOf(scope, { target: 'problem', problemId: problem.id });
    // whoever objected gave a contact for the township to answer: the village's secretary (whose problem it is) and the county never read it
    const full = c.var.actor?.kind === 'user' && c.var.actor.role === 'township_admin';
    return c.json({
      ...readerView(c.var.actor, problem),
      objections: objections.map(({ tenantId: _t, target: _k, ratingEntryId: _r, upheld: _u, contact, ...o }) => (full ? { ...o, contact } : o)),
    });
  })
  .patch('/:id', allow('township_admin', 'village_secretary'), input('param', idParam), input('json', problemPatch), async (c) => {
    const problem = await findProblem(c, c.req.valid('param').id);
    const body = c.req.valid('json');
    const patch: Partial<typeof problems.$inferInsert> = {};
    if (body.measure !== undefined) patch.measure = body.measure;
    if (body.deadline !== undefined) patch.deadline = body.deadline;
    if (body.owner !== undefined) patch.owner = body.owner;
    if (body.status && body.status !== problem.status) {
      if (!canMove(problem.status, body.status as ProblemStatus, role(c)))
        throw new AppError(409, 'problems.bad_transition', {
          from: { message: `problems.status.${problem.status}` },
          to: { message: `problems.status.${body.status}` },
        });
      patch.status = body.status;
      const now = new Date().toISOString();
      if (body.status === 'rectified') patch.rectifiedAt = now;
      if (body.status === 'verified') {
        if ((await unansweredObjections(c.var.scope!, problem.id)) > 0) throw conflict('problems.objections_unanswered');
        Object.assign(patch, { verifiedAt: now, verifiedBy: actorId(c.var.actor) });
      }
      if (body.status === 'in_progress') Object.assign(patch, { rectifiedAt: null });
    }
    if (!Object.keys(patch).length) return c.json(view(problem)); // nothing to change (drizzle refuses an empty SET)
    const scope = c.var.scope!;
    // the status guard makes two concurrent moves of the same problem settle on one; a verification also checks, in
    // the UPDATE itself, that no objection waits (one filed after the read above would otherwise be verified over)
    const verifying = patch.status === 'verified';
    const [row] = await audited(
      c,
      scope.db
        .update(problems)
        .set(patch)
        .where(scope.where(problems, eq(problems.id, problem.id), eq(problems.status, problem.status), verifying ? noUnansweredObjection(scope, problem.id) : undefined))
        .returning(),
      { action: 'problem.update', entity: 'problem', entityId: problem.id, before: problem, after: patch, onlyIfChanged: true },
    );
    if (!row) throw conflict(verifying && (await unansweredObjections(scope, problem.id)) > 0 ? 'problems.objections_unanswered' : 'error.conflict');
    return c.json(view(row));
  })
  .post('/:id/publish', allow('township_admin'), input('param', idParam), async (c) => {
    const problem = await findProblem(c, c.req.valid('param').id);
    if (problem.noticeStartsAt) throw conflict('problems.already_published');
    const { startsAt, endsAt } = noticeWindow(new Date(), parseSettings(c.var.tenant!.settings).noticeDays);
    const patch = { noticeStartsAt: startsAt, noticeEndsAt: endsAt };
    const scope = c.var.scope!;
    // published once: a concurrent second click finds the notice set and changes nothing (no new window, no audit row)
    const [row] = await audited(
      c,
      scope.db.update(problems).set(patch).where(scope.where(problems, eq(problems.id, problem.id), isNull(problems.noticeStartsAt))).returning(),
      { action: 'problem.publish', entity: 'problem', entityId: problem.id, after: patch, onlyIfChanged: true },
    );
    if (!row) throw conflict('problems.already_published');
    return c.json(view(row));
  })
  .post('/:id/objections', publicRoute(), input('param', idParam), input('json', z.object({ content: text(500), contact: z.optional(z.string().check(z.trim(), z.maxLength(60))) })), async (c) => {
    const problem = await c.var.scope!.find(problems, c.req.valid('param').id);
    if (!problem || !problem.noticeStartsAt) throw notFound('problems.not_found');
    if (!inNotice(problem, new Date().toISOString())) throw conflict('problems.notice_over');
    const row = await fileObjection(c, { target: 'problem', problemId: problem.id }, c.req.valid('json'));
    return c.json({ id: row.id, createdAt: row.createdAt }, 201);
  })
  .post(
    '/:id/objections/:objectionId/answer',
    allow('township_admin'),
    input('param', z.object({ id: idField, objectionId: idField })),
    input('json', z.object({ answer: text(1000) })),
    async (c) => {
      const { id, objectionId } = c.req.valid('param');
      const problem = await findProblem(c, id);
      const row = await answerObjection(c, { target: 'problem', problemId: problem.id }, objectionId, c.req.valid('json'));
      const { tenantId: _t, target: _k, ratingEntryId: _r, upheld: _u, ...rest } = row;
      return c.json(rest);
    },
  );

