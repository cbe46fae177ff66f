import { describe, expect, it } from 'vitest';
import { isLocked, recordFailure, THROTTLE } from './throttle-rules';

const t0 = new Date('2026-11-26T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function failTimes(count: number, free: number, spacingSeconds = 1) {
  let state;
  for (let i = 0; i < count; i++) state = recordFailure(state, at(i * spacingSeconds), free);
  return state!;
}

describe('login throttle rules', () => {
  it.each([
    { failures: 1, locked: false },
    { failures: 4, locked: false },
    { failures: 5, locked: true },
    { failures: 8, locked: true },
  ])('$failures failures on one phone → locked: $locked', ({ failures, locked }) => {
    const state = failTimes(failures, THROTTLE.accountFreeFailures);
    expect(isLocked(state, at(failures)) > 0).toBe(locked);
  });

  it.each([
    { failures: 5, lockSeconds: 30 },
    { failures: 6, lockSeconds: 60 },
    { failures: 7, lockSeconds: 120 },
    { failures: 30, lockSeconds: THROTTLE.maxLockSeconds },
  ])('the lock doubles with each further failure: $failures → $lockSeconds s', ({ failures, lockSeconds }) => {
    const state = failTimes(failures, THROTTLE.accountFreeFailures, 0);
    expect((state.lockedUntil!.getTime() - t0.getTime()) / 1000).toBe(lockSeconds);
  });

  it('forgets failures older than the window', () => {
    const old = failTimes(4, THROTTLE.accountFreeFailures);
    const later = recordFailure(old, at(THROTTLE.windowSeconds + 10), THROTTLE.accountFreeFailures);
    expect(later.failures).toBe(1);
    expect(later.lockedUntil).toBeNull();
  });

  it('an IP shared by a village gets more tries than one phone number', () => {
    expect(isLocked(failTimes(10, THROTTLE.ipFreeFailures), at(10))).toBe(0);
  });
});
