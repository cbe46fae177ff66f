import { describe, expect, it } from 'vitest';
import { categoryGroup, monthBounds, mustVisitCategories, ratioWarning, visitOverdue, type CareTags } from './rules';

describe('link ratios', () => {
  it.each([
    ['a committee member with 4 of 5 members is under', 4, { min: 5, max: 5 }, 'under'],
    ['exactly 5 of 5 is fine', 5, { min: 5, max: 5 }, null],
    ['6 of 5 is over', 6, { min: 5, max: 5 }, 'over'],
    ['a member with no households is under', 0, { min: 5, max: 15 }, 'under'],
    ['15 households is still fine', 15, { min: 5, max: 15 }, null],
    ['16 households is over', 16, { min: 5, max: 15 }, 'over'],
  ] as const)('%s', (_, count, range, expected) => {
    expect(ratioWarning(count, range)).toBe(expected);
  });
});

describe('must-visit households', () => {
  const none: CareTags = { isHardship: false, isCriticallyIll: false, isEmptyNest: false, isLeftBehind: false, isPetitioner: false };
  it.each<[string, Partial<CareTags>, string[]]>([
    ['an ordinary household is not a must-visit one', {}, []],
    ['a poor family', { isHardship: true }, ['poor_family']],
    ['empty-nest and left-behind share one category', { isEmptyNest: true, isLeftBehind: true }, ['empty_nest_left_behind']],
    ['a critically ill petitioner', { isCriticallyIll: true, isPetitioner: true }, ['critically_ill', 'petitioner']],
  ])('%s', (_, tags, expected) => {
    expect(mustVisitCategories({ ...none, ...tags })).toEqual(expected);
  });

  it.each<[string, string | null, boolean]>([
    ['never visited is overdue', null, true],
    ['visited 30 days ago is not yet overdue', '2026-01-01', false],
    ['visited 31 days ago is overdue', '2025-12-31', true],
    ['visited today is fine', '2026-01-31', false],
  ])('%s', (_, last, overdue) => {
    expect(visitOverdue(last, '2026-01-31', 30)).toBe(overdue);
  });
});

describe('categories and months', () => {
  it.each([
    ['sick', 'five_visits'],
    ['wedding_funeral', 'four_attend'],
    ['petitioner', 'four_must_visit'],
  ] as const)('%s belongs to %s', (category, group) => {
    expect(categoryGroup(category)).toBe(group);
  });

  it.each([
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2028-02', '2028-02-01', '2028-02-29'],
    ['2026-12', '2026-12-01', '2026-12-31'],
  ])('month %s runs from %s to %s', (month, from, to) => {
    expect(monthBounds(month)).toEqual({ from, to });
  });
});
