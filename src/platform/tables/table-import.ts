/** What every import of a table (rosters, income entries) shares: how headers match, and a row's error. */
import type { MessageKey } from '../i18n';

export interface RowError {
  /** spreadsheet row number as users see it (the header is usually row 1) */
  row: number;
  /** header of the column, '' when the row as a whole is at fault */
  column: string;
  code: MessageKey;
  params: Record<string, string | number>;
}

/** Header text compared without spaces, required-markers and hints: " 姓名* " and "性别(男/女)" match. */
export function normalizeHeader(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, '')
    .replace(/[((][^))]*[))]$/, '')
    .replace(/^[*＊]+|[*＊]+$/g, '');
}
