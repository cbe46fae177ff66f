import { describe, expect, it } from 'vitest';
import { DEFAULT_ITEMS } from './default-questionnaires';
import {
  acceptedWindows,
  ballotScoreE6,
  breakdownVisible,
  composite,
  divideHalfUp,
  e6ToHundredths,
  groupScoreE6,
  overlaps,
  raterGroupOf,
  scoreAnswers,
  starsFor,
  thresholdsDescend,
  weightsSumTo100,
  type QuestionnaireItem,
  type Voter,
  type Weights,
} from './rules';

const W: Weights = { self: 20, peer: 20, villager: 40, leader: 20 };
const THRESHOLDS = [9000, 8000, 7000, 6000];
const g = (scoreE6: number, count = 1) => ({ count, scoreE6 });

describe('ballot and group scores', () => {
  it.each([
    { points: 80, max: 80, e6: 100_000_000, why: 'all best answers score 100' },
    { points: 0, max: 80, e6: 0, why: 'all zero answers score 0' },
    { points: 60, max: 80, e6: 75_000_000, why: 'three quarters' },
    { points: 20, max: 30, e6: 66_666_666, why: 'thirds are truncated in millionths' },
  ])('$points of $max → $e6 ($why)', ({ points, max, e6 }) => {
    expect(ballotScoreE6(points, max)).toBe(e6);
  });

  it.each([
    { ballots: [], mean: null, why: 'no ballots: no score' },
    { ballots: [[80, 80], [40, 80]], mean: 75_000_000, why: 'the mean of 100 and 50' },
    { ballots: [[20, 30], [20, 30], [30, 30]], mean: 77_777_777, why: 'the mean of truncated scores, truncated' },
  ])('group of $ballots.length → $mean ($why)', ({ ballots, mean }) => {
    expect(groupScoreE6(ballots.map(([points, maxPoints]) => ({ points, maxPoints })))).toBe(mean);
  });
});

describe('composite (hundredths, half-up at the end) and stars', () => {
  it.each([
    { name: 'all groups at 90', groups: { self: g(90e6), peer: g(90e6), villager: g(90e6), leader: g(90e6) }, composite: 9000, complete: true, stars: 5 },
    {
      name: 'weights matter: villagers count twice',
      groups: { self: g(100e6), peer: g(100e6), villager: g(50e6), leader: g(100e6) },
      composite: 8000,
      complete: true,
      stars: 4,
    },
    { name: 'x.xx5 rounds up', groups: { villager: g(89_995_000) }, composite: 9000, complete: false, stars: 5 },
    { name: 'just below x.xx5 rounds down', groups: { villager: g(89_994_999) }, composite: 8999, complete: false, stars: 4 },
    {
      name: 'a missing group drops out of the weights and marks the result incomplete',
      groups: { self: g(60e6), villager: g(90e6) },
      composite: 8000,
      complete: false,
      stars: 4,
    },
    { name: 'a group with zero ballots counts as missing', groups: { villager: g(70e6), leader: { count: 0, scoreE6: null } }, composite: 7000, complete: false, stars: 3 },
    { name: 'no ballots at all: no composite', groups: {}, composite: null, complete: false, stars: null },
    {
      name: 'integers until the end: 66.666666 and 100 weighted 40 and 20',
      groups: { villager: g(66_666_666), leader: g(100e6) },
      composite: 7778,
      complete: false,
      stars: 3,
    },
    { name: 'below every threshold is one star', groups: { self: g(10e6), peer: g(10e6), villager: g(10e6), leader: g(10e6) }, composite: 1000, complete: true, stars: 1 },
  ])('$name', ({ groups, composite: expected, complete, stars }) => {
    const result = composite(W, groups);
    expect(result).toEqual({ composite: expected, complete });
    expect(starsFor(result.composite, THRESHOLDS)).toBe(stars);
  });

  it('a group weighted 0 is not needed for completeness', () => {
    expect(composite({ self: 0, peer: 0, villager: 100, leader: 0 }, { villager: g(75e6) })).toEqual({ composite: 7500, complete: true });
  });

  it.each([
    { n: 5, d: 10, q: 1 },
    { n: 4, d: 10, q: 0 },
    { n: 15, d: 10, q: 2 },
    { n: 0, d: 7, q: 0 },
  ])('divideHalfUp($n, $d) = $q', ({ n, d, q }) => expect(divideHalfUp(n, d)).toBe(q));

  it('shows millionths as hundredths half-up', () => expect(e6ToHundredths(66_666_666)).toBe(6667));
});

describe('weights and thresholds of a campaign (creation and edit)', () => {
  it.each([
    { w: W, ok: true, why: 'the default 20/20/40/20' },
    { w: { self: 0, peer: 0, villager: 100, leader: 0 }, ok: true, why: 'villagers alone' },
    { w: { self: 20, peer: 20, villager: 40, leader: 21 }, ok: false, why: '101' },
    { w: { self: 20, peer: 20, villager: 39, leader: 20 }, ok: false, why: '99' },
  ])('weights $why → $ok', ({ w, ok }) => {
    expect(weightsSumTo100(w)).toBe(ok);
  });

  it.each([
    { t: THRESHOLDS, ok: true, why: 'descending' },
    { t: [8000, 8000, 8000, 8000], ok: true, why: 'equal levels (a level nobody reaches alone)' },
    { t: [9000, 8000, 8500, 6000], ok: false, why: '3 stars above 4 stars' },
    { t: [6000, 7000, 8000, 9000], ok: false, why: 'ascending' },
  ])('thresholds $why → $ok', ({ t, ok }) => {
    expect(thresholdsDescend(t)).toBe(ok);
  });
});

describe('answers', () => {
  const items: QuestionnaireItem[] = [
    { key: 'a', text: '政治建设', options: [{ label: '好', points: 10 }, { label: '较好', points: 8 }, { label: '一般', points: 6 }, { label: '差', points: 3 }] },
    { key: 'b', text: '服务群众', options: [{ label: '好', points: 10 }, { label: '差', points: 3 }] },
    { key: 'c', text: '班子自查', groups: ['self'], options: [{ label: '是', points: 5 }, { label: '否', points: 0 }] },
  ];
  it.each([
    { name: 'all answered', group: 'villager' as const, answers: { a: 1, b: 0 }, result: { points: 18, maxPoints: 20 } },
    { name: 'group-specific items are asked of that group only', group: 'self' as const, answers: { a: 0, b: 1, c: 0 }, result: { points: 18, maxPoints: 25 } },
    { name: 'a missing answer', group: 'villager' as const, answers: { a: 1 }, problem: 'evaluation.answer_missing' },
    { name: 'an option out of range', group: 'villager' as const, answers: { a: 4, b: 0 }, problem: 'evaluation.answer_out_of_range' },
    { name: 'a negative option', group: 'villager' as const, answers: { a: -1, b: 0 }, problem: 'evaluation.answer_out_of_range' },
    { name: 'an item the group is not asked', group: 'villager' as const, answers: { a: 0, b: 0, c: 0 }, problem: 'evaluation.answer_unknown_item' },
  ])('$name', ({ group, answers, result, problem }) => {
    const scored = scoreAnswers(items, group, answers as Record<string, number>);
    if (problem) expect(scored.ok ? undefined : scored.problem.code).toBe(problem);
    else expect(scored.ok && { points: scored.value.points, maxPoints: scored.value.maxPoints }).toEqual(result);
  });

  it('the seeded questionnaires score 好 10, 较好 8, 一般 6, 差 3', () => {
    for (const items of Object.values(DEFAULT_ITEMS))
      for (const item of items) expect(item.options.map((o) => `${o.label}${o.points}`)).toEqual(['好10', '较好8', '一般6', '差3']);
  });
});

describe('rater groups', () => {
  const member = (memberId: string, isSecretary = false): Voter => ({ kind: 'member', memberId, villageId: 'v1', isSecretary });
  it.each([
    { name: 'a villager is 群评', voter: { kind: 'villager' } as Voter, subject: { kind: 'member' as const, id: 'm1', villageId: 'v1' }, group: 'villager' },
    { name: 'a township leader is 点评', voter: { kind: 'leader' } as Voter, subject: { kind: 'branch' as const, id: 'v1', villageId: 'v1' }, group: 'leader' },
    { name: 'a member scoring themself is 自评', voter: member('m1'), subject: { kind: 'member' as const, id: 'm1', villageId: 'v1' }, group: 'self' },
    { name: 'a member scoring another is 互评', voter: member('m1'), subject: { kind: 'member' as const, id: 'm2', villageId: 'v1' }, group: 'peer' },
    { name: 'a member scoring their branch is 互评', voter: member('m1'), subject: { kind: 'branch' as const, id: 'v1', villageId: 'v1' }, group: 'peer' },
    { name: 'the secretary scoring their branch is its 自评', voter: member('m0', true), subject: { kind: 'branch' as const, id: 'v1', villageId: 'v1' }, group: 'self' },
  ])('$name', ({ voter, subject, group }) => expect(raterGroupOf(voter, subject)).toBe(group));
});

describe('QR windows, bookings, anonymity', () => {
  it.each([
    { now: 60_000, rotate: 30, valid: 180, windows: [2, 1, 0, -1, -2, -3, -4] },
    { now: 59_999, rotate: 30, valid: 30, windows: [1, 0] },
  ])('at $now ms with rotation $rotate s and validity $valid s', ({ now, rotate, valid, windows }) => {
    expect(acceptedWindows(now, { rotateSeconds: rotate, validSeconds: valid })).toEqual(windows);
  });

  it.each([
    { a: ['09:00', '10:00'], b: ['09:30', '10:30'], overlap: true },
    { a: ['09:00', '10:00'], b: ['10:00', '11:00'], overlap: false },
    { a: ['09:00', '12:00'], b: ['10:00', '11:00'], overlap: true },
    { a: ['09:00', '10:00'], b: ['08:00', '09:00'], overlap: false },
  ])('$a and $b overlap: $overlap', ({ a, b, overlap }) => {
    const at = (t: string) => `2026-09-01T${t}:00.000Z`;
    expect(overlaps({ startsAt: at(a[0]), endsAt: at(a[1]) }, { startsAt: at(b[0]), endsAt: at(b[1]) })).toBe(overlap);
  });

  it.each([
    { count: 4, k: 5, visible: false },
    { count: 5, k: 5, visible: true },
  ])('$count ballots with k=$k: breakdown visible $visible', ({ count, k, visible }) => expect(breakdownVisible(count, k)).toBe(visible));
});
