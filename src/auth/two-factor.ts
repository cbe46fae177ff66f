import { and, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { recoveryCodes, sessions, totpFactors } from '../db/schema';
import type { BatchItem } from 'drizzle-orm/batch';
import { seal, unseal } from './secret-box';
import { THROTTLE } from './throttle-rules';
import type { AttemptKey } from './throttle';
import { base32Encode, matchTotp, newTotpSecret, otpauthUri } from './totp';
import { sha256Hex } from '../platform/crypto';

/** Recovery codes given at enrolment, each good once. */
const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** The issuer shown in authenticator apps. */
const TOTP_ISSUER = '星评';

/** Wrong second-factor codes are counted against the account and, loosely, the address (auth/throttle.ts). */
export const secondFactorKeys = (accountId: string, ip: string): AttemptKey[] => [
  { key: `second-factor:${accountId}`, free: THROTTLE.accountFreeFailures },
  { key: `ip:${ip}`, free: THROTTLE.ipFreeFailures },
];

/**
 * A recovery code: 16 random base32 letters (80 bits, so a plain SHA-256 of it cannot be searched), shown
 * in groups of four. What people type back is normalised: case, spaces and dashes do not matter.
 */
function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const letters = [...bytes].map((b) => RECOVERY_ALPHABET[b & 31]).join('');
  return letters.match(/.{4}/g)!.join('-');
}
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const hashRecoveryCode = (code: string) => sha256Hex(`recovery:${normaliseRecoveryCode(code)}`);

export interface FactorState {
  enabled: boolean;
  recoveryCodesLeft: number;
}

export async function factorState(db: Db, accountId: string): Promise<FactorState> {
  const [[factor], [left]] = await db.batch([
    db.select({ confirmedAt: totpFactors.confirmedAt }).from(totpFactors).where(eq(totpFactors.accountId, accountId)),
    db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.accountId, accountId), isNull(recoveryCodes.usedAt))),
  ]);
  return { enabled: !!factor?.confirmedAt, recoveryCodesLeft: factor?.confirmedAt ? left.n : 0 };
}

/** Whether the account has a confirmed second factor. */
export async function hasSecondFactor(db: Db, accountId: string): Promise<boolean> {
  return (await factorState(db, accountId)).enabled;
}

/**
 * Starts (or restarts) enrolment: a new secret, sealed, waiting for its first code. Answers what the
 * authenticator app needs; the secret is never shown again. False when a confirmed factor exists.
 */
export async function beginEnrolment(db: Db, secrets: string[], accountId: string, label: string): Promise<{ secret: string; uri: string } | false> {
  const [existing] = await db.select({ confirmedAt: totpFactors.confirmedAt }).from(totpFactors).where(eq(totpFactors.accountId, accountId));
  if (existing?.confirmedAt) return false;
  const secret = newTotpSecret();
  const sealed = await seal(secrets, accountId, secret);
  const now = new Date().toISOString();
  const written = await db
    .insert(totpFactors)
    .values({ accountId, secret: sealed, createdAt: now })
    .onConflictDoUpdate({ target: totpFactors.accountId, set: { secret: sealed, lastStep: 0, createdAt: now }, setWhere: isNull(totpFactors.confirmedAt) })
    .returning({ accountId: totpFactors.accountId });
  if (!written.length) return false; // confirmed meanwhile
  return { secret: base32Encode(secret), uri: otpauthUri(secret, TOTP_ISSUER, label) };
}

/**
 * Checks a TOTP code against the account's factor (confirmed, or for `enrolling` the one waiting for its
 * first code) and spends its time step, so the same code (or an older one) is never accepted again; the
 * step is taken in the UPDATE's condition, so two requests racing with one code cannot both pass.
 */
async function spendTotp(db: Db, secrets: string[], accountId: string, code: string, enrolling: boolean): Promise<boolean> {
  const [factor] = await db.select().from(totpFactors).where(eq(totpFactors.accountId, accountId));
  if (!factor || !!factor.confirmedAt === enrolling) return false;
  const secret = await unseal(secrets, accountId, factor.secret);
  if (!secret) return false;
  const step = await matchTotp(secret, code, new Date(), factor.lastStep);
  if (step === null) return false;
  const now = new Date().toISOString();
  const spent = await db
    .update(totpFactors)
    .set({ lastStep: step, ...(enrolling ? { confirmedAt: now } : {}) })
    .where(and(eq(totpFactors.accountId, accountId), eq(totpFactors.lastStep, factor.lastStep), eq(totpFactors.secret, factor.secret)))
    .returning({ accountId: totpFactors.accountId });
  return spent.length === 1;
}

/** Spends one unused recovery code of the account (single use, also under races). */
async function spendRecoveryCode(db: Db, accountId: string, code: string): Promise<boolean> {
  const normalised = normaliseRecoveryCode(code);
  if (!/^[a-z2-7]{16}$/.test(normalised)) return false;
  const spent = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date().toISOString() })
    .where(and(eq(recoveryCodes.accountId, accountId), eq(recoveryCodes.codeHash, await hashRecoveryCode(normalised)), isNull(recoveryCodes.usedAt)))
    .returning({ accountId: recoveryCodes.accountId });
  return spent.length === 1;
}

/** The second step of a login: a code from the authenticator app, or one of the recovery codes. */
export async function checkSecondFactor(db: Db, secrets: string[], accountId: string, code: string): Promise<boolean> {
  const trimmed = code.trim().replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) return spendTotp(db, secrets, accountId, trimmed, false);
  if (!(await hasSecondFactor(db, accountId))) return false;
  return spendRecoveryCode(db, accountId, trimmed);
}

/** Replaces the account's recovery codes with new ones; the codes are answered once and kept only as hashes. */
export async function issueRecoveryCodes(db: Db, accountId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const rows = await Promise.all(codes.map(async (code) => ({ accountId, codeHash: await hashRecoveryCode(code) })));
  await db.batch([db.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId)), db.insert(recoveryCodes).values(rows)]);
  return codes;
}

/** Confirms enrolment with the first code from the app, which turns the factor on (false: wrong code). */
export function confirmEnrolment(db: Db, secrets: string[], accountId: string, code: string): Promise<boolean> {
  return spendTotp(db, secrets, accountId, code.trim(), true);
}

/** Removes the account's second factor and its recovery codes (the account holder, after a password check). */
export async function removeSecondFactor(db: Db, accountId: string): Promise<void> {
  await db.batch([db.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId)), db.delete(totpFactors).where(eq(totpFactors.accountId, accountId))]);
}

/**
 * An admin resets someone's second factor (a lost phone): the factor, its recovery codes and the account's
 * sessions go, so whoever holds the phone is signed out too and the owner enrols again at the next login.
 * Every reset, from either route, passes here with who did it: the place to write the audit row (in this
 * batch) once the audit log exists.
 */
export async function resetSecondFactor(db: Db, accountId: string, auditRow: BatchItem<'sqlite'>): Promise<void> {
  await db.batch([
    auditRow,
    db.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId)),
    db.delete(totpFactors).where(eq(totpFactors.accountId, accountId)),
    db.delete(sessions).where(eq(sessions.accountId, accountId)),
  ]);
}
