import { and, eq } from 'drizzle-orm';
import { registryAudit } from '../audit/record';
import { Hono } from '../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env';
import { managedAccount, resetPassword } from '../auth/account-admin';
import { allow, TOWNSHIP_READERS } from '../auth/guard';
import { newPasswordField } from '../auth/routes';
import { resetSecondFactor } from '../auth/two-factor';
import { accounts, roleGrants, tenants, totpFactors } from '../db/schema';
import { AppError, badRequest, forbidden } from '../platform/errors';
import { input } from '../platform/validate';
import { parseSettings, tenantSettingsSchema } from './settings';
import { forgetTenants } from './tenant';
import { grantTownshipRole, townshipAccountBody } from './township-accounts';

/** The township itself: its profile, settings and the accounts that work in it. */
export const tenantRoutes = new Hono<AppEnv>()
  .get('/', allow(...TOWNSHIP_READERS, 'party_member'), (c) => {
    const tenant = c.var.tenant!;
    const actor = c.var.actor;
    // allow() let through only accounts with a role in this township (a job's system actor never asks)
    if (actor?.kind !== 'user' || actor.role === 'platform_admin') throw forbidden();
    return c.json({ id: tenant.id, slug: tenant.slug, name: tenant.name, role: actor.role });
  })
  .get('/settings', allow(...TOWNSHIP_READERS), (c) => c.json(parseSettings(c.var.tenant!.settings)))
  .put('/settings', allow('township_admin'), input('json', tenantSettingsSchema), async (c) => {
    const settings = c.req.valid('json');
    await c.var.registry.batch([
      c.var.registry.update(tenants).set({ settings: JSON.stringify(settings) }).where(eq(tenants.id, c.var.tenant!.id)),
      registryAudit(c, { action: 'settings.update', entity: 'tenant_settings', entityId: c.var.tenant!.id, before: parseSettings(c.var.tenant!.settings), after: settings }),
    ]);
    forgetTenants(c.var.memo);
    return c.json(settings);
  })
  .get('/accounts', allow('township_admin'), async (c) => {
    const rows = await c.var.registry
      .select({
        id: accounts.id,
        phone: accounts.phone,
        name: accounts.name,
        role: roleGrants.role,
        villageId: roleGrants.villageId,
        memberId: roleGrants.memberId,
        twoFactorSince: totpFactors.confirmedAt,
      })
      .from(roleGrants)
      .innerJoin(accounts, eq(accounts.id, roleGrants.accountId))
      .leftJoin(totpFactors, eq(totpFactors.accountId, accounts.id))
      .where(eq(roleGrants.tenantId, c.var.tenant!.id))
      .orderBy(roleGrants.role, accounts.name);
    return c.json(rows.map(({ twoFactorSince, ...row }) => ({ ...row, twoFactor: !!twoFactorSince })));
  })
  .post('/accounts', allow('township_admin'), input('json', townshipAccountBody), async (c) => {
    const accountId = await grantTownshipRole(c, c.var.scope!, c.req.valid('json'), 'township');
    return c.json({ accountId }, 201);
  })
  .delete('/accounts/:accountId', allow('township_admin'), input('param', z.object({ accountId: z.string().check(z.minLength(1)) })), async (c) => {
    const { accountId } = c.req.valid('param');
    if (c.var.actor?.kind === 'user' && c.var.actor.accountId === accountId) throw badRequest('error.forbidden');
    const [removed] = await c.var.registry.batch([
      c.var.registry
        .delete(roleGrants)
        .where(and(eq(roleGrants.accountId, accountId), eq(roleGrants.tenantId, c.var.tenant!.id)))
        .returning({ id: roleGrants.id, role: roleGrants.role }),
      registryAudit(c, { action: 'account.revoke', entity: 'account', entityId: accountId, onlyIfChanged: true }),
    ]);
    if (!removed.length) throw new AppError(404, 'error.not_found');
    return c.body(null, 204);
  })
  .post(
    '/accounts/:accountId/two-factor/reset',
    allow('township_admin'),
    input('param', z.object({ accountId: z.string().check(z.minLength(1), z.maxLength(40)) })),
    async (c) => {
      const account = await managedAccount(c.var.registry, c.req.valid('param').accountId, c.var.tenant!.id);
      await resetSecondFactor(c.var.registry, account.id, registryAudit(c, { action: 'account.reset_second_factor', entity: 'account', entityId: account.id }));
      return c.body(null, 204);
    },
  )
  .post(
    '/accounts/:accountId/password',
    allow('township_admin'),
    input('param', z.object({ accountId: z.string().check(z.minLength(1), z.maxLength(40)) })),
    input('json', z.strictObject({ password: newPasswordField })),
    async (c) => {
      const account = await managedAccount(c.var.registry, c.req.valid('param').accountId, c.var.tenant!.id);
      await resetPassword(c.var.registry, account, c.req.valid('json').password, registryAudit(c, { action: 'account.reset_password', entity: 'account', entityId: account.id }), c.var.locale);
      return c.body(null, 204);
    },
  );
