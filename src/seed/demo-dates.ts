/** Dates of the demo story, relative to the day it is seeded (Shanghai calendar dates, YYYY-MM-DD). */
import { daysBetween, shanghaiDate } from '../platform/time';

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A point `f` (0…1) of the way from `from` to `to`; never after `to`. */
export function between(from: string, to: string, f: number): string {
  if (to <= from) return to;
  return addDays(from, Math.floor(daysBetween(from, to) * Math.min(1, Math.max(0, f))));
}

/** The demo's calendar: this Shanghai year so far, and last year. */
export function demoCalendar(now = new Date()) {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  const yearStart = `${year}-01-02`;
  return {
    today,
    year,
    lastYear: year - 1,
    /** a date this year, `f` of the way from early January to yesterday */
    thisYear: (f: number) => between(yearStart < today ? yearStart : today, addDays(today, -1) > yearStart ? addDays(today, -1) : today, f),
    /** a date last year, `f` of the way through it */
    inLastYear: (f: number) => between(`${year - 1}-01-02`, `${year - 1}-12-28`, f),
    month: today.slice(0, 7),
  };
}
export type DemoCalendar = ReturnType<typeof demoCalendar>;

/** Noon of a Shanghai date as a UTC ISO instant (for created/recorded timestamps). */
export const noonOf = (date: string) => new Date(Date.parse(`${date}T04:00:00Z`)).toISOString();
