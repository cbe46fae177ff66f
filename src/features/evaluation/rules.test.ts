import { describe, expect, it } from 'vitest';
import { DEFAULT_ITEMS } from './setup/default-questionnaires';
import { thresholdsDescend } from '../../domain/thresholds';
import { ratio } from '../../platform/ratio';
import {
  acceptedWindows,
  breakdownVisible,
  composite,
  divideHalfUp,
  groupScore,
  overlaps,
  raterGroupOf,
  scoreAnswers,
  starsFor,
  sumsOf,
  toHundredths,
  weightsSumTo100,
  type QuestionnaireItem,
  type RaterGroup,
  type Voter,
  type Weights,
} from './rules';

const W: Weights = { self: 20, peer: 20, villager: 40, leader: 20 };
const THRESHOLDS = [9000, 8000, 7000, 6000];
/** a group of single ballots, each [points, max] */
const ballots = (...list: [number, number][]) => {
  const sums = sumsOf(list.map(([points, maxPoints]) => ({ points, maxPoints })));
  return { count: list.length, score: groupScore(sums) };
};
const repeat = (n: number, ballot: [number, number]) => Array.from({ length: n }, () => ballot);

describe('group scores: exact means, shown rounded once', () => {
  it.each([
    { list: [], shown: null, why: 'no ballots: no score' },
    { list: [[80, 80]], shown: 10000, why: 'all best answers score 100' },
    { list: [[0, 80]], shown: 0, why: 'all zero answers score 0' },
    { list: [[80, 80], [40, 80]], shown: 7500, why: 'the mean of 100 and 50' },
    { list: [[20, 30]], shown: 6667, why: '66.666… shows as 66.67' },
    { list: [[10, 30]], shown: 3333, why: '33.333… shows as 33.33' },
    { list: [[340, 400], [340, 400], [345, 400]], shown: 8542, why: '85.41666… (1025 of 1200)' },
    { list: [[1945, 2000], [1944, 2000]], shown: 9723, why: '97.225 exactly rounds half-up' },
    { list: [[1, 3], [2, 7]], shown: 3095, why: 'different maxima: (33.33… + 28.57…) ÷ 2 = 30.952…' },
  ] as { list: [number, number][]; shown: number | null; why: string }[])('$why → $shown', ({ list, shown }) => {
    const { score } = ballots(...list);
    expect(score === null ? null : toHundredths(score)).toBe(shown);
  });

  it('sums per maximum give the same exact score as single ballots', () => {
    expect(groupScore([{ count: 3, points: 1025, maxPoints: 400 }])).toEqual(ballots([340, 400], [340, 400], [345, 400]).score);
    expect(groupScore([{ count: 0, points: 0, maxPoints: 400 }])).toBeNull();
  });
});

describe('composite: exact until one half-up rounding to hundredths, and stars', () => {
  // each expected composite worked out by hand in `why`
  it.each([
    {
      name: 'the issue case: 19 + 17.08333… + 34.46666… + 19.445 = 89.995 exactly → 90.00 (truncated means gave 89.99)',
      groups: {
        self: ballots([380, 400]),
        peer: ballots([340, 400], [340, 400], [345, 400]),
        villager: ballots([340, 400], [340, 400], [354, 400]),
        leader: ballots([1945, 2000], [1944, 2000]),
      },
      composite: 9000,
      complete: true,
      stars: 5,
    },
    {
      name: 'one ballot per group: 0.2·87.5 + 0.2·62.5 + 0.4·75 + 0.2·50 = 70.00',
      groups: { self: ballots([7, 8]), peer: ballots([5, 8]), villager: ballots([3, 4]), leader: ballots([1, 2]) },
      composite: 7000,
      complete: true,
      stars: 3,
    },
    {
      name: 'villagers alone at 99.995 (9999 and 10000 of 10000) → 100.00',
      groups: { villager: ballots([9999, 10000], [10000, 10000]) },
      composite: 10000,
      complete: false,
      stars: null,
    },
    {
      name: 'just below x.xx5: 89.994999… stays 89.99',
      groups: { villager: ballots([89_994_999, 100_000_000]) },
      composite: 8999,
      complete: false,
      stars: null,
    },
    {
      name: 'missing groups drop out of the weights: (40·75 + 20·90) ÷ 60 = 80.00, incomplete',
      groups: { villager: ballots([2, 2], [1, 2]), leader: ballots([9, 10]) },
      composite: 8000,
      complete: false,
      stars: null,
    },
    {
      name: 'weights that do not divide: (20·100 + 40·33.333…) ÷ 60 = 55.555… → 55.56',
      groups: { self: ballots([1, 1]), villager: ballots([1, 3]) },
      composite: 5556,
      complete: false,
      stars: null,
    },
    {
      name: 'thousands of ballots: 1000 at 1/3 and 2000 at 3/3 → (33 333.3… + 200 000) ÷ 3000 = 77.777… → 77.78',
      groups: { self: ballots([7, 9]), peer: ballots([7, 9]), villager: ballots(...repeat(1000, [1, 3]), ...repeat(2000, [3, 3])), leader: ballots([7, 9]) },
      // self, peer, leader 77.777… too: the composite is 77.777…
      composite: 7778,
      complete: true,
      stars: 3,
    },
    { name: 'a group with zero ballots counts as missing', groups: { villager: ballots([7, 10]), leader: { count: 0, score: null } }, composite: 7000, complete: false, stars: null },
    { name: 'no ballots at all: no composite', groups: {}, composite: null, complete: false, stars: null },
    {
      name: 'below every threshold is one star',
      groups: { self: ballots([1, 10]), peer: ballots([1, 10]), villager: ballots([1, 10]), leader: ballots([1, 10]) },
      composite: 1000,
      complete: true,
      stars: 1,
    },
  ] as { name: string; groups: Partial<Record<RaterGroup, ReturnType<typeof ballots>>>; composite: number | null; complete: boolean; stars: number | null }[])(
    '$name',
    ({ groups, composite: expected, complete, stars }) => {
      const result = composite(W, groups);
      expect({ composite: result.composite, complete: result.complete }).toEqual({ composite: expected, complete });
      // stars only for a complete evaluation (results.ts applies the same rule)
      expect(result.complete ? starsFor(result.composite, THRESHOLDS) : null).toBe(stars);
    },
  );

  it('weights 7/13/47/33: 0.07·100 + 0.13·0 + 0.47·50 + 0.33·33.333… = 41.50; contributions rounded each on its own', () => {
    const result = composite(
      { self: 7, peer: 13, villager: 47, leader: 33 },
      { self: ballots([1, 1]), peer: ballots([0, 1]), villager: ballots([1, 2]), leader: ballots([10, 30]) },
    );
    expect(result).toEqual({ composite: 4150, complete: true, contributions: { self: 700, peer: 0, villager: 2350, leader: 1100 } });
  });

  it('a group weighted 0 is not needed for completeness and contributes nothing', () => {
    const result = composite({ self: 0, peer: 0, villager: 100, leader: 0 }, { villager: ballots([3, 4]), leader: ballots([0, 4]) });
    expect(result).toMatchObject({ composite: 7500, complete: true, contributions: { villager: 7500, leader: 0 } });
  });

  it('agrees with floating point within half a hundredth on random evaluations', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    for (let run = 0; run < 300; run++) {
      const weights = { self: next(30), peer: next(30), villager: 0, leader: next(30) };
      weights.villager = 100 - weights.self - weights.peer - weights.leader;
      const groups: Partial<Record<RaterGroup, ReturnType<typeof ballots>>> = {};
      let num = 0;
      let den = 0;
      for (const g of ['self', 'peer', 'villager', 'leader'] as const) {
        const max = 1 + next(500);
        const list = Array.from({ length: next(40) }, () => [next(max + 1), max] as [number, number]);
        groups[g] = ballots(...list);
        if (list.length && weights[g]) {
          num += (weights[g] * list.reduce((t, [p, m]) => t + (100 * p) / m, 0)) / list.length;
          den += weights[g];
        }
      }
      const result = composite(weights, groups);
      if (den === 0) expect(result.composite).toBeNull();
      else expect(Math.abs(result.composite! / 100 - num / den)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it.each([
    { n: 5, d: 10, q: 1 },
    { n: 4, d: 10, q: 0 },
    { n: 15, d: 10, q: 2 },
    { n: 0, d: 7, q: 0 },
  ])('divideHalfUp($n, $d) = $q', ({ n, d, q }) => expect(divideHalfUp(n, d)).toBe(q));

  it.each([
    { r: ratio(89995, 1000), shown: 9000 },
    { r: ratio(2, 3), shown: 67 },
    { r: ratio(1, 200), shown: 1 },
    { r: ratio(1, 201), shown: 0 },
  ])('toHundredths($r.n/$r.d) = $shown', ({ r, shown }) => expect(toHundredths(r)).toBe(shown));
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
