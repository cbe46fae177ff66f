import { AppError } from '../errors';
import { decodeText, parseCsv } from './csv';
import { readXlsx, XlsxError } from './xlsx';
import { TABLE_LIMITS, TableTooLarge } from './limits';

/** An uploaded roster file's cells, whatever its format: XLSX (a zip) or CSV/TSV text, told apart by content. */
export function readTable(bytes: Uint8Array): string[][] {
  try {
    return readCells(bytes);
  } catch (error) {
    if (error instanceof TableTooLarge) throw new AppError(400, 'import.table_too_large', { rows: TABLE_LIMITS.rows, columns: TABLE_LIMITS.columns }, undefined, { cause: error });
    throw error;
  }
}

function readCells(bytes: Uint8Array): string[][] {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    try {
      return readXlsx(bytes);
    } catch (error) {
      if (error instanceof XlsxError) throw new AppError(400, 'import.unsupported_format', {}, undefined, { cause: error });
      throw error;
    }
  }
  // Compound File Binary: Excel 97–2003 .xls (or .et/.doc); not worth a parser of its own.
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) throw new AppError(400, 'import.legacy_xls');
  const text = decodeText(bytes);
  // Binary content (an image, a PDF) decodes to control characters; refuse instead of listing 1,000 "errors".
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 4096))) throw new AppError(400, 'import.unsupported_format');
  return parseCsv(text);
}
