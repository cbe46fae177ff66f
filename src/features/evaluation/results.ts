import { sql, type SQL } from 'drizzle-orm';
import type { TenantScope } from '../../db/tenant-scope';
import type { Stars } from '../stars/rules';
import { e6ToHundredths, RATER_GROUPS, starsFor, type RaterGroup, type SubjectKind } from './rules';

export interface GroupResult {
  /** the campaign's weight of this group */
  weight: number;
  /** ballots in this group */
  count: number;
  /** mean ballot score in millionths of a point (truncated); null without ballots */
  scoreE6: number | null;
  /** the same in hundredths (half-up), for display; null without ballots */
  score: number | null;
}

/** One subject's result in one campaign, as computed by SQL over all its ballots. */
export interface SubjectResult {
  campaignId: string;
  year: number;
  subjectKind: SubjectKind;
  /** the village id for a branch, the member id for a member */
  subjectId: string;
  villageId: string;
  groups: Record<RaterGroup, GroupResult>;
  ballots: number;
  /** integer hundredths of a point (89.99 → 8999); null when no weighted group has ballots */
  composite: number | null;
  /** every group with a weight has at least one ballot */
  complete: boolean;
  /** from the campaign's thresholds; null without a composite */
  stars: Stars | null;
  /** the campaign's star thresholds (hundredths for 5, 4, 3, 2 stars) */
  thresholds: number[];
}

export type ResultFilter = { campaignId: string; subjectKind?: SubjectKind; subjectId?: string; villageId?: string } | { year: number };

interface Row {
  campaign_id: string;
  year: number;
  subject_kind: SubjectKind;
  subject_id: string;
  village_id: string;
  w_self: number;
  w_peer: number;
  w_villager: number;
  w_leader: number;
  star5: number;
  star4: number;
  star3: number;
  star2: number;
  n_self: number;
  n_peer: number;
  n_villager: number;
  n_leader: number;
  s_self: number | null;
  s_peer: number | null;
  s_villager: number | null;
  s_leader: number | null;
  composite: number | null;
  complete: number;
}

/**
 * Per subject of a campaign (or, with `{ year }`, of every campaign of a tenant-year, each subject taken
 * from its latest campaign in which it has ballots): per-group counts and scores, the composite in
 * integer hundredths and completeness. All in one SQL statement (GROUP BY over the ballots, then a
 * GROUP BY per subject); the integers are those of the pure rules in rules.ts (tested to agree).
 */
export async function subjectResults(scope: TenantScope, filter: ResultFilter): Promise<SubjectResult[]> {
  const t = scope.tenantId;
  let campaignFilter: SQL;
  let subjectFilter = sql``;
  if ('campaignId' in filter) {
    campaignFilter = sql`= ${filter.campaignId}`;
    if (filter.subjectKind) subjectFilter = sql`${subjectFilter} AND cs.subject_kind = ${filter.subjectKind}`;
    if (filter.subjectId) subjectFilter = sql`${subjectFilter} AND cs.subject_id = ${filter.subjectId}`;
    if (filter.villageId) subjectFilter = sql`${subjectFilter} AND cs.village_id = ${filter.villageId}`;
  } else {
    campaignFilter = sql`IN (SELECT id FROM evaluation_campaigns WHERE tenant_id = ${t} AND year = ${filter.year})`;
  }
  const weightOf = sql`CASE g.rater_group WHEN 'self' THEN c.weight_self WHEN 'peer' THEN c.weight_peer
    WHEN 'villager' THEN c.weight_villager ELSE c.weight_leader END`;
  const query = sql`
    WITH g AS (
      SELECT campaign_id, subject_kind, subject_id, rater_group, count(*) AS n,
             sum(points * 100000000 / max_points) / count(*) AS score_e6
      FROM evaluation_ballots
      WHERE tenant_id = ${t} AND campaign_id ${campaignFilter}
      GROUP BY campaign_id, subject_kind, subject_id, rater_group
    ),
    s AS (
      SELECT cs.campaign_id, c.year, c.created_at AS campaign_created, cs.subject_kind, cs.subject_id, cs.village_id,
             c.weight_self AS w_self, c.weight_peer AS w_peer, c.weight_villager AS w_villager, c.weight_leader AS w_leader,
             c.star5, c.star4, c.star3, c.star2,
             coalesce(sum(CASE g.rater_group WHEN 'self' THEN g.n END), 0) AS n_self,
             coalesce(sum(CASE g.rater_group WHEN 'peer' THEN g.n END), 0) AS n_peer,
             coalesce(sum(CASE g.rater_group WHEN 'villager' THEN g.n END), 0) AS n_villager,
             coalesce(sum(CASE g.rater_group WHEN 'leader' THEN g.n END), 0) AS n_leader,
             max(CASE g.rater_group WHEN 'self' THEN g.score_e6 END) AS s_self,
             max(CASE g.rater_group WHEN 'peer' THEN g.score_e6 END) AS s_peer,
             max(CASE g.rater_group WHEN 'villager' THEN g.score_e6 END) AS s_villager,
             max(CASE g.rater_group WHEN 'leader' THEN g.score_e6 END) AS s_leader,
             coalesce(sum(${weightOf} * g.score_e6), 0) AS numerator,
             coalesce(sum(${weightOf}), 0) AS weight_sum
      FROM evaluation_campaign_subjects cs
      JOIN evaluation_campaigns c ON c.tenant_id = cs.tenant_id AND c.id = cs.campaign_id
      LEFT JOIN g ON g.campaign_id = cs.campaign_id AND g.subject_kind = cs.subject_kind AND g.subject_id = cs.subject_id
      WHERE cs.tenant_id = ${t} AND cs.campaign_id ${campaignFilter} ${subjectFilter}
      GROUP BY cs.campaign_id, cs.subject_kind, cs.subject_id
    ),
    r AS (
      SELECT s.*,
             CASE WHEN weight_sum > 0 THEN (2 * numerator + weight_sum * 10000) / (2 * weight_sum * 10000) END AS composite,
             (weight_sum > 0 AND (w_self = 0 OR n_self > 0) AND (w_peer = 0 OR n_peer > 0)
               AND (w_villager = 0 OR n_villager > 0) AND (w_leader = 0 OR n_leader > 0)) AS complete,
             row_number() OVER (PARTITION BY subject_kind, subject_id
               ORDER BY (n_self + n_peer + n_villager + n_leader > 0) DESC, campaign_created DESC, campaign_id DESC) AS rank
      FROM s
    )
    SELECT * FROM r WHERE ${'year' in filter ? sql`rank = 1` : sql`1 = 1`}
    ORDER BY village_id, subject_kind, subject_id`;
  const rows = await scope.db.all<Row>(query);
  return rows.map(toResult);
}

function toResult(row: Row): SubjectResult {
  const weights: Record<RaterGroup, number> = { self: row.w_self, peer: row.w_peer, villager: row.w_villager, leader: row.w_leader };
  const groups = {} as Record<RaterGroup, GroupResult>;
  for (const group of RATER_GROUPS) {
    const scoreE6 = row[`s_${group}`] === null ? null : Number(row[`s_${group}`]);
    groups[group] = { weight: weights[group], count: Number(row[`n_${group}`]), scoreE6, score: scoreE6 === null ? null : e6ToHundredths(scoreE6) };
  }
  const composite = row.composite === null ? null : Number(row.composite);
  return {
    campaignId: row.campaign_id,
    year: Number(row.year),
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    villageId: row.village_id,
    groups,
    ballots: RATER_GROUPS.reduce((n, g) => n + groups[g].count, 0),
    composite,
    complete: !!Number(row.complete),
    stars: starsFor(composite, [row.star5, row.star4, row.star3, row.star2]),
    thresholds: [row.star5, row.star4, row.star3, row.star2].map(Number),
  };
}
