import { describe, expect, it } from 'vitest';
import {
  annualOutcome,
  satisfactionBelow,
  capByRedLines,
  computedRedLineTriggered,
  consequencesFor,
  finalisationDue,
} from './rules';
import { starsFromComposite, type Stars } from '../../domain/thresholds';

const THRESHOLDS = [9000, 8000, 7000, 6000];
const MONEY = { secretaryPayFen: 5_000_000, starAwardFen: 200_000, promotionAwardFen: 100_000 };
const kinds = (list: { kind: string }[]) => list.map((c) => c.kind);

describe('starsFromComposite', () => {
  it.each([
    ['100.00 is five stars', 10000, 5],
    ['90.00 is five stars', 9000, 5],
    ['89.99 is four stars', 8999, 4],
    ['80.00 is four stars', 8000, 4],
    ['79.99 is three stars', 7999, 3],
    ['70.00 is three stars', 7000, 3],
    ['69.99 is two stars', 6999, 2],
    ['60.00 is two stars', 6000, 2],
    ['59.99 is one star', 5999, 1],
    ['0 is one star', 0, 1],
  ])('%s', (_name, composite, stars) => {
    expect(starsFromComposite(composite, THRESHOLDS)).toBe(stars);
  });

  it.each([
    ['a stricter township: 92.00 needed for five', [9200, 8500, 7500, 6000], 9199, 4],
    ['a stricter township: 92.00 reaches five', [9200, 8500, 7500, 6000], 9200, 5],
  ])('%s', (_name, thresholds, composite, stars) => {
    expect(starsFromComposite(composite, thresholds)).toBe(stars);
  });
});

describe('capByRedLines', () => {
  it.each([
    ['a red line on a five-star branch caps it at four', 5, 1, 4],
    ['three red lines still cap at four', 5, 3, 4],
    ['no red line: five stays five', 5, 0, 5],
    ['a red line on a four-star branch changes nothing', 4, 1, 4],
    ['a red line on a one-star branch changes nothing', 1, 2, 1],
  ] as [string, Stars, number, Stars][])('%s', (_name, raw, redLines, expected) => {
    expect(capByRedLines(raw, redLines)).toBe(expected);
  });
});

describe('consequencesFor', () => {
  it.each([
    ['5★ new: city plaque, star award, secretary pay', 5, null, ['city_plaque', 'star_award', 'secretary_pay']],
    ['5★ again: no promotion award', 5, 5, ['city_plaque', 'star_award', 'secretary_pay']],
    ['4★ → 5★: promotion award too', 5, 4, ['city_plaque', 'star_award', 'secretary_pay', 'promotion_award']],
    ['4★: county plaque', 4, null, ['county_plaque']],
    ['5★ → 4★: county plaque, no award', 4, 5, ['county_plaque']],
    ['3★ → 4★: county plaque and promotion award', 4, 3, ['county_plaque', 'promotion_award']],
    ['3★: interview and reminder', 3, null, ['interview']],
    ['1★ then 3★: promotion award and interview', 3, 1, ['promotion_award', 'interview']],
    ['2★ first time: rectification only', 2, null, ['rectification']],
    ['3★ then 2★: rectification only', 2, 3, ['rectification']],
    ['2★ then 2★: rectification and replace the secretary', 2, 2, ['rectification', 'replace_secretary']],
    ['1★ then 2★: moved up, yet two years at ≤2★', 2, 1, ['promotion_award', 'rectification', 'replace_secretary']],
    ['2★ then 1★: replace the secretary', 1, 2, ['rectification', 'replace_secretary']],
    ['1★ first time: rectification', 1, null, ['rectification']],
  ] as [string, Stars, Stars | null, string[]][])('%s', (_name, stars, previous, expected) => {
    expect(kinds(consequencesFor(stars, previous, MONEY))).toEqual(expected);
  });

  it('carries the amounts from the settings', () => {
    expect(consequencesFor(5, 4, MONEY)).toEqual([
      { kind: 'city_plaque' },
      { kind: 'star_award', amountFen: 200_000 },
      { kind: 'secretary_pay', amountFen: 5_000_000 },
      { kind: 'promotion_award', amountFen: 100_000 },
    ]);
  });
});

describe('computedRedLineTriggered', () => {
  const none = { reserveCadres: 0, incomeFen: 0, weakListings: 0, irregularDecisions: 0, overdueProblems: 0, missedMeetings: 0 };
  it.each([
    ['1 reserve cadre < 2', 'reserve_cadres', 2, { reserveCadres: 1 }, true],
    ['2 reserve cadres is enough', 'reserve_cadres', 2, { reserveCadres: 2 }, false],
    ['¥49,999.99 is below the ¥50,000 floor', 'income_floor', 5_000_000, { incomeFen: 4_999_999 }, true],
    ['¥50,000.00 meets the floor', 'income_floor', 5_000_000, { incomeFen: 5_000_000 }, false],
    ['on the weak-and-lax list', 'weak_list', 1, { weakListings: 1 }, true],
    ['not on the list', 'weak_list', 1, {}, false],
    ['one matter decided outside 四议三审两公开', 'irregular_decisions', 1, { irregularDecisions: 1 }, true],
    ['every matter through the procedure', 'irregular_decisions', 1, {}, false],
    ['one problem past its rectification deadline', 'overdue_problems', 1, { overdueProblems: 1 }, true],
    ['one required meeting missed', 'org_life', 1, { missedMeetings: 1 }, true],
    ['two missed, three allowed before it triggers', 'org_life', 3, { missedMeetings: 2 }, false],
    ['every problem rectified in time', 'overdue_problems', 1, {}, false],
  ] as const)('%s', (_name, source, threshold, facts, expected) => {
    expect(computedRedLineTriggered(source, threshold, { ...none, ...facts })).toBe(expected);
  });
});

describe('annualOutcome', () => {
  const base = { thresholds: THRESHOLDS, settings: MONEY, previousStars: null, complete: true, redLines: 0 };
  it.each([
    ['95.00 branch with a red line: raw 5, final 4, county plaque', { kind: 'branch', composite: 9500, redLines: 1 }, 5, 4, ['county_plaque']],
    ['95.00 branch without red lines: five stars', { kind: 'branch', composite: 9500 }, 5, 5, ['city_plaque', 'star_award', 'secretary_pay']],
    ['90.00 branch: five stars', { kind: 'branch', composite: 9000 }, 5, 5, ['city_plaque', 'star_award', 'secretary_pay']],
    ['89.99 branch: four stars', { kind: 'branch', composite: 8999 }, 4, 4, ['county_plaque']],
    ['65.00 branch after 2★: replace the secretary', { kind: 'branch', composite: 6500, previousStars: 2 }, 2, 2, ['rectification', 'replace_secretary']],
    ['incomplete evaluation: no stars yet', { kind: 'branch', composite: 9500, complete: false }, null, null, []],
    ['not evaluated: no stars', { kind: 'branch', composite: null }, null, null, []],
    ['member at 95.00: five stars, no consequences', { kind: 'member', composite: 9500, redLines: 1 }, 5, 5, []],
  ] as [string, Record<string, unknown>, Stars | null, Stars | null, string[]][])('%s', (_name, input, raw, final, expected) => {
    const outcome = annualOutcome({ ...base, ...input } as unknown as Parameters<typeof annualOutcome>[0]);
    expect(outcome.rawStars).toBe(raw);
    expect(outcome.finalStars).toBe(final);
    expect(kinds(outcome.consequences)).toEqual(expected);
  });
});

describe('finalisationDue', () => {
  // Asia/Shanghai is UTC+8: 2027-01-10 00:00 in Shanghai is 2027-01-09T16:00Z.
  it.each([
    ['during the year itself', 2026, '2026-12-31T15:59:59Z', 10, false],
    ['new year in Shanghai, before the day', 2026, '2026-12-31T16:00:00Z', 10, false],
    ['the evening before the day (Shanghai)', 2026, '2027-01-09T15:59:59Z', 10, false],
    ['00:00 of the day (Shanghai)', 2026, '2027-01-09T16:00:00Z', 10, true],
    ['day 1: from 00:00 of 1 January', 2026, '2026-12-31T16:00:00Z', 1, true],
    ['later in the following year: catches up', 2026, '2027-06-01T00:00:00Z', 31, true],
    ['years later: catches up', 2024, '2027-01-01T00:00:00Z', 10, true],
  ])('%s', (_name, year, now, day, expected) => {
    expect(finalisationDue(year, new Date(now), day)).toBe(expected);
  });
});

describe('villagers’ satisfaction below the threshold', () => {
  it.each([
    [59, 100, true],
    [60, 100, false],
    [3, 5, false],
    [2, 5, true],
    [0, 0, false],
  ])('%i satisfied of %i answers under 60%%: %s', (satisfied, answers, below) => {
    expect(satisfactionBelow(satisfied, answers, { thresholdPercent: 60, maxStars: 2 })).toBe(below);
  });
});
