import { and, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginFailures } from '../db/schema';
import { AppError } from '../platform/errors';
import { LOCK_STEPS, lockSeconds, secondsLocked, THROTTLE } from './throttle-rules';

/**
 * A counter of attempts at guessing something (a password, a second factor, a session's typed code) under one key;
 * `free` failures are let through per window before the key locks (see throttle-rules.ts).
 */
export interface AttemptKey {
  key: string;
  free: number;
}

/** An attempt counted under each of its keys before it was checked: what a right answer gives back. */
export type TakenAttempt = { key: string; windowStart: string; lockedUntil: string | null }[];

const accountKey = (phone: string) => `account:${phone}`;

/** A login is counted against the phone number and, more loosely (villages share one NAT'ed address), the IP. */
export const loginKeys = (phone: string, ip: string): AttemptKey[] => [
  { key: accountKey(phone), free: THROTTLE.accountFreeFailures },
  { key: `ip:${ip}`, free: THROTTLE.ipFreeFailures },
];

/**
 * One key's count taken in one statement, unless it is locked: a window that has passed starts again at 1, and the
 * count that uses up the free tries locks the key at once, so no other attempt is let in while this one is checked.
 */
function takeOne(db: Db, { key, free }: AttemptKey, now: Date) {
  const lockAt = (failures: number) => {
    const seconds = lockSeconds(failures, free);
    return seconds ? new Date(now.getTime() + seconds * 1000).toISOString() : null;
  };
  const nowIso = now.toISOString();
  const windowOpened = new Date(now.getTime() - THROTTLE.windowSeconds * 1000).toISOString();
  const stale = sql`${loginFailures.windowStart} < ${windowOpened}`;
  const counted = sql`(CASE WHEN ${stale} THEN 1 ELSE ${loginFailures.failures} + 1 END)`;
  // the few locks the new count can bring: none, then doubling from the first past the free tries to the longest
  const steps: SQL[] = [sql`WHEN ${counted} < ${free} THEN NULL`];
  for (let step = 0; step < LOCK_STEPS; step++) steps.push(sql`WHEN ${counted} = ${free + step} THEN ${lockAt(free + step)}`);
  const lock = sql`CASE ${sql.join(steps, sql` `)} ELSE ${lockAt(free + LOCK_STEPS)} END`;
  return db
    .insert(loginFailures)
    .values({ key, failures: 1, windowStart: nowIso, lockedUntil: lockAt(1) })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: { failures: counted, windowStart: sql`CASE WHEN ${stale} THEN ${nowIso} ELSE ${loginFailures.windowStart} END`, lockedUntil: lock },
      setWhere: or(isNull(loginFailures.lockedUntil), sql`${loginFailures.lockedUntil} <= ${nowIso}`),
    })
    .returning({ key: loginFailures.key, windowStart: loginFailures.windowStart, lockedUntil: loginFailures.lockedUntil });
}

function giveBackStatements(db: Db, taken: TakenAttempt) {
  return taken.map((t) =>
    db
      .update(loginFailures)
      // a lock this attempt set goes with it (none other could start while it held); any other lock stays
      .set({ failures: sql`max(${loginFailures.failures} - 1, 0)`, lockedUntil: sql`CASE WHEN ${loginFailures.lockedUntil} IS ${t.lockedUntil} THEN NULL ELSE ${loginFailures.lockedUntil} END` })
      .where(and(eq(loginFailures.key, t.key), eq(loginFailures.windowStart, t.windowStart))),
  );
}

/** Gives back an attempt taken by `takeAttempt`: it was right, so it counts for nothing. */
export async function giveBackAttempt(db: Db, taken: TakenAttempt): Promise<void> {
  const writes = giveBackStatements(db, taken);
  if (writes.length) await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
}

/**
 * Counts an attempt under each of its keys before it is checked, or refuses it (429, with the seconds to wait) while
 * any key is locked. Counting after the check let a burst of concurrent guesses all be checked before the first
 * failure was written; taken first, a burst gets the free tries and no more.
 */
export async function takeAttempt(db: Db, keys: AttemptKey[]): Promise<TakenAttempt> {
  const now = new Date();
  const takes = keys.map((k) => takeOne(db, k, now));
  const answers = await db.batch(takes as [(typeof takes)[0], ...typeof takes]);
  const taken = answers.flatMap((rows) => rows);
  if (taken.length === keys.length) return taken;
  // a key was locked: the others are not charged for an attempt that was never made
  await giveBackAttempt(db, taken);
  const locks = await db
    .select({ lockedUntil: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(inArray(loginFailures.key, keys.map((k) => k.key)));
  const wait = Math.max(1, ...locks.map((l) => secondsLocked(l.lockedUntil ? new Date(l.lockedUntil) : null, now)));
  throw new AppError(429, 'error.rate_limited', { seconds: wait });
}

/** Takes an attempt, runs the check, and gives the attempt back if the check says it was right. */
export async function throttled(db: Db, keys: AttemptKey[], check: () => Promise<boolean>): Promise<boolean> {
  const taken = await takeAttempt(db, keys);
  const right = await check();
  if (right) await giveBackAttempt(db, taken);
  return right;
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
