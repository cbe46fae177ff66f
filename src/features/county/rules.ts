/** The county comparison's export files as pure rules: rows in, cells and names out (no I/O). */
import type { Locale, MessageKey } from '../../platform/i18n';
import { translate } from '../../platform/i18n';
import { yuan } from '../income';
import type { XlsxValue } from '../../platform/tables/xlsx';
import type { ComparisonRow } from './comparison';

/** Integer fen → yuan with two decimals, as a spreadsheet reads a number ("5000012" → "50000.12"). */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "≥ ¥50,000.00" / "不足 ¥50,000.00": an income tier in the words of the township's own thresholds. */
export function tierText(locale: Locale, tier: ComparisonRow['incomeTier'], tiersFen: readonly number[]): string {
  if (!tier) return '';
  const [low, high] = tiersFen;
  if (tier === 'high') return translate(locale, 'county.tier.at_least', { amount: yuan(high) });
  if (tier === 'low') return translate(locale, 'county.tier.at_least', { amount: yuan(low) });
  return translate(locale, 'county.tier.below', { amount: yuan(low) });
}

/** One column of the export: its header (a catalogue key) and its cell, as text for CSV and typed for XLSX. */
interface Column {
  header: MessageKey;
  width: number;
  cell(row: ComparisonRow, ctx: { locale: Locale; tiers: Map<string, number[]> }): { text: string | number | null; xlsx?: XlsxValue };
}

const DEFAULT_TIERS = [5_000_000, 10_000_000];

const COLUMNS: Column[] = [
  // a village without a result shares the last rank with the others; the page shows none, and so does the file
  { header: 'county.export.rank', width: 6, cell: (r) => ({ text: r.stars === null ? null : r.rank }) },
  { header: 'county.export.township', width: 12, cell: (r) => ({ text: r.township }) },
  { header: 'county.export.village', width: 12, cell: (r) => ({ text: r.village }) },
  { header: 'county.export.stage', width: 10, cell: (r, { locale }) => ({ text: translate(locale, `county.stage.${r.stage ?? 'none'}`) }) },
  { header: 'county.export.stars', width: 8, cell: (r) => ({ text: r.stars }) },
  {
    header: 'county.export.composite',
    width: 10,
    cell: (r) => ({ text: r.composite === null ? null : fenToYuanText(r.composite), xlsx: r.composite === null ? null : { decimal2: r.composite / 100 } }),
  },
  { header: 'county.export.red_lines', width: 10, cell: (r) => ({ text: r.redLines }) },
  {
    header: 'county.export.income',
    width: 16,
    cell: (r) => ({ text: r.incomeFen === null ? null : fenToYuanText(r.incomeFen), xlsx: r.incomeFen === null ? null : { decimal2: r.incomeFen / 100 } }),
  },
  {
    header: 'county.export.income_tier',
    width: 16,
    cell: (r, { locale, tiers }) => ({ text: tierText(locale, r.incomeTier, tiers.get(r.townshipId) ?? DEFAULT_TIERS) }),
  },
];

export const EXPORT_COLUMN_WIDTHS = COLUMNS.map((c) => c.width);

/**
 * The export's table: a header row in the caller's language (Chinese by default), then one row per village in
 * the comparison's order. Money and scores are yuan and points with two decimals: text in CSV, numbers shown
 * with two decimals in XLSX.
 */
export function csvTable(rows: ComparisonRow[], locale: Locale, tiers: Map<string, number[]>): (string | number | null)[][] {
  const ctx = { locale, tiers };
  return [COLUMNS.map((c) => translate(locale, c.header)), ...rows.map((row) => COLUMNS.map((c) => c.cell(row, ctx).text))];
}

/** The same table for XLSX: money and scores as numbers with a two-decimal format. */
export function xlsxTable(rows: ComparisonRow[], locale: Locale, tiers: Map<string, number[]>): XlsxValue[][] {
  const ctx = { locale, tiers };
  return [
    COLUMNS.map((c) => translate(locale, c.header)),
    ...rows.map((row) =>
      COLUMNS.map((c) => {
        const cell = c.cell(row, ctx);
        return 'xlsx' in cell ? cell.xlsx : cell.text;
      }),
    ),
  ];
}

/** The file's name: county, township when one is chosen, and year, e.g. "齐河县-2026年村党支部星级比较.csv". */
export function exportFileName(locale: Locale, county: string, township: string | undefined, year: number, extension: 'csv' | 'xlsx'): string {
  const title = translate(locale, 'county.export.title', { year });
  const clean = (s: string) => s.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  return `${[county, township].filter(Boolean).map((s) => clean(s!)).join('-')}-${title}.${extension}`;
}

