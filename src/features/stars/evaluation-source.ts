import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { campaigns, officialCampaigns } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { subjectResults, type SubjectResult } from '../evaluation';

/** One subject's composite for a year, as the evaluation feature computes it from ballots. */
export interface YearComposite {
  subjectKind: 'branch' | 'member';
  /** the village id for a branch, the member id for a member */
  subjectId: string;
  /** integer hundredths of a point (89.99 → 8999) */
  composite: number;
  /** every weighted rater group has scored: only a complete evaluation earns stars */
  complete: boolean;
  /** the star thresholds of the campaign, as fixed when it was created (what its report showed) */
  thresholds: number[];
  /** the campaign the composite comes from */
  campaignId: string;
  /** the villagers' (群评) group score in hundredths, where they scored (the quotas' first tie-break) */
  villagerScore: number | null;
}

/**
 * Composites of every subject evaluated in the tenant's campaigns of `year`. Where the township designated
 * the year's official campaign of a subject kind, only that campaign counts for that kind; otherwise each
 * subject comes from its latest campaign with ballots (evaluation computes them in one SQL statement).
 * The one seam between evaluation and stars.
 */
export async function yearComposites(db: Db, tenantId: string, year: number): Promise<YearComposite[]> {
  const scope = new TenantScope(db, tenantId);
  const official = await db.select().from(officialCampaigns).where(scope.where(officialCampaigns, eq(officialCampaigns.year, year)));
  const officialOf = new Map(official.map((o) => [o.subjectKind, o.campaignId]));
  const latest = officialOf.size < 2 ? await subjectResults(scope, { year }) : [];
  const results: SubjectResult[] = latest.filter((r) => !officialOf.has(r.subjectKind));
  for (const [subjectKind, campaignId] of officialOf) results.push(...(await subjectResults(scope, { campaignId, subjectKind })));
  const scored = results.filter((r) => r.composite !== null);
  const campaignIds = [...new Set(scored.map((r) => r.campaignId))];
  const thresholds = new Map(
    (campaignIds.length
      ? await db
          .select({ id: campaigns.id, star5: campaigns.star5, star4: campaigns.star4, star3: campaigns.star3, star2: campaigns.star2 })
          .from(campaigns)
          .where(scope.where(campaigns, and(inArray(campaigns.id, campaignIds))))
      : []
    ).map((c) => [c.id, [c.star5, c.star4, c.star3, c.star2]]),
  );
  return scored.map((r) => ({
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    composite: r.composite!,
    complete: r.complete,
    thresholds: thresholds.get(r.campaignId)!,
    campaignId: r.campaignId,
    villagerScore: r.groups.villager.score,
  }));
}
