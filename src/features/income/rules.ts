/** Village collective income (村集体经济) as pure rules: money in integer fen. */

export const INCOME_CATEGORIES = ['produce', 'leasing', 'land_contracting', 'cooperative', 'pasture_land', 'other'] as const;
export type IncomeCategory = (typeof INCOME_CATEGORIES)[number];

export const INCOME_TIERS = ['below', 'low', 'high'] as const;
/** below: under the first threshold; low: ≥ the first (¥50,000); high: ≥ the second (¥100,000) */
export type IncomeTier = (typeof INCOME_TIERS)[number];

export function incomeTier(totalFen: number, tiersFen: readonly number[]): IncomeTier {
  const [low, high] = tiersFen;
  if (totalFen >= high) return 'high';
  if (totalFen >= low) return 'low';
  return 'below';
}

export interface TargetProgress {
  /** villages at or above the first tier (a ≥10万 village counts here too) */
  atLeastLow: number;
  atLeastHigh: number;
  targetLow: number | null;
  targetHigh: number | null;
  /** null when no target is set */
  lowMet: boolean | null;
  highMet: boolean | null;
}

/** Progress against the township's annual target, from the counts of villages per tier. */
export function targetProgress(
  counts: Record<IncomeTier, number>,
  target: { villagesAtLeastLow: number; villagesAtLeastHigh: number } | null,
): TargetProgress {
  const atLeastHigh = counts.high;
  const atLeastLow = counts.high + counts.low;
  return {
    atLeastLow,
    atLeastHigh,
    targetLow: target?.villagesAtLeastLow ?? null,
    targetHigh: target?.villagesAtLeastHigh ?? null,
    lowMet: target ? atLeastLow >= target.villagesAtLeastLow : null,
    highMet: target ? atLeastHigh >= target.villagesAtLeastHigh : null,
  };
}

/** ¥ text of an amount in fen, for reasons shown in reports (e.g. "¥32,000.00"). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}
