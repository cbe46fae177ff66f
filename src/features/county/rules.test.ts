import { describe, expect, it } from 'vitest';
import type { ComparisonRow } from './comparison';
import { contentDisposition } from '../../platform/download';
import { csvTable, exportFileName, fenToYuanText, tierText, xlsxTable } from './rules';

describe('fenToYuanText', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [5_000_000, '50000.00'],
    [5_000_012, '50000.12'],
    [-150, '-1.50'],
  ])('%i fen → %s', (fen, text) => expect(fenToYuanText(fen)).toBe(text));
});

describe('tierText', () => {
  it.each([
    ['high', [5_000_000, 10_000_000], '≥ ¥100,000.00'],
    ['low', [5_000_000, 10_000_000], '≥ ¥50,000.00'],
    ['below', [5_000_000, 10_000_000], '不足 ¥50,000.00'],
    ['low', [3_000_000, 8_000_000], '≥ ¥30,000.00'],
    [null, [5_000_000, 10_000_000], ''],
  ] as const)('%s with tiers %j → %s', (tier, tiers, text) => expect(tierText('zh-CN', tier, tiers)).toBe(text));
});

describe('export file names', () => {
  it.each([
    ['齐河县', undefined, 2026, 'csv', '齐河县-2026年村党支部星级比较.csv'],
    ['齐河县', '潘店镇', 2025, 'xlsx', '齐河县-潘店镇-2025年村党支部星级比较.xlsx'],
    ['a/b:c', undefined, 2026, 'csv', 'a_b_c-2026年村党支部星级比较.csv'],
  ] as const)('%s %s %i .%s → %s', (county, township, year, ext, name) => expect(exportFileName('zh-CN', county, township, year, ext)).toBe(name));

  it('names the file in RFC 5987 form beside an ASCII fallback', () => {
    expect(contentDisposition("齐河县 (1)'.csv", 'x.csv')).toBe(`attachment; filename="x.csv"; filename*=UTF-8''%E9%BD%90%E6%B2%B3%E5%8E%BF%20%281%29%27.csv`);
  });
});

describe('export tables', () => {
  const row: ComparisonRow = {
    rank: 1,
    townshipId: 't1',
    township: '潘店镇',
    villageId: 'v1',
    village: '靖庄',
    stage: 'final',
    computedAt: '2026-01-10T00:00:00.000Z',
    stars: 5,
    composite: 9123,
    redLines: 0,
    incomeFen: 12_345_678,
    incomeTier: 'high',
  };
  const unrated: ComparisonRow = { ...row, rank: 2, village: '刘洼', stage: null, computedAt: null, stars: null, composite: null, incomeFen: null, incomeTier: null };
  const tiers = new Map([['t1', [5_000_000, 10_000_000]]]);

  it('writes yuan and points with two decimals as text in CSV, blanks where there is no result (no rank either, as on the page)', () => {
    expect(csvTable([row, unrated], 'zh-CN', tiers)).toEqual([
      ['排名', '乡镇', '村', '结果', '星级', '综合得分', '触碰红线（项）', '集体经济收入（元）', '收入档次'],
      [1, '潘店镇', '靖庄', '已定稿', 5, '91.23', 0, '123456.78', '≥ ¥100,000.00'],
      [null, '潘店镇', '刘洼', '暂无结果', null, null, 0, null, ''],
    ]);
  });

  it('writes them as two-decimal numbers in XLSX', () => {
    expect(xlsxTable([row], 'en', tiers)[1]).toEqual([1, '潘店镇', '靖庄', 'final', 5, { decimal2: 91.23 }, 0, { decimal2: 123456.78 }, '≥ ¥100,000.00']);
  });
});
