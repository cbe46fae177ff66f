import { describe, expect, it } from 'vitest';
import { isWorkingDay, noticeEndDate } from './holidays';

describe('working days of a public notice', () => {
  it.each([
    ['a plain week: Monday → Friday', '2026-03-02', 5, '2026-03-06'],
    ['over a weekend', '2026-03-05', 5, '2026-03-11'],
    ['starting on a Saturday: counted from Monday', '2026-03-07', 5, '2026-03-13'],
    ['across 国庆 2026: 8–9 October, then the make-up Saturday 10 October', '2026-09-29', 5, '2026-10-10'],
    ['across 春节 2026: the make-up Saturday 14 February counts, 15–23 February do not', '2026-02-12', 5, '2026-02-25'],
    ['into 2025 春节 with its make-up Sunday 26 January', '2025-01-24', 3, '2025-01-27'],
    ['across 元旦 2026 with Sunday 4 January working', '2025-12-31', 3, '2026-01-05'],
  ])('%s', (_case, start, days, end) => {
    expect(noticeEndDate(start, days).end).toBe(end);
  });

  it('says when a year of the period has only its statutory days entered', () => {
    expect(noticeEndDate('2026-06-01', 5).announced).toBe(true);
    expect(noticeEndDate('2026-12-28', 5)).toEqual({ end: '2027-01-04', announced: false });
  });

  it.each([
    ['2026-10-10', true],
    ['2026-10-08', true],
    ['2026-10-07', false],
    ['2026-05-09', true],
    ['2026-06-19', false],
    ['2027-02-08', false],
  ])('%s is a working day: %s', (date, working) => expect(isWorkingDay(date)).toBe(working));
});
