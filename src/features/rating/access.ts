import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../app-env';
import type { Role } from '../../db/schema';
import { counties } from '../../db/schema';

/** Who may read a township's rating: its admins and secretaries (their own branch), the county's viewers and organisers, the city's. */
export const RATING_READERS: Role[] = ['township_admin', 'village_secretary', 'county_viewer', 'county_organiser', 'city_organiser'];

/**
 * The county's and city's organisation departments act in a township only here, in its rating: a county
 * organiser of the township's county, a city organiser of its county's city. Elsewhere they hold no role in
 * the township (its routes answer 404, as for any stranger).
 */
export const resolveOrganiser = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.var.session;
  const tenant = c.var.tenant;
  if (session && tenant && !c.var.actor) {
    const base = { kind: 'user' as const, accountId: session.accountId, name: session.name, countyId: tenant.countyId };
    if (session.grants.some((g) => g.role === 'county_organiser' && g.countyId === tenant.countyId)) c.set('actor', { ...base, role: 'county_organiser' });
    else if (session.grants.some((g) => g.role === 'city_organiser')) {
      const [county] = await c.var.registry.select({ cityId: counties.cityId }).from(counties).where(eq(counties.id, tenant.countyId));
      if (county && session.grants.some((g) => g.role === 'city_organiser' && g.cityId === county.cityId)) c.set('actor', { ...base, role: 'city_organiser' });
    }
  }
  await next();
});
