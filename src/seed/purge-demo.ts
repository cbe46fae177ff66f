import { and, eq, getTableColumns, inArray, is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { verifyPassword } from '../auth/passwords';
import type { Db } from '../db/client';
import * as schema from '../db/schema';
import { accounts, roleGrants, tenants } from '../db/schema';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo';

/**
 * Every table with a tenant_id, children before the tables they reference. Deleting a tenant's rows in this
 * order (each by its tenant_id index) leaves its foreign keys nothing to cascade: a cascade from the tenant
 * alone looks up the child rows of every deleted parent row, and where the child column has no index of its
 * own (ballot answers by ballot, …) that is a scan per row, minutes for the demo.
 */
function tenantTablesChildrenFirst(): { table: SQLiteTable; tenantId: SQLiteColumn }[] {
  const owned = new Map<SQLiteTable, SQLiteColumn>();
  for (const table of Object.values(schema)) {
    // the audit trail is append-only (docs/audit.md): the demo's events stay until their months are archived and pruned
    if (!is(table, SQLiteTable) || table === schema.auditEvents) continue;
    const column = (getTableColumns(table) as unknown as Record<string, SQLiteColumn | undefined>).tenantId;
    if (column) owned.set(table, column);
  }
  const order: SQLiteTable[] = [];
  const state = new Map<SQLiteTable, 'visiting' | 'done'>();
  // a table comes after every table that references it
  const referrers = (parent: SQLiteTable) =>
    [...owned.keys()].filter((t) => t !== parent && getTableConfig(t).foreignKeys.some((fk) => fk.reference().foreignTable === parent));
  const visit = (table: SQLiteTable) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting') throw new Error(`foreign keys form a cycle through ${getTableConfig(table).name}`);
    state.set(table, 'visiting');
    referrers(table).forEach(visit);
    state.set(table, 'done');
    order.push(table);
  };
  [...owned.keys()].forEach(visit);
  return order.map((table) => ({ table, tenantId: owned.get(table)! }));
}

const DEMO_PHONES = DEMO_LOGINS.map((login) => login.phone);
/** The demo's townships as seedDemoIfEmpty writes them. */
const DEMO_TOWNSHIPS = [
  { slug: 'pandian', name: '潘店镇' },
  { slug: 'liuqiao', name: '刘桥镇' },
];

/** The demo accounts (by their phones) that still open with the demo password: the production entry refuses to start while any does. */
export async function demoAccountsWithDemoPassword(db: Db): Promise<string[]> {
  const rows = await db.select({ phone: accounts.phone, hash: accounts.passwordHash }).from(accounts).where(inArray(accounts.phone, DEMO_PHONES));
  const open: string[] = [];
  for (const row of rows) if (await verifyPassword(DEMO_PASSWORD, row.hash)) open.push(row.phone);
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
 * row they own (their foreign keys cascade), and the demo accounts that still have the demo password. The
 * city and county stay (a real install may share them). Idempotent.
 */
export async function purgeDemo(db: Db, options: { dryRun?: boolean } = {}): Promise<DemoPurge> {
  const demoAccounts = await db.select({ id: accounts.id, phone: accounts.phone }).from(accounts).where(inArray(accounts.phone, DEMO_PHONES));
  const withDemoPassword = new Set(await demoAccountsWithDemoPassword(db));
  const townships: { id: string; slug: string }[] = [];
  for (const township of DEMO_TOWNSHIPS) {
    const [tenant] = await db
      .select({ id: tenants.id, slug: tenants.slug })
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
    const ids = townships.map((t) => t.id);
    if (ids.length) {
      // one batch (atomic on both drivers): the townships' rows children first, then the townships (their grants and host names cascade)
      const [first, ...rest] = [
        ...tenantTablesChildrenFirst().map(({ table, tenantId }) => db.delete(table).where(inArray(tenantId, ids))),
        db.delete(tenants).where(inArray(tenants.id, ids)),
      ];
      await db.batch([first, ...rest]);
    }
    if (removed.length) await db.delete(accounts).where(inArray(accounts.id, removed.map((a) => a.id)));
  }
  return {
    townships: townships.map((t) => t.slug),
    accounts: removed.map((a) => a.phone).sort(),
    keptAccounts: demoAccounts.filter((a) => !withDemoPassword.has(a.phone)).map((a) => a.phone).sort(),
  };
}
