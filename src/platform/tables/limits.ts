/**
 * What an uploaded table may hold at most, checked while it is read: a file of a few hundred bytes can name row
 * 300,000,000 or column ZZZZZZZ, or a CSV of commas and newlines can make millions of cells, and the reader would
 * build all of them before any importer counted its rows. Far above every importer's own limit (20,000 rows).
 */
export const TABLE_LIMITS = { rows: 100_000, columns: 1_000 } as const;

export class TableTooLarge extends Error {}

/** Refuses a row number (1-based) or a column count beyond the limits. */
export function assertWithinLimits(rows: number, columns: number): void {
  if (rows > TABLE_LIMITS.rows || columns > TABLE_LIMITS.columns) throw new TableTooLarge(`table beyond ${TABLE_LIMITS.rows} rows or ${TABLE_LIMITS.columns} columns`);
}
