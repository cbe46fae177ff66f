import { and, asc, eq, sql } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import { memberCredentials, members } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { verifyingKeys, type Secrets } from '../../../platform/config';
import { AppError, notFound } from '../../../platform/errors';
import { newId, randomString } from '../../../platform/ids';
import { hmacText, sameText, toBase64Url } from '../../../platform/crypto';
import { PIN_LOCK } from '../rules';

/**
 * Party members' ballot credentials: a member code (printed on their contact card) and a 6-digit PIN.
 *
 * Why not PBKDF2 as for passwords: a PIN has only 10^6 values, so no affordable stretching (100,000
 * PBKDF2 rounds, ~50 ms of CPU per check on a Worker, paid on every ballot) would stop an offline search
 * by someone who has the table. What stops it is a key they do not have: the PIN is kept as
 * HMAC-SHA256(APP_SECRET, salt ‖ PIN), microseconds to check; online guessing is stopped by locking a
 * code for 15 minutes after 5 wrong PINs.
 */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const pinHash = (secret: string, salt: string, pin: string) => hmacText(secret, `pin|${salt}|${pin}`);

/** A random 6-digit PIN (rejection sampling keeps the digits uniform). */
function newPin(): string {
  const out: number[] = [];
  while (out.length < 6) for (const b of crypto.getRandomValues(new Uint8Array(8))) if (b < 250 && out.length < 6) out.push(b % 10);
  return out.join('');
}

async function credentialRow(secret: string, memberId: string) {
  const salt = toBase64Url(crypto.getRandomValues(new Uint8Array(12)));
  const pin = newPin();
  return { pin, row: { id: newId(), memberId, code: `M${randomString(6, CODE_ALPHABET)}`, pinSalt: salt, pinHash: await pinHash(secret, salt, pin) } };
}

/**
 * Issues codes and PINs to the members of a village who have none (or new PINs to the given members).
 * The PINs are returned once, for printing, and never again.
 */
export async function issueCredentials(scope: TenantScope, secret: string, villageId: string, record: Recorder, resetMemberIds: string[] = []) {
  const db = scope.db;
  const rows = await db
    .select({ id: members.id, name: members.name, credentialId: memberCredentials.id, code: memberCredentials.code })
    .from(members)
    .leftJoin(memberCredentials, and(eq(memberCredentials.memberId, members.id), eq(memberCredentials.tenantId, members.tenantId)))
    .where(scope.where(members, eq(members.villageId, villageId)))
    .orderBy(asc(members.name));
  const reset = new Set(resetMemberIds);
  for (const id of reset) if (!rows.some((r) => r.id === id)) throw notFound('contact.member_not_found');
  const issued: { memberId: string; name: string; code: string; pin: string }[] = [];
  const writes = [];
  for (const member of rows) {
    if (member.credentialId && !reset.has(member.id)) continue;
    const { pin, row } = await credentialRow(secret, member.id);
    if (member.credentialId) {
      writes.push(
        db
          .update(memberCredentials)
          .set({ pinSalt: row.pinSalt, pinHash: row.pinHash, failedAttempts: 0, lockedUntil: null })
          .where(scope.where(memberCredentials, eq(memberCredentials.id, member.credentialId))),
      );
      issued.push({ memberId: member.id, name: member.name, code: member.code!, pin });
    } else {
      // a member given a code by another issue running at the same moment keeps that one (its sheet has the PIN)
      writes.push(scope.insert(memberCredentials, [row]).onConflictDoNothing().returning({ memberId: memberCredentials.memberId }));
      issued.push({ memberId: member.id, name: member.name, code: row.code, pin });
    }
  }
  // the PINs themselves are never recorded; the audit row goes with the last chunk, once every code is written
  if (writes.length)
    writes.push(record({ action: 'member_credentials.issue', entity: 'village', entityId: villageId, summary: { issued: issued.length, reset: reset.size } }) as (typeof writes)[number]);
  const skipped = new Set<string>();
  for (let i = 0; i < writes.length; i += 50) {
    const chunk = writes.slice(i, i + 50);
    const answers = await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
    // an insert that returned no row met the other issue's code: its PIN here was never stored
    chunk.forEach((_, k) => {
      const index = i + k;
      if (index < issued.length && Array.isArray(answers[k]) && (answers[k] as unknown[]).length === 0) skipped.add(issued[index].memberId);
    });
  }
  return issued.filter((credential) => !skipped.has(credential.memberId));
}

export async function listCredentials(scope: TenantScope, villageId: string) {
  const now = new Date().toISOString();
  const rows = await scope.db
    .select({ memberId: members.id, name: members.name, code: memberCredentials.code, lockedUntil: memberCredentials.lockedUntil })
    .from(members)
    .leftJoin(memberCredentials, and(eq(memberCredentials.memberId, members.id), eq(memberCredentials.tenantId, members.tenantId)))
    .where(scope.where(members, eq(members.villageId, villageId)))
    .orderBy(asc(members.name));
  return rows.map((r) => ({ memberId: r.memberId, name: r.name, code: r.code, locked: !!r.lockedUntil && r.lockedUntil > now }));
}

/**
 * Checks a member code and PIN; wrong PINs count toward a lock. Returns the member id. A PIN kept under the
 * key before a rotation (APP_SECRET_PREVIOUS) is accepted and kept again under the current key.
 *
 * Each check first takes one of the credential's attempts, in one statement, and only then compares the PIN:
 * counting a failure after the comparison let a burst of concurrent guesses all be compared before the first
 * failure was written, as many guesses as requests. Taken attempts are given back by a right PIN; the one that
 * takes the last of them and fails locks the code.
 */
export async function verifyMemberPin(scope: TenantScope, secrets: Secrets, code: string, pin: string): Promise<string> {
  const now = new Date();
  const [cred] = await scope.db
    .select()
    .from(memberCredentials)
    .where(scope.where(memberCredentials, eq(memberCredentials.code, code.toUpperCase())))
    .limit(1);
  if (!cred) throw new AppError(401, 'evaluation.member_pin_invalid');
  const locked = (until: string) => {
    const minutes = Math.ceil((new Date(until).getTime() - now.getTime()) / 60_000);
    return new AppError(429, 'evaluation.member_pin_locked', { minutes, seconds: minutes * 60 });
  };
  if (cred.lockedUntil && cred.lockedUntil > now.toISOString()) throw locked(cred.lockedUntil);
  const [taken] = await scope.db
    .update(memberCredentials)
    .set({ failedAttempts: sql`${memberCredentials.failedAttempts} + 1` })
    .where(
      scope.where(
        memberCredentials,
        eq(memberCredentials.id, cred.id),
        sql`(${memberCredentials.lockedUntil} IS NULL OR ${memberCredentials.lockedUntil} <= ${now.toISOString()})`,
        sql`${memberCredentials.failedAttempts} < ${PIN_LOCK.maxFailures}`,
      ),
    )
    .returning({ attempt: memberCredentials.failedAttempts });
  const lockUntil = new Date(now.getTime() + PIN_LOCK.lockSeconds * 1000).toISOString();
  if (!taken) {
    // every attempt is taken by checks still running (or by one that never finished), or the code was locked
    // meanwhile: locked from now, so that the attempts come back when the lock ends
    await scope.db
      .update(memberCredentials)
      .set({ failedAttempts: 0, lockedUntil: lockUntil })
      .where(
        scope.where(
          memberCredentials,
          eq(memberCredentials.id, cred.id),
          sql`(${memberCredentials.lockedUntil} IS NULL OR ${memberCredentials.lockedUntil} <= ${now.toISOString()})`,
        ),
      );
    throw locked(lockUntil);
  }
  const keys = verifyingKeys(secrets);
  let keyIndex = -1;
  for (let i = 0; i < keys.length && keyIndex < 0; i++) if (sameText(await pinHash(keys[i], cred.pinSalt, pin), cred.pinHash)) keyIndex = i;
  if (keyIndex < 0) {
    if (taken.attempt >= PIN_LOCK.maxFailures)
      await scope.db
        .update(memberCredentials)
        .set({ failedAttempts: 0, lockedUntil: lockUntil })
        .where(scope.where(memberCredentials, eq(memberCredentials.id, cred.id)));
    throw new AppError(401, 'evaluation.member_pin_invalid');
  }
  const rekeyed = keyIndex > 0 ? { pinHash: await pinHash(secrets.current, cred.pinSalt, pin) } : {};
  await scope.db
    .update(memberCredentials)
    .set({ failedAttempts: 0, lockedUntil: null, ...rekeyed })
    .where(scope.where(memberCredentials, eq(memberCredentials.id, cred.id)));
  return cred.memberId;
}
