import { describe, expect, it } from 'vitest';
import type { DecisionStage } from '../../db/schema';
import { judgeMeeting, missingBeforeImplementation, nextStages, refuseTransition, statusAfter, type MeetingBody } from './rules';

const FOUR_DELIBERATIONS: DecisionStage[] = ['proposal', 'discussion', 'member_review', 'resolution'];
const READY_TO_IMPLEMENT: DecisionStage[] = [...FOUR_DELIBERATIONS, 'resolution_public', 'review_before'];

describe('stage order', () => {
  it.each<[string, DecisionStage[], DecisionStage[]]>([
    ['a new matter starts with the branch proposal', [], ['proposal']],
    ['the two committees discuss after the proposal', ['proposal'], ['discussion']],
    ['the resolution is made public after it is passed', FOUR_DELIBERATIONS, ['resolution_public']],
    ['implementation follows the review before', READY_TO_IMPLEMENT, ['implementation']],
    ['implementation is reviewed at least once', [...READY_TO_IMPLEMENT, 'implementation'], ['review_during']],
    ['reviews may repeat, or the audit may follow', [...READY_TO_IMPLEMENT, 'implementation', 'review_during'], ['review_during', 'review_after']],
    ['the result is made public after the audit', [...READY_TO_IMPLEMENT, 'implementation', 'review_during', 'review_after'], ['result_public']],
    ['nothing follows the result disclosure', [...READY_TO_IMPLEMENT, 'implementation', 'review_during', 'review_after', 'result_public'], []],
  ])('%s', (_, recorded, expected) => {
    expect(nextStages(recorded)).toEqual(expected);
  });

  it.each<[string, 'open' | 'rejected' | 'completed', DecisionStage[], DecisionStage, string | null]>([
    ['the first stage is accepted', 'open', [], 'proposal', null],
    ['skipping the two committees is refused', 'open', ['proposal'], 'member_review', 'decisions.stage_out_of_order'],
    ['starting with the resolution is refused', 'open', [], 'resolution', 'decisions.stage_out_of_order'],
    ['repeating the proposal is refused', 'open', ['proposal', 'discussion'], 'proposal', 'decisions.stage_repeated'],
    ['implementing before the review before is refused', 'open', [...FOUR_DELIBERATIONS, 'resolution_public'], 'implementation', 'decisions.stage_out_of_order'],
    ['auditing without a review during is refused', 'open', [...READY_TO_IMPLEMENT, 'implementation'], 'review_after', 'decisions.stage_out_of_order'],
    ['a second review during is accepted', 'open', [...READY_TO_IMPLEMENT, 'implementation', 'review_during'], 'review_during', null],
    ['a review during after the audit is refused', 'open', [...READY_TO_IMPLEMENT, 'implementation', 'review_during', 'review_after'], 'review_during', 'decisions.stage_repeated'],
    ['a rejected matter takes no more stages', 'rejected', ['proposal'], 'discussion', 'decisions.matter_rejected'],
    ['a completed matter takes no more stages', 'completed', [...READY_TO_IMPLEMENT], 'result_public', 'decisions.matter_completed'],
  ])('%s', (_, status, recorded, stage, code) => {
    expect(refuseTransition(status, recorded, stage)?.code ?? null).toBe(code);
  });

  it('names what was expected when a stage is skipped', () => {
    expect(refuseTransition('open', ['proposal'], 'resolution')).toEqual({
      code: 'decisions.stage_out_of_order',
      stage: 'resolution',
      expected: ['discussion'],
    });
  });

  it.each<[DecisionStage, boolean, string]>([
    ['proposal', true, 'open'],
    ['resolution', false, 'rejected'],
    ['result_public', true, 'completed'],
  ])('after %s (passed %s) the matter is %s', (stage, passed, status) => {
    expect(statusAfter(stage, passed)).toBe(status);
  });

  it.each<[string, DecisionStage[], DecisionStage[]]>([
    ['nothing recorded: all six are missing', [], READY_TO_IMPLEMENT],
    ['deliberated but not disclosed or reviewed', FOUR_DELIBERATIONS, ['resolution_public', 'review_before']],
    ['ready', READY_TO_IMPLEMENT, []],
  ])('missing before implementation: %s', (_, recorded, missing) => {
    expect(missingBeforeImplementation(recorded)).toEqual(missing);
  });
});

describe('meeting quorum and majority', () => {
  const votes = (eligible: number, present: number, votesFor: number, votesAgainst = 0, abstentions = 0) => ({
    eligible,
    present,
    votesFor,
    votesAgainst,
    abstentions,
  });
  it.each<[string, MeetingBody, ReturnType<typeof votes>, unknown]>([
    ['representatives: two thirds present and most of them for', 'representatives', votes(30, 20, 11), { ok: true, passed: true, required: 11 }],
    ['representatives: 19 of 30 is no quorum', 'representatives', votes(30, 19, 19), { ok: false, code: 'decisions.no_quorum', required: 20 }],
    ['representatives: half of those present is not a majority', 'representatives', votes(30, 20, 10, 10), { ok: true, passed: false, required: 11 }],
    ['villagers: more than half of the adults must attend', 'villagers', votes(400, 200, 200), { ok: false, code: 'decisions.no_quorum', required: 201 }],
    ['party members: a majority of those entitled, not of those present', 'party_members', votes(30, 16, 15, 1), { ok: true, passed: false, required: 16 }],
    ['party members: 16 of 30 for passes', 'party_members', votes(30, 16, 16), { ok: true, passed: true, required: 16 }],
    ['branch committee: 3 of 5 present, 3 for', 'branch_committee', votes(5, 3, 3), { ok: true, passed: true, required: 3 }],
    ['two committees: a majority of those present', 'two_committees', votes(9, 5, 3, 2), { ok: true, passed: true, required: 3 }],
    ['more present than entitled is refused', 'two_committees', votes(5, 6, 4), { ok: false, code: 'decisions.bad_votes' }],
    ['more votes than attendees is refused', 'two_committees', votes(9, 5, 4, 2), { ok: false, code: 'decisions.bad_votes' }],
    ['an empty body is refused', 'branch_committee', votes(0, 0, 0), { ok: false, code: 'decisions.bad_votes' }],
  ])('%s', (_, body, v, expected) => {
    expect(judgeMeeting(body, v)).toEqual(expected);
  });
});
