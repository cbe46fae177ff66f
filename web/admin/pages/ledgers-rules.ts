/** Pure helpers of the governance-ledger pages (no DOM, no I/O): the stage timeline of 四议三审两公开. */

export { DECISION_STAGES as STAGES, type DecisionStage as Stage } from '../../../src/domain/vocabulary';
import { DECISION_STAGES as STAGES, type DecisionStage as Stage } from '../../../src/domain/vocabulary';

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
