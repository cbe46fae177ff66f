import { describe, expect, it } from 'vitest';
import { CRONS, jobForCron, nextCronTime } from './cron';

describe('jobForCron', () => {
  it.each([
    ['0 18 * * *', 'recompute'],
    ['30 18 31 12 *', 'finalise'],
    ['30 18 1-30 1 *', 'finalise'],
    ['5 4 * * *', undefined],
  ])('%s → %s', (cron, job) => {
    expect(jobForCron(cron)).toBe(job);
  });
});

describe('nextCronTime', () => {
  it.each([
    ['nightly, later the same day', '0 18 * * *', '2026-03-05T10:00:00Z', '2026-03-05T18:00:00.000Z'],
    ['nightly, exactly at the time: the next day', '0 18 * * *', '2026-03-05T18:00:00Z', '2026-03-06T18:00:00.000Z'],
    ['nightly across the year end', '0 18 * * *', '2026-12-31T19:00:00Z', '2027-01-01T18:00:00.000Z'],
    ['yearly: 31 December UTC is 1 January in Shanghai', '30 18 31 12 *', '2026-06-01T00:00:00Z', '2026-12-31T18:30:00.000Z'],
    ['January range: the next day', '30 18 1-30 1 *', '2027-01-05T18:30:00Z', '2027-01-06T18:30:00.000Z'],
    ['January range: after the 30th, next January', '30 18 1-30 1 *', '2027-01-30T18:30:00Z', '2028-01-01T18:30:00.000Z'],
  ])('%s', (_name, cron, after, expected) => {
    expect(nextCronTime(cron, new Date(after)).toISOString()).toBe(expected);
  });

  it('every declared cron fires within a year', () => {
    for (const cron of Object.keys(CRONS)) expect(nextCronTime(cron, new Date('2026-02-01T00:00:00Z')).getTime()).toBeGreaterThan(0);
  });
});
