import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { campaigns } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { subjectResults } from '../evaluation';

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
}

/**
 * Composites of every subject evaluated in the tenant's campaigns of `year`, each subject from its latest
 * campaign with ballots (evaluation computes them in one SQL statement). The one seam between
 * evaluation and stars.
 */
export async function yearComposites(db: Db, tenantId: string, year: number): Promise<YearComposite[]> {
  const scope = new TenantScope(db, tenantId);
  const results = (await subjectResults(scope, { year })).filter((r) => r.composite !== null);
  const campaignIds = [...new Set(results.map((r) => r.campaignId))];
  const thresholds = new Map(
    (campaignIds.length
      ? await db
          .select({ id: campaigns.id, star5: campaigns.star5, star4: campaigns.star4, star3: campaigns.star3, star2: campaigns.star2 })
          .from(campaigns)
          .where(scope.where(campaigns, inArray(campaigns.id, campaignIds)))
      : []
    ).map((c) => [c.id, [c.star5, c.star4, c.star3, c.star2]]),
  );
  return results.map((r) => ({
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    composite: r.composite!,
    complete: r.complete,
    thresholds: thresholds.get(r.campaignId)!,
  }));
}
