import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { annualResults, finalisedYears, yearReopenings } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { sqlJson } from '../../db/sql-json';
import { failIfUnchanged } from '../../db/batch';
import { conflict } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { TenantSettings } from '../../tenancy/settings';
import type { Stars } from '../../domain/thresholds';
import { computeYear, type ResultRow } from './compute-year';
import { consequencesFor } from './rules';

/**
 * Rows per INSERT. Each statement carries its rows as one JSON parameter (D1 binds at most 100 parameters):
 * one statement per 5 rows, as plain VALUES would need, cost more than the ballots' GROUP BY itself.
 * 500 rows of JSON stay far below D1's 2 MB per value.
 */
const ROWS_PER_STATEMENT = 500;

/** Columns in the table's order, each read from the JSON row (booleans as 0/1, absent JSON as '[]'). */
const FROM_JSON = sql.raw(`
  SELECT value ->> '$.id', value ->> '$.tenantId', value ->> '$.year', value ->> '$.stage', value ->> '$.subjectKind',
         value ->> '$.subjectId', value ->> '$.villageId', value ->> '$.composite', value ->> '$.complete', value ->> '$.rawStars',
         coalesce(value ->> '$.redLines', '[]'), value ->> '$.finalStars', value ->> '$.previousStars',
         coalesce(value ->> '$.consequences', '[]'), value ->> '$.incomeFen', value ->> '$.incomeTier', value ->> '$.computedAt', NULL`);

function insertStatements(db: Db, rows: (typeof annualResults.$inferInsert)[], onConflictDoNothing: boolean) {
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({ ...r, id: newId(), complete: r.complete ? 1 : 0 }));
    // WHERE 1: SQLite needs it between INSERT … SELECT and an ON CONFLICT clause
    const insert = db.insert(annualResults).select(sql`${FROM_JSON} FROM json_each(${sqlJson(chunk)}) WHERE 1`);
    statements.push(onConflictDoNothing ? insert.onConflictDoNothing() : insert);
  }
  return statements;
}

/** The live finalisation of a tenant-year, if the year is final. */
export async function finalisation(db: Db, tenantId: string, year: number) {
  const scope = new TenantScope(db, tenantId);
  const [row] = await db
    .select()
    .from(finalisedYears)
    .where(scope.where(finalisedYears, eq(finalisedYears.year, year), isNull(finalisedYears.reopeningId)))
    .limit(1);
  return row;
}

export type YearOutcome = { status: 'recomputed' | 'finalised'; branches: number; members: number } | { status: 'already_final' };

const tally = (rows: ResultRow[]) => ({
  branches: rows.filter((r) => r.subjectKind === 'branch').length,
  members: rows.filter((r) => r.subjectKind === 'member').length,
});

/** Replaces the provisional results of a year that is not final (the nightly job); a final year is left alone. */
export async function recomputeProvisional(db: Db, tenantId: string, year: number, settings: TenantSettings): Promise<YearOutcome> {
  if (await finalisation(db, tenantId, year)) return { status: 'already_final' };
  const rows = await computeYear(db, tenantId, year, settings);
  const scope = new TenantScope(db, tenantId);
  // one batch: readers see the old provisional results or the new ones, never a mix
  await db.batch([
    db
      .delete(annualResults)
      .where(scope.where(annualResults, eq(annualResults.year, year), eq(annualResults.stage, 'provisional'), isNull(annualResults.reopeningId))),
    ...insertStatements(db, rows.map((r) => ({ ...r, tenantId, stage: 'provisional' as const })), false),
  ]);
  return { status: 'recomputed', ...tally(rows) };
}

/** What the rating workflow (命名) brings to a finalisation: the branches' named levels, and its own writes for the same batch. */
export interface Naming {
  /** village id → the level named after re-check and notice (it replaces the computed final stars; consequences follow it) */
  levels: Map<string, Stars | null>;
  statements: BatchItem<'sqlite'>[];
}

/**
 * Finalises a year into write-once results: rows go in with ON CONFLICT DO NOTHING together with the mark
 * that the year is final, in one batch; a second run finds the mark and changes nothing.
 */
export async function finaliseYear(
  db: Db,
  tenantId: string,
  year: number,
  settings: TenantSettings,
  actorId: string | null,
  naming?: Naming,
): Promise<YearOutcome> {
  if (await finalisation(db, tenantId, year)) return { status: 'already_final' };
  const computed = await computeYear(db, tenantId, year, settings);
  const rows = naming ? computed.map((r) => named(r, naming.levels, settings)) : computed;
  const scope = new TenantScope(db, tenantId);
  const counts = tally(rows);
  // one batch: the results, the mark that the year is final, and the provisional rows gone, or none of it
  const statements: BatchItem<'sqlite'>[] = [
    ...insertStatements(db, rows.map((r) => ({ ...r, tenantId, stage: 'final' as const })), true),
    db
      .insert(finalisedYears)
      .values({ tenantId, year, finalisedAt: new Date().toISOString(), finalisedBy: actorId, ...counts })
      .onConflictDoNothing(),
    db
      .delete(annualResults)
      .where(scope.where(annualResults, eq(annualResults.year, year), eq(annualResults.stage, 'provisional'), isNull(annualResults.reopeningId))),
    ...(naming?.statements ?? []),
  ];
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return { status: 'finalised', ...counts };
}

/** A branch's row with the level the rating workflow named, and the consequences of that level. */
function named(row: ResultRow, levels: Map<string, Stars | null>, settings: TenantSettings): ResultRow {
  if (row.subjectKind !== 'branch' || !levels.has(row.subjectId)) return row;
  const level = levels.get(row.subjectId)!;
  const consequences = level === null ? [] : consequencesFor(level, (row.previousStars ?? null) as Stars | null, settings.consequences);
  return { ...row, finalStars: level, consequences: JSON.stringify(consequences) };
}

/**
 * Re-opens a final year, explicitly and on the record: the final results and the finalisation are
 * retired (stamped with the re-opening, never deleted) in one batch with the audit row. The batch begins
 * with the guarded retirement of the finalisation, and fails whole when it matched nothing: of concurrent
 * re-openings one is recorded, the others (a year no longer final) answer 409 and write nothing.
 */
export async function reopenYear(
  db: Db,
  tenantId: string,
  year: number,
  actorId: string,
  reason: string,
  audit: (row: { id: string; resultsRetired: number }) => BatchItem<'sqlite'>,
  /** other writes of the re-opening (the rating workflow's reset), in the same batch */
  more: (reopeningId: string) => BatchItem<'sqlite'>[] = () => [],
) {
  const scope = new TenantScope(db, tenantId);
  if (!(await finalisation(db, tenantId, year))) throw conflict('stars.year_not_finalised', { year });
  const live = and(eq(annualResults.year, year), eq(annualResults.stage, 'final'), isNull(annualResults.reopeningId));
  const [{ n }] = await db.select({ n: count() }).from(annualResults).where(scope.where(annualResults, live));
  const reopeningId = newId();
  try {
    await db.batch([
      db
        .update(finalisedYears)
        .set({ reopeningId })
        .where(scope.where(finalisedYears, eq(finalisedYears.year, year), isNull(finalisedYears.reopeningId))),
      // re-opened since it was read: the NULL insert fails (NOT NULL), and the batch with it
      failIfUnchanged(db, yearReopenings),
      db.insert(yearReopenings).values({ id: reopeningId, tenantId, year, reason, reopenedBy: actorId, resultsRetired: n }),
      db.update(annualResults).set({ reopeningId }).where(scope.where(annualResults, live)),
      audit({ id: reopeningId, resultsRetired: n }),
      ...more(reopeningId),
    ]);
  } catch (error) {
    if (!(await finalisation(db, tenantId, year))) throw conflict('stars.year_not_finalised', { year });
    throw error;
  }
  return { id: reopeningId, year, resultsRetired: n };
}
