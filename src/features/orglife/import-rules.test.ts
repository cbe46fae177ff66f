import { describe, expect, it } from 'vitest';
import { parseNames, parseRegisterDate, parseTimeRange } from './import-rules';

describe('register dates', () => {
  it.each([
    ['2025-03-05', '2025-03-05'],
    ['2025/3/5', '2025-03-05'],
    ['2025.3.5', '2025-03-05'],
    ['2025年3月5日', '2025-03-05'],
    ['45721', '2025-03-05'],
    ['2025-02-30', null],
    ['3月5日', null],
    ['', null],
  ])('%s → %s', (text, date) => {
    expect(parseRegisterDate(text)).toBe(date);
  });
});

describe('register times', () => {
  it.each([
    ['09:00-11:30', { startTime: '09:00', endTime: '11:30' }],
    ['9:00—11:30', { startTime: '09:00', endTime: '11:30' }],
    ['14：00至15：00', { startTime: '14:00', endTime: '15:00' }],
    ['11:00-09:00', null],
    ['25:00-26:00', null],
    ['上午', null],
  ])('%s', (text, range) => {
    expect(parseTimeRange(text)).toEqual(range);
  });
});

describe('names with reasons', () => {
  it.each([
    ['张三、李四，王五', [['张三', ''], ['李四', ''], ['王五', '']]],
    ['张三（外出务工）、李四(生病, 住院)', [['张三', '外出务工'], ['李四', '生病, 住院']]],
    ['  ', []],
  ])('%s', (text, names) => {
    expect(parseNames(text).map((n) => [n.name, n.reason])).toEqual(names);
  });
});
