import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Role } from '../db/schema';
import { AppError, forbidden, unauthenticated } from '../platform/errors';
import { withMeta } from '../platform/validate';

/**
 * The role check of a route: anonymous → 401; signed in but with no role in the route's tenant → 404
 * (a tenant you do not belong to does not exist for you); a role not listed → 403.
 */
export function allow(...roles: Role[]) {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.session) throw unauthenticated();
    const actor = c.var.actor;
    if (!actor) {
      if (c.var.tenant) throw new AppError(404, 'error.tenant_not_found');
      throw forbidden();
    }
    if (actor.kind === 'user' && !roles.includes(actor.role)) throw forbidden();
    await next();
  });
  return withMeta(middleware, { roles });
}

/** Marks a route as open to everyone (documented as such; the security suite skips it). */
export function publicRoute() {
  return withMeta(
    createMiddleware<AppEnv>(async (_c, next) => next()),
    { public: true },
  );
}

/**
 * Roles that may read township data; county viewers read, never write, and see names and counts but no
 * personal details (phones, addresses, care tags, visit records): see auth/personal-data.ts.
 */
export const TOWNSHIP_READERS: Role[] = ['township_admin', 'village_secretary', 'county_viewer'];

/** Any signed-in account, whatever its roles (its own profile, logout everywhere). */
export function signedIn() {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.session) throw unauthenticated();
    await next();
  });
  return withMeta(middleware, { roles: ['*'] });
}
