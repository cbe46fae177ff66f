/**
 * Shared vocabulary of scales that server and pages both check: runtime-free, imports nothing.
 */

/** Star thresholds (minimum composites of 5, 4, 3 and 2 stars) never rise from one level to the next. */
export const thresholdsDescend = (t: readonly number[]) => t.every((n, i) => i === 0 || t[i - 1] >= n);

/** Income tiers (¥50,000 then ¥100,000, in fen) never fall from one tier to the next. */
export const tiersAscend = (t: readonly number[]) => t.every((n, i) => i === 0 || t[i - 1] <= n);
