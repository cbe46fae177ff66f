import { unzip, ZipWriter } from '../zip-stream';
import { assertWithinLimits } from './limits';

/**
 * The smallest useful subset of Office Open XML spreadsheets: read the first worksheet's cells as text,
 * and write one worksheet. platform/zip-stream does the zip; the XML is read with patterns, which is enough for the
 * cell grid and keeps the Worker small (no DOM in workerd). Pure: bytes in, cells out.
 */

/** Refuse archives that would inflate beyond this (a zip bomb, or not a roster). */
const MAX_UNZIPPED_BYTES = 64 * 1024 * 1024;

export class XlsxError extends Error {}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text
    .replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
      if (name[0] !== '#') return XML_ENTITIES[name] ?? whole;
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))); // OOXML's own escape
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (ch) => `_x${ch.charCodeAt(0).toString(16).padStart(4, '0')}_`);
}

/** Elements may carry a namespace prefix (<x:c>, written by the .NET Open XML SDK). */
const tag = (name: string) => `(?:[\\w.-]+:)?${name}`;
const attr = (attrs: string, name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];

/**
 * The `name` elements of `xml` in order (any namespace prefix): their attributes' text, their body, and where each
 * starts and ends. One pass: an opening tag is read up to its `>` (never past the next `<`) and its end tag found by
 * indexOf, so a file of unclosed or malformed elements costs its length once, not once per element (the lazy
 * patterns before took 13 s on 785 bytes). An element opened and never closed is a malformed file.
 */
function* elements(xml: string, name: string): Generator<{ attrs: string; body: string; start: number; end: number }> {
  const open = new RegExp(`<([\\w.-]+:)?${name}(?=[\\s/>])([^<>]*)>`, 'g');
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    const attrs = m[2];
    if (attrs.endsWith('/')) {
      yield { attrs: attrs.slice(0, -1), body: '', start: m.index, end: open.lastIndex };
      continue;
    }
    const close = `</${m[1] ?? ''}${name}>`;
    const at = xml.indexOf(close, open.lastIndex);
    if (at < 0) throw new XlsxError(`<${name}> not closed`);
    yield { attrs, body: xml.slice(open.lastIndex, at), start: m.index, end: at + close.length };
    open.lastIndex = at + close.length;
  }
}

/** Text of the <t> runs of a string item, skipping phonetic runs (<rPh>). */
function runText(xml: string): string {
  let withoutPhonetic = '';
  let from = 0;
  for (const phonetic of elements(xml, 'rPh')) {
    withoutPhonetic += xml.slice(from, phonetic.start);
    from = phonetic.end;
  }
  withoutPhonetic += xml.slice(from);
  let text = '';
  for (const run of elements(withoutPhonetic, 't')) text += run.body;
  return unescapeXml(text);
}

/** "BC12" → 54 (zero-based column index). */
function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

/** Column letters of a zero-based index: 0 → "A", 26 → "AA". */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function firstSheetPath(files: Record<string, Uint8Array>): string {
  const decoder = new TextDecoder();
  const workbook = files['xl/workbook.xml'] && decoder.decode(files['xl/workbook.xml']);
  const rels = files['xl/_rels/workbook.xml.rels'] && decoder.decode(files['xl/_rels/workbook.xml.rels']);
  const sheet = workbook && new RegExp(`<${tag('sheet')}\\b([^>]*)>`).exec(workbook)?.[1];
  const relId = sheet && /(?:^|\s)(?:[\w.-]+:)?id="([^"]*)"/.exec(sheet)?.[1];
  if (rels && relId) {
    for (const m of rels.matchAll(new RegExp(`<${tag('Relationship')}\\b([^>]*)>`, 'g'))) {
      if (attr(m[1], 'Id') !== relId) continue;
      const target = attr(m[1], 'Target') ?? '';
      const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
      if (files[path]) return path;
    }
  }
  const fallback = Object.keys(files).filter((p) => /^xl\/worksheets\/[^/]+\.xml$/.test(p)).sort()[0];
  if (!fallback) throw new XlsxError('no worksheet');
  return fallback;
}

/** Cells of the first worksheet as text; index i holds spreadsheet row i + 1 (missing rows are empty). */
export function readXlsx(bytes: Uint8Array): string[][] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzip(bytes, {
      want: (name) => (name.startsWith('xl/') && name.endsWith('.xml')) || name.endsWith('.rels'),
      maxTotal: MAX_UNZIPPED_BYTES,
    });
  } catch (error) {
    throw new XlsxError('not a readable zip archive', { cause: error });
  }
  const decoder = new TextDecoder();
  const sharedXml = files['xl/sharedStrings.xml'] ? decoder.decode(files['xl/sharedStrings.xml']) : '';
  const shared = [...elements(sharedXml, 'si')].map((item) => runText(item.body));
  const sheet = decoder.decode(files[firstSheetPath(files)]);

  const rows: string[][] = [];
  for (const row of elements(sheet, 'row')) {
    const rowNumber = Number(attr(row.attrs, 'r')) || rows.length + 1;
    assertWithinLimits(rowNumber, 0);
    const cells: string[] = [];
    for (const cell of elements(row.body, 'c')) {
      const ref = attr(cell.attrs, 'r');
      const index = ref ? columnIndex(ref) : cells.length;
      assertWithinLimits(rowNumber, index + 1);
      const type = attr(cell.attrs, 't') ?? 'n';
      const body = cell.body;
      const raw = elements(body, 'v').next().value?.body;
      let value = '';
      if (type === 'inlineStr') value = runText(body);
      else if (raw === undefined) value = '';
      else if (type === 's') value = shared[Number(raw)] ?? '';
      else if (type === 'b') value = raw === '1' ? 'TRUE' : 'FALSE';
      else if (type === 'n') {
        // Numbers typed into Excel (a phone, a year) come back as their digits, not as 1.39E+10.
        const n = Number(raw);
        value = Number.isFinite(n) ? String(n) : raw;
        if (/e/i.test(value) && Number.isInteger(n)) value = BigInt(n).toString();
      } else value = unescapeXml(raw); // str (formula result), e (error), d (ISO date)
      while (cells.length < index) cells.push('');
      cells[index] = value;
    }
    while (rows.length < rowNumber - 1) rows.push([]);
    rows[rowNumber - 1] = cells;
  }
  return rows;
}

export type XlsxCell = string | number | null | undefined;
/** A number shown with two decimals (yuan, points): `{ decimal2: 50000.5 }` reads "50000.50" in Excel and stays a number. */
export type XlsxValue = XlsxCell | { decimal2: number };

/** One worksheet with a bold header row, shared strings (as Excel writes them) and column widths. */
export function writeXlsx(sheetName: string, rows: XlsxValue[][], columnWidths: number[] = []): Uint8Array {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const sharedIndex = (s: string) => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const sheetRows = rows.map((row, r) => {
    const cells = row.map((value, c) => {
      if (value === null || value === undefined || value === '') return '';
      const ref = `${columnLetter(c)}${r + 1}`;
      const style = r === 0 ? ' s="1"' : '';
      if (typeof value === 'number') return `<c r="${ref}"${style}><v>${value}</v></c>`;
      if (typeof value === 'object') return `<c r="${ref}" s="2"><v>${value.decimal2}</v></c>`;
      return `<c r="${ref}"${style} t="s"><v>${sharedIndex(value)}</v></c>`;
    });
    return `<row r="${r + 1}">${cells.join('')}</row>`;
  });
  const cols = columnWidths.length
    ? `<cols>${columnWidths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`
    : '';
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const strToU8 = (text: string) => new TextEncoder().encode(text);
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `${xml}<workbook xmlns="${ns}" xmlns:r="${rel}"><sheets>` +
        `<sheet name="${escapeXml(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${rel}/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId3" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    'xl/styles.xml': strToU8(
      `${xml}<styleSheet xmlns="${ns}">` +
        '<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
        // built-in number format 2 is "0.00"
        '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
        '</styleSheet>',
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `${xml}<worksheet xmlns="${ns}" xmlns:r="${rel}">` +
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
        `${cols}<sheetData>${sheetRows.join('')}</sheetData></worksheet>`,
    ),
  };
  // Built after the cells, which fill the table.
  files['xl/sharedStrings.xml'] = strToU8(
    `${xml}<sst xmlns="${ns}" count="${strings.length}" uniqueCount="${strings.length}">` +
      strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('') +
      '</sst>',
  );
  const parts: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => parts.push(chunk));
  for (const [name, data] of Object.entries(files)) zip.add(name, data);
  zip.end();
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
