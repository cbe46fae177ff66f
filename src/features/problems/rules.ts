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
