import { describe, expect, it } from 'vitest';
import type { MeetingKind } from '../../domain/vocabulary';
import { checkInRefusal, orgLifeShortfalls, periodsOfYear, type RequiredFrequencies } from './rules';

const NONE: RequiredFrequencies = { assembly: 'none', committee: 'none', group: 'none', lecture: 'none', theme_day: 'none', life_meeting: 'none', review: 'none' };
const held = (kind: MeetingKind, ...months: string[]) => months.map((month) => ({ kind, month }));

describe('periods of a year', () => {
  it.each([
    ['month', 12, '2026-01', '2026-12'],
    ['quarter', 4, '2026-Q1', '2026-Q4'],
    ['year', 1, '2026', '2026'],
  ] as const)('%s: %i periods, %s … %s', (frequency, n, first, last) => {
    const periods = periodsOfYear(frequency, 2026);
    expect(periods).toHaveLength(n);
    expect([periods[0].key, periods.at(-1)!.key]).toEqual([first, last]);
  });
});

describe('organisation-life shortfalls (the red line counts missed; the warning list shows due too)', () => {
  it.each([
    ['a quarter with its meeting is met', 2026, { assembly: 'quarter' }, held('assembly', '2026-02'), '2026-04-01', [], ['assembly:2026-Q2']],
    ['a quarter ends on its last month: March counts for Q1', 2026, { assembly: 'quarter' }, held('assembly', '2026-03'), '2026-07-01', ['assembly:2026-Q2'], ['assembly:2026-Q3']],
    ['the running month is due, not missed', 2026, { committee: 'month' }, held('committee', '2026-01'), '2026-02-28', [], ['committee:2026-02']],
    ['a month that ended without one is missed', 2026, { committee: 'month' }, held('committee', '2026-01'), '2026-03-01', ['committee:2026-02'], ['committee:2026-03']],
    ['periods not begun count for nothing', 2026, { lecture: 'quarter' }, [], '2026-01-15', [], ['lecture:2026-Q1']],
    ['a past year: every period has ended', 2025, { life_meeting: 'year', lecture: 'quarter' }, held('lecture', '2025-01', '2025-04', '2025-07'), '2026-01-10', ['lecture:2025-Q4', 'life_meeting:2025'], []],
    ['a meeting of another kind does not count', 2026, { assembly: 'quarter' }, held('lecture', '2026-01'), '2026-04-01', ['assembly:2026-Q1'], ['assembly:2026-Q2']],
    ['not required: never missed', 2026, {}, [], '2026-12-31', [], []],
  ] as const)('%s', (_name, year, required, meetings, today, missed, due) => {
    const result = orgLifeShortfalls({ ...NONE, ...required }, meetings, year, today);
    const keys = (list: { kind: string; period: string }[]) => list.map((s) => `${s.kind}:${s.period}`).sort();
    expect(keys(result.missed)).toEqual([...missed].sort());
    expect(keys(result.due)).toEqual([...due].sort());
  });
});

describe('phone check-in window: the meeting’s own time', () => {
  const meeting = { startsAt: '2026-03-05T01:00:00.000Z', endsAt: '2026-03-05T03:00:00.000Z' };
  it.each([
    ['before the start', '2026-03-05T00:59:59.000Z', 'orglife.checkin_not_started'],
    ['at the start', '2026-03-05T01:00:00.000Z', null],
    ['during', '2026-03-05T02:00:00.000Z', null],
    ['at the end', '2026-03-05T03:00:00.000Z', null],
    ['after the end (a forwarded QR at home)', '2026-03-05T03:00:01.000Z', 'orglife.checkin_ended'],
  ] as const)('%s', (_name, now, refusal) => {
    expect(checkInRefusal(meeting, new Date(now))).toBe(refusal);
  });
  it('a record without times takes no check-in', () => {
    expect(checkInRefusal({ startsAt: null, endsAt: null }, new Date())).toBe('orglife.checkin_no_times');
  });
});
