import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TableTooLarge } from './limits';
import { columnLetter, readXlsx, writeXlsx, XlsxError } from './xlsx';

/** A workbook laid out the way Excel itself writes one: shared strings, rich text, sparse cells, a second sheet. */
function excelStyleWorkbook(): Uint8Array {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  return zipSync({
    '[Content_Types].xml': strToU8('<Types/>'),
    'xl/workbook.xml': strToU8(
      `<workbook ${ns} xmlns:r="r"><sheets><sheet name="名册" sheetId="7" r:id="rId3"/><sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Target="/xl/worksheets/sheet2.xml"/></Relationships>',
    ),
    'xl/sharedStrings.xml': strToU8(
      `<sst ${ns}><si><t>村名</t></si><si><r><t>姓</t></r><r><rPr><b/></rPr><t>名</t></r><rPh><t>x</t></rPh></si><si><t>A&amp;B_x000D_</t></si></sst>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet ${ns}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>`),
    'xl/worksheets/sheet2.xml': strToU8(
      `<worksheet ${ns}><sheetData>` +
        '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>' +
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>13900000000</v></c><c r="C3"><v>1.39E+10</v></c><c r="D3" t="b"><v>1</v></c>' +
        '<c r="E3" t="inlineStr"><is><t xml:space="preserve"> 张三 </t></is></c><c r="F3" t="str"><f>A1</f><v>村名</v></c><c r="G3" s="2"/></row>' +
        '</sheetData></worksheet>',
    ),
  });
}

describe('readXlsx', () => {
  it('reads the first sheet of the workbook, shared and rich strings, numbers, booleans, inline strings, gaps', () => {
    expect(readXlsx(excelStyleWorkbook())).toEqual([
      ['村名', '', '姓名'],
      [],
      ['A&B\r', '13900000000', '13900000000', 'TRUE', ' 张三 ', '村名', ''],
    ]);
  });

  it('reads namespace-prefixed elements (Open XML SDK output)', () => {
    const file = zipSync({
      'xl/worksheets/sheet1.xml': strToU8('<x:worksheet xmlns:x="m"><x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>户主</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>'),
    });
    expect(readXlsx(file)).toEqual([['', '户主']]);
  });

  const sheetOf = (sheetData: string) => zipSync({ 'xl/worksheets/sheet1.xml': strToU8(`<worksheet><sheetData>${sheetData}</sheetData></worksheet>`) });

  it.each([
    ['a row number past the limit (a 239-byte file that ran the heap out)', '<row r="300000000"/>'],
    ['a column past the limit (a loop that never ended)', '<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>'],
  ])('refuses %s while reading, before building it', (_, sheetData) => {
    expect(() => readXlsx(sheetOf(sheetData))).toThrow(TableTooLarge);
  });

  it('reads malformed rows in one pass: unclosed ones are refused, tags without an end are skipped', () => {
    // 20,000 of each: the lazy patterns before scanned to the end of the sheet once per element
    expect(() => readXlsx(sheetOf('<row r="1">'.repeat(20_000)))).toThrow(XlsxError);
    expect(readXlsx(sheetOf('<row r="1" '.repeat(20_000)))).toEqual([]);
    expect(() => readXlsx(sheetOf(`<row r="1">${'<c r="A1"><v>'.repeat(20_000)}</row>`))).toThrow(XlsxError);
  });

  it.each([
    ['not a zip', strToU8('PK\u0003\u0004 garbage')],
    ['a zip without a worksheet', zipSync({ 'a.txt': strToU8('x') })],
  ])('refuses %s', (_, bytes) => {
    expect(() => readXlsx(bytes)).toThrow(XlsxError);
  });
});

describe('writeXlsx', () => {
  it('writes what readXlsx reads back, with text kept as text', () => {
    const rows = [['村名', '手机号', '人口', '备注'], ['靖庄', '13900000000', 4, '<&">'], ['刘洼', null, 2, '']];
    expect(readXlsx(writeXlsx('农户名册', rows, [10, 14]))).toEqual([
      ['村名', '手机号', '人口', '备注'],
      ['靖庄', '13900000000', '4', '<&">'],
      ['刘洼', '', '2'],
    ]);
  });
});

describe('writeXlsx two-decimal numbers', () => {
  it('writes { decimal2 } as a number cell with the built-in "0.00" format', () => {
    const bytes = writeXlsx('比较', [['收入(元)'], [{ decimal2: 50000.5 }], [{ decimal2: 0 }]]);
    expect(readXlsx(bytes)).toEqual([['收入(元)'], ['50000.5'], ['0']]);
    const files = unzipSync(bytes);
    expect(new TextDecoder().decode(files['xl/worksheets/sheet1.xml'])).toContain('<c r="A2" s="2"><v>50000.5</v></c>');
    expect(new TextDecoder().decode(files['xl/styles.xml'])).toMatch(/<cellXfs count="3">.*<xf numFmtId="2"/);
  });
});

describe('columnLetter', () => {
  it.each([[0, 'A'], [25, 'Z'], [26, 'AA'], [701, 'ZZ'], [702, 'AAA']])('%i → %s', (index, letters) => {
    expect(columnLetter(index)).toBe(letters);
  });
});
