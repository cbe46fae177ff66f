import { describe, expect, it } from 'vitest';
import { ROSTER_COLUMNS } from './roster-columns';
import { duplicateKey, parseCell, validateRoster, type ImportContext } from './rules';

const context = (over: Partial<ImportContext> = {}): ImportContext => ({
  villages: new Map([['靖庄', 'v1'], ['刘洼', 'v2']]),
  existingKeys: new Set(),
  ...over,
});
const spec = (roster: 'members' | 'households', key: string) => ROSTER_COLUMNS[roster].find((s) => s.key === key)!;

describe('parseCell', () => {
  it.each([
    ['phone as typed', 'phone', '13900000000', { value: '13900000000' }],
    ['phone with spaces and dashes', 'phone', ' 139-0000 0000 ', { value: '13900000000' }],
    ['phone with +86', 'phone', '+86 13900000000', { value: '13900000000' }],
    ['phone mangled by Excel', 'phone', '1.39E+10', { error: 'import.row.bad_phone' }],
    ['landline is not a mobile', 'phone', '0534-5551234', { error: 'import.row.bad_phone' }],
    ['blank phone', 'phone', '', { value: null }],
    ['year', 'birthYear', '1980', { value: 1980 }],
    ['year from a spreadsheet number', 'birthYear', '1980.0', { value: 1980 }],
    ['year out of range', 'joinedYear', '1900', { error: 'import.row.out_of_range', params: { min: 1921, max: 2100 } }],
    ['year that is not a number', 'birthYear', '八零年', { error: 'import.row.bad_number' }],
    ['flag 是', 'isSecretary', '是', { value: true }],
    ['flag 否', 'isSecretary', '否', { value: false }],
    ['flag ✓', 'isSecretary', '√', { value: true }],
    ['flag blank means no', 'isSecretary', '  ', { value: false }],
    ['flag nonsense', 'isSecretary', '也许', { error: 'import.row.bad_flag' }],
    ['gender 女', 'gender', '女', { value: 'female' }],
    ['gender nonsense', 'gender', '未知', { error: 'import.row.bad_gender' }],
    ['required name missing', 'name', '\u3000', { error: 'import.row.required' }],
    ['name trimmed, full-width spaces too', 'name', '\u3000张三 ', { value: '张三' }],
    ['name too long', 'name', '张'.repeat(41), { error: 'import.row.too_long', params: { max: 40 } }],
    ['village by name', 'villageName', '刘洼', { value: 'v2' }],
    ['unknown village', 'villageName', '西腰', { error: 'import.row.unknown_village', params: { value: '西腰' } }],
  ])('%s', (_, key, cell, expected) => {
    expect(parseCell(spec('members', key), cell, context())).toEqual(expected);
  });

  it('refuses, for a secretary, a village other than their own', () => {
    expect(parseCell(spec('members', 'villageName'), '刘洼', context({ ownVillageId: 'v1' }))).toEqual({
      error: 'import.row.other_village',
      params: { value: '刘洼' },
    });
  });

  it.each([
    ['household size', '4', { value: 4 }],
    ['size zero', '0', { error: 'import.row.out_of_range', params: { min: 1, max: 99 } }],
    ['size with a fraction', '2.5', { error: 'import.row.bad_number' }],
  ])('%s', (_, cell, expected) => {
    expect(parseCell(spec('households', 'size'), cell, context())).toEqual(expected);
  });
});

describe('validateRoster', () => {
  const members = (...rows: string[][]) => [['村名', '姓名', '性别', '手机号', '出生年份', '入党年份', '支部委员', '书记', '后备干部'], ...rows];

  it('turns valid rows into typed records, numbered as spreadsheet rows', () => {
    const result = validateRoster('members', members(['靖庄', '张三', '男', '13900000001', '1970', '1995', '是', '是', '否']), context());
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      {
        row: 2,
        villageId: 'v1',
        name: '张三',
        gender: 'male',
        phone: '13900000001',
        birthYear: 1970,
        joinedYear: 1995,
        isCommittee: true,
        isSecretary: true,
        isReserveCadre: false,
      },
    ]);
  });

  it('finds the header below a title row, maps columns by header in any order, skips blank lines', () => {
    const table = [['靖庄村党员花名册'], [], ['姓名', '备注', '村名*'], ['李四', '随便', '靖庄'], ['', '', ''], ['王五', '', '刘洼']];
    const result = validateRoster('members', table, context());
    expect(result.errors).toEqual([]);
    expect(result.rows).toBe(2);
    expect(result.records.map((r) => [r.row, r.name, r.villageId, r.phone, r.isSecretary])).toEqual([
      [4, '李四', 'v1', null, false],
      [6, '王五', 'v2', null, false],
    ]);
  });

  it('reports every bad cell with its row and column', () => {
    const result = validateRoster('members', members(['西腰', '', '男', '123', '', '', '', '', ''], ['靖庄', '赵六', '', '', '', '', '也许', '', '']), context());
    expect(result.records).toEqual([]);
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '村名', 'import.row.unknown_village'],
      [2, '姓名', 'import.row.required'],
      [2, '手机号', 'import.row.bad_phone'],
      [3, '支部委员', 'import.row.bad_flag'],
    ]);
  });

  it('reports a missing required column on the header row, and no row errors', () => {
    const result = validateRoster('households', [['户主', '地址'], ['张三', '东街']], context());
    expect(result.errors).toEqual([{ row: 1, column: '村名', code: 'import.missing_column', params: { column: '村名' } }]);
  });

  it('finds duplicates within the file and against stored rows', () => {
    const stored = duplicateKey('members', { villageId: 'v2', name: '王五', phone: null } as never);
    const result = validateRoster(
      'members',
      members(['靖庄', '张三', '', '13900000001'], ['靖庄', '张三', '', '139 0000 0001'], ['靖庄', '张三', '', '13900000002'], ['刘洼', '王五']),
      context({ existingKeys: new Set([stored]) }),
    );
    expect(result.errors.map((e) => [e.row, e.code, e.params])).toEqual([
      [3, 'import.row.duplicate', { row: 2 }],
      [5, 'import.row.exists', { value: '刘洼 王五' }],
    ]);
    expect(result.records.map((r) => r.row)).toEqual([2, 4]);
  });

  it('names villages, with the branch defaulting to "<村名>党支部", and finds duplicate names', () => {
    const result = validateRoster('villages', [['村名', '支部名称'], ['西腰', ''], ['岳刘', '岳刘村党总支'], ['西腰', '']], context());
    expect(result.records.map(({ name, branchName }) => [name, branchName])).toEqual([
      ['西腰', '西腰党支部'],
      ['岳刘', '岳刘村党总支'],
    ]);
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([[4, '村名', 'import.row.duplicate']]);
  });

  it('keeps households of the same head at different addresses apart', () => {
    const result = validateRoster('households', [['村名', '户主', '地址'], ['靖庄', '张三', '东街1号'], ['靖庄', '张三', '西街2号']], context());
    expect(result.errors).toEqual([]);
    expect(result.records).toHaveLength(2);
  });

  it('counts no rows in an empty file', () => {
    expect(validateRoster('villages', [[''], []], context())).toEqual({ rows: 0, records: [], errors: [] });
  });
});
