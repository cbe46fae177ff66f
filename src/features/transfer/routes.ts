import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../app-env';
import { platformActor } from '../../auth/actor';
import { auditInto, registryAudit } from '../../audit/record';
import type { Db } from '../../db/client';
import { countyDatabase, refuseWhileMoving } from '../../tenancy/placement';
import { allow } from '../../auth/guard';
import { AppError, notFound } from '../../platform/errors';
import { idParam, input } from '../../platform/validate';
import { forgetTenants } from '../../tenancy/tenant';
import { assertExportFits, exportFileName, exportTenant } from './export';
import { secretFingerprint } from './format';
import { importTenant } from './import';

/**
 * Header that carries the passphrase of an encrypted export or import (never the URL: URLs end up in logs),
 * percent-encoded (encodeURIComponent), since a header holds only Latin-1 and a passphrase may be Chinese.
 */
export const PASSPHRASE_HEADER = 'x-passphrase';
export const MIN_PASSPHRASE = 10;

function passphraseOf(c: Context<AppEnv>): string | undefined {
  const header = c.req.header(PASSPHRASE_HEADER);
  if (header === undefined || header === '') return undefined;
  let passphrase: string;
  try {
    passphrase = decodeURIComponent(header);
  } catch {
    throw new AppError(400, 'transfer.passphrase_too_short', { min: MIN_PASSPHRASE });
  }
  if ([...passphrase].length < MIN_PASSPHRASE) throw new AppError(400, 'transfer.passphrase_too_short', { min: MIN_PASSPHRASE });
  return passphrase;
}

/** The township's whole file, personal data included: recorded in its own chain before a byte leaves, so the file carries its own export. */
async function download(c: Context<AppEnv>, tenant: { id: string; slug: string; name: string; countyId: string }, shard: Db) {
  const passphrase = passphraseOf(c);
  const now = new Date();
  await refuseWhileMoving(c, tenant.countyId);
  await assertExportFits(shard, tenant.id);
  await shard.batch([auditInto(c, shard, { action: 'export.tenant', entity: 'tenant', entityId: tenant.id, tenantId: tenant.id, summary: { encrypted: !!passphrase } })]);
  const body = exportTenant({ registry: c.var.registry, shard }, tenant, { fingerprint: await secretFingerprint(c.var.config.secrets), passphrase, now, photoStore: c.var.photoStore });
  return c.body(body, 200, {
    'content-type': passphrase ? 'application/octet-stream' : 'application/zip',
    'content-disposition': `attachment; filename="${exportFileName(tenant.slug, now, !!passphrase)}"`,
    'cache-control': 'no-store',
  });
}

const setPlatformActor = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.var.session && platformActor(c.var.session);
  if (actor) c.set('actor', actor);
  await next();
});

/** The platform admin's export of any township and import of a township's file (docs/tenant-export.md). */
export const transferPlatformRoutes = new Hono<AppEnv>()
  .use('/tenants/*', setPlatformActor)
  .get('/tenants/:id/export', allow('platform_admin'), input('param', idParam), async (c) => {
    const [tenant] = await c.var.registry.all<{ id: string; slug: string; name: string; countyId: string }>(
      sql`SELECT id, slug, name, county_id AS countyId FROM tenants WHERE id = ${c.req.valid('param').id} AND status = 'active'`,
    );
    if (!tenant) throw notFound('error.tenant_not_found');
    return download(c, tenant, await countyDatabase(c, tenant.countyId));
  })
  .post('/tenants/import', allow('platform_admin'), async (c) => {
    const passphrase = passphraseOf(c);
    const body = c.req.raw.body;
    if (!body) throw new AppError(422, 'transfer.not_an_export');
    let report;
    try {
      report = await importTenant(c.var.databases, body, {
        passphrase,
        secrets: c.var.config.secrets,
        recordIn: (db, entry) => auditInto(c, db, entry),
        newCountyShard: c.var.config.newCountyShard,
        photoStore: c.var.photoStore,
      });
    } catch (error) {
      // a refused file is an attempt worth its row too (the platform's chain: the township does not exist here)
      if (error instanceof AppError) await c.var.registry.batch([registryAudit(c, { action: 'tenant.import', entity: 'tenant', outcome: 'refused', tenantId: null, summary: { code: error.code } })]);
      throw error;
    }
    forgetTenants(c.var.memo);
    return c.json(report, 201);
  });

/** A township admin's export of their own township (another township answers 404, as every tenant route does). */
export const transferTenantRoutes = new Hono<AppEnv>().get('/export', allow('township_admin'), async (c) => download(c, c.var.tenant!, c.var.db));
