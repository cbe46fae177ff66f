import { and, asc, count, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { settleAttempt, takeAttempt, type AttemptKey } from '../../auth/throttle';
import { failIfUnchanged } from '../../db/batch';
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
 * The INSERT of one objection unless its target holds PER_TARGET already: counted inside the INSERT (… SELECT …
 * WHERE count < cap), since a count read before it lets a burst of concurrent filings all pass.
 */
function underCap(scope: TenantScope, of: ObjectionOf, values: Omit<typeof objections.$inferInsert, 'tenantId'>) {
  const row: Record<string, unknown> = { ...values, tenantId: scope.tenantId, createdAt: new Date().toISOString() };
  // every column in the table's order, as drizzle's INSERT … SELECT names them
  const columns = Object.keys(getTableColumns(objections)).map((key) => sql`${row[key] ?? null}`);
  const held = sql`(SELECT count(*) FROM ${objections} WHERE ${scope.where(objections, targetColumn(of))})`;
  return scope.db.insert(objections).select(sql`SELECT ${sql.join(columns, sql`, `)} WHERE ${held} < ${PER_TARGET}`);
}

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
    const values = {
      id: newId(),
      target: of.target as ObjectionTarget,
      problemId: of.target === 'problem' ? of.problemId : null,
      ratingEntryId: of.target === 'rating' ? of.ratingEntryId : null,
      content: body.content,
      contact: body.contact || null,
    };
    const [[row]] = await scope.db.batch([
      underCap(scope, of, values).returning(),
      audit(c, { action: 'objection.create', entity: of.target === 'problem' ? 'problem_objection' : 'rating_objection', entityId: values.id, after: { ...values, contact: values.contact ? '***' : null }, onlyIfChanged: true }),
    ]);
    if (!row) throw new AppError(429, 'error.rate_limited', { seconds: 3600 });
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

/** For a WHERE (a guarded UPDATE of the target): none of the target's objections waits for an answer, as the row is written. */
export const noneUnanswered = (scope: TenantScope, of: ObjectionOf): SQL =>
  sql`NOT EXISTS (SELECT 1 FROM ${objections} WHERE ${scope.where(objections, targetColumn(of), isNull(objections.answeredAt))})`;

/**
 * Answers an objection once (a guarded UPDATE: a second answer is a 409), with the audit row and any
 * consequence of the answer (`extra`, e.g. a rating changed by an upheld objection) in the same batch, which
 * goes in whole or not at all: an answer that lost the race takes its consequence with it. A failure of `extra`
 * itself (its own guard) is rethrown for the caller to answer.
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
  try {
    const [[row]] = await scope.db.batch([
      scope.db
        .update(objections)
        .set(patch)
        .where(scope.where(objections, and(eq(objections.id, objectionId), isNull(objections.answeredAt))))
        .returning(),
      // answered since it was read: the batch fails here, so neither this answer's audit row nor its consequence goes in
      failIfUnchanged(scope.db, objections),
      audit(c, { action: 'objection.answer', entity: of.target === 'problem' ? 'problem_objection' : 'rating_objection', entityId: objectionId, after: patch }),
      ...extra,
    ]);
    return row;
  } catch (error) {
    if ((await scope.find(objections, objectionId))?.answeredAt) throw conflict('problems.objection_answered');
    throw error;
  }
}
