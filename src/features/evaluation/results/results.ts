import { sql, type SQL } from 'drizzle-orm';
import type { TenantScope } from '../../../db/tenant-scope';
import type { Stars } from '../../../domain/thresholds';
import { endedSessionIds } from '../sessions/sessions';
import { composite, groupScore, RATER_GROUPS, scoreShown, starsFor, toHundredths, type BallotSum, type RaterGroup, type SubjectKind } from '../rules';

export interface GroupResult {
  /** the campaign's weight of this group */
  weight: number;
  /** ballots in this group */
  count: number;
  /** the group's mean score in hundredths (half-up from the exact mean); null without ballots */
  score: number | null;
  /** the group's share of the composite in hundredths (half-up from the exact share); null without ballots */
  contribution: number | null;
  /** fewer ballots than the township's minimum (样本不足): score and contribution are withheld, the composite still counts them */
  sampleTooSmall?: boolean;
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
  /** integer hundredths of a point (89.99 → 8999), exact until this one rounding; null when no weighted group has ballots */
  composite: number | null;
  /** every group with a weight has at least one ballot */
  complete: boolean;
  /** from the campaign's thresholds; null without a composite or while the evaluation is incomplete */
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
  /** JSON [[rater group, max points, ballots, Σ points] | null, …] */
  sums: string;
}

/**
 * Per subject of a campaign (or, with `{ year }`, of every campaign of a tenant-year, each subject taken
 * from its latest campaign in which it has ballots), counting the ballots of ended sessions only: per-group counts and scores, the composite in
 * integer hundredths and completeness. One SQL statement sums the ballots (GROUP BY per subject, rater
 * group and maximum); the pure rules of rules.ts turn the sums into exact scores and round once.
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
  const query = sql`
    WITH g AS (
      SELECT campaign_id, subject_kind, subject_id, rater_group, max_points, count(*) AS n, sum(points) AS p
      FROM evaluation_ballots
      WHERE tenant_id = ${t} AND campaign_id ${campaignFilter} AND session_id IN ${endedSessionIds(t)}
      GROUP BY campaign_id, subject_kind, subject_id, rater_group, max_points
    ),
    s AS (
      SELECT cs.campaign_id, c.year, c.created_at AS campaign_created, cs.subject_kind, cs.subject_id, cs.village_id,
             c.weight_self AS w_self, c.weight_peer AS w_peer, c.weight_villager AS w_villager, c.weight_leader AS w_leader,
             c.star5, c.star4, c.star3, c.star2,
             coalesce(sum(g.n), 0) AS n,
             json_group_array(CASE WHEN g.n IS NOT NULL THEN json_array(g.rater_group, g.max_points, g.n, g.p) END) AS sums
      FROM evaluation_campaign_subjects cs
      JOIN evaluation_campaigns c ON c.tenant_id = cs.tenant_id AND c.id = cs.campaign_id
      LEFT JOIN g ON g.campaign_id = cs.campaign_id AND g.subject_kind = cs.subject_kind AND g.subject_id = cs.subject_id
      WHERE cs.tenant_id = ${t} AND cs.campaign_id ${campaignFilter} ${subjectFilter}
      GROUP BY cs.campaign_id, cs.subject_kind, cs.subject_id
    ),
    r AS (
      SELECT s.*,
             row_number() OVER (PARTITION BY subject_kind, subject_id ORDER BY (n > 0) DESC, campaign_created DESC, campaign_id DESC) AS rank
      FROM s
    )
    SELECT * FROM r WHERE ${'year' in filter ? sql`rank = 1` : sql`1 = 1`}
    ORDER BY village_id, subject_kind, subject_id`;
  const rows = await scope.db.all<Row>(query);
  return rows.map(toResult);
}

function toResult(row: Row): SubjectResult {
  const weights: Record<RaterGroup, number> = { self: row.w_self, peer: row.w_peer, villager: row.w_villager, leader: row.w_leader };
  const sums = Object.fromEntries(RATER_GROUPS.map((g) => [g, [] as BallotSum[]])) as Record<RaterGroup, BallotSum[]>;
  for (const part of JSON.parse(row.sums) as ([RaterGroup, number, number, number] | null)[])
    if (part) sums[part[0]].push({ maxPoints: Number(part[1]), count: Number(part[2]), points: Number(part[3]) });
  const tallies = Object.fromEntries(
    RATER_GROUPS.map((g) => [g, { count: sums[g].reduce((n, s) => n + s.count, 0), score: groupScore(sums[g]) }]),
  ) as Record<RaterGroup, { count: number; score: ReturnType<typeof groupScore> }>;
  const result = composite(weights, tallies);
  const groups = Object.fromEntries(
    RATER_GROUPS.map((g) => {
      const { count, score } = tallies[g];
      return [g, { weight: weights[g], count, score: score && toHundredths(score), contribution: result.contributions[g] }];
    }),
  ) as Record<RaterGroup, GroupResult>;
  const thresholds = [row.star5, row.star4, row.star3, row.star2].map(Number);
  return {
    campaignId: row.campaign_id,
    year: Number(row.year),
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    villageId: row.village_id,
    groups,
    ballots: RATER_GROUPS.reduce((n, g) => n + groups[g].count, 0),
    composite: result.composite,
    complete: result.complete,
    // an incomplete evaluation earns no stars anywhere: the report agrees with the annual result
    stars: result.complete ? starsFor(result.composite, thresholds) : null,
    thresholds,
  };
}

/** Results ranked by composite score, highest first; subjects without a composite last, in their given order. */
export function byComposite(a: Pick<SubjectResult, 'composite'>, b: Pick<SubjectResult, 'composite'>): number {
  return (b.composite ?? -1) - (a.composite ?? -1);
}

/** What a page may show of a result: groups below `k` ballots (not the self-evaluation) as 样本不足, without their score or share. */
export function shownResult(result: SubjectResult, k: number): SubjectResult {
  const groups = Object.fromEntries(
    RATER_GROUPS.map((g) => {
      const group = result.groups[g];
      return [g, scoreShown(g, group.count, k) ? group : { ...group, score: null, contribution: null, sampleTooSmall: true }];
    }),
  ) as Record<RaterGroup, GroupResult>;
  return { ...result, groups };
}
