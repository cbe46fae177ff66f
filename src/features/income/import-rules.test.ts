import { describe, expect, it } from 'vitest';
import { parseCategory, parseYuanToFen, validateIncomeTable } from './import-rules';

describe('parseYuanToFen', () => {
  it.each([
    ['50000', 5_000_000],
    ['50,000.5', 5_000_050],
    ['¥50,000.00', 5_000_000],
    ['50000元', 5_000_000],
    ['5万', 5_000_000],
    ['5.25万元', 5_250_000],
    ['0.01', 1],
    ['1.234567万', 1_234_567],
    ['1.2345678万', null],
    ['0.001', null],
    ['-100', null],
    ['五万', null],
    ['', null],
  ])('%s → %s', (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen);
  });
});

describe('parseCategory', () => {
  it.each([
    ['农产品经营', 'produce'],
    ['土地租赁、商品房租赁', 'leasing'],
    ['商品房租赁', 'leasing'],
    ['边角经济,土地承包', 'land_contracting'],
    ['党支部领办合作社', 'cooperative'],
    ['依托牧场流转土地', 'pasture_land'],
    ['其他', 'other'],
    ['cooperative', 'cooperative'],
    ['彩票', null],
  ])('%s → %s', (text, category) => {
    expect(parseCategory(text)).toBe(category);
  });
});

describe('validateIncomeTable', () => {
  const context = { villages: new Map([['靖庄', 'v1'], ['刘洼', 'v2']]), maxYear: 2026 };

  it('reads a ledger with a title row above the header', () => {
    const result = validateIncomeTable(
      [['2026年村集体经济收入台账'], ['村名', '年度', '收入类别', '金额(元)', '备注'], ['靖庄', '2026', '合作社', '50,000', '大蒜'], ['刘洼', '2026年', '其他', '1.5万', '']],
      context,
    );
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      { row: 3, villageId: 'v1', year: 2026, category: 'cooperative', amountFen: 5_000_000, note: '大蒜' },
      { row: 4, villageId: 'v2', year: 2026, category: 'other', amountFen: 1_500_000, note: '' },
    ]);
  });

  it.each([
    ['an unknown village', ['西腰', '2026', '其他', '100'], 'import.row.unknown_village'],
    ['a future year', ['靖庄', '2027', '其他', '100'], 'import.row.out_of_range'],
    ['an unknown category', ['靖庄', '2026', '彩票', '100'], 'income.row.unknown_category'],
    ['a fraction of a fen', ['靖庄', '2026', '其他', '100.001'], 'income.row.bad_amount'],
    ['a missing amount', ['靖庄', '2026', '其他', ''], 'import.row.required'],
  ])('reports %s', (_name, row, code) => {
    const result = validateIncomeTable([['村名', '年度', '收入类别', '金额'], row], context);
    expect(result.records).toEqual([]);
    expect(result.errors.map((e) => e.code)).toEqual([code]);
  });

  it('takes the year from the upload when the file has no year column', () => {
    const result = validateIncomeTable([['村名', '类别', '金额'], ['靖庄', '其他', '100']], { ...context, defaultYear: 2025 });
    expect(result.records[0].year).toBe(2025);
    expect(validateIncomeTable([['村名', '类别', '金额']], context).errors[0].code).toBe('import.missing_column');
  });

  it("refuses another village's rows for a secretary", () => {
    const result = validateIncomeTable([['村名', '年度', '类别', '金额'], ['刘洼', '2026', '其他', '1']], { ...context, ownVillageId: 'v1' });
    expect(result.errors[0].code).toBe('import.row.other_village');
  });
});
