import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, mondayOf, shanghaiClock, shanghaiDate, shanghaiInstant, shanghaiMinute, shanghaiMonth, shanghaiSecond, shanghaiWeekStart, shanghaiYear, startOfShanghaiDay } from './calendar';

describe('Asia/Shanghai calendar', () => {
  it.each([
    { utc: '2026-12-31T15:59:59Z', year: 2026, date: '2026-12-31' },
    { utc: '2026-12-31T16:00:00Z', year: 2027, date: '2027-01-01' },
    { utc: '2027-01-01T00:00:00Z', year: 2027, date: '2027-01-01' },
  ])('$utc belongs to Shanghai year $year, day $date', ({ utc, year, date }) => {
    expect(shanghaiYear(new Date(utc))).toBe(year);
    expect(shanghaiDate(utc)).toBe(date);
    expect(shanghaiMonth(utc)).toBe(date.slice(0, 7));
  });

  it('a Shanghai day starts at 16:00 UTC the day before', () => {
    expect(startOfShanghaiDay(2027, 1, 1).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(shanghaiInstant('2027-01-01', '09:30')).toBe('2027-01-01T01:30:00.000Z');
  });

  it('reads clock times in Shanghai', () => {
    expect(shanghaiClock('2026-09-01T01:00:00Z')).toBe('09:00');
    expect(shanghaiMinute('2026-09-01T01:00:00Z')).toBe('2026-09-01 09:00');
    expect(shanghaiSecond('2026-12-31T16:00:05Z')).toBe('2027-01-01 00:00:05');
  });

  it.each([
    { at: '2026-09-06T15:59:59Z', monday: '2026-08-30T16:00:00.000Z' }, // Sunday 23:59 in Shanghai
    { at: '2026-09-06T16:00:00Z', monday: '2026-09-06T16:00:00.000Z' }, // Monday 00:00 in Shanghai
    { at: '2026-09-09T04:00:00Z', monday: '2026-09-06T16:00:00.000Z' },
  ])('the Shanghai week of $at starts $monday', ({ at, monday }) => {
    expect(shanghaiWeekStart(new Date(at)).toISOString()).toBe(monday);
  });

  it('counts calendar days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(mondayOf('2026-09-06')).toBe('2026-08-31');
    expect(daysBetween('2026-12-31', '2027-01-02')).toBe(2);
  });
});
