import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { accounts, roleGrants, sessions } from '../db/schema';
import { AppError, notFound } from '../platform/errors';
import type { Locale } from '../platform/i18n';
import { assertPasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';
import { isAdminAccount } from './session-rules';

/**
 * Whom an admin may reset (password, second factor): the platform admin anyone; a township admin only the
 * township's own non-admin accounts, and only those whose every role is in the township (another admin's
 * reset is the platform's, and a secretary who is also a county viewer or works in another township would
 * hand the township admin what that other role reads). An account outside the township answers 404, one
 * the township admin may not reset 403.
 */
export async function managedAccount(db: Db, accountId: string, tenantId: string | null): Promise<{ id: string; phone: string }> {
  const [[account], grants] = await db.batch([
    db.select({ id: accounts.id, phone: accounts.phone }).from(accounts).where(eq(accounts.id, accountId)),
    db.select({ role: roleGrants.role, tenantId: roleGrants.tenantId }).from(roleGrants).where(eq(roleGrants.accountId, accountId)),
  ]);
  if (!account) throw notFound();
  if (tenantId === null) return account;
  if (!grants.some((g) => g.tenantId === tenantId)) throw notFound();
  if (isAdminAccount(grants.map((g) => g.role)) || grants.some((g) => g.tenantId !== tenantId)) throw new AppError(403, 'auth.reset_admin_forbidden');
  return account;
}

/**
 * An admin sets someone's password (forgotten): it must pass the policy, and the account's sessions end,
 * in one batch with the audit row of who did it.
 */
export async function resetPassword(db: Db, account: { id: string; phone: string }, password: string, auditRow: BatchItem<'sqlite'>, locale: Locale): Promise<void> {
  assertPasswordPolicy(password, account.phone, { locale });
  await db.batch([
    db.update(accounts).set({ passwordHash: await hashPassword(password) }).where(eq(accounts.id, account.id)),
    db.delete(sessions).where(eq(sessions.accountId, account.id)),
    auditRow,
  ]);
}
