/** The problem list's rules (问题清单), pure: status flow, overdue, the public notice period. */

export const PROBLEM_STATUSES = ['open', 'in_progress', 'rectified', 'verified'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** open → in progress → rectified → verified; a rectification found wanting goes back to in progress. */
const NEXT: Record<ProblemStatus, ProblemStatus[]> = {
  open: ['in_progress'],
  in_progress: ['rectified'],
  rectified: ['verified', 'in_progress'],
  verified: [],
};

/** Whether a role may move a problem from one status to another: only the township verifies or reopens. */
export function canMove(from: ProblemStatus, to: ProblemStatus, role: string): boolean {
  if (!NEXT[from].includes(to)) return false;
  if (from === 'rectified') return role === 'township_admin';
  return role === 'township_admin' || role === 'village_secretary';
}

/** Overdue: the deadline (a Shanghai date) has passed and the problem is not rectified yet. */
export function isOverdue(status: ProblemStatus, deadline: string | null, today: string): boolean {
  return !!deadline && deadline < today && (status === 'open' || status === 'in_progress');
}

/** The notice period (公示期) from publication: `days` whole days. */
export function noticeWindow(publishedAt: Date, days: number): { startsAt: string; endsAt: string } {
  return { startsAt: publishedAt.toISOString(), endsAt: new Date(publishedAt.getTime() + days * 86_400_000).toISOString() };
}

/** Villagers may object only while the notice runs. */
export const inNotice = (p: { noticeStartsAt: string | null; noticeEndsAt: string | null }, now: string) =>
  !!p.noticeStartsAt && !!p.noticeEndsAt && p.noticeStartsAt <= now && now < p.noticeEndsAt;

/**
 * A problem as a reader sees it. One raised from a visit (初心三人行) carries, until the township publishes it, what
 * the visit found in a household (by default, contact/raise-problem.ts): for a reader who may not read visit
 * records (a county viewer) its text and measure are withheld, as the visit itself is; once published (公示) they
 * are public.
 */
export function problemAsSeen<P extends { source: string; noticeStartsAt: string | null; content: string; measure: string }>(p: P, seesPersonalDetails: boolean) {
  return p.source === 'visit' && !p.noticeStartsAt && !seesPersonalDetails ? { ...p, content: '', measure: '', withheld: true as const } : p;
}
