/**
 * 不了解: who may say they do not know a subject instead of scoring it (docs/scoring.md). A villager or a
 * fellow member, of a member; not of a branch (everyone in the hall knows their branch), not of oneself
 * (自评), not as a township leader (点评 is their job). Runtime-free: the ballot page offers the button
 * by it, and the server refuses anything else by it.
 */
import type { RaterGroup, SubjectKind } from './vocabulary';

export function mayBeUnknown(subjectKind: SubjectKind, group: RaterGroup): boolean {
  return subjectKind === 'member' && (group === 'villager' || group === 'peer');
}
