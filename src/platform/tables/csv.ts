import { assertWithinLimits } from './limits';
/**
 * CSV as Chinese spreadsheet users produce it: UTF-8 with or without BOM, GBK/GB18030 (what Excel writes
 * for "CSV" on a Chinese Windows), or UTF-16 "Unicode text" (tab separated). Pure: bytes in, cells out.
 */

/** Decodes a text file, guessing the encoding the way the files in the field are written. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Not valid UTF-8: a Chinese Excel export. GB18030 is a superset of GBK and GB2312.
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The delimiter of the first line: tab for Excel's "Unicode text", else comma (semicolon if only that). */
function sniffDelimiter(text: string): string {
  const end = text.search(/\r|\n/);
  const first = end < 0 ? text : text.slice(0, end);
  const count = (ch: string) => first.split(ch).length - 1;
  if (count('\t') > count(',')) return '\t';
  if (count(';') > count(',')) return ';';
  return ',';
}

/** RFC 4180 parsing (quoted fields, doubled quotes, CRLF/LF/CR line ends); lines stay numbered as in the file. */
export function parseCsv(text: string, delimiter = sniffDelimiter(text)): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
    assertWithinLimits(rows.length + 1, row.length);
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === '\r' || ch === '\n') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length) endRow();
  return rows.map((cells) => cells.map(unguardFormula));
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Exports guard formula-looking text with a leading apostrophe (Excel's "text" marker); imports drop it. */
function unguardFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  // A cell starting with = + - @ would run as a formula when the file is opened in Excel.
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text with a UTF-8 BOM (without it, Chinese Excel reads UTF-8 as GBK) and CRLF line ends. */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return '\uFEFF' + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
