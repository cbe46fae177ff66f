import { count, eq, inArray, like, or } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { registryAudit } from '../audit/record';
import { MAIN_SHARD } from '../db/databases';
import { countyDatabase, MAINTENANCE_RETRY_SECONDS, placeNewCounty, readPlacement } from './placement';
import { grantTownshipRole, townshipAccountBody } from './township-accounts';
import { Hono } from '../platform/hono';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env';
import { platformActor } from '../auth/actor';
import { managedAccount, resetPassword } from '../auth/account-admin';
import { createAccount } from '../auth/accounts';
import { allow } from '../auth/guard';
import { assertPasswordPolicy } from '../auth/password-policy';
import { newPasswordField, phoneSchema } from '../auth/routes';
import { resetSecondFactor } from '../auth/two-factor';
import { accounts, cities, counties, roleGrants, tenantHostnames, tenants, totpFactors, villages } from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { AppError, conflict, notFound } from '../platform/errors';
import { newId } from '../platform/ids';
import { idField, idParam, input, paging } from '../platform/validate';
import { loadPlatformSettings, platformSettingsBody, savePlatformSettings } from './platform-settings';
import { tenantSettingsSchema } from './settings';
import { forgetTenants } from './tenant';

const setPlatformActor = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.var.session && platformActor(c.var.session);
  if (actor) c.set('actor', actor);
  await next();
});

const newAccountSchema = z.object({ phone: phoneSchema, name: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)), password: newPasswordField });
/** A township's own host name (resolved to it before its path), as the platform admin sets it or a tenant import brings it. */
export const hostnameSchema = z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/), z.maxLength(253));
const slugSchema = z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z][a-z0-9-]{1,39}$/));

const createTenantBody = z.object({
  slug: slugSchema,
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)),
  countyId: idField,
  settings: z.optional(tenantSettingsSchema),
  hostnames: z._default(z.array(hostnameSchema).check(z.maxLength(10)), []),
  admin: newAccountSchema,
});

const updateTenantBody = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
  hostnames: z.optional(z.array(hostnameSchema).check(z.maxLength(10))),
});

/** A township's rows, in its county's shard, for the platform admin (404 for no such township). */
async function townshipScope(c: Context<AppEnv>, tenantId: string): Promise<TenantScope> {
  const [tenant] = await c.var.registry.select({ id: tenants.id, countyId: tenants.countyId }).from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) throw notFound('error.tenant_not_found');
  return new TenantScope(await countyDatabase(c, tenant.countyId), tenant.id);
}

/** The platform admin's registry: cities → counties → townships (tenants), and county viewers. */
export const registryRoutes = new Hono<AppEnv>()
  .use('*', setPlatformActor)
  .get('/cities', allow('platform_admin'), async (c) => c.json(await c.var.registry.select().from(cities).orderBy(cities.name)))
  .post('/cities', allow('platform_admin'), input('json', z.object({ name: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)) })), async (c) => {
    const values = { ...c.req.valid('json'), id: newId() };
    const [[row]] = await c.var.registry.batch([
      c.var.registry.insert(cities).values(values).onConflictDoNothing().returning(),
      registryAudit(c, { action: 'city.create', entity: 'city', entityId: values.id, after: values, onlyIfChanged: true }),
    ]);
    if (!row) throw conflict('error.conflict');
    return c.json(row, 201);
  })
  .get('/counties', allow('platform_admin'), async (c) => c.json(await c.var.registry.select().from(counties).orderBy(counties.name)))
  .post(
    '/counties',
    allow('platform_admin'),
    input('json', z.object({ cityId: idField, name: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)) })),
    async (c) => {
      const body = c.req.valid('json');
      const [city] = await c.var.registry.select().from(cities).where(eq(cities.id, body.cityId));
      if (!city) throw notFound('tenancy.city_not_found');
      const values = { ...body, id: newId() };
      // a new county goes to the shard NEW_COUNTY_SHARD names (docs/scaling.md); one this deployment lacks is a 503
      const shard = c.var.config.newCountyShard;
      c.var.databases.shard(shard);
      const [[row]] = await c.var.registry.batch([
        c.var.registry.insert(counties).values(values).onConflictDoNothing().returning(),
        registryAudit(c, { action: 'county.create', entity: 'county', entityId: values.id, after: { ...values, shard }, onlyIfChanged: true }),
        ...(shard === MAIN_SHARD ? [] : [placeNewCounty(c.var.registry, values.id, shard)]),
      ]);
      if (!row) throw conflict('error.conflict');
      return c.json(row, 201);
    },
  )
  .post(
    '/counties/:id/viewers',
    allow('platform_admin'),
    input('param', idParam),
    input('json', newAccountSchema),
    async (c) => {
      const { id } = c.req.valid('param');
      const [county] = await c.var.registry.select().from(counties).where(eq(counties.id, id));
      if (!county) throw notFound('tenancy.county_not_found');
      const accountId = await createAccount(c.var.registry, c.req.valid('json'), [{ role: 'county_viewer', countyId: id }], {
        attachIfExists: true,
        locale: c.var.locale,
        audit: (accountId, action, onlyIfChanged) => [registryAudit(c, { action, onlyIfChanged, entity: 'account', entityId: accountId, summary: { role: 'county_viewer', countyId: id } })],
      });
      return c.json({ accountId }, 201);
    },
  )
  /** The county's organisation department (组织部) for the rating workflow: it re-checks the townships' proposals and sets the county's quotas. */
  .post('/counties/:id/organisers', allow('platform_admin'), input('param', idParam), input('json', newAccountSchema), async (c) => {
    const { id } = c.req.valid('param');
    const [county] = await c.var.registry.select().from(counties).where(eq(counties.id, id));
    if (!county) throw notFound('tenancy.county_not_found');
    const accountId = await createAccount(c.var.registry, c.req.valid('json'), [{ role: 'county_organiser', countyId: id }], {
      attachIfExists: true,
      locale: c.var.locale,
      audit: (accountId, action, onlyIfChanged) => [registryAudit(c, { action, onlyIfChanged, entity: 'account', entityId: accountId, summary: { role: 'county_organiser', countyId: id } })],
    });
    return c.json({ accountId }, 201);
  })
  /** The city's organisation department: it confirms the five-star proposals of the city's counties. */
  .post('/cities/:id/organisers', allow('platform_admin'), input('param', idParam), input('json', newAccountSchema), async (c) => {
    const { id } = c.req.valid('param');
    const [city] = await c.var.registry.select().from(cities).where(eq(cities.id, id));
    if (!city) throw notFound('tenancy.city_not_found');
    const accountId = await createAccount(c.var.registry, c.req.valid('json'), [{ role: 'city_organiser', cityId: id }], {
      attachIfExists: true,
      locale: c.var.locale,
      audit: (accountId, action, onlyIfChanged) => [registryAudit(c, { action, onlyIfChanged, entity: 'account', entityId: accountId, summary: { role: 'city_organiser', cityId: id } })],
    });
    return c.json({ accountId }, 201);
  })
  .get('/tenants', allow('platform_admin'), async (c) => {
    const rows = await c.var.registry
      .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, countyId: tenants.countyId, county: counties.name, status: tenants.status })
      .from(tenants)
      .innerJoin(counties, eq(counties.id, tenants.countyId))
      .orderBy(tenants.slug);
    return c.json(rows);
  })
  .post('/tenants', allow('platform_admin'), input('json', createTenantBody), async (c) => {
    const body = c.req.valid('json');
    const db = c.var.registry;
    // before anything is written: a refused password must not leave a township without its admin
    assertPasswordPolicy(body.admin.password, body.admin.phone, { locale: c.var.locale, path: 'admin.password' });
    const [county] = await db.select().from(counties).where(eq(counties.id, body.countyId));
    if (!county) throw notFound('tenancy.county_not_found');
    // not while its county moves to another shard: the move copies the townships it found when it froze
    if ((await readPlacement(db, county.id)).frozen) throw new AppError(503, 'error.maintenance', { seconds: MAINTENANCE_RETRY_SECONDS });
    const [taken] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, body.slug));
    if (taken) throw conflict('tenancy.slug_taken');
    const tenantId = newId();
    const settings = JSON.stringify(body.settings ?? tenantSettingsSchema.parse({}));
    const hostRows = body.hostnames.map((hostname) => ({ hostname, tenantId }));
    try {
      await db.batch([
        db.insert(tenants).values({ id: tenantId, slug: body.slug, name: body.name, countyId: body.countyId, settings }),
        ...(hostRows.length ? [db.insert(tenantHostnames).values(hostRows)] : []),
        registryAudit(c, { action: 'tenant.create', entity: 'tenant', entityId: tenantId, after: { slug: body.slug, name: body.name, countyId: body.countyId, hostnames: body.hostnames } }),
      ]);
    } catch (error) {
      throw new AppError(409, 'tenancy.hostname_taken', {}, undefined, { cause: error });
    }
    const adminAccountId = await createAccount(db, body.admin, [{ role: 'township_admin', tenantId }], {
      attachIfExists: true,
      audit: (accountId, action, onlyIfChanged) => [registryAudit(c, { action, onlyIfChanged, entity: 'account', entityId: accountId, summary: { role: 'township_admin', tenantId } })],
    });
    return c.json({ id: tenantId, slug: body.slug, name: body.name, adminAccountId }, 201);
  })
  .patch('/tenants/:id', allow('platform_admin'), input('param', idParam), input('json', updateTenantBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const db = c.var.registry;
    const [tenant] = await db.select().from(tenants).where(eq(tenants.id, id));
    if (!tenant) throw notFound('error.tenant_not_found');
    const writes: BatchItem<'sqlite'>[] = [];
    if (body.name) writes.push(db.update(tenants).set({ name: body.name }).where(eq(tenants.id, id)));
    if (body.hostnames) {
      writes.push(db.delete(tenantHostnames).where(eq(tenantHostnames.tenantId, id)));
      if (body.hostnames.length) writes.push(db.insert(tenantHostnames).values(body.hostnames.map((hostname) => ({ hostname, tenantId: id }))));
    }
    if (writes.length) {
      writes.push(registryAudit(c, { action: 'tenant.update', entity: 'tenant', entityId: id, before: { name: tenant.name }, after: body }));
      try {
        await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
      } catch (error) {
        throw new AppError(409, 'tenancy.hostname_taken', {}, undefined, { cause: error });
      }
      forgetTenants(c.var.memo);
    }
    return c.json({ id });
  })
  /**
   * A role in a township for any account, also one that works elsewhere (a secretary who is also a county viewer),
   * which a township admin may not attach to (township-accounts.ts).
   */
  .post('/tenants/:id/accounts', allow('platform_admin'), input('param', idParam), input('json', townshipAccountBody), async (c) => {
    const scope = await townshipScope(c, c.req.valid('param').id);
    return c.json({ accountId: await grantTownshipRole(c, scope, c.req.valid('json'), 'platform') }, 201);
  })
  /** A township's villages, to choose a secretary's village from. */
  .get('/tenants/:id/villages', allow('platform_admin'), input('param', idParam), async (c) => {
    const scope = await townshipScope(c, c.req.valid('param').id);
    return c.json(await scope.db.select({ id: villages.id, name: villages.name }).from(villages).where(scope.where(villages)).orderBy(villages.name));
  })
  .get('/settings', allow('platform_admin'), async (c) => c.json(await loadPlatformSettings(c.var.registry)))
  .put('/settings', allow('platform_admin'), input('json', platformSettingsBody), async (c) => {
    const settings = c.req.valid('json');
    const before = await loadPlatformSettings(c.var.registry);
    await savePlatformSettings(c.var.registry, settings, registryAudit(c, { action: 'platform_settings.update', entity: 'platform_settings', before, after: settings }));
    return c.json(settings);
  })
  /** Every account of the platform (search by name or phone), for resets of passwords and second factors. */
  .get('/accounts', allow('platform_admin'), input('query', z.object({ q: z.optional(z.string().check(z.trim(), z.maxLength(40))), ...paging })), async (c) => {
    const { q, limit, offset } = c.req.valid('query');
    const db = c.var.registry;
    const where = q ? or(like(accounts.name, `%${q.replace(/[%_]/g, '')}%`), like(accounts.phone, `%${q.replace(/[%_]/g, '')}%`)) : undefined;
    const [rows, [{ total }]] = await db.batch([
      db
        .select({ id: accounts.id, phone: accounts.phone, name: accounts.name, disabled: accounts.disabled, twoFactorSince: totpFactors.confirmedAt })
        .from(accounts)
        .leftJoin(totpFactors, eq(totpFactors.accountId, accounts.id))
        .where(where)
        .orderBy(accounts.phone)
        .limit(limit)
        .offset(offset),
      db.select({ total: count() }).from(accounts).where(where),
    ]);
    const grants = rows.length
      ? await db
          .select({ accountId: roleGrants.accountId, role: roleGrants.role, tenant: tenants.name })
          .from(roleGrants)
          .leftJoin(tenants, eq(tenants.id, roleGrants.tenantId))
          .where(inArray(roleGrants.accountId, rows.map((r) => r.id)))
      : [];
    const items = rows.map(({ twoFactorSince, ...row }) => ({
      ...row,
      twoFactor: !!twoFactorSince,
      roles: grants.filter((g) => g.accountId === row.id).map((g) => ({ role: g.role, tenant: g.tenant })),
    }));
    return c.json({ items, total });
  })
  .post('/accounts/:id/two-factor/reset', allow('platform_admin'), input('param', idParam), async (c) => {
    const account = await managedAccount(c.var.registry, c.req.valid('param').id, null);
    await resetSecondFactor(c.var.registry, account.id, registryAudit(c, { action: 'account.reset_second_factor', entity: 'account', entityId: account.id }));
    return c.body(null, 204);
  })
  .post('/accounts/:id/password', allow('platform_admin'), input('param', idParam), input('json', z.strictObject({ password: newPasswordField })), async (c) => {
    const account = await managedAccount(c.var.registry, c.req.valid('param').id, null);
    await resetPassword(c.var.registry, account, c.req.valid('json').password, registryAudit(c, { action: 'account.reset_password', entity: 'account', entityId: account.id }), c.var.locale);
    return c.body(null, 204);
  });
