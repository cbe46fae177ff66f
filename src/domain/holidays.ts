/**
 * China's public holidays and make-up working days (放假调休), as the State Council's General Office
 * announces them each November for the next year, and the working days a public notice (公示) runs.
 * Runtime-free. Maintained by hand: add next year's table when its notice is out (see docs/rating-workflow.md).
 */
import { addDays } from './calendar';

interface YearTable {
  /** where the table comes from */
  source: string;
  /** false while only the statutory days are entered (the notice with its make-up days is not yet out) */
  announced: boolean;
  /** days off, as inclusive [first, last] ranges */
  off: [string, string][];
  /** weekend days that are working days (调休上班) */
  workdays: string[];
}

export const HOLIDAY_TABLES: Record<number, YearTable> = {
  2025: {
    source: '国务院办公厅关于2025年部分节假日安排的通知（2024年11月12日）',
    announced: true,
    off: [
      ['2025-01-01', '2025-01-01'],
      ['2025-01-28', '2025-02-04'],
      ['2025-04-04', '2025-04-06'],
      ['2025-05-01', '2025-05-05'],
      ['2025-05-31', '2025-06-02'],
      ['2025-10-01', '2025-10-08'],
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
    announced: true,
    off: [
      ['2026-01-01', '2026-01-03'],
      ['2026-02-15', '2026-02-23'],
      ['2026-04-04', '2026-04-06'],
      ['2026-05-01', '2026-05-05'],
      ['2026-06-19', '2026-06-21'],
      ['2026-09-25', '2026-09-27'],
      ['2026-10-01', '2026-10-07'],
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
  2027: {
    // the statutory days of 《全国年节及纪念日放假办法》 (2024 revision) on 2027's lunar dates; replace with the
    // State Council's 2027 notice (its make-up working days and bridged days) as soon as it is entered
    source: '《全国年节及纪念日放假办法》法定假日（2027年调休通知待录入）',
    announced: false,
    off: [
      ['2027-01-01', '2027-01-01'],
      ['2027-02-05', '2027-02-08'],
      ['2027-04-05', '2027-04-05'],
      ['2027-05-01', '2027-05-02'],
      ['2027-06-09', '2027-06-09'],
      ['2027-09-15', '2027-09-15'],
      ['2027-10-01', '2027-10-03'],
    ],
    workdays: [],
  },
};

const year = (date: string) => Number(date.slice(0, 4));

/** Whether a YYYY-MM-DD date is a working day: Monday–Friday unless a holiday, or a make-up working weekend day. */
export function isWorkingDay(date: string): boolean {
  const table = HOLIDAY_TABLES[year(date)];
  if (table?.workdays.includes(date)) return true;
  if (table?.off.some(([first, last]) => date >= first && date <= last)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Whether the table holds the State Council's notice for every year a period touches (else the end date is only a proposal to check). */
export function holidaysAnnounced(from: string, to: string): boolean {
  for (let y = year(from); y <= year(to); y++) if (!HOLIDAY_TABLES[y]?.announced) return false;
  return true;
}

/**
 * The last day of a notice of `workingDays` working days starting on `start` (counted from it when it is
 * a working day, else from the next one), and whether the holiday table was announced for those years.
 */
export function noticeEndDate(start: string, workingDays: number): { end: string; announced: boolean } {
  let day = start;
  let counted = 0;
  for (;;) {
    if (isWorkingDay(day)) counted += 1;
    if (counted >= workingDays) break;
    day = addDays(day, 1);
  }
  return { end: day, announced: holidaysAnnounced(start, day) };
}
