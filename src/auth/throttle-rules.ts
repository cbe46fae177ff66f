/** Failed-login slow-down, as pure rules: N failures within the window lock the key, doubling each time. */
export const THROTTLE = {
  windowSeconds: 15 * 60,
  /** per phone number: a person mistyping gets a few tries; a guesser gets slowed */
  accountFreeFailures: 5,
  /** per IP: villages share one NAT'ed address, so allow more */
  ipFreeFailures: 30,
  baseLockSeconds: 30,
  maxLockSeconds: 30 * 60,
} as const;

export interface FailureState {
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export function isLocked(state: FailureState | undefined, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000));
}

/** State after one more failure. */
export function recordFailure(state: FailureState | undefined, now: Date, freeFailures: number): FailureState {
  const fresh = !state || now.getTime() - state.windowStart.getTime() > THROTTLE.windowSeconds * 1000;
  const failures = fresh ? 1 : state.failures + 1;
  const windowStart = fresh ? now : state.windowStart;
  if (failures < freeFailures) return { failures, windowStart, lockedUntil: null };
  const lockSeconds = Math.min(THROTTLE.baseLockSeconds * 2 ** (failures - freeFailures), THROTTLE.maxLockSeconds);
  return { failures, windowStart, lockedUntil: new Date(now.getTime() + lockSeconds * 1000) };
}
