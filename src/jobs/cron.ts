/**
 * The cron triggers (UTC, as Cloudflare runs them) and the job each starts. Asia/Shanghai is UTC+8:
 * 18:00 UTC is 02:00 the next day in Shanghai.
 */
export const CRONS = {
  /** nightly at 02:00 Shanghai: recompute this year's provisional results and tiers */
  '0 18 * * *': 'recompute',
  /** 02:30 Shanghai on 1 January … */
  '30 18 31 12 *': 'finalise',
  /** … and on 2–31 January: each tenant finalises last year from its own January day on */
  '30 18 1-30 1 *': 'finalise',
} as const satisfies Record<string, JobName>;

/** 03:00 Shanghai on the 1st: last month's audit rows archived, archived months past retention pruned (audit/archive.ts) */
export const AUDIT_ARCHIVE_CRON = '0 19 1 * *';

export const JOB_NAMES = ['recompute', 'finalise'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export function jobForCron(cron: string): JobName | undefined {
  return (CRONS as Record<string, JobName>)[cron.trim()];
}

/** One field of a five-field cron: "*", "n", "a-b", "a,b,c" (all the forms the crons above use). */
function fieldMatches(field: string, value: number): boolean {
  if (field === '*') return true;
  return field.split(',').some((part) => {
    const [from, to] = part.split('-').map(Number);
    return to === undefined ? value === from : value >= from && value <= to;
  });
}

/** The first instant strictly after `after` at which the cron fires (UTC); days-of-week are not supported. */
export function nextCronTime(cron: string, after: Date): Date {
  const [minute, hour, day, month] = cron.trim().split(/\s+/);
  const start = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate()));
  for (let d = 0; d < 800; d++) {
    const date = new Date(start.getTime() + d * 86_400_000);
    if (!fieldMatches(month, date.getUTCMonth() + 1) || !fieldMatches(day, date.getUTCDate())) continue;
    for (let h = 0; h < 24; h++) {
      if (!fieldMatches(hour, h)) continue;
      for (let m = 0; m < 60; m++) {
        if (!fieldMatches(minute, m)) continue;
        const at = new Date(date.getTime() + (h * 60 + m) * 60_000);
        if (at > after) return at;
      }
    }
  }
  throw new Error(`cron "${cron}" never fires`);
}
