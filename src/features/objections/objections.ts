import { and, asc, count, eq, isNull, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { settleAttempt, takeAttempt, type AttemptKey } from '../../auth/throttle';
import { objections } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import type { ObjectionTarget } from '../../domain/rating';
import { AppError, conflict, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';

/** What an objection is filed against: a problem, or a branch's rating entry. */
export type ObjectionOf = { target: 'problem'; problemId: string } | { target: 'rating'; ratingEntryId: string };

/** Objections per target at most (a flood from many addresses stops there), and per address and hour. */
const PER_TARGET = 200;
/** An address may file this many objections an hour before it waits (a village hall shares one address, hence not 1). */
const objectionKeys = (ip: string): AttemptKey[] => [{ key: `objection-ip:${ip}`, free: 10 }];

const targetColumn = (of: ObjectionOf): SQL =>
  of.target === 'problem' ? eq(objections.problemId, of.problemId) : eq(objections.ratingEntryId, of.ratingEntryId);

/**
 * Files an objection without login during a public notice: throttled per address and capped per target;
 * recorded with its request like any write. The contact is optional.
 */
export async function fileObjection(c: Context<AppEnv>, of: ObjectionOf, body: { content: string; contact?: string | null }) {
  const scope = c.var.scope!;
  const keys = objectionKeys(c.var.clientIp ?? 'unknown');
  // counts filings, not failures: let in before filing, so that a burst gets no more than the window allows
  const taken = await takeAttempt(c.var.registry, keys);
  let filed = false;
  try {
    const [{ n }] = await scope.db.select({ n: count() }).from(objections).where(scope.where(objections, targetColumn(of)));
    if (n >= PER_TARGET) throw new AppError(429, 'error.rate_limited', { seconds: 3600 });
    const values = {
      id: newId(),
      target: of.target as ObjectionTarget,
      problemId: of.target === 'problem' ? of.problemId : null,
      ratingEntryId: of.target === 'rating' ? of.ratingEntryId : null,
      content: body.content,
      contact: body.contact || null,
    };
    const [[row]] = await scope.db.batch([
      scope.insert(objections, [values]).returning(),
      audit(c, { action: 'objection.create', entity: of.target === 'problem' ? 'problem_objection' : 'rating_objection', entityId: values.id, after: { ...values, contact: values.contact ? '***' : null } }),
    ]);
    filed = true;
    return row;
  } finally {
    await settleAttempt(c.var.registry, taken, filed);
  }
}

/** The objections of a target, oldest first. */
export function objectionsOf(scope: TenantScope, of: ObjectionOf) {
  return scope.db.select().from(objections).where(scope.where(objections, targetColumn(of))).orderBy(asc(objections.createdAt));
}

/** How many objections of a target still wait for the township's answer. */
export async function unansweredCount(scope: TenantScope, of: ObjectionOf): Promise<number> {
  const [{ n }] = await scope.db.select({ n: count() }).from(objections).where(scope.where(objections, targetColumn(of), isNull(objections.answeredAt)));
  return n;
}

/**
 * Answers an objection once (a guarded UPDATE: a second answer is a 409), with the audit row and any
 * consequence of the answer (`extra`, e.g. a rating changed by an upheld objection) in the same batch.
 */
export async function answerObjection(
  c: Context<AppEnv>,
  of: ObjectionOf,
  objectionId: string,
  answer: { answer: string; upheld?: boolean | null },
  extra: BatchItem<'sqlite'>[] = [],
) {
  const scope = c.var.scope!;
  const patch = { answer: answer.answer, upheld: answer.upheld ?? null, answeredBy: actorId(c.var.actor), answeredAt: new Date().toISOString() };
  const existing = await scope.find(objections, objectionId);
  if (!existing || (of.target === 'problem' ? existing.problemId !== of.problemId : existing.ratingEntryId !== of.ratingEntryId))
    throw notFound('problems.objection_not_found');
  if (existing.answeredAt) throw conflict('problems.objection_answered');
  const [[row]] = await scope.db.batch([
    scope.db
      .update(objections)
      .set(patch)
      .where(scope.where(objections, and(eq(objections.id, objectionId), isNull(objections.answeredAt))))
      .returning(),
    audit(c, { action: 'objection.answer', entity: of.target === 'problem' ? 'problem_objection' : 'rating_objection', entityId: objectionId, after: patch, onlyIfChanged: true }),
    ...extra,
  ]);
  if (!row) throw conflict('problems.objection_answered');
  return row;
}
