import { describe, expect, it } from 'vitest';
import { CATEGORY_VILLAGES, planDemo, scaleCounts } from './demo-plan';
import { villageNames } from './names';
import { seededRandom } from './random';

const FLOOR = 5_000_000;
const HIGH = 10_000_000;

describe('scaleCounts', () => {
  it.each([
    ['the brief itself', 95, { produce: 20, leasing: 6, land_contracting: 42, cooperative: 21, pasture_land: 6 }],
    ['a small township keeps every share it can', 20, { produce: 4, leasing: 1, land_contracting: 9, cooperative: 5, pasture_land: 1 }],
  ])('%s (%i villages)', (_name, total, expected) => {
    const counts = scaleCounts(CATEGORY_VILLAGES, total);
    expect(counts).toEqual(expected);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('planDemo', () => {
  const plan = (n: number, measured = new Map<string, 1 | 2 | 3 | 4 | 5 | null>([['靖庄', 4], ['西腰', 3]])) =>
    planDemo(seededRandom(5), villageNames(seededRandom(1), n, ['靖庄', '刘洼', '西腰', '岳刘']), measured);

  it.each([
    [95, 38],
    [40, 16],
    [20, 8],
  ])('%i villages: all reach ¥50,000 this year, %i reach ¥100,000, a few were below last year', (n, high) => {
    const villages = plan(n);
    expect(villages.every((v) => v.incomeFen.this >= FLOOR)).toBe(true);
    expect(villages.filter((v) => v.incomeFen.this >= HIGH)).toHaveLength(high);
    expect(villages.every((v) => v.incomeFen.last <= v.incomeFen.this)).toBe(true);
  });

  it('has the brief\'s source counts for 95 villages, with 西腰 and 岳刘 selling produce', () => {
    const villages = plan(95);
    const count = (c: string) => villages.filter((v) => v.category === c).length;
    expect(Object.fromEntries(Object.keys(CATEGORY_VILLAGES).map((c) => [c, count(c)]))).toEqual(CATEGORY_VILLAGES);
    expect(villages.filter((v) => v.name === '西腰' || v.name === '岳刘').map((v) => v.category)).toEqual(['produce', 'produce']);
  });

  it.each([95, 20])('%i villages: every story has its village, with the stars the story needs', (n) => {
    const villages = plan(n);
    const story = (s: string) => villages.filter((v) => v.story === s);
    expect(story('discipline').map((v) => v.stars.this)).toEqual([5]);
    expect(story('replace_secretary').map((v) => v.stars)).toEqual([{ last: 2, this: 2 }]);
    expect(story('irregular_decision').map((v) => v.stars)).toEqual([{ last: 3, this: 2 }]);
    expect(story('turned_around').map((v) => v.stars)).toEqual([{ last: 2, this: 4 }]);
    expect(story('few_reserve_cadres')).toHaveLength(2);
  });

  it('aims at the brief\'s star shares, leaves measured villages to their ballots, and plans 靖庄 one star lower last year', () => {
    const villages = plan(95);
    const thisYear = (s: number) => villages.filter((v) => v.stars.this === s).length;
    expect([5, 4, 3, 2, 1].map(thisYear)).toEqual([6, 36, 46, 7, 0]);
    expect(villages.find((v) => v.name === '靖庄')!.stars).toEqual({ last: 3, this: 4 });
    expect(villages.find((v) => v.name === '西腰')!.stars).toEqual({ last: 3, this: 3 });
    const moved = villages.filter((v) => v.stars.this !== null && v.stars.this !== v.stars.last);
    expect(moved.length).toBeGreaterThan(10);
  });

  it('is the same plan for the same seed', () => {
    expect(plan(30)).toEqual(plan(30));
  });
});
