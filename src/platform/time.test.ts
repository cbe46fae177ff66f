import { describe, expect, it } from 'vitest';
import { shanghaiYear, startOfShanghaiDay } from './time';

describe('Asia/Shanghai calendar', () => {
  it.each([
    { utc: '2026-12-31T15:59:59Z', year: 2026 },
    { utc: '2026-12-31T16:00:00Z', year: 2027 },
    { utc: '2027-01-01T00:00:00Z', year: 2027 },
  ])('$utc belongs to Shanghai year $year', ({ utc, year }) => {
    expect(shanghaiYear(new Date(utc))).toBe(year);
  });

  it('a Shanghai day starts at 16:00 UTC the day before', () => {
    expect(startOfShanghaiDay(2027, 1, 1).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});
