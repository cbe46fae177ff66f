/**
 * The verbs of a township-year's rating (评星定级): each reads, decides with the pure rules, and writes one
 * batch with its audit rows. Steps: 申报 (nomination) → 评定 (scoring) → 复核 (re-check) → 公示 (notice) → 命名 (named).
 */
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import type { Db } from '../../db/client';
import { audit } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { failIfUnchanged } from '../../db/batch';
import { isUniqueViolation } from '../../db/errors';
import { objections, plaques, ratingEntries, ratingYears, villages } from '../../db/schema';
import type { RatingStep, RecheckDecision } from '../../domain/rating';
import type { Stars } from '../../domain/thresholds';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { shanghaiDate } from '../../platform/time';
import { parseSettings } from '../../tenancy/settings';
import { finalisation, finaliseYear, listResults, recomputeProvisional, yearComposites } from '../stars';
import { countyQuotas } from './organisation';
import { applyQuotas, effectiveQuotas, proposalCeiling, proposedLevel, withinCeiling, type QuotaCut } from './rules';

type Entry = typeof ratingEntries.$inferSelect;
type Year = typeof ratingYears.$inferSelect;
type Batch = [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];

const now = () => new Date().toISOString();

/** The township-year, or 404. */
export async function findYear(c: Context<AppEnv>, year: number): Promise<Year> {
  const scope = c.var.scope!;
  const [row] = await scope.db.select().from(ratingYears).where(scope.where(ratingYears, eq(ratingYears.year, year)));
  if (!row) throw notFound('rating.year_not_found');
  return row;
}

function assertStep(year: Year, ...steps: RatingStep[]) {
  if (!steps.includes(year.step)) throw conflict('rating.wrong_step', { step: { message: `rating.step.${year.step}` as const } });
}

/** The entry of one branch in a year, or 404 (a secretary sees only their own). */
export async function findEntry(c: Context<AppEnv>, year: number, villageId: string): Promise<Entry> {
  const scope = c.var.scope!;
  const [row] = await scope.db
    .select()
    .from(ratingEntries)
    .where(scope.where(ratingEntries, eq(ratingEntries.year, year), eq(ratingEntries.villageId, villageId)));
  if (!row) throw notFound('rating.entry_not_found');
  return row;
}

const yearAudit = (c: Context<AppEnv>, year: number, action: string, after: object) =>
  audit(c, { action: `rating.${action}`, entity: 'rating_year', entityId: String(year), after });
const entryAudit = (c: Context<AppEnv>, entry: { id: string }, action: string, before: object | null, after: object) =>
  audit(c, { action: `rating.${action}`, entity: 'rating_entry', entityId: entry.id, before, after });

/** A year's step moves on, guarded by the step it was in (a concurrent move makes the second a no-op). */
const stepUpdate = (c: Context<AppEnv>, year: number, from: RatingStep, patch: Partial<typeof ratingYears.$inferInsert>, unchanged?: SQL) =>
  c.var.scope!.db.update(ratingYears).set(patch).where(c.var.scope!.where(ratingYears, eq(ratingYears.year, year), eq(ratingYears.step, from), unchanged));

/**
 * For a failed batch that moves a year's step (its guard first, `failIfUnchanged` right after): a concurrent
 * request moved it since it was read, answered as the step it is at now (409); a unique index that refused a row
 * written since the read (an entry of a nomination still under way) is a 409 too; anything else is rethrown.
 */
const stepMoved = (c: Context<AppEnv>, year: number, from: RatingStep) => async (error: unknown): Promise<never> => {
  assertStep(await findYear(c, year), from);
  if (isUniqueViolation(error)) throw new AppError(409, 'error.conflict', {}, undefined, { cause: error });
  throw error;
};

/** 申报 opens: the township sets the nomination deadline. */
export async function openYear(c: Context<AppEnv>, year: number, nominationDeadline: string) {
  const scope = c.var.scope!;
  if (await finalisation(scope.db, scope.tenantId, year)) throw new AppError(409, 'stars.year_finalised', { year });
  const row = { tenantId: scope.tenantId, year, step: 'nomination' as const, nominationDeadline };
  const [inserted] = await scope.db.batch([
    scope.db.insert(ratingYears).values(row).onConflictDoNothing().returning(),
    audit(c, { action: 'rating.open', entity: 'rating_year', entityId: String(year), after: row, onlyIfChanged: true }),
  ]);
  if (!inserted.length) throw conflict('rating.year_exists', { year });
  return inserted[0];
}

/** 申报: the branch's secretary submits (or, before the deadline, revises) its self-nomination. */
export async function nominate(c: Context<AppEnv>, year: number, villageId: string, body: { appliedStars: Stars; statement: string; dutyReport: string }) {
  const scope = c.var.scope!;
  const y = await findYear(c, year);
  assertStep(y, 'nomination');
  if (shanghaiDate() > y.nominationDeadline) throw conflict('rating.deadline_passed', { deadline: y.nominationDeadline });
  const values = { ...body, nominatedAt: now(), nominatedBy: actorId(c.var.actor) };
  const [existing] = await scope.db
    .select()
    .from(ratingEntries)
    .where(scope.where(ratingEntries, eq(ratingEntries.year, year), eq(ratingEntries.villageId, villageId)));
  const id = existing?.id ?? newId();
  const write = existing
    ? scope.db.update(ratingEntries).set({ ...values, version: sql`${ratingEntries.version} + 1` }).where(scope.where(ratingEntries, eq(ratingEntries.id, id)))
    : scope.insert(ratingEntries, [{ id, year, villageId, status: 'nominated', ...values }]);
  await scope.db.batch([write, entryAudit(c, { id }, existing ? 'nomination_revise' : 'nominate', existing ?? null, body)]);
  return findEntry(c, year, villageId);
}

/**
 * 评定: the township's scoring. The provisional results are recomputed (composite, red lines, the
 * satisfaction cap), the quotas applied over the whole township, and each branch's level capped by what it
 * applied for unless the township gives a reason (`aboveApplication`). Every branch gets an entry, nominated
 * or not; the year moves to 复核.
 */
export async function score(c: Context<AppEnv>, year: number, aboveApplication: Record<string, string>) {
  const scope = c.var.scope!;
  const tenant = c.var.tenant!;
  const y = await findYear(c, year);
  // 'scoring': a named year re-opened, back to 评定 (ratingReopening)
  assertStep(y, 'nomination', 'scoring');
  if (shanghaiDate() <= y.nominationDeadline) throw conflict('rating.deadline_not_passed', { deadline: y.nominationDeadline });
  const settings = parseSettings(tenant.settings);
  const outcome = await recomputeProvisional(scope.db, scope.tenantId, year, settings);
  if (outcome.status === 'already_final') throw new AppError(409, 'stars.year_finalised', { year });
  const [results, composites, entries, villageRows, countyCaps] = await Promise.all([
    listResults(scope.db, scope.tenantId, { year, kind: 'branch', locale: c.var.locale }),
    yearComposites(scope.db, scope.tenantId, year),
    scope.db.select().from(ratingEntries).where(scope.where(ratingEntries, eq(ratingEntries.year, year))),
    scope.db.select({ id: villages.id }).from(villages).where(scope.where(villages)),
    countyQuotas(c.var.registry, tenant.countyId),
  ]);
  for (const villageId of Object.keys(aboveApplication))
    if (!villageRows.some((v) => v.id === villageId)) throw notFound('rosters.village_not_found');
  const villagerBy = new Map(composites.filter((r) => r.subjectKind === 'branch').map((r) => [r.subjectId, r.villagerScore]));
  const resultBy = new Map(results.map((r) => [r.villageId, r]));
  const entryBy = new Map(entries.map((e) => [e.villageId, e]));
  const quota = applyQuotas(
    villageRows.map((v) => {
      const r = resultBy.get(v.id);
      return { id: v.id, stars: (r?.finalStars ?? null) as Stars | null, composite: r?.composite ?? null, villagerScore: villagerBy.get(v.id) ?? null };
    }),
    effectiveQuotas(countyCaps, settings.rating.quotas),
    villageRows.length,
  );
  const proposedAt = now();
  // the step moves first, guarded by the step read: a second 评定 running at the same moment fails right after it
  // (before its entries, whose inserts would hit the unique (year, village) index), and answers the step as a 409
  const statements: BatchItem<'sqlite'>[] = [stepUpdate(c, year, y.step, { step: 'recheck' }), failIfUnchanged(scope.db, ratingEntries)];
  for (const v of villageRows) {
    const r = resultBy.get(v.id);
    const entry = entryBy.get(v.id);
    const cut = quota.get(v.id)!;
    const reason = aboveApplication[v.id]?.trim() || null;
    const level = proposedLevel(cut.stars, (entry?.appliedStars ?? null) as Stars | null, reason);
    const patch = {
      status: 'proposed' as const,
      scoredStars: r?.finalStars ?? null,
      composite: r?.composite ?? null,
      quotaCuts: JSON.stringify(cut.cuts),
      proposedStars: level.stars,
      proposalReason: level.cappedByApplication ? null : reason,
      proposedAt,
    };
    const id = entry?.id ?? newId();
    statements.push(
      entry
        ? scope.db.update(ratingEntries).set({ ...patch, version: sql`${ratingEntries.version} + 1` }).where(scope.where(ratingEntries, eq(ratingEntries.id, id)))
        : scope.insert(ratingEntries, [{ id, year, villageId: v.id, ...patch }]),
      entryAudit(c, { id }, 'propose', null, { ...patch, quotaCuts: cut.cuts, cappedByApplication: level.cappedByApplication }),
    );
  }
  statements.push(yearAudit(c, year, 'score', { step: 'recheck', branches: villageRows.length }));
  await scope.db.batch(statements as Batch).catch(stepMoved(c, year, y.step));
  return { branches: villageRows.length };
}

/** Refuses a proposal above what scoring and quotas gave the branch (400, with that level). */
export function assertWithinCeiling(entry: Entry, stars: Stars | null): void {
  const ceiling = proposalCeiling(entry.scoredStars, JSON.parse(entry.quotaCuts) as QuotaCut[]);
  if (!withinCeiling(stars, ceiling)) throw badRequest('rating.above_scoring', { stars: ceiling ?? 0 });
}

/** The township answers a returned proposal (or revises one before the county has answered): a level no higher than scoring and quotas gave, with a reason. */
export async function repropose(c: Context<AppEnv>, year: number, villageId: string, body: { stars: Stars | null; reason: string; version: number }) {
  const y = await findYear(c, year);
  assertStep(y, 'recheck', 'notice');
  const entry = await findEntry(c, year, villageId);
  if (entry.status !== 'returned' && entry.status !== 'proposed') throw conflict('rating.wrong_status', { status: { message: `rating.status.${entry.status}` as const } });
  assertWithinCeiling(entry, body.stars);
  const patch = { status: 'proposed' as const, proposedStars: body.stars, proposalReason: body.reason, proposedAt: now() };
  await guardedEntryWrite(c, entry, body.version, patch, 'repropose');
  return findEntry(c, year, villageId);
}

/** One entry's write guarded by the version its writer saw (409 when someone wrote in between), with its audit row. */
async function guardedEntryWrite(c: Context<AppEnv>, entry: Entry, version: number, patch: Partial<typeof ratingEntries.$inferInsert>, action: string, extra: BatchItem<'sqlite'>[] = []) {
  const scope = c.var.scope!;
  if (entry.version !== version) throw conflict('rating.stale', { version: entry.version });
  const [updated] = await scope.db.batch([
    scope.db
      .update(ratingEntries)
      .set({ ...patch, version: entry.version + 1 })
      .where(scope.where(ratingEntries, eq(ratingEntries.id, entry.id), eq(ratingEntries.version, version)))
      .returning(),
    audit(c, { action: `rating.${action}`, entity: 'rating_entry', entityId: entry.id, before: entry, after: patch, onlyIfChanged: true }),
    ...extra,
  ]);
  if (!(updated as unknown[]).length) throw conflict('rating.stale', { version: entry.version + 1 });
}

/**
 * 复核: the county organisation department confirms a proposal or returns it with a reason. A confirmed
 * five-star proposal then waits for the city's confirmation; every other confirmed level is ready for 公示.
 */
export async function recheck(c: Context<AppEnv>, year: number, villageId: string, body: { decision: RecheckDecision; reason?: string; version: number }) {
  const y = await findYear(c, year);
  assertStep(y, 'recheck', 'notice');
  const entry = await findEntry(c, year, villageId);
  if (entry.status !== 'proposed') throw conflict('rating.wrong_status', { status: { message: `rating.status.${entry.status}` as const } });
  if (body.decision === 'return' && !body.reason) throw badRequest('rating.reason_required');
  const status = body.decision === 'return' ? 'returned' : entry.proposedStars === 5 ? 'county_confirmed' : 'confirmed';
  const patch = { status: status as Entry['status'], recheckReason: body.reason ?? null, recheckedBy: actorId(c.var.actor), recheckedAt: now() };
  await guardedEntryWrite(c, entry, body.version, patch, body.decision === 'return' ? 'recheck_return' : 'recheck_confirm');
  return findEntry(c, year, villageId);
}

/** The city organisation department confirms a five-star proposal the county confirmed, or returns it with a reason. */
export async function cityCheck(c: Context<AppEnv>, year: number, villageId: string, body: { decision: RecheckDecision; reason?: string; version: number }) {
  const y = await findYear(c, year);
  assertStep(y, 'recheck', 'notice');
  const entry = await findEntry(c, year, villageId);
  if (entry.status !== 'county_confirmed') throw conflict('rating.wrong_status', { status: { message: `rating.status.${entry.status}` as const } });
  if (body.decision === 'return' && !body.reason) throw badRequest('rating.reason_required');
  const patch = {
    status: (body.decision === 'return' ? 'returned' : 'confirmed') as Entry['status'],
    cityReason: body.reason ?? null,
    cityCheckedBy: actorId(c.var.actor),
    cityCheckedAt: now(),
  };
  await guardedEntryWrite(c, entry, body.version, patch, body.decision === 'return' ? 'city_return' : 'city_confirm');
  return findEntry(c, year, villageId);
}

async function unconfirmed(c: Context<AppEnv>, year: number) {
  const scope = c.var.scope!;
  return scope.db
    .select({ villageId: ratingEntries.villageId, status: ratingEntries.status })
    .from(ratingEntries)
    .where(scope.where(ratingEntries, eq(ratingEntries.year, year), sql`${ratingEntries.status} <> 'confirmed'`));
}

/** 公示 starts once every proposal is confirmed: from `startsOn` (today or later) to `endsOn`, never shorter than the working days the settings require. */
export async function publish(c: Context<AppEnv>, year: number, window: { startsOn: string; endsOn: string }, minimumEnd: string) {
  const scope = c.var.scope!;
  const y = await findYear(c, year);
  assertStep(y, 'recheck');
  if (window.startsOn < shanghaiDate()) throw badRequest('rating.notice_in_past');
  if (window.endsOn < minimumEnd) throw badRequest('rating.notice_too_short', { end: minimumEnd });
  const waiting = await unconfirmed(c, year);
  if (waiting.length) throw conflict('rating.not_all_confirmed', { count: waiting.length });
  const patch = { step: 'notice' as const, noticeStartsOn: window.startsOn, noticeEndsOn: window.endsOn };
  // a second 公示 at the same moment fails after the step's guard: no second window, no second audit row
  await scope.db.batch([stepUpdate(c, year, 'recheck', patch), failIfUnchanged(scope.db, ratingEntries), yearAudit(c, year, 'publish', patch)]).catch(stepMoved(c, year, 'recheck'));
  return findYear(c, year);
}

/** Whether a year's notice is running today (Shanghai), the days inclusive. */
export const noticeRunning = (y: Year, today = shanghaiDate()) =>
  y.step === 'notice' && !!y.noticeStartsOn && !!y.noticeEndsOn && today >= y.noticeStartsOn && today <= y.noticeEndsOn;

/**
 * The township's answer to an objection against a branch's rating. Upheld with another level, the entry
 * goes back to 复核 with that level (the county and, for five stars, the city confirm it again), in the
 * same batch as the answer.
 */
export function ratingChangeForObjection(c: Context<AppEnv>, entry: Entry, stars: Stars | null, answer: string): BatchItem<'sqlite'>[] {
  const scope = c.var.scope!;
  const patch = { status: 'proposed' as const, proposedStars: stars, proposalReason: answer, proposedAt: now() };
  return [
    scope.db
      .update(ratingEntries)
      .set({ ...patch, version: sql`${ratingEntries.version} + 1` })
      .where(scope.where(ratingEntries, eq(ratingEntries.id, entry.id), eq(ratingEntries.version, entry.version))),
    // the entry changed since the answer was decided on it (another upheld objection, a re-check): the whole answer fails
    failIfUnchanged(scope.db, ratingEntries),
    entryAudit(c, entry, 'objection_upheld', { proposedStars: entry.proposedStars, status: entry.status }, { ...patch, version: entry.version + 1 }),
  ];
}

/**
 * 命名: after the notice has ended with every objection answered and every level confirmed, the year
 * becomes final with the named levels (their consequences follow), plaques are issued — five stars by the
 * city's confirming organiser, four by the county's — and every entry is named, all in one batch.
 */
export async function name(c: Context<AppEnv>, year: number) {
  const scope = c.var.scope!;
  const y = await findYear(c, year);
  assertStep(y, 'notice');
  if (shanghaiDate() <= y.noticeEndsOn!) throw conflict('rating.notice_running', { end: y.noticeEndsOn! });
  const waiting = await unconfirmed(c, year);
  if (waiting.length) throw conflict('rating.not_all_confirmed', { count: waiting.length });
  const entries = await scope.db.select().from(ratingEntries).where(scope.where(ratingEntries, eq(ratingEntries.year, year)));
  const [{ n: open }] = await scope.db
    .select({ n: sql<number>`count(*)` })
    .from(objections)
    .where(scope.where(objections, inArray(objections.ratingEntryId, entries.length ? entries.map((e) => e.id) : ['']), isNull(objections.answeredAt)));
  if (open > 0) throw conflict('rating.objections_unanswered', { count: open });
  const issuedAt = now();
  const plaqueRows = entries
    .filter((e) => e.proposedStars === 5 || e.proposedStars === 4)
    .map((e) => ({
      id: newId(),
      tenantId: scope.tenantId,
      year,
      villageId: e.villageId,
      kind: e.proposedStars === 5 ? ('city_five_star' as const) : ('county_four_star' as const),
      awardedBy: (e.proposedStars === 5 ? e.cityCheckedBy : e.recheckedBy) ?? actorId(c.var.actor),
      issuedAt,
    }));
  // the entries as read, all confirmed: their versions only grow, so an equal count and sum means none was written since
  // (an objection upheld while this was read sends its entry back to 复核, and the year must not be named over it)
  const read = `${entries.length}:${entries.reduce((sum, e) => sum + e.version, 0)}`;
  const unchanged = sql`(SELECT count(*) || ':' || coalesce(sum(${ratingEntries.version}), 0) FROM ${ratingEntries}
    WHERE ${scope.where(ratingEntries, eq(ratingEntries.year, year), eq(ratingEntries.status, 'confirmed'))}) = ${read}`;
  const statements: BatchItem<'sqlite'>[] = [
    // the step's guard first: a second 命名 at the same moment fails here, its whole finalisation batch with it
    stepUpdate(c, year, 'notice', { step: 'named', namedAt: issuedAt, namedBy: actorId(c.var.actor) }, unchanged),
    failIfUnchanged(scope.db, ratingEntries),
    scope.db.update(ratingEntries).set({ status: 'named' }).where(scope.where(ratingEntries, eq(ratingEntries.year, year), eq(ratingEntries.status, 'confirmed'))),
    ...(plaqueRows.length ? [scope.db.insert(plaques).values(plaqueRows).onConflictDoNothing()] : []),
    yearAudit(c, year, 'name', { branches: entries.length, plaques: plaqueRows.map((p) => ({ villageId: p.villageId, kind: p.kind, awardedBy: p.awardedBy })) }),
  ];
  const outcome = await finaliseYear(scope.db, scope.tenantId, year, parseSettings(c.var.tenant!.settings), actorId(c.var.actor), {
    levels: new Map(entries.map((e) => [e.villageId, e.proposedStars as Stars | null])),
    statements,
  }).catch(async (error: unknown) => {
    await stepMoved(c, year, 'notice')(error).catch((moved: unknown) => {
      if (moved instanceof AppError) throw moved;
    });
    // still at 公示: its entries changed while they were read; named again, it reads them anew
    throw new AppError(409, 'error.conflict', {}, undefined, { cause: error });
  });
  if (outcome.status === 'already_final') throw new AppError(409, 'stars.year_finalised', { year });
  return { ...outcome, plaques: plaqueRows.length };
}

/** Whether a year's finalisation belongs to its rating workflow (the January job leaves such a year to 命名). */
export async function ratingInProgress(db: Db, tenantId: string, year: number): Promise<RatingStep | null> {
  const [row] = await db.select({ step: ratingYears.step }).from(ratingYears).where(and(eq(ratingYears.tenantId, tenantId), eq(ratingYears.year, year)));
  return row && row.step !== 'named' ? row.step : null;
}

/**
 * What re-opening a final year (stars' re-open, with its reason) does to its rating, in the same batch: a
 * named year goes back to 评定 (step 'scoring'; the notice window and the naming cleared), every entry back
 * to 'nominated' (nominations stand; the next 评定 proposes anew), the year's plaques withdrawn (kept,
 * stamped with the re-opening), audited on the year. A year whose rating was never opened is untouched.
 */
export function ratingReopening(c: Context<AppEnv>, tenantId: string, year: number, reopening: { id: string; reason: string }): BatchItem<'sqlite'>[] {
  const db = c.var.db;
  const at = now();
  const inYear = (table: typeof ratingYears | typeof ratingEntries | typeof plaques) => and(eq(table.tenantId, tenantId), eq(table.year, year));
  return [
    db.update(plaques).set({ withdrawnAt: at, withdrawnReopeningId: reopening.id }).where(and(inYear(plaques), isNull(plaques.withdrawnAt))),
    db.update(ratingEntries).set({ status: 'nominated', version: sql`${ratingEntries.version} + 1`, updatedAt: at }).where(inYear(ratingEntries)),
    db
      .update(ratingYears)
      .set({ step: 'scoring', noticeStartsOn: null, noticeEndsOn: null, namedAt: null, namedBy: null, updatedAt: at })
      .where(and(inYear(ratingYears), eq(ratingYears.step, 'named'))),
    audit(c, { action: 'rating.reopen', entity: 'rating_year', entityId: String(year), after: { step: 'scoring', reason: reopening.reason, reopeningId: reopening.id, plaquesWithdrawn: true }, tenantId, onlyIfChanged: true }),
  ];
}
