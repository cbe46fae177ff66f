import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { createAccount } from '../auth/accounts';
import { allow, TOWNSHIP_READERS } from '../auth/guard';
import { phoneSchema } from '../auth/routes';
import { accounts, members, roleGrants, tenants, villages } from '../db/schema';
import { AppError, badRequest, notFound } from '../platform/errors';
import { input } from '../platform/validate';
import { parseSettings, tenantSettingsSchema } from './settings';
import { forgetTenants } from './tenant';

const tenantAccountBody = z.discriminatedUnion('role', [
  z.object({ role: z.literal('township_admin'), phone: phoneSchema, name: z.string().trim().min(1).max(40), password: z.string().min(8).max(200) }),
  z.object({ role: z.literal('village_secretary'), phone: phoneSchema, name: z.string().trim().min(1).max(40), password: z.string().min(8).max(200), villageId: z.string().min(1) }),
  z.object({ role: z.literal('party_member'), phone: phoneSchema, name: z.string().trim().min(1).max(40), password: z.string().min(8).max(200), memberId: z.string().min(1) }),
]);

/** The township itself: its profile, settings and the accounts that work in it. */
export const tenantRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS, 'party_member'), (c) => {
    const tenant = c.var.tenant!;
    return c.json({ id: tenant.id, slug: tenant.slug, name: tenant.name, role: c.var.actor?.kind === 'user' ? c.var.actor.role : null });
  })
  .get('/settings', allow(...TOWNSHIP_READERS), (c) => c.json(parseSettings(c.var.tenant!.settings)))
  .put('/settings', allow('township_admin'), input('json', tenantSettingsSchema), async (c) => {
    const settings = c.req.valid('json');
    await c.var.db.update(tenants).set({ settings: JSON.stringify(settings) }).where(eq(tenants.id, c.var.tenant!.id));
    forgetTenants(c.var.memo);
    return c.json(settings);
  })
  .get('/accounts', allow('township_admin'), async (c) => {
    const rows = await c.var.db
      .select({ id: accounts.id, phone: accounts.phone, name: accounts.name, role: roleGrants.role, villageId: roleGrants.villageId, memberId: roleGrants.memberId })
      .from(roleGrants)
      .innerJoin(accounts, eq(accounts.id, roleGrants.accountId))
      .where(eq(roleGrants.tenantId, c.var.tenant!.id))
      .orderBy(roleGrants.role, accounts.name);
    return c.json(rows);
  })
  .post('/accounts', allow('township_admin'), input('json', tenantAccountBody), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    let villageId: string | undefined;
    let memberId: string | undefined;
    if (body.role === 'village_secretary') {
      if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
      villageId = body.villageId;
    }
    if (body.role === 'party_member') {
      const member = await scope.find(members, body.memberId);
      if (!member) throw notFound();
      memberId = member.id;
      villageId = member.villageId;
    }
    const accountId = await createAccount(
      c.var.db,
      body,
      [{ role: body.role, tenantId: scope.tenantId, villageId: villageId ?? null, memberId: memberId ?? null }],
      { attachIfExists: true },
    );
    return c.json({ accountId }, 201);
  })
  .delete('/accounts/:accountId', allow('township_admin'), input('param', z.object({ accountId: z.string().min(1) })), async (c) => {
    const { accountId } = c.req.valid('param');
    if (c.var.actor?.kind === 'user' && c.var.actor.accountId === accountId) throw badRequest('error.forbidden');
    const removed = await c.var.db
      .delete(roleGrants)
      .where(and(eq(roleGrants.accountId, accountId), eq(roleGrants.tenantId, c.var.tenant!.id)))
      .returning({ id: roleGrants.id });
    if (!removed.length) throw new AppError(404, 'error.not_found');
    return c.body(null, 204);
  });
