import { and, eq, inArray } from 'drizzle-orm';
import { paramChunks } from '../db/batch';
import type { Db } from '../db/client';
import type { Memo } from '../platform/memo';
import { parseSettings, type TenantSettings } from './settings';
import { tenantHostnames, tenants } from '../db/schema';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  countyId: string;
  settings: string;
}

const columns = { id: tenants.id, slug: tenants.slug, name: tenants.name, countyId: tenants.countyId, settings: tenants.settings };

/** Only an active tenant answers: one still being imported (status 'importing') does not exist for any request. */
const active = eq(tenants.status, 'active');

async function tenantBySlug(db: Db, slug: string): Promise<Tenant | undefined> {
  const [row] = await db.select(columns).from(tenants).where(and(eq(tenants.slug, slug), active)).limit(1);
  return row;
}

/** <slug>.<baseDomain>, or a custom host name registered for the tenant. */
async function tenantByHost(db: Db, host: string, baseDomain: string | undefined): Promise<Tenant | undefined> {
  const hostname = host.toLowerCase().replace(/:\d+$/, '');
  if (baseDomain && hostname.endsWith(`.${baseDomain}`)) {
    const slug = hostname.slice(0, -baseDomain.length - 1);
    if (!slug.includes('.')) return tenantBySlug(db, slug);
  }
  const [row] = await db
    .select(columns)
    .from(tenantHostnames)
    .innerJoin(tenants, eq(tenants.id, tenantHostnames.tenantId))
    .where(and(eq(tenantHostnames.hostname, hostname), active))
    .limit(1);
  return row;
}

/**
 * How long a tenant row (and so its settings) may be reused by an app instance. The instance that writes
 * a tenant's settings, name or host names forgets its copy at once (`forgetTenants`); other Worker
 * isolates and Node replicas see the change within this time.
 */
export const TENANT_TTL_MS = 5_000;

/** The tenant of a request, by its path slug or its host, from the app instance's cache when fresh. */
export function cachedTenant(memo: Memo, db: Db, by: { slug: string } | { host: string; baseDomain: string | undefined }): Promise<Tenant | undefined> {
  return 'slug' in by
    ? memo.get(`tenant:slug:${by.slug}`, TENANT_TTL_MS, () => tenantBySlug(db, by.slug))
    : memo.get(`tenant:host:${by.host}`, TENANT_TTL_MS, () => tenantByHost(db, by.host, by.baseDomain));
}

/** After a write to tenants or their host names: this instance reads them again on the next request. */
export const forgetTenants = (memo: Memo) => memo.forget('tenant:');

const parsed = new WeakMap<Tenant, TenantSettings>();

/** The tenant's settings, parsed once per cached tenant row (treat as read-only: the object is shared). */
export function settingsOf(tenant: Tenant): TenantSettings {
  let settings = parsed.get(tenant);
  if (!settings) {
    settings = parseSettings(tenant.settings);
    parsed.set(tenant, settings);
  }
  return settings;
}

/** The slugs of townships by id, from the registry (for rows of a shard, which has no `tenants`). */
export async function tenantSlugs(registry: Db, ids: Iterable<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id))];
  const slugs = new Map<string, string>();
  for (const ids of paramChunks(wanted))
    for (const row of await registry.select({ id: tenants.id, slug: tenants.slug }).from(tenants).where(inArray(tenants.id, ids))) slugs.set(row.id, row.slug);
  return slugs;
}
