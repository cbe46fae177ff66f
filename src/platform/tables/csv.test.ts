import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { decodeText, parseCsv, toCsv } from './csv';
import { TABLE_LIMITS, TableTooLarge } from './limits';
import { readTable } from './read-table';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeText', () => {
  it.each([
    ['UTF-8 with BOM', bytes(0xef, 0xbb, 0xbf, ...utf8('村名,张三')), '村名,张三'],
    ['UTF-8 without BOM', utf8('村名,张三'), '村名,张三'],
    ['GBK, as Chinese Excel writes "CSV"', bytes(0xb4, 0xe5, 0xc3, 0xfb, 0x2c, 0xd5, 0xc5, 0xc8, 0xfd), '村名,张三'],
    ['UTF-16LE with BOM (Excel "Unicode text")', bytes(0xff, 0xfe, 0x51, 0x67, 0x0d, 0x54), '村名'],
    ['plain ASCII', utf8('a,b'), 'a,b'],
  ])('%s', (_, input, expected) => {
    expect(decodeText(input)).toBe(expected);
  });
});

describe('parseCsv', () => {
  it.each([
    ['simple lines, CRLF', 'a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['LF and a last line without newline', 'a,b\nc,d', [['a', 'b'], ['c', 'd']]],
    ['old Mac CR line ends', 'a\rb', [['a'], ['b']]],
    ['quoted comma, quote and newline', '"x,y","say ""hi""","two\nlines"', [['x,y', 'say "hi"', 'two\nlines']]],
    ['empty fields keep their place', ',b,,\n', [['', 'b', '', '']]],
    ['blank line stays numbered', 'a\n\nb\n', [['a'], [''], ['b']]],
    ['tab separated (Unicode text)', '村名\t姓名\n靖庄\t张三\n', [['村名', '姓名'], ['靖庄', '张三']]],
    ['a formula guard from our export is dropped', "'=1+1,'-x,'abc", [['=1+1', '-x', "'abc"]]],
  ])('%s', (_, text, expected) => {
    expect(parseCsv(text)).toEqual(expected);
  });

  it.each([
    ['more rows than a table may hold (a file of newlines: 1.16 GB of heap for 8 MB)', '\n'.repeat(TABLE_LIMITS.rows + 1)],
    ['more columns than a table may hold', ','.repeat(TABLE_LIMITS.columns)],
  ])('refuses %s while reading', (_, text) => {
    expect(() => parseCsv(text, ',')).toThrow(TableTooLarge);
  });

  it('reads a table at the limits', () => {
    expect(parseCsv('a\n'.repeat(TABLE_LIMITS.rows), ',')).toHaveLength(TABLE_LIMITS.rows);
    expect(parseCsv(','.repeat(TABLE_LIMITS.columns - 1), ',')[0]).toHaveLength(TABLE_LIMITS.columns);
  });
});

describe('readTable', () => {
  it('answers a table beyond the limits with a 400 problem that says them', () => {
    const error = (() => {
      try {
        readTable(new TextEncoder().encode('\n'.repeat(TABLE_LIMITS.rows + 1)));
      } catch (caught) {
        return caught as AppError;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'import.table_too_large' });
  });
});

describe('toCsv', () => {
  it('starts with a BOM, quotes what needs it, and guards formulas', () => {
    expect(toCsv([['村名', 'a,b', 'say "hi"', '=cmd', 1980, null]])).toBe('\uFEFF村名,"a,b","say ""hi""",\'=cmd,1980,\r\n');
  });

  it('round-trips through parseCsv', () => {
    const rows = [['村名', '地址'], ['靖庄', '东街 1 号, "老宅"'], ['刘洼', '+86 路\n2 号']];
    expect(parseCsv(decodeText(new TextEncoder().encode(toCsv(rows)))).slice(0, 3)).toEqual(rows);
  });
});
