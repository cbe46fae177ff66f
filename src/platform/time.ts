/** Townships live in Asia/Shanghai: the calendar is domain vocabulary (src/domain/calendar.ts), shared with the pages. */
export { daysBetween, shanghaiDate, shanghaiYear, startOfShanghaiDay } from '../domain/calendar';

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}
