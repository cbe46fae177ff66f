import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { tenantHostnames, tenants } from '../db/schema';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  countyId: string;
  settings: string;
}

const columns = { id: tenants.id, slug: tenants.slug, name: tenants.name, countyId: tenants.countyId, settings: tenants.settings };

export async function tenantBySlug(db: Db, slug: string): Promise<Tenant | undefined> {
  const [row] = await db.select(columns).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return row;
}

/** <slug>.<baseDomain>, or a custom host name registered for the tenant. */
export async function tenantByHost(db: Db, host: string, baseDomain: string | undefined): Promise<Tenant | undefined> {
  const hostname = host.toLowerCase().replace(/:\d+$/, '');
  if (baseDomain && hostname.endsWith(`.${baseDomain}`)) {
    const slug = hostname.slice(0, -baseDomain.length - 1);
    if (!slug.includes('.')) return tenantBySlug(db, slug);
  }
  const [row] = await db
    .select(columns)
    .from(tenantHostnames)
    .innerJoin(tenants, eq(tenants.id, tenantHostnames.tenantId))
    .where(eq(tenantHostnames.hostname, hostname))
    .limit(1);
  return row;
}
