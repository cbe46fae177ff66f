import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { accounts, roleGrants } from '../db/schema';
import { newId } from '../platform/ids';
import { conflict } from '../platform/errors';
import type { Grant } from './actor';
import { hashPassword } from './passwords';

export interface NewAccount {
  phone: string;
  name: string;
  password: string;
}

/**
 * Creates an account with its grants in one batch. If the phone already has an account, the grants are
 * added to it instead (one person may be a secretary in one place and a county viewer in another)
 * only when `attachIfExists` is set; otherwise it is a conflict.
 */
export async function createAccount(
  db: Db,
  account: NewAccount,
  grants: Partial<Grant>[],
  options: { attachIfExists?: boolean } = {},
): Promise<string> {
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, account.phone)).limit(1);
  if (existing && !options.attachIfExists) throw conflict('auth.phone_taken');
  const accountId = existing?.id ?? newId();
  const grantRows = grants.map((g) => ({ ...g, role: g.role!, accountId }));
  if (existing) {
    if (grantRows.length) await db.insert(roleGrants).values(grantRows);
    return accountId;
  }
  const insertAccount = db.insert(accounts).values({
    id: accountId,
    phone: account.phone,
    name: account.name,
    passwordHash: await hashPassword(account.password),
  });
  if (grantRows.length) await db.batch([insertAccount, db.insert(roleGrants).values(grantRows)]);
  else await insertAccount;
  return accountId;
}
