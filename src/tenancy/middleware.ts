import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { actorInTenant } from '../auth/actor';
import { TenantScope } from '../db/tenant-scope';
import { AppError } from '../platform/errors';
import { countyDatabase } from './placement';
import { cachedTenant } from './tenant';

/**
 * The one place a request's tenant is resolved: the /t/:tenant/ path prefix, else the Host, from the registry.
 * It also picks the shard of the tenant's county (docs/scaling.md), settles the actor's role inside that
 * tenant and hands handlers a tenant-scoped data helper over that shard.
 */
export const resolveTenant = createMiddleware<AppEnv>(async (c, next) => {
  const slug = c.req.param('tenant');
  // a few seconds' cache: see TENANT_TTL_MS for how a change of settings reaches every instance
  const tenant = await cachedTenant(c.var.memo, c.var.registry, slug ? { slug } : { host: new URL(c.req.url).hostname, baseDomain: c.var.config.baseDomain });
  if (!tenant) throw new AppError(404, 'error.tenant_not_found');
  c.set('tenant', tenant);
  const db = await countyDatabase(c, tenant.countyId);
  c.set('db', db);
  c.set('scope', new TenantScope(db, tenant.id));
  const actor = c.var.session && actorInTenant(c.var.session, tenant);
  if (actor) c.set('actor', actor);
  await next();
});
