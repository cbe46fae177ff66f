/** Pure helpers of the governance-ledger pages (no DOM, no I/O): money typed in yuan, Shanghai dates, the stage timeline. */

/** A date in Asia/Shanghai as YYYY-MM-DD (the ledgers' calendar, whatever the phone's zone). */
export function shanghaiToday(at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Yuan as typed ("36", "36.5", "¥1,200.05") → integer fen, without floating point; null when empty,
 * NaN when it is not an amount with at most two decimals.
 */
export function yuanToFen(text: string): number | null {
  const clean = text.trim().replace(/^[¥¥]/, '').replace(/[,,\s]/g, '');
  if (clean === '') return null;
  const match = clean.match(/^(\d{1,12})(?:\.(\d{1,2}))?$/);
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 四议三审两公开 in its fixed order (as src/db/schema/decisions.ts); review_during may repeat. */
export const STAGES = [
  'proposal',
  'discussion',
  'member_review',
  'resolution',
  'resolution_public',
  'review_before',
  'implementation',
  'review_during',
  'review_after',
  'result_public',
] as const;
export type Stage = (typeof STAGES)[number];

export type TimelineRow<R> = { stage: Stage; state: 'done'; record: R } | { stage: Stage; state: 'due' | 'pending' };

/**
 * The timeline of a matter: every stage in the fixed order, each recorded one as often as it was recorded,
 * the others due now (may be recorded next) or pending.
 */
export function timeline<R extends { stage: Stage }>(recorded: readonly R[], next: readonly Stage[]): TimelineRow<R>[] {
  return STAGES.flatMap((stage): TimelineRow<R>[] => {
    const records = recorded.filter((r) => r.stage === stage);
    if (records.length) return records.map((record) => ({ stage, state: 'done', record }));
    return [{ stage, state: next.includes(stage) ? 'due' : 'pending' }];
  });
}
