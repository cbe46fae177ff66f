import type { Db } from '../../db/client';

/** One subject's composite for a year, as the evaluation feature computes it from ballots. */
export interface YearComposite {
  subjectKind: 'branch' | 'member';
  /** the village id for a branch, the member id for a member */
  subjectId: string;
  /** integer hundredths of a point (89.99 → 8999) */
  composite: number;
  /** every rater group has scored: only a complete evaluation earns stars */
  complete: boolean;
}

/**
 * Composites of every subject evaluated in the tenant's campaigns of `year` (a subject evaluated twice
 * in a year counts with its latest campaign). The one seam between evaluation and stars.
 */
export async function yearComposites(_db: Db, _tenantId: string, _year: number): Promise<YearComposite[]> {
  // The evaluation feature (campaigns, sessions, ballots) has not landed yet: no subject is evaluated.
  return [];
}
