import { and, eq, inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { verifyPassword } from '../auth/passwords';
import type { Db } from '../db/client';
import type { Databases } from '../db/databases';
import { accounts, auditEvents, roleGrants, tenants } from '../db/schema';
import { deleteTenantRows } from '../db/tenant-tables';
import { AppError } from '../platform/errors';
import { MAINTENANCE_RETRY_SECONDS, readPlacement } from '../tenancy/placement';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo';

/** the audit trail is append-only (docs/audit.md): the demo's events stay until their months are archived and pruned */
const KEPT = [auditEvents];

const DEMO_PHONES = DEMO_LOGINS.map((login) => login.phone);
/** The demo's townships as seedDemoIfEmpty writes them. */
const DEMO_TOWNSHIPS = [
  { slug: 'pandian', name: '潘店镇' },
  { slug: 'liuqiao', name: '刘桥镇' },
];

/** The demo accounts (by their phones) that still open with the demo password: the production entry refuses to start while any does. */
export async function demoAccountsWithDemoPassword(db: Db): Promise<string[]> {
  const rows = await db.select({ phone: accounts.phone, hash: accounts.passwordHash }).from(accounts).where(inArray(accounts.phone, DEMO_PHONES));
  // the seed gives its accounts one hash (demo.ts): each distinct hash is checked once (~20 ms of CPU each)
  const opens = new Map<string, Promise<boolean>>();
  const open: string[] = [];
  for (const row of rows) {
    if (!opens.has(row.hash)) opens.set(row.hash, verifyPassword(DEMO_PASSWORD, row.hash));
    if (await opens.get(row.hash)) open.push(row.phone);
  }
  return open.sort();
}

export interface DemoPurge {
  /** slugs of the townships removed (with everything they own) */
  townships: string[];
  /** phones of the accounts removed (with their grants and sessions) */
  accounts: string[];
  /** demo phones left alone because their password is no longer the demo's: someone may have made them theirs */
  keptAccounts: string[];
}

/**
 * Removes what the demo seed wrote and nothing else: the demo townships (the slug and name of the demo's,
 * and a grant held there by a demo account: a real 潘店镇 made by a platform admin is not touched) with every
 * row they own, in the shard of their county (docs/scaling.md: wherever a move has taken it) and in the
 * registry, and the demo accounts that still have the demo password. The city and county stay (a real install
 * may share them). Idempotent.
 */
export async function purgeDemo(databases: Databases, options: { dryRun?: boolean } = {}): Promise<DemoPurge> {
  const db = databases.registry;
  const demoAccounts = await db.select({ id: accounts.id, phone: accounts.phone }).from(accounts).where(inArray(accounts.phone, DEMO_PHONES));
  const withDemoPassword = new Set(await demoAccountsWithDemoPassword(db));
  const townships: { id: string; slug: string; countyId: string }[] = [];
  for (const township of DEMO_TOWNSHIPS) {
    const [tenant] = await db
      .select({ id: tenants.id, slug: tenants.slug, countyId: tenants.countyId })
      .from(tenants)
      .where(and(eq(tenants.slug, township.slug), eq(tenants.name, township.name)));
    if (!tenant || !demoAccounts.length) continue;
    const [grant] = await db
      .select({ id: roleGrants.id })
      .from(roleGrants)
      .where(and(eq(roleGrants.tenantId, tenant.id), inArray(roleGrants.accountId, demoAccounts.map((a) => a.id))))
      .limit(1);
    if (grant) townships.push(tenant);
  }
  const removed = demoAccounts.filter((a) => withDemoPassword.has(a.phone));
  if (!options.dryRun) {
    // a county being moved is being copied out of its shard: purged now, the copy would hold part of a township that is gone
    const placements = await Promise.all(townships.map((township) => readPlacement(db, township.countyId)));
    if (placements.some((placement) => placement.frozen)) throw new AppError(503, 'error.maintenance', { seconds: MAINTENANCE_RETRY_SECONDS });
    // each township's rows in its county's shard first, then in the registry its grants, host names and row: a
    // failure in between leaves a township whose purge a second run finishes
    for (const [i, township] of townships.entries()) {
      const shard = databases.shard(placements[i].shard);
      await batch(shard, deleteTenantRows(shard, [township.id], 'shard', KEPT));
    }
    const ids = townships.map((t) => t.id);
    if (ids.length) await batch(db, [...deleteTenantRows(db, ids, 'registry', KEPT), db.delete(tenants).where(inArray(tenants.id, ids)) as unknown as BatchItem<'sqlite'>]);
    if (removed.length) await db.delete(accounts).where(inArray(accounts.id, removed.map((a) => a.id)));
  }
  return {
    townships: townships.map((t) => t.slug),
    accounts: removed.map((a) => a.phone).sort(),
    keptAccounts: demoAccounts.filter((a) => !withDemoPassword.has(a.phone)).map((a) => a.phone).sort(),
  };
}

/** One batch (atomic on both drivers). */
const batch = (db: Db, statements: BatchItem<'sqlite'>[]) => (statements.length ? db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]) : undefined);
