import { describe, expect, it } from 'vitest';
import { LOCK_STEPS, lockSeconds, secondsLocked, THROTTLE } from './throttle-rules';

describe('throttle rules', () => {
  it.each([
    { failures: 1, seconds: 0 },
    { failures: 4, seconds: 0 },
    { failures: 5, seconds: 30 },
    { failures: 6, seconds: 60 },
    { failures: 7, seconds: 120 },
    { failures: 10, seconds: 960 },
    { failures: 11, seconds: THROTTLE.maxLockSeconds },
    { failures: 30, seconds: THROTTLE.maxLockSeconds },
  ])('one phone: $failures failures → locked $seconds s (the lock doubles with each further failure)', ({ failures, seconds }) => {
    expect(lockSeconds(failures, THROTTLE.accountFreeFailures)).toBe(seconds);
  });

  it('an IP shared by a village gets more tries than one phone number', () => {
    expect(lockSeconds(10, THROTTLE.ipFreeFailures)).toBe(0);
    expect(lockSeconds(THROTTLE.ipFreeFailures, THROTTLE.ipFreeFailures)).toBe(THROTTLE.baseLockSeconds);
  });

  it('the longest lock is reached after LOCK_STEPS failures beyond the free ones, and not before', () => {
    const free = THROTTLE.accountFreeFailures;
    expect(lockSeconds(free + LOCK_STEPS, free)).toBe(THROTTLE.maxLockSeconds);
    expect(lockSeconds(free + LOCK_STEPS - 1, free)).toBeLessThan(THROTTLE.maxLockSeconds);
  });

  it.each([
    { lockedUntil: null, seconds: 0 },
    { lockedUntil: '2026-11-26T00:00:00Z', seconds: 0 },
    { lockedUntil: '2026-11-26T00:00:10.2Z', seconds: 11 },
  ])('a lock until $lockedUntil has $seconds s left at midnight', ({ lockedUntil, seconds }) => {
    expect(secondsLocked(lockedUntil ? new Date(lockedUntil) : null, new Date('2026-11-26T00:00:00Z'))).toBe(seconds);
  });
});
