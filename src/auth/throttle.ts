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

/** An attempt let in under each of its keys, its check still running: settled as right or wrong once that is known. */
export type TakenAttempt = AttemptKey[];

const accountKey = (phone: string) => `account:${phone}`;

/** A login is counted against the phone number and, more loosely (villages share one NAT'ed address), the IP. */
export const loginKeys = (phone: string, ip: string): AttemptKey[] => [
  { key: accountKey(phone), free: THROTTLE.accountFreeFailures },
  { key: `ip:${ip}`, free: THROTTLE.ipFreeFailures },
];

/** Now, and whether a key's window has passed (its counts then start again). */
function windowOf(now: Date) {
  const windowOpened = new Date(now.getTime() - THROTTLE.windowSeconds * 1000).toISOString();
  return { nowIso: now.toISOString(), stale: sql`${loginFailures.windowStart} < ${windowOpened}` };
}

/**
 * One key's attempt let in, in one statement, unless the key is locked or its free tries are all taken, by failures
 * and by attempts still being checked; past the free tries (a lock that has ended) one attempt at a time. Nothing
 * locks here: a right answer being checked must not make the others wait.
 */
function takeOne(db: Db, { key, free }: AttemptKey, now: Date) {
  const { nowIso, stale } = windowOf(now);
  return db
    .insert(loginFailures)
    .values({ key, failures: 0, windowStart: nowIso, lockedUntil: null, inFlight: 1 })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: sql`CASE WHEN ${stale} THEN 0 ELSE ${loginFailures.failures} END`,
        windowStart: sql`CASE WHEN ${stale} THEN ${nowIso} ELSE ${loginFailures.windowStart} END`,
        inFlight: sql`CASE WHEN ${stale} THEN 1 ELSE ${loginFailures.inFlight} + 1 END`,
      },
      setWhere: and(
        or(isNull(loginFailures.lockedUntil), sql`${loginFailures.lockedUntil} <= ${nowIso}`),
        or(stale, sql`${loginFailures.failures} + ${loginFailures.inFlight} < ${free}`, eq(loginFailures.inFlight, 0)),
      ),
    })
    .returning({ key: loginFailures.key });
}

/** One key's attempt settled: no longer being checked; one that counts (a wrong guess) past the free tries locks the key. */
function settleOne(db: Db, { key, free }: AttemptKey, counts: boolean, now: Date) {
  const released = sql`max(${loginFailures.inFlight} - 1, 0)`;
  if (!counts) return db.update(loginFailures).set({ inFlight: released }).where(eq(loginFailures.key, key));
  const { nowIso, stale } = windowOf(now);
  const lockAt = (failures: number) => {
    const seconds = lockSeconds(failures, free);
    return seconds ? new Date(now.getTime() + seconds * 1000).toISOString() : null;
  };
  const counted = sql`(CASE WHEN ${stale} THEN 1 ELSE ${loginFailures.failures} + 1 END)`;
  // the few locks the new count can bring: none, then doubling from the first past the free tries up to the longest
  const steps: SQL[] = [sql`WHEN ${counted} < ${free} THEN NULL`];
  for (let step = 0; step < LOCK_STEPS; step++) steps.push(sql`WHEN ${counted} = ${free + step} THEN ${lockAt(free + step)}`);
  return db
    .insert(loginFailures)
    .values({ key, failures: 1, windowStart: nowIso, lockedUntil: lockAt(1), inFlight: 0 })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: counted,
        windowStart: sql`CASE WHEN ${stale} THEN ${nowIso} ELSE ${loginFailures.windowStart} END`,
        lockedUntil: sql`CASE ${sql.join(steps, sql` `)} ELSE ${lockAt(free + LOCK_STEPS)} END`,
        inFlight: released,
      },
    });
}

/** Settles an attempt `takeAttempt` let in: a wrong guess `counts` as a failure under each key, a right one for nothing. */
export async function settleAttempt(db: Db, taken: TakenAttempt, counts: boolean): Promise<void> {
  const now = new Date();
  const writes = taken.map((k) => settleOne(db, k, counts, now));
  if (writes.length) await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
}

/**
 * Lets an attempt in under each of its keys before it is checked, or refuses it (429, with the seconds to wait) while
 * any key is locked or has every free try taken. Counted after the check, a burst of concurrent guesses was all checked
 * before the first failure was written; let in first, a burst gets the free tries and no more.
 */
export async function takeAttempt(db: Db, keys: AttemptKey[]): Promise<TakenAttempt> {
  const now = new Date();
  const takes = keys.map((k) => takeOne(db, k, now));
  const answers = await db.batch(takes as [(typeof takes)[0], ...typeof takes]);
  const letIn = new Set(answers.flatMap((rows) => rows.map((row) => row.key)));
  if (letIn.size === keys.length) return keys;
  // a key refused it: the others are not charged for an attempt that was never made
  await settleAttempt(db, keys.filter((k) => letIn.has(k.key)), false);
  const locks = await db
    .select({ lockedUntil: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(inArray(loginFailures.key, keys.map((k) => k.key)));
  // locked: until the lock ends; otherwise every free try is being checked, which takes a moment
  const wait = Math.max(1, ...locks.map((l) => secondsLocked(l.lockedUntil ? new Date(l.lockedUntil) : null, now)));
  throw new AppError(429, 'error.rate_limited', { seconds: wait });
}

/**
 * Takes an attempt, runs the check and settles the attempt by its answer. A check that throws counts as wrong: a guess
 * that could make it throw must not be free.
 */
export async function throttled(db: Db, keys: AttemptKey[], check: () => Promise<boolean>): Promise<boolean> {
  const taken = await takeAttempt(db, keys);
  let right = false;
  try {
    right = await check();
  } finally {
    await settleAttempt(db, taken, !right);
  }
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
