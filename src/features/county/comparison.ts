import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { townshipTable, type CountyTownship } from '../../tenancy/county';
import { liveAnnualResult } from '../stars';

import type { ComparisonSort } from '../../domain/vocabulary';
export { COMPARISON_SORTS } from '../../domain/vocabulary';

export interface ComparisonQuery {
  year: number;
  sort: ComparisonSort;
  /** only this township (tenant id) of the county */
  townshipId?: string;
  page: number;
  pageSize: number;
}

/** One village of the county in the comparison. */
export interface ComparisonRow {
  /** standing in the county (or the chosen township) by stars, then composite; ties share a rank */
  rank: number;
  townshipId: string;
  township: string;
  villageId: string;
  village: string;
  /** which result the figures come from: the township's final year, else the nightly provisional one; null: none yet */
  stage: 'final' | 'provisional' | null;
  /** when the result was computed (UTC); null without a result */
  computedAt: string | null;
  stars: number | null;
  /** hundredths of a point */
  composite: number | null;
  redLines: number;
  incomeFen: number | null;
  incomeTier: 'below' | 'low' | 'high' | null;
}

/** Ranking order: most stars, then highest composite; villages without a result last. */
const STANDING = sql`r.final_stars IS NULL, r.final_stars DESC, r.composite IS NULL, r.composite DESC`;
const TIE_BREAK = sql`township, village, village_id`;
const ORDER: Record<ComparisonSort, SQL> = {
  stars: sql`rank, ${TIE_BREAK}`,
  composite: sql`composite IS NULL, composite DESC, ${TIE_BREAK}`,
  income: sql`income_fen IS NULL, income_fen DESC, ${TIE_BREAK}`,
  red_lines: sql`red_lines DESC, rank, ${TIE_BREAK}`,
  name: TIE_BREAK,
};

/**
 * Every village of the county (or of one township of it) with its annual branch result for a year: the
 * `r` CTE the comparison and the summary both read: the live result (final once the township's year is
 * final, else provisional; see liveAnnualResult).
 */
export function villageResultsCte(townships: readonly CountyTownship[], year: number, townshipId?: string): SQL {
  return sql`r AS (
      SELECT t.id AS township_id, t.name AS township, v.id AS village_id, v.name AS village,
             annual_results.stage, annual_results.computed_at, annual_results.final_stars, annual_results.composite,
             coalesce(json_array_length(annual_results.red_lines), 0) AS red_lines, annual_results.income_fen, annual_results.income_tier
      FROM ${townshipTable(townships)} t
      JOIN villages v ON v.tenant_id = t.id
      LEFT JOIN annual_results ON annual_results.tenant_id = t.id AND annual_results.year = ${year}
        AND annual_results.subject_kind = 'branch' AND annual_results.subject_id = v.id AND ${liveAnnualResult()}
      ${townshipId ? sql`WHERE t.id = ${townshipId}` : sql``}
    )`;
}

/**
 * The county comparison: every village of every township in the county with its annual branch result,
 * ranked, one page at a time. The one read that crosses tenants: it is read-only, and the county
 * (hence the tenants) comes from the caller's grant, never from the rows. One SQL statement.
 */
export async function countyComparison(db: Db, townships: readonly CountyTownship[], q: ComparisonQuery): Promise<{ total: number; items: ComparisonRow[] }> {
  const rows = await comparisonRows(db, townships, q, sql`LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`);
  const total = rows.length ? Number(rows[0].total) : await countVillages(db, townships, q.townshipId);
  return { total, items: rows.map(toRow) };
}

/** Every row of the comparison in its order, without paging (the exports): one statement, ~1,500 rows for a county. */
export async function countyComparisonAll(db: Db, townships: readonly CountyTownship[], q: Omit<ComparisonQuery, 'page' | 'pageSize'>): Promise<ComparisonRow[]> {
  return (await comparisonRows(db, townships, q, sql``)).map(toRow);
}

type RawRow = ComparisonRow & { total: number; village_id: string; income_fen: number | null };

function comparisonRows(db: Db, townships: readonly CountyTownship[], q: Omit<ComparisonQuery, 'page' | 'pageSize'>, limit: SQL): Promise<RawRow[]> {
  return db.all<RawRow>(sql`
    WITH ${villageResultsCte(townships, q.year, q.townshipId)},
    ranked AS (
      SELECT r.*, rank() OVER (ORDER BY ${STANDING}) AS rank, count(*) OVER () AS total FROM r
    )
    SELECT rank, township_id AS townshipId, township, village_id, village_id AS villageId, village, stage, computed_at AS computedAt, final_stars AS stars,
           composite, red_lines AS redLines, income_fen, income_fen AS incomeFen, income_tier AS incomeTier, total
    FROM ranked
    ORDER BY ${ORDER[q.sort]}
    ${limit}`);
}

function toRow(r: RawRow): ComparisonRow {
  return {
    rank: Number(r.rank),
    townshipId: r.townshipId,
    township: r.township,
    villageId: r.villageId,
    village: r.village,
    stage: r.stage,
    computedAt: r.computedAt ?? null,
    stars: r.stars === null ? null : Number(r.stars),
    composite: r.composite === null ? null : Number(r.composite),
    redLines: Number(r.redLines),
    incomeFen: r.incomeFen === null ? null : Number(r.incomeFen),
    incomeTier: r.incomeTier,
  };
}

/** Villages of the county (for a page past the end). */
async function countVillages(db: Db, townships: readonly CountyTownship[], townshipId?: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`
    SELECT count(*) AS n FROM villages v JOIN ${townshipTable(townships)} t ON t.id = v.tenant_id
    ${townshipId ? sql`WHERE t.id = ${townshipId}` : sql``}`);
  return Number(row?.n ?? 0);
}
