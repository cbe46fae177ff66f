/** Failed-attempt slow-down, as pure rules: N failures within the window lock the key, doubling each time. */
export const THROTTLE = {
  windowSeconds: 15 * 60,
  /** per phone number: a person mistyping gets a few tries; a guesser gets slowed */
  accountFreeFailures: 5,
  /** per IP: villages share one NAT'ed address, so allow more */
  ipFreeFailures: 30,
  baseLockSeconds: 30,
  maxLockSeconds: 30 * 60,
} as const;

/** Seconds a key is locked once it has counted `failures` within its window: none before the free ones are used up. */
export function lockSeconds(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(THROTTLE.baseLockSeconds * 2 ** (failures - freeFailures), THROTTLE.maxLockSeconds);
}

/** The longest lock, reached after this many failures beyond the free ones (the lock doubles up to it). */
export const LOCK_STEPS = Math.ceil(Math.log2(THROTTLE.maxLockSeconds / THROTTLE.baseLockSeconds));

/** Seconds left of a lock (0: not locked). */
export function secondsLocked(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil) return 0;
  return Math.max(0, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}
