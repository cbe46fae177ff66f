import { eq, inArray, or } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { accounts, tenants } from '../db/schema';
import { AppError } from '../platform/errors';
import { input } from '../platform/validate';
import { publicRoute, signedIn } from './guard';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { endAllSessions, endSession, startSession } from './sessions';
import { assertNotThrottled, clearFailedLogins, loginKeys, noteFailure } from './throttle';

export const phoneSchema = z.string().trim().regex(/^1\d{10}$/);

const loginBody = z.object({ phone: phoneSchema, password: z.string().min(1).max(200) });

export const authRoutes = new Hono<AppEnv>()
  .post('/login', publicRoute(), input('json', loginBody), async (c) => {
    const { phone, password } = c.req.valid('json');
    const db = c.var.db;
    await assertNotThrottled(db, loginKeys(phone, c.var.clientIp));
    const [account] = await db.select().from(accounts).where(eq(accounts.phone, phone)).limit(1);
    const valid = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !valid) {
      await noteFailure(db, loginKeys(phone, c.var.clientIp));
      throw new AppError(401, 'auth.invalid_credentials');
    }
    if (account.disabled) throw new AppError(403, 'auth.account_disabled');
    await clearFailedLogins(db, phone);
    await startSession(c, account.id);
    return c.json({ id: account.id, name: account.name });
  })
  .post('/logout', publicRoute(), async (c) => {
    await endSession(c);
    return c.body(null, 204);
  })
  .post('/logout-all', signedIn(), async (c) => {
    await endAllSessions(c, c.var.session!.accountId);
    return c.body(null, 204);
  })
  .get('/me', signedIn(), async (c) => {
    const session = c.var.session!;
    const tenantIds = [...new Set(session.grants.map((g) => g.tenantId).filter((id): id is string => !!id))];
    const viewedCounties = [...new Set(session.grants.filter((g) => g.role === 'county_viewer').map((g) => g.countyId!))];
    const conditions = [
      ...(tenantIds.length ? [inArray(tenants.id, tenantIds)] : []),
      ...(viewedCounties.length ? [inArray(tenants.countyId, viewedCounties)] : []),
    ];
    const known = conditions.length
      ? await c.var.db
          .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, countyId: tenants.countyId })
          .from(tenants)
          .where(or(...conditions))
          .orderBy(tenants.slug)
      : [];
    const byId = new Map(known.map(({ countyId: _, ...t }) => [t.id, t]));
    return c.json({
      id: session.accountId,
      name: session.name,
      phone: session.phone,
      locale: session.locale,
      roles: session.grants.map((g) => ({
        role: g.role,
        countyId: g.countyId,
        villageId: g.villageId,
        memberId: g.memberId,
        tenant: g.tenantId ? (byId.get(g.tenantId) ?? null) : null,
      })),
      /** townships a county viewer may read: every township of their counties */
      countyTownships: known.filter((t) => viewedCounties.includes(t.countyId)).map(({ countyId: _, ...t }) => t),
    });
  });
