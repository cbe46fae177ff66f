import { describe, expect, it } from 'vitest';
import type { Stars } from '../../domain/thresholds';
import { applyQuotas, effectiveQuotas, proposalCeiling, proposedLevel, proposeGrades, withinCeiling, type QuotaCut, type Quotas } from './rules';

const branch = (id: string, stars: Stars | null, composite: number | null, villagerScore: number | null = null) => ({ id, stars, composite, villagerScore });
const levels = (out: ReturnType<typeof applyQuotas>) => Object.fromEntries([...out].map(([id, o]) => [id, o.stars]));

describe('quotas per level, from the top down', () => {
  it.each<[string, ReturnType<typeof branch>[], Quotas, number | undefined, Record<string, Stars | null>]>([
    ['nothing over the cap: nothing moves', [branch('a', 5, 9500), branch('b', 4, 8500)], { 5: 50 }, undefined, { a: 5, b: 4 }],
    ['the lower composite at the margin goes down', [branch('a', 5, 9500), branch('b', 5, 9400), branch('c', 4, 8500)], { 5: 34 }, undefined, { a: 5, b: 4, c: 4 }],
    ['the cap counts every branch, rated or not', [branch('a', 5, 9500), branch('b', 5, 9400)], { 5: 10 }, 20, { a: 5, b: 5 }],
    ['a cap below one branch leaves the level empty', [branch('a', 5, 9500), branch('b', 4, 8000)], { 5: 10 }, undefined, { a: 4, b: 4 }],
    [
      'cascade: pushed from five, the branch counts at four and is pushed again',
      [branch('a', 5, 9600), branch('b', 5, 9500), branch('c', 4, 8900), branch('d', 3, 7500)],
      { 5: 25, 4: 25 },
      undefined,
      { a: 5, b: 4, c: 3, d: 3 },
    ],
    [
      'cascade: a pushed branch with a better composite keeps four, the native four goes down',
      [branch('a', 5, 9600), branch('b', 5, 9000), branch('c', 4, 8100)],
      { 5: 34, 4: 34 },
      undefined,
      { a: 5, b: 4, c: 3 },
    ],
    ['same composite: the villagers’ score decides', [branch('a', 5, 9500, 9000), branch('b', 5, 9500, 9100), branch('c', 3, 7000)], { 5: 34 }, undefined, { a: 4, b: 5, c: 3 }],
    ['still tied at the margin: all tied go down, the cap is never exceeded', [branch('a', 5, 9500, 9000), branch('b', 5, 9500, 9000), branch('c', 5, 9900)], { 5: 67 }, undefined, { a: 4, b: 4, c: 5 }],
    ['unrated branches are never moved', [branch('a', null, null), branch('b', 5, 9100)], { 5: 50 }, undefined, { a: null, b: 5 }],
  ])('%s', (_case, candidates, quotas, total, expected) => {
    expect(levels(applyQuotas(candidates, quotas, total))).toEqual(expected);
  });

  it('says why: the level, how many it holds, the rank and whether it was a tie', () => {
    const out = applyQuotas([branch('a', 5, 9600), branch('b', 5, 9500), branch('c', 4, 8900), branch('d', 3, 7000)], { 5: 25, 4: 25 });
    expect(out.get('b')!.cuts).toEqual([{ level: 5, allowed: 1, rank: 2, tie: false }]);
    expect(out.get('c')!.cuts).toEqual([{ level: 4, allowed: 1, rank: 2, tie: false }]);
  });
});

describe('the level proposed against the level applied for', () => {
  it.each<[string, Stars | null, Stars | null, string | null, Stars | null, boolean]>([
    ['at or below the application: as scored', 4, 4, null, 4, false],
    ['above the application: capped', 5, 4, null, 4, true],
    ['above with the township’s reason: as scored', 5, 4, '申报后集体经济大幅增长', 5, false],
    ['no application: as scored', 5, null, null, 5, false],
    ['not rated', null, 3, null, null, false],
  ])('%s', (_case, scored, applied, reason, stars, capped) => {
    expect(proposedLevel(scored, applied, reason)).toEqual({ stars, cappedByApplication: capped });
  });
});

describe('民主评议党员 grades', () => {
  const rule = { excellent: 9000, qualified: 7000, basicallyQualified: 6000, excellentMaxPercent: null };
  it.each([
    [9000, 'excellent'],
    [8999, 'qualified'],
    [7000, 'qualified'],
    [6999, 'basically_qualified'],
    [5999, 'unqualified'],
  ])('%i → %s', (composite, grade) => {
    expect(proposeGrades([{ id: 'm', composite }], rule).get('m')!.grade).toBe(grade);
  });

  it('caps 优秀’s share by composite; ties at the margin become 合格', () => {
    const members = [9800, 9500, 9500, 9100, 8000].map((composite, i) => ({ id: `m${i}`, composite }));
    const out = proposeGrades(members, { ...rule, excellentMaxPercent: 40 });
    expect([...out.values()].map((o) => o.grade)).toEqual(['excellent', 'qualified', 'qualified', 'qualified', 'qualified']);
    expect(out.get('m3')!.capped).toBe(true);
    expect(out.get('m4')!.capped).toBe(false);
  });
});

describe('the county’s quotas are a ceiling on the township’s', () => {
  it.each<[string, Quotas | null, Quotas, Quotas]>([
    ['no county setting: the township’s own', null, { 5: 10 }, { 5: 10 }],
    ['the township unset: the county’s', { 5: 10, 4: 30 }, {}, { 5: 10, 4: 30 }],
    ['the township looser: the county caps it', { 5: 10 }, { 5: 20 }, { 5: 10 }],
    ['the township stricter: its own holds', { 5: 10 }, { 5: 5 }, { 5: 5 }],
    ['levels combine: each the stricter one', { 5: 10, 4: 30 }, { 4: 40, 3: 50 }, { 5: 10, 4: 30, 3: 50 }],
    ['a zero is a cap too', { 5: 0 }, { 5: 10 }, { 5: 0 }],
  ])('%s', (_, county, township, expected) => expect(effectiveQuotas(county, township)).toEqual(expected));
});

describe('the most stars the township may propose again: scoring less the quota cuts', () => {
  const cut = (level: 1 | 2 | 3 | 4 | 5): QuotaCut => ({ level, allowed: 1, rank: 2, tie: false });
  it.each([
    { scored: 5, cuts: [], stars: 5, ok: true },
    { scored: 5, cuts: [cut(5)], stars: 5, ok: false },
    { scored: 5, cuts: [cut(5)], stars: 4, ok: true },
    { scored: 5, cuts: [cut(5), cut(4)], stars: 4, ok: false },
    { scored: 4, cuts: [], stars: 5, ok: false },
    { scored: null, cuts: [], stars: 1, ok: false },
    { scored: null, cuts: [], stars: null, ok: true },
    { scored: 3, cuts: [cut(3)], stars: null, ok: true },
  ])('scored $scored with $cuts.length cut(s): $stars stars → $ok', ({ scored, cuts, stars, ok }) => {
    expect(withinCeiling(stars, proposalCeiling(scored, cuts))).toBe(ok);
  });
});
