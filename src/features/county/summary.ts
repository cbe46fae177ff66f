import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { townshipTable, type CountyTownship } from '../../tenancy/county';
import { parseSettings } from '../../tenancy/settings';
import { villageResultsCte } from './comparison';

/** Villages per star level, 1–5. */
export type StarCounts = Record<1 | 2 | 3 | 4 | 5, number>;

/** What a township (or the whole county) adds up to in a year: villages, star levels, income tiers. */
export interface SummaryCounts {
  villages: number;
  stars: StarCounts;
  /** villages without a result this year */
  unrated: number;
  /** villages whose income reaches the township's lower tier (≥ 5万元 unless the township set another) */
  incomeAtLeastLow: number;
  /** villages whose income reaches the upper tier (≥ 10万元 unless the township set another) */
  incomeAtLeastHigh: number;
}

export interface TownshipSummary extends SummaryCounts {
  townshipId: string;
  township: string;
  slug: string;
  /** final, provisional, or null when the township has no result for the year */
  stage: 'final' | 'provisional' | null;
  /** when its latest result was computed (UTC); null without results */
  computedAt: string | null;
  /** the township's income tiers in fen ([low, high]), which its villages' incomeTier follows */
  incomeTiersFen: number[];
}

type Raw = {
  townshipId: string;
  township: string;
  slug: string;
  settings: string;
  stage: 'final' | 'provisional' | null;
  computedAt: string | null;
  villages: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  unrated: number;
  incomeLow: number;
  incomeHigh: number;
};

/**
 * Per township of the county: its villages, how many at each star level and how many reach each income
 * tier in `year`, from the same village results the comparison ranks (one GROUP BY). Townships without
 * villages are listed too. The county's total is the sum of its townships.
 */
export async function countySummary(db: Db, townshipsOfCounty: readonly CountyTownship[], year: number): Promise<{ townships: TownshipSummary[]; total: SummaryCounts }> {
  const rows = await db.all<Raw>(sql`
    WITH ${villageResultsCte(townshipsOfCounty, year)}
    SELECT t.id AS townshipId, t.name AS township, t.slug AS slug, t.settings AS settings, max(r.stage) AS stage, max(r.computed_at) AS computedAt,
           count(r.village_id) AS villages,
           count(CASE WHEN r.final_stars = 1 THEN 1 END) AS s1,
           count(CASE WHEN r.final_stars = 2 THEN 1 END) AS s2,
           count(CASE WHEN r.final_stars = 3 THEN 1 END) AS s3,
           count(CASE WHEN r.final_stars = 4 THEN 1 END) AS s4,
           count(CASE WHEN r.final_stars = 5 THEN 1 END) AS s5,
           count(CASE WHEN r.village_id IS NOT NULL AND r.final_stars IS NULL THEN 1 END) AS unrated,
           count(CASE WHEN r.income_tier IN ('low', 'high') THEN 1 END) AS incomeLow,
           count(CASE WHEN r.income_tier = 'high' THEN 1 END) AS incomeHigh
    FROM ${townshipTable(townshipsOfCounty)} t
    LEFT JOIN r ON r.township_id = t.id
    GROUP BY t.id
    ORDER BY t.name, t.id`);
  const townships = rows.map(
    (r): TownshipSummary => ({
      townshipId: r.townshipId,
      township: r.township,
      slug: r.slug,
      stage: r.stage ?? null,
      computedAt: r.computedAt ?? null,
      incomeTiersFen: parseSettings(r.settings).incomeTiersFen,
      villages: Number(r.villages),
      stars: { 1: Number(r.s1), 2: Number(r.s2), 3: Number(r.s3), 4: Number(r.s4), 5: Number(r.s5) },
      unrated: Number(r.unrated),
      incomeAtLeastLow: Number(r.incomeLow),
      incomeAtLeastHigh: Number(r.incomeHigh),
    }),
  );
  const total: SummaryCounts = { villages: 0, stars: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, unrated: 0, incomeAtLeastLow: 0, incomeAtLeastHigh: 0 };
  for (const tw of townships) {
    total.villages += tw.villages;
    for (const n of [1, 2, 3, 4, 5] as const) total.stars[n] += tw.stars[n];
    total.unrated += tw.unrated;
    total.incomeAtLeastLow += tw.incomeAtLeastLow;
    total.incomeAtLeastHigh += tw.incomeAtLeastHigh;
  }
  return { townships, total };
}

/** Each township's income tiers (fen) of the county, by township id: what an income tier means there. */
export function townshipIncomeTiers(townships: readonly CountyTownship[]): Map<string, number[]> {
  return new Map(townships.map((t) => [t.id, parseSettings(t.settings).incomeTiersFen]));
}
