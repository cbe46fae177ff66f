/**
 * The product's calendar is Asia/Shanghai (UTC+8 all year, no daylight saving), whatever the zone of the
 * server or the phone: a "year", a "day" and a clock time are read there. Instants are stored as UTC ISO
 * text; dates as YYYY-MM-DD. Runtime-free, used by server and pages alike.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const shifted = (at: Date | string) => new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS);

/** The Shanghai calendar year of an instant (now by default). */
export function shanghaiYear(at: Date | string = new Date()): number {
  return shifted(at).getUTCFullYear();
}

/** The Shanghai calendar date of an instant, YYYY-MM-DD (today by default). */
export function shanghaiDate(at: Date | string = new Date()): string {
  return shifted(at).toISOString().slice(0, 10);
}

/** The Shanghai calendar month of an instant, YYYY-MM (this month by default). */
export function shanghaiMonth(at: Date | string = new Date()): string {
  return shanghaiDate(at).slice(0, 7);
}

/** "HH:MM" of an instant in Shanghai. */
export function shanghaiClock(at: Date | string): string {
  return shifted(at).toISOString().slice(11, 16);
}

/** "2026-09-01 09:00": an instant in Shanghai, to the minute. */
export function shanghaiMinute(at: Date | string): string {
  return shifted(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** "2026-09-01 09:00:05": an instant in Shanghai, to the second (the audit log's files). */
export function shanghaiSecond(at: Date | string): string {
  return shifted(at).toISOString().slice(0, 19).replace('T', ' ');
}

/** The one written date of the Chinese texts: "2026年12月2日" of a YYYY-MM-DD date. */
export function chineseDate(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** The one written time of the Chinese texts: "12月2日 09:30" in this year, "2025年12月2日 09:30" in another; Shanghai. */
export function chineseMinute(at: Date | string, now: Date = new Date()): string {
  const local = shifted(at);
  const year = local.getUTCFullYear() === shanghaiYear(now) ? '' : `${local.getUTCFullYear()}年`;
  return `${year}${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${local.toISOString().slice(11, 16)}`;
}

/** The UTC instant at which a Shanghai calendar day begins, e.g. startOfShanghaiDay(2026, 1, 1). */
export function startOfShanghaiDay(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - SHANGHAI_OFFSET_MS);
}

/** The UTC instant (ISO) of a Shanghai date and "HH:MM". */
export function shanghaiInstant(date: string, time: string): string {
  return new Date(`${date}T${time}:00+08:00`).toISOString();
}

/** Monday 00:00 (Shanghai) of the week containing an instant, as a UTC instant. */
export function shanghaiWeekStart(at: Date): Date {
  const [year, month, day] = mondayOf(shanghaiDate(at)).split('-').map(Number);
  return startOfShanghaiDay(year, month, day);
}

/** A YYYY-MM-DD date n days later (earlier when negative). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week of a YYYY-MM-DD date. */
export function mondayOf(date: string): string {
  return addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
}

/** Whole days from one YYYY-MM-DD date to another (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
