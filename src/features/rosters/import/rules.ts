import type { MessageKey } from '../../../platform/i18n';
import { normalizeHeader, type RowError } from '../../../platform/tables/table-import';
import { ROSTER_COLUMNS, type ColumnSpec, type Roster } from './roster-columns';

/**
 * Row validation of a roster file: cells in, typed records and row-level errors out. Pure: what it needs
 * from the database (villages by name, keys of existing rows) comes in as an ImportContext.
 */

export const MAX_IMPORT_ROWS = 20_000;

export interface VillageRecord {
  name: string;
  branchName: string;
}
export interface MemberRecord {
  villageId: string;
  name: string;
  gender: 'male' | 'female' | null;
  phone: string | null;
  birthYear: number | null;
  joinedYear: number | null;
  isCommittee: boolean;
  isSecretary: boolean;
  isReserveCadre: boolean;
}
export interface HouseholdRecord {
  villageId: string;
  headName: string;
  address: string;
  phone: string | null;
  size: number | null;
  isHardship: boolean;
  isCriticallyIll: boolean;
  isEmptyNest: boolean;
  isLeftBehind: boolean;
  isPetitioner: boolean;
}
export interface RosterRecords {
  villages: VillageRecord;
  members: MemberRecord;
  households: HouseholdRecord;
}

export interface ImportContext {
  /** the township's villages: name → id */
  villages: ReadonlyMap<string, string>;
  /** a village secretary may only import rows of this village */
  ownVillageId?: string;
  /** duplicate keys (see duplicateKey) of rows already stored */
  existingKeys: ReadonlySet<string>;
}

export interface ValidationResult<R extends Roster> {
  /** data rows (blank lines and the header not counted) */
  rows: number;
  records: (RosterRecords[R] & { row: number })[];
  errors: RowError[];
}

/** What makes two rows "the same" (villages: name; members: village + name + phone; households: village + head + address). */
export function duplicateKey<R extends Roster>(roster: R, record: RosterRecords[R]): string {
  const r = record as unknown as Record<string, unknown>;
  const parts =
    roster === 'villages' ? [r.name] : roster === 'members' ? [r.villageId, r.name, r.phone] : [r.villageId, r.headName, r.address];
  return parts.map((p) => (p ?? '') as string).join('\u0000');
}

/** The cells named in an "already exists" message, as the user wrote them. */
const DUPLICATE_FIELDS: Record<Roster, string[]> = {
  villages: ['name'],
  members: ['villageName', 'name', 'phone'],
  households: ['villageName', 'headName', 'address'],
};

const clean = (cell: string | undefined) => (cell ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
const isBlankRow = (cells: string[]) => cells.every((cell) => clean(cell) === '');

const FLAGS: Record<string, boolean> = {
  是: true, 否: false, 有: true, 无: false, y: true, n: false, yes: true, no: false, true: true, false: false,
  '1': true, '0': false, '√': true, '✓': true, '×': false, x: false,
};
const GENDERS: Record<string, 'male' | 'female'> = { 男: 'male', 女: 'female', m: 'male', f: 'female', male: 'male', female: 'female' };

type Parsed = { value: unknown } | { error: MessageKey; params?: Record<string, string | number> };

/** One cell to its typed value. Blank cells: null, false for flags, '' for optional text. */
export function parseCell(spec: ColumnSpec, cell: string | undefined, context: ImportContext): Parsed {
  const text = clean(cell);
  if (text === '') {
    if (spec.required) return { error: 'import.row.required' };
    return { value: spec.kind === 'flag' ? false : spec.kind === 'text' ? '' : null };
  }
  switch (spec.kind) {
    case 'text':
      return [...text].length > (spec.max ?? 200) ? { error: 'import.row.too_long', params: { max: spec.max ?? 200 } } : { value: text };
    case 'village': {
      const id = context.villages.get(text);
      if (!id) return { error: 'import.row.unknown_village', params: { value: text } };
      if (context.ownVillageId && context.ownVillageId !== id) return { error: 'import.row.other_village', params: { value: text } };
      return { value: id };
    }
    case 'phone': {
      // People write 138 0000 0000, 138-0000-0000 or +86 13800000000.
      const digits = text.replace(/[\s\-()()]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
      return /^1\d{10}$/.test(digits) ? { value: digits } : { error: 'import.row.bad_phone' };
    }
    case 'year':
    case 'int': {
      const n = /^\d+(\.0+)?$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(n)) return { error: 'import.row.bad_number' };
      if (n < (spec.min ?? 0) || n > (spec.max ?? Number.MAX_SAFE_INTEGER))
        return { error: 'import.row.out_of_range', params: { min: spec.min ?? 0, max: spec.max ?? '' } };
      return { value: n };
    }
    case 'flag': {
      const flag = FLAGS[text.toLowerCase()];
      return flag === undefined ? { error: 'import.row.bad_flag' } : { value: flag };
    }
    case 'gender': {
      const gender = GENDERS[text.toLowerCase()];
      return gender === undefined ? { error: 'import.row.bad_gender' } : { value: gender };
    }
  }
}

/** How many leading non-blank rows may sit above the header (a title such as "靖庄村党员花名册"). */
const HEADER_SEARCH_ROWS = 5;

/**
 * Finds the header row, maps columns by header text, and validates every data row. Nothing is partial:
 * the caller writes the records only when `errors` is empty.
 */
export function validateRoster<R extends Roster>(roster: R, table: string[][], context: ImportContext): ValidationResult<R> {
  const specs = ROSTER_COLUMNS[roster];
  const known = (header: string) =>
    specs.find((s) => [s.header, ...(s.aliases ?? [])].some((h) => normalizeHeader(h) === normalizeHeader(header)));

  const nonBlank = table.map((cells, index) => ({ cells, row: index + 1 })).filter(({ cells }) => !isBlankRow(cells));
  const headerAt = Math.max(
    0,
    nonBlank.slice(0, HEADER_SEARCH_ROWS).findIndex(({ cells }) => cells.some((cell) => known(cell)?.required)),
  );
  const header = nonBlank[headerAt];
  const errors: RowError[] = [];
  if (!header) return { rows: 0, records: [], errors };

  const columnOf = new Map<ColumnSpec, number>();
  header.cells.forEach((cell, index) => {
    const spec = known(cell);
    if (spec && !columnOf.has(spec)) columnOf.set(spec, index);
  });
  for (const spec of specs)
    if (spec.required && !columnOf.has(spec))
      errors.push({ row: header.row, column: spec.header, code: 'import.missing_column', params: { column: spec.header } });

  const dataRows = nonBlank.slice(headerAt + 1);
  if (errors.length) return { rows: dataRows.length, records: [], errors };

  const records: ValidationResult<R>['records'] = [];
  const firstRowOfKey = new Map<string, number>();
  for (const { cells, row } of dataRows) {
    const record: Record<string, unknown> = { row };
    let rowOk = true;
    for (const spec of specs) {
      const index = columnOf.get(spec);
      const parsed = parseCell(spec, index === undefined ? undefined : cells[index], context);
      if ('error' in parsed) {
        rowOk = false;
        errors.push({ row, column: spec.header, code: parsed.error, params: { column: spec.header, ...parsed.params } });
      } else record[spec.key === 'villageName' ? 'villageId' : spec.key] = parsed.value;
    }
    if (!rowOk) continue;
    if (roster === 'villages') record.branchName ||= `${record.name}党支部`;

    const key = duplicateKey(roster, record as never);
    const keyColumn = specs.find((s) => s.required && s.kind === 'text')!.header;
    const label = DUPLICATE_FIELDS[roster]
      .map((key) => clean(cells[columnOf.get(specs.find((s) => s.key === key)!) ?? -1]))
      .filter(Boolean)
      .join(' ');
    const first = firstRowOfKey.get(key);
    if (first !== undefined) errors.push({ row, column: keyColumn, code: 'import.row.duplicate', params: { row: first } });
    else if (context.existingKeys.has(key)) errors.push({ row, column: keyColumn, code: 'import.row.exists', params: { value: label } });
    else {
      firstRowOfKey.set(key, row);
      records.push(record as never);
    }
  }
  return { rows: dataRows.length, records, errors };
}
