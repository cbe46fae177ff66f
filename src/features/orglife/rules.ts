/**
 * Organisation life (三会一课 · 主题党日) as pure rules: which required meetings a branch missed, and when a
 * member's phone may check in. Dates are Asia/Shanghai calendar dates (YYYY-MM-DD), instants UTC ISO text.
 */
import { MEETING_KINDS, type MeetingFrequency, type MeetingKind } from '../../domain/vocabulary';

export type RequiredFrequencies = Record<MeetingKind, MeetingFrequency>;

/** A required meeting not held in one period: the month (2026-03), the quarter (2026-Q1) or the year (2026). */
export interface Shortfall {
  kind: MeetingKind;
  period: string;
}

interface Period {
  key: string;
  /** first and last month (YYYY-MM) */
  first: string;
  last: string;
}

const month = (year: number, m: number) => `${year}-${String(m).padStart(2, '0')}`;

/** The periods of a year at a frequency, in order. */
export function periodsOfYear(frequency: Exclude<MeetingFrequency, 'none'>, year: number): Period[] {
  if (frequency === 'year') return [{ key: String(year), first: month(year, 1), last: month(year, 12) }];
  if (frequency === 'quarter')
    return [1, 2, 3, 4].map((q) => ({ key: `${year}-Q${q}`, first: month(year, q * 3 - 2), last: month(year, q * 3) }));
  return Array.from({ length: 12 }, (_, i) => ({ key: month(year, i + 1), first: month(year, i + 1), last: month(year, i + 1) }));
}

/**
 * The required meetings a branch did not hold in `year`, from the months (YYYY-MM) in which it held each kind:
 * `missed` are periods that ended before `today` (the red line counts them), `due` is the running period
 * still without one (the warning list shows it; it is not missed yet). Periods that have not begun count
 * for nothing.
 */
export function orgLifeShortfalls(
  required: RequiredFrequencies,
  held: readonly { kind: MeetingKind; month: string }[],
  year: number,
  today: string,
): { missed: Shortfall[]; due: Shortfall[] } {
  const thisMonth = today.slice(0, 7);
  const heldMonths = new Map<MeetingKind, Set<string>>();
  for (const h of held) {
    const months = heldMonths.get(h.kind) ?? new Set<string>();
    months.add(h.month);
    heldMonths.set(h.kind, months);
  }
  const missed: Shortfall[] = [];
  const due: Shortfall[] = [];
  for (const kind of MEETING_KINDS) {
    const frequency = required[kind];
    if (frequency === 'none') continue;
    const months = heldMonths.get(kind) ?? new Set<string>();
    for (const period of periodsOfYear(frequency, year)) {
      if (period.first > thisMonth) break;
      let met = false;
      for (const m of months) if (m >= period.first && m <= period.last) met = true;
      if (met) continue;
      (period.last < thisMonth ? missed : due).push({ kind, period: period.key });
    }
  }
  return { missed, due };
}

/**
 * Why a phone check-in at `now` is refused, or null: only during the meeting itself ([startsAt, endsAt]),
 * so a QR photographed and forwarded reaches nobody at home after the meeting, and a record without times
 * (entered afterwards) takes no check-ins at all.
 */
export function checkInRefusal(meeting: { startsAt: string | null; endsAt: string | null }, now: Date): 'orglife.checkin_no_times' | 'orglife.checkin_not_started' | 'orglife.checkin_ended' | null {
  if (!meeting.startsAt || !meeting.endsAt) return 'orglife.checkin_no_times';
  const at = now.getTime();
  if (at < Date.parse(meeting.startsAt)) return 'orglife.checkin_not_started';
  if (at > Date.parse(meeting.endsAt)) return 'orglife.checkin_ended';
  return null;
}

/** 支委会 is the committee's meeting: its roster is the committee; every other meeting's is the whole branch. */
export const rosterOfKind = (kind: MeetingKind): 'committee' | 'branch' => (kind === 'committee' ? 'committee' : 'branch');
