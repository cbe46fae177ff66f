import { eq, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { paramChunks } from '../db/batch';
import { isUniqueViolation } from '../db/errors';
import type { Db } from '../db/client';
import { accounts, roleGrants, sessions } from '../db/schema';
import { newId } from '../platform/ids';
import { conflict } from '../platform/errors';
import type { Grant } from './actor';
import type { Locale } from '../platform/i18n';
import { assertPasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';
import { isAdminAccount } from './session-rules';

export interface NewAccount {
  phone: string;
  name: string;
  password: string;
}

export interface CreateAccountOptions {
  attachIfExists?: boolean;
  /** the demo seed's accounts keep the demo's known password; nothing else skips the password policy */
  demoPassword?: boolean;
  /** language of a password-policy refusal, and the field it names */
  locale?: Locale;
  passwordPath?: string;
  /** the password already hashed (hashPassword): the demo's accounts share one hash of its published password */
  passwordHash?: string;
  /**
   * Asked before grants go to an account that already has the phone (with attachIfExists), also when it appeared only
   * while this one was being created: throws to refuse (a township admin may not attach to another township's account)
   */
  mayAttach?: () => Promise<void>;
  /**
   * the audit rows of this creation (or of grants added to an existing account), written in its batch right after the
   * grants; `onlyIfChanged`: written only if the grant just before went in (one grant to an account that may hold it)
   */
  audit?: (accountId: string, action: 'account.create' | 'account.grant', onlyIfChanged: boolean) => BatchItem<'sqlite'>[];
}

/**
 * Creates an account with its grants in one batch. If the phone already has an account, the grants are
 * added to it instead (one person may be a secretary in one place and a county viewer in another)
 * only when `attachIfExists` is set; otherwise it is a conflict. The password must pass the policy
 * (auth/password-policy.ts), even when it is not used because the account exists. An existing account given an
 * admin role has its sessions ended, in the same batch.
 */
export async function createAccount(
  db: Db,
  account: NewAccount,
  grants: Partial<Grant>[],
  options: CreateAccountOptions = {},
): Promise<string> {
  if (!options.demoPassword) assertPasswordPolicy(account.password, account.phone, { locale: options.locale, path: options.passwordPath });
  try {
    return await writeAccount(db, account, grants, options);
  } catch (error) {
    // the same phone created at the same moment (a form sent twice): its account is there now, and is treated as found
    if (!isUniqueViolation(error)) throw error;
    return writeAccount(db, account, grants, options);
  }
}

/**
 * A grant unless the account holds it already, in one statement: a grant given twice at once is one grant. Every column
 * in the table's order, as drizzle's INSERT … SELECT names them.
 */
function grantOnce(db: Db, grant: Partial<Grant> & { accountId: string; role: Grant['role'] }) {
  const same = (column: string, value: string | null | undefined) => sql`${sql.identifier(column)} IS ${value ?? null}`;
  return db.insert(roleGrants).select(
    sql`SELECT ${newId()}, ${grant.accountId}, ${grant.role}, ${grant.countyId ?? null}, ${grant.cityId ?? null}, ${grant.tenantId ?? null}, ${grant.villageId ?? null}, ${grant.memberId ?? null}, ${new Date().toISOString()}
      WHERE NOT EXISTS (SELECT 1 FROM role_grants WHERE account_id = ${grant.accountId} AND role = ${grant.role} AND ${same('county_id', grant.countyId)}
        AND ${same('city_id', grant.cityId)} AND ${same('tenant_id', grant.tenantId)} AND ${same('village_id', grant.villageId)} AND ${same('member_id', grant.memberId)})`,
  );
}

async function writeAccount(db: Db, account: NewAccount, grants: Partial<Grant>[], options: CreateAccountOptions): Promise<string> {
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, account.phone)).limit(1);
  if (existing && !options.attachIfExists) throw conflict('auth.phone_taken');
  if (existing) await options.mayAttach?.();
  const accountId = existing?.id ?? newId();
  const grantRows = grants.map((g) => ({ ...g, role: g.role!, accountId }));
  const alongside = options.audit?.(accountId, existing ? 'account.grant' : 'account.create', !!existing && grantRows.length === 1) ?? [];
  const writes: BatchItem<'sqlite'>[] = [...grantRows.map((grant) => grantOnce(db, grant)), ...alongside];
  // an existing account given an admin role signs in again: the second factor an admin must have is asked at sign-in
  if (existing && isAdminAccount(grantRows.map((g) => g.role))) writes.push(db.delete(sessions).where(eq(sessions.accountId, existing.id)));
  if (!existing)
    writes.unshift(
      db.insert(accounts).values({
        id: accountId,
        phone: account.phone,
        name: account.name,
        passwordHash: options.passwordHash ?? (await hashPassword(account.password)),
      }),
    );
  if (writes.length) await db.batch(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return accountId;
}

/**
 * The names of accounts by id, read from the registry: rows in a shard name their actors by account id and
 * cannot join `accounts`, which is in another database (docs/scaling.md). Unknown ids are left out.
 */
export async function accountNames(registry: Db, ids: Iterable<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id))];
  const names = new Map<string, string>();
  for (const ids of paramChunks(wanted))
    for (const row of await registry.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, ids))) names.set(row.id, row.name);
  return names;
}
