import type { MessageKey } from '../../platform/i18n';
import { normalizeHeader, type RowError } from '../../platform/tables/table-import';
import { INCOME_CATEGORIES, type IncomeCategory } from './rules';

/** Income file rows, validated: pure, with what it needs from the database passed in. */

export const MAX_INCOME_IMPORT_ROWS = 2_000;

interface IncomeColumn {
  key: 'villageName' | 'year' | 'category' | 'amount' | 'note';
  header: string;
  aliases: string[];
  required: boolean;
}

export const INCOME_COLUMNS: IncomeColumn[] = [
  { key: 'villageName', header: '村名', aliases: ['村', '村庄', '村名称', '村庄名称', 'village'], required: true },
  { key: 'year', header: '年度', aliases: ['年份', '年', 'year'], required: false },
  { key: 'category', header: '收入类别', aliases: ['类别', '收入来源', '来源', 'category'], required: true },
  { key: 'amount', header: '金额(元)', aliases: ['金额', '收入', '收入金额', 'amount'], required: true },
  { key: 'note', header: '备注', aliases: ['说明', 'note'], required: false },
];

/** Category names people write, each to its category (the catalogue labels and their parts). */
const CATEGORY_NAMES: Record<string, IncomeCategory> = {
  农产品经营: 'produce',
  农产品: 'produce',
  '土地租赁、商品房租赁': 'leasing',
  土地租赁: 'leasing',
  商品房租赁: 'leasing',
  房屋租赁: 'leasing',
  租赁: 'leasing',
  '边角经济、土地承包': 'land_contracting',
  边角经济: 'land_contracting',
  土地承包: 'land_contracting',
  党支部领办合作社: 'cooperative',
  领办合作社: 'cooperative',
  合作社: 'cooperative',
  依托牧场流转土地: 'pasture_land',
  牧场流转土地: 'pasture_land',
  牧场: 'pasture_land',
  其他: 'other',
  其它: 'other',
};

export function parseCategory(text: string): IncomeCategory | null {
  const t = text.replace(/[\s\u3000]+/g, '').replace(/[,，;；/]/g, '、');
  if ((INCOME_CATEGORIES as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as IncomeCategory;
  return CATEGORY_NAMES[t] ?? null;
}

/**
 * Yuan as written in a ledger to integer fen, without floating point: "50000", "50,000.5", "¥50,000.00",
 * "50000元", "5万", "5.25万". Null when it is not an amount of money (or has fractions of a fen).
 */
export function parseYuanToFen(text: string): number | null {
  let t = text.replace(/[\s\u3000,，]/g, '').replace(/^[¥￥]/, '').replace(/元$/, '');
  let scale = 100;
  if (t.endsWith('万')) {
    t = t.slice(0, -1);
    scale = 1_000_000;
  }
  const match = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!match) return null;
  const [, whole, fraction = ''] = match;
  // yuan: two decimals are fen; 万 (10,000 yuan): six decimals are fen
  const decimals = scale === 100 ? 2 : 6;
  if (fraction.length > decimals) return null;
  const value = Number(whole) * scale + Number(fraction.padEnd(decimals, '0'));
  return Number.isSafeInteger(value) ? value : null;
}

export interface IncomeImportContext {
  /** the township's villages: name → id */
  villages: ReadonlyMap<string, string>;
  /** a village secretary may only import rows of this village */
  ownVillageId?: string;
  /** the year of rows without a year column */
  defaultYear?: number;
  /** the latest year accepted (this Shanghai year) */
  maxYear: number;
}

export interface IncomeImportRecord {
  row: number;
  villageId: string;
  year: number;
  category: IncomeCategory;
  amountFen: number;
  note: string;
}

const clean = (cell: string | undefined) => (cell ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
const HEADER_SEARCH_ROWS = 5;

/** Finds the header, maps the columns, validates every row; the caller writes only when there are no errors. */
export function validateIncomeTable(table: string[][], context: IncomeImportContext) {
  const known = (cell: string) =>
    INCOME_COLUMNS.find((c) => [c.header, ...c.aliases].some((h) => normalizeHeader(h).toLowerCase() === normalizeHeader(cell).toLowerCase()));
  const nonBlank = table.map((cells, i) => ({ cells, row: i + 1 })).filter(({ cells }) => cells.some((c) => clean(c) !== ''));
  const headerAt = Math.max(0, nonBlank.slice(0, HEADER_SEARCH_ROWS).findIndex(({ cells }) => cells.some((c) => known(c)?.required)));
  const header = nonBlank[headerAt];
  const errors: RowError[] = [];
  const records: IncomeImportRecord[] = [];
  if (!header) return { rows: 0, records, errors };
  const columnOf = new Map<IncomeColumn['key'], number>();
  header.cells.forEach((cell, i) => {
    const column = known(cell);
    if (column && !columnOf.has(column.key)) columnOf.set(column.key, i);
  });
  const required = INCOME_COLUMNS.filter((c) => c.required || (c.key === 'year' && context.defaultYear === undefined));
  for (const column of required)
    if (!columnOf.has(column.key)) errors.push({ row: header.row, column: column.header, code: 'import.missing_column', params: { column: column.header } });
  const dataRows = nonBlank.slice(headerAt + 1);
  if (errors.length) return { rows: dataRows.length, records, errors };

  const headerOf = (key: IncomeColumn['key']) => INCOME_COLUMNS.find((c) => c.key === key)!.header;
  for (const { cells, row } of dataRows) {
    const cell = (key: IncomeColumn['key']) => clean(columnOf.has(key) ? cells[columnOf.get(key)!] : undefined);
    const fail = (key: IncomeColumn['key'], code: MessageKey, params: Record<string, string | number> = {}) =>
      errors.push({ row, column: headerOf(key), code, params: { column: headerOf(key), ...params } });
    const before = errors.length;

    const villageName = cell('villageName');
    const villageId = context.villages.get(villageName);
    if (!villageName) fail('villageName', 'import.row.required');
    else if (!villageId) fail('villageName', 'import.row.unknown_village', { value: villageName });
    else if (context.ownVillageId && context.ownVillageId !== villageId) fail('villageName', 'import.row.other_village', { value: villageName });

    const yearText = cell('year').replace(/年$/, '');
    const year = yearText ? (/^\d{4}$/.test(yearText) ? Number(yearText) : NaN) : (context.defaultYear ?? NaN);
    if (!yearText && context.defaultYear === undefined) fail('year', 'import.row.required');
    else if (!Number.isInteger(year)) fail('year', 'import.row.bad_number');
    else if (year < 2000 || year > context.maxYear) fail('year', 'import.row.out_of_range', { min: 2000, max: context.maxYear });

    const categoryText = cell('category');
    const category = parseCategory(categoryText);
    if (!categoryText) fail('category', 'import.row.required');
    else if (!category) fail('category', 'income.row.unknown_category');

    const amountText = cell('amount');
    const amountFen = parseYuanToFen(amountText);
    if (!amountText) fail('amount', 'import.row.required');
    else if (amountFen === null || amountFen > 100_000_000_000) fail('amount', 'income.row.bad_amount');

    const note = cell('note');
    if ([...note].length > 200) fail('note', 'import.row.too_long', { max: 200 });

    if (errors.length === before) records.push({ row, villageId: villageId!, year, category: category!, amountFen: amountFen!, note });
  }
  return { rows: dataRows.length, records, errors };
}
