import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginFailures } from '../db/schema';
import { AppError } from '../platform/errors';
import { isLocked, recordFailure, THROTTLE, type FailureState } from './throttle-rules';

const keysFor = (phone: string, ip: string) => ({ account: `account:${phone}`, ip: `ip:${ip}` });

async function loadStates(db: Db, keys: string[]): Promise<Map<string, FailureState>> {
  const rows = await db.select().from(loginFailures).where(inArray(loginFailures.key, keys));
  return new Map(
    rows.map((r) => [
      r.key,
      { failures: r.failures, windowStart: new Date(r.windowStart), lockedUntil: r.lockedUntil ? new Date(r.lockedUntil) : null },
    ]),
  );
}

/** Refuses the attempt (429) while the phone number or the IP is locked out. */
export async function assertNotThrottled(db: Db, phone: string, ip: string): Promise<void> {
  const keys = keysFor(phone, ip);
  const states = await loadStates(db, [keys.account, keys.ip]);
  const now = new Date();
  const wait = Math.max(isLocked(states.get(keys.account), now), isLocked(states.get(keys.ip), now));
  if (wait > 0) throw new AppError(429, 'error.rate_limited', { seconds: wait });
}

export async function noteFailedLogin(db: Db, phone: string, ip: string): Promise<void> {
  const keys = keysFor(phone, ip);
  const states = await loadStates(db, [keys.account, keys.ip]);
  const now = new Date();
  const writes = (
    [
      [keys.account, THROTTLE.accountFreeFailures],
      [keys.ip, THROTTLE.ipFreeFailures],
    ] as const
  ).map(([key, free]) => {
    const next = recordFailure(states.get(key), now, free);
    const row = {
      key,
      failures: next.failures,
      windowStart: next.windowStart.toISOString(),
      lockedUntil: next.lockedUntil?.toISOString() ?? null,
    };
    return db.insert(loginFailures).values(row).onConflictDoUpdate({ target: loginFailures.key, set: row });
  });
  await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
}

export async function clearFailedLogins(db: Db, phone: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, keysFor(phone, '').account));
}
