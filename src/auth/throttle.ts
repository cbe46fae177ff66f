import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginFailures } from '../db/schema';
import { AppError } from '../platform/errors';
import { isLocked, recordFailure, THROTTLE, type FailureState } from './throttle-rules';

/**
 * A counter of failed attempts at guessing something (a password, a session's typed code) under one key; `free`
 * failures are let through per window before the key locks (see throttle-rules.ts).
 */
export interface AttemptKey {
  key: string;
  free: number;
}

const accountKey = (phone: string) => `account:${phone}`;

/** A login is counted against the phone number and, more loosely (villages share one NAT'ed address), the IP. */
export const loginKeys = (phone: string, ip: string): AttemptKey[] => [
  { key: accountKey(phone), free: THROTTLE.accountFreeFailures },
  { key: `ip:${ip}`, free: THROTTLE.ipFreeFailures },
];

async function loadStates(db: Db, keys: AttemptKey[]): Promise<Map<string, FailureState>> {
  const rows = await db
    .select()
    .from(loginFailures)
    .where(
      inArray(
        loginFailures.key,
        keys.map((k) => k.key),
      ),
    );
  return new Map(
    rows.map((r) => [
      r.key,
      { failures: r.failures, windowStart: new Date(r.windowStart), lockedUntil: r.lockedUntil ? new Date(r.lockedUntil) : null },
    ]),
  );
}

/** Refuses the attempt (429, with the seconds to wait) while any of its keys is locked. */
export async function assertNotThrottled(db: Db, keys: AttemptKey[]): Promise<void> {
  const states = await loadStates(db, keys);
  const now = new Date();
  const wait = Math.max(0, ...keys.map((k) => isLocked(states.get(k.key), now)));
  if (wait > 0) throw new AppError(429, 'error.rate_limited', { seconds: wait });
}

/** Counts one failed attempt under each of its keys. */
export async function noteFailure(db: Db, keys: AttemptKey[]): Promise<void> {
  const states = await loadStates(db, keys);
  const now = new Date();
  const writes = keys.map(({ key, free }) => {
    const next = recordFailure(states.get(key), now, free);
    const row = { key, failures: next.failures, windowStart: next.windowStart.toISOString(), lockedUntil: next.lockedUntil?.toISOString() ?? null };
    return db.insert(loginFailures).values(row).onConflictDoUpdate({ target: loginFailures.key, set: row });
  });
  await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
}

/** A successful login forgets the phone number's failures (not the IP's: others behind it may be guessing). */
export async function clearFailedLogins(db: Db, phone: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, accountKey(phone)));
}

/** A right answer forgets the failures counted under one key (e.g. an account's wrong second-factor codes). */
export async function clearFailures(db: Db, key: AttemptKey): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, key.key));
}

/** Forgets counters whose window has passed and whose lock is over (the nightly job): they count for nothing. */
export async function purgeStaleFailures(db: Db, now: Date): Promise<void> {
  const windowOpened = new Date(now.getTime() - THROTTLE.windowSeconds * 1000).toISOString();
  await db
    .delete(loginFailures)
    .where(and(lt(loginFailures.windowStart, windowOpened), or(isNull(loginFailures.lockedUntil), lt(loginFailures.lockedUntil, now.toISOString()))));
}
