import { describe, expect, it } from 'vitest';
import { canMove, inNotice, isOverdue, noticeWindow, type ProblemStatus } from './rules';

describe('problem status flow', () => {
  it.each([
    { from: 'open', to: 'in_progress', role: 'village_secretary', ok: true },
    { from: 'in_progress', to: 'rectified', role: 'village_secretary', ok: true },
    { from: 'rectified', to: 'verified', role: 'village_secretary', ok: false, why: 'only the township verifies' },
    { from: 'rectified', to: 'verified', role: 'township_admin', ok: true },
    { from: 'rectified', to: 'in_progress', role: 'township_admin', ok: true, why: 'a rectification found wanting is reopened' },
    { from: 'open', to: 'verified', role: 'township_admin', ok: false, why: 'no skipping' },
    { from: 'verified', to: 'open', role: 'township_admin', ok: false, why: 'verified is final' },
  ])('$from → $to by $role: $ok', ({ from, to, role, ok }) => {
    expect(canMove(from as ProblemStatus, to as ProblemStatus, role)).toBe(ok);
  });
});

describe('overdue and notice', () => {
  it.each([
    { status: 'open', deadline: '2026-09-30', today: '2026-10-01', overdue: true },
    { status: 'in_progress', deadline: '2026-09-30', today: '2026-09-30', overdue: false, why: 'the deadline day still counts' },
    { status: 'rectified', deadline: '2026-09-30', today: '2026-10-09', overdue: false },
    { status: 'open', deadline: null, today: '2026-10-09', overdue: false },
  ])('$status due $deadline on $today: overdue $overdue', ({ status, deadline, today, overdue }) => {
    expect(isOverdue(status as ProblemStatus, deadline, today)).toBe(overdue);
  });

  it('runs the notice for whole days from publication', () => {
    const w = noticeWindow(new Date('2026-09-01T02:00:00Z'), 5);
    expect(w).toEqual({ startsAt: '2026-09-01T02:00:00.000Z', endsAt: '2026-09-06T02:00:00.000Z' });
    expect(inNotice({ noticeStartsAt: w.startsAt, noticeEndsAt: w.endsAt }, '2026-09-06T01:59:59.000Z')).toBe(true);
    expect(inNotice({ noticeStartsAt: w.startsAt, noticeEndsAt: w.endsAt }, '2026-09-06T02:00:00.000Z')).toBe(false);
    expect(inNotice({ noticeStartsAt: null, noticeEndsAt: null }, '2026-09-02T00:00:00.000Z')).toBe(false);
  });
});
