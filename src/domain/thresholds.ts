/**
 * Shared vocabulary of scales that server and pages both check: runtime-free, imports nothing.
 */

/** A star level (星级), one to five. */
export type Stars = 1 | 2 | 3 | 4 | 5;

/** Stars from a composite: `thresholds` are the minimum composites of 5, 4, 3 and 2 stars, descending. */
export function starsFromComposite(composite: number, thresholds: readonly number[]): Stars {
  const [five, four, three, two] = thresholds;
  if (composite >= five) return 5;
  if (composite >= four) return 4;
  if (composite >= three) return 3;
  if (composite >= two) return 2;
  return 1;
}

/** Star thresholds (minimum composites of 5, 4, 3 and 2 stars) never rise from one level to the next. */
export const thresholdsDescend = (t: readonly number[]) => t.every((n, i) => i === 0 || t[i - 1] >= n);

/** Income tiers (¥50,000 then ¥100,000, in fen) never fall from one tier to the next. */
export const tiersAscend = (t: readonly number[]) => t.every((n, i) => i === 0 || t[i - 1] <= n);
