/**
 * 四议三审两公开 as a pure state machine: which stage may come next, whether a meeting was quorate and
 * passed, and what is missing before implementation. No I/O; integers only.
 */
import type { DecisionStage } from '../../db/schema';
import { DECISION_STAGES } from '../../db/schema';

export type StageKind = 'meeting' | 'public' | 'review' | 'implementation';

export const STAGE_KIND: Record<DecisionStage, StageKind> = {
  proposal: 'meeting',
  discussion: 'meeting',
  member_review: 'meeting',
  resolution: 'meeting',
  resolution_public: 'public',
  review_before: 'review',
  implementation: 'implementation',
  review_during: 'review',
  review_after: 'review',
  result_public: 'public',
};

/** Stages whose content appears on the village's public page (两公开). */
export const PUBLIC_STAGES: readonly DecisionStage[] = ['resolution_public', 'result_public'];

/** Stages that must all precede implementation (四议 + 决议公开 + 事前审查). */
const BEFORE_IMPLEMENTATION: readonly DecisionStage[] = DECISION_STAGES.slice(0, DECISION_STAGES.indexOf('implementation'));

export type MatterStatus = 'open' | 'rejected' | 'completed';

/** The stages that may be recorded next, given those recorded so far (in order). */
export function nextStages(recorded: readonly DecisionStage[]): DecisionStage[] {
  const last = recorded.at(-1);
  if (!last) return ['proposal'];
  if (last === 'result_public') return [];
  // implementation is watched at least once (事中审视) before the audit afterwards (事后审计)
  if (last === 'implementation') return ['review_during'];
  if (last === 'review_during') return ['review_during', 'review_after'];
  return [DECISION_STAGES[DECISION_STAGES.indexOf(last) + 1]];
}

export type TransitionRefusal =
  | { code: 'decisions.matter_rejected' }
  | { code: 'decisions.matter_completed' }
  | { code: 'decisions.stage_repeated'; stage: DecisionStage }
  | { code: 'decisions.stage_out_of_order'; stage: DecisionStage; expected: DecisionStage[] };

/** Why a stage may not be recorded now, or null when it may. Skipping and repeating are refused. */
export function refuseTransition(status: MatterStatus, recorded: readonly DecisionStage[], stage: DecisionStage): TransitionRefusal | null {
  if (status === 'rejected') return { code: 'decisions.matter_rejected' };
  if (status === 'completed') return { code: 'decisions.matter_completed' };
  const expected = nextStages(recorded);
  if (expected.includes(stage)) return null;
  if (recorded.includes(stage)) return { code: 'decisions.stage_repeated', stage };
  return { code: 'decisions.stage_out_of_order', stage, expected };
}

/** Status after a stage is recorded: a meeting that did not pass rejects the matter; the result disclosure completes it. */
export function statusAfter(stage: DecisionStage, passed: boolean): MatterStatus {
  if (!passed) return 'rejected';
  return stage === 'result_public' ? 'completed' : 'open';
}

/** Stages required before implementation that are not recorded (empty: the matter may be implemented). */
export function missingBeforeImplementation(recorded: readonly DecisionStage[]): DecisionStage[] {
  return BEFORE_IMPLEMENTATION.filter((stage) => !recorded.includes(stage));
}

/** The deciding body of each meeting stage. */
export type MeetingBody = 'branch_committee' | 'two_committees' | 'party_members' | 'representatives' | 'villagers';

export function meetingBody(stage: DecisionStage, resolutionBody: 'representatives' | 'villagers' = 'representatives'): MeetingBody | null {
  switch (stage) {
    case 'proposal':
      return 'branch_committee';
    case 'discussion':
      return 'two_committees';
    case 'member_review':
      return 'party_members';
    case 'resolution':
      return resolutionBody;
    default:
      return null;
  }
}

export interface MeetingVotes {
  /** 应到: members of the body entitled to attend and vote */
  eligible: number;
  /** 实到 */
  present: number;
  votesFor: number;
  votesAgainst: number;
  abstentions: number;
}

export type MeetingJudgement =
  | { ok: false; code: 'decisions.bad_votes' }
  | { ok: false; code: 'decisions.no_quorum'; required: number }
  | { ok: true; passed: boolean; required: number };

/** Fewest attendees for a quorum: two thirds for villager representatives (村民委员会组织法 §26), more than half otherwise. */
function quorumFor(body: MeetingBody, eligible: number): number {
  return body === 'representatives' ? Math.ceil((eligible * 2) / 3) : Math.floor(eligible / 2) + 1;
}

/**
 * Fewest votes in favour to pass: party bodies need more than half of those entitled (党章: 超过应到会有表决权的
 * 半数); the two committees and villagers' bodies more than half of those present.
 */
function majorityFor(body: MeetingBody, votes: Pick<MeetingVotes, 'eligible' | 'present'>): number {
  const base = body === 'branch_committee' || body === 'party_members' ? votes.eligible : votes.present;
  return Math.floor(base / 2) + 1;
}

/** Checks a meeting's attendance and votes: consistent numbers, a quorum, and whether it passed. */
export function judgeMeeting(body: MeetingBody, votes: MeetingVotes): MeetingJudgement {
  const { eligible, present, votesFor, votesAgainst, abstentions } = votes;
  const counts = [eligible, present, votesFor, votesAgainst, abstentions];
  if (counts.some((n) => !Number.isInteger(n) || n < 0) || eligible < 1 || present > eligible || votesFor + votesAgainst + abstentions > present)
    return { ok: false, code: 'decisions.bad_votes' };
  const quorum = quorumFor(body, eligible);
  if (present < quorum) return { ok: false, code: 'decisions.no_quorum', required: quorum };
  const required = majorityFor(body, votes);
  return { ok: true, passed: votesFor >= required, required };
}
