import { and, count, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audit, registryAudit } from '../../audit/record';
import { verifyChain } from '../../audit/verify';
import { allow } from '../../auth/guard';
import { seesPersonalDetails } from '../../auth/personal-data';
import { accountNames } from '../../auth/accounts';
import { auditEvents, PLATFORM_CHAIN } from '../../db/schema';
import { chainDatabase, refuseWhileMoving } from '../../tenancy/placement';
import { tenantSlugs } from '../../tenancy/tenant';
import { addDays, shanghaiDate, shanghaiInstant, shanghaiSecond } from '../../domain/calendar';
import { translate } from '../../platform/i18n';
import { idField, input, isoDate, paging } from '../../platform/validate';
import { contentDisposition } from '../../platform/download';
import { toCsv } from '../../platform/tables/csv';
import { writeXlsx } from '../../platform/tables/xlsx';

/** The 审计日志 filter: Shanghai calendar days, an actor's account, an action or its prefix (session.), an entity. */
const filterQuery = z.object({
  from: z.optional(isoDate),
  to: z.optional(isoDate),
  actorId: z.optional(idField),
  action: z.optional(z.string().check(z.trim(), z.maxLength(60))),
  entity: z.optional(z.string().check(z.trim(), z.maxLength(40))),
  entityId: z.optional(idField),
});
const listQuery = z.extend(filterQuery, { ...paging, limit: z._default(paging.limit, 50) });
const platformQuery = { chain: z.optional(z.string().check(z.trim(), z.maxLength(40))) };


function conditions(chain: string | undefined, q: z.output<typeof filterQuery>): SQL | undefined {
  return and(
    chain ? eq(auditEvents.chain, chain) : undefined,
    q.from ? gte(auditEvents.at, shanghaiInstant(q.from, '00:00')) : undefined,
    q.to ? lt(auditEvents.at, shanghaiInstant(addDays(q.to, 1), '00:00')) : undefined,
    q.actorId ? eq(auditEvents.actorId, q.actorId) : undefined,
    q.action ? (q.action.endsWith('.') ? like(auditEvents.action, `${q.action.replace(/[%_]/g, '')}%`) : eq(auditEvents.action, q.action)) : undefined,
    q.entity ? eq(auditEvents.entity, q.entity) : undefined,
    q.entityId ? eq(auditEvents.entityId, q.entityId) : undefined,
  );
}

const EXPORT_LIMIT = 20_000;

async function eventRows(c: Context<AppEnv>, where: SQL | undefined, limit: number, offset: number) {
  const rows = await c.var.db
    .select({
      id: auditEvents.id,
      chain: auditEvents.chain,
      seq: auditEvents.seq,
      at: auditEvents.at,
      tenantId: auditEvents.tenantId,
      actorId: auditEvents.actorId,
      actorRole: auditEvents.actorRole,
      action: auditEvents.action,
      entity: auditEvents.entity,
      entityId: auditEvents.entityId,
      outcome: auditEvents.outcome,
      requestId: auditEvents.requestId,
      clientIp: auditEvents.clientIp,
      changes: auditEvents.changes,
      sealed: auditEvents.hash,
    })
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.at), desc(auditEvents.seq))
    .limit(limit)
    .offset(offset);
  // county viewers compare townships: who did what and when, not the changed values, addresses or request ids
  const full = seesPersonalDetails(c.var.actor) || c.var.actor?.kind === 'user' && c.var.actor.role === 'platform_admin';
  // names and slugs from the registry: the rows may be in a shard, which holds neither (docs/scaling.md)
  const [names, slugs] = await Promise.all([accountNames(c.var.registry, rows.map((r) => r.actorId)), tenantSlugs(c.var.registry, rows.map((r) => r.tenantId))]);
  return rows.map(({ sealed, changes, requestId, clientIp, tenantId, ...row }) => ({
    ...row,
    tenantSlug: tenantId ? (slugs.get(tenantId) ?? null) : null,
    actorName: names.get(row.actorId) ?? null,
    sealed: sealed !== null,
    ...(full ? { changes: changes ? (JSON.parse(changes) as Record<string, [unknown, unknown]>) : null, requestId, clientIp } : {}),
  }));
}

async function listAnswer(c: Context<AppEnv>, where: SQL | undefined, limit: number, offset: number) {
  const [{ total }] = await c.var.db.select({ total: count() }).from(auditEvents).where(where);
  return { items: await eventRows(c, where, limit, offset), total, limit, offset };
}

type EventRow = Awaited<ReturnType<typeof eventRows>>[number];
const HEADERS = ['time', 'township', 'actor', 'role', 'action', 'entity', 'entityId', 'outcome', 'changes', 'requestId', 'clientIp'] as const;

function table(c: Context<AppEnv>, rows: EventRow[]) {
  const head = HEADERS.map((h) => translate(c.var.locale, `audit.column.${h}`));
  return [
    head,
    ...rows.map((r) => [
      shanghaiSecond(r.at),
      r.tenantSlug ?? '',
      r.actorName ?? r.actorId,
      r.actorRole ?? '',
      r.action,
      r.entity,
      r.entityId ?? '',
      r.outcome,
      'changes' in r && r.changes ? JSON.stringify(r.changes) : '',
      'requestId' in r ? (r.requestId ?? '') : '',
      'clientIp' in r ? (r.clientIp ?? '') : '',
    ]),
  ];
}

/** The CSV or XLSX of the filtered rows; the download is itself recorded (it may carry people's names). */
async function download(c: Context<AppEnv>, where: SQL | undefined, extension: 'csv' | 'xlsx', tenantId: string | null) {
  const rows = await eventRows(c, where, EXPORT_LIMIT, 0);
  // recorded where its chain is: the township's (its shard), or the platform's (the registry)
  const entry = { action: 'export.audit', entity: 'audit_events', tenantId, summary: { format: extension, rows: rows.length } };
  if (tenantId) {
    await refuseWhileMoving(c, c.var.tenant!.countyId);
    await c.var.db.batch([audit(c, entry)]);
  }
  else await c.var.registry.batch([registryAudit(c, entry)]);
  const day = shanghaiDate();
  c.header('Content-Disposition', contentDisposition(`${translate(c.var.locale, 'audit.export.title')}-${day}.${extension}`, `audit-${day}.${extension}`));
  c.header('Cache-Control', 'no-store');
  if (extension === 'csv') return c.body(toCsv(table(c, rows)), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  const bytes = writeXlsx(translate(c.var.locale, 'audit.export.title'), table(c, rows), [20, 12, 14, 16, 22, 16, 22, 8, 60, 24, 16]);
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** 审计日志 of one township: its admins, and its county's viewers (without the changed values). */
export const auditRoutes = new Hono<AppEnv>()
  .get('/events', allow('township_admin', 'county_viewer'), input('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    return c.json(await listAnswer(c, conditions(c.var.tenant!.id, q), q.limit, q.offset));
  })
  .get('/events.csv', allow('township_admin', 'county_viewer'), input('query', filterQuery), (c) =>
    download(c, conditions(c.var.tenant!.id, c.req.valid('query')), 'csv', c.var.tenant!.id),
  )
  .get('/events.xlsx', allow('township_admin', 'county_viewer'), input('query', filterQuery), (c) =>
    download(c, conditions(c.var.tenant!.id, c.req.valid('query')), 'xlsx', c.var.tenant!.id),
  )
  .get('/verify', allow('township_admin', 'county_viewer'), async (c) => c.json(await verifyChain(c.var.db, c.var.auditStore, c.var.tenant!.id)));

/** The platform admin's view: every chain, or one (a township's id, or "platform"). */
export const platformAuditRoutes = new Hono<AppEnv>()
  // the registry's rows, or one chain's from the database that holds it (a township's shard)
  .get('/audit/events', allow('platform_admin'), input('query', z.extend(listQuery, platformQuery)), async (c) => {
    const { chain, ...q } = c.req.valid('query');
    if (chain) c.set('db', await chainDatabase(c, chain));
    return c.json(await listAnswer(c, conditions(chain, q), q.limit, q.offset));
  })
  .get('/audit/events.csv', allow('platform_admin'), input('query', z.extend(filterQuery, platformQuery)), async (c) => {
    const { chain, ...q } = c.req.valid('query');
    if (chain) c.set('db', await chainDatabase(c, chain));
    return download(c, conditions(chain, q), 'csv', null);
  })
  .get('/audit/events.xlsx', allow('platform_admin'), input('query', z.extend(filterQuery, platformQuery)), async (c) => {
    const { chain, ...q } = c.req.valid('query');
    if (chain) c.set('db', await chainDatabase(c, chain));
    return download(c, conditions(chain, q), 'xlsx', null);
  })
  .get('/audit/verify', allow('platform_admin'), input('query', z.object(platformQuery)), async (c) => {
    const { chain } = c.req.valid('query');
    const chains: string[] = [];
    if (chain) chains.push(chain);
    else {
      // every chain anything knows of, in any database: one whose rows were all deleted is still a township's, or has archives or anchors
      const { databases } = c.var;
      const known = await Promise.all(
        databases.shardNames.map((name) => databases.shard(name).all<{ chain: string }>(sql`SELECT chain FROM audit_events UNION SELECT chain FROM audit_archives`)),
      );
      const townships = await c.var.registry.all<{ chain: string }>(sql`SELECT id AS chain FROM tenants`);
      const anchored = c.var.auditStore ? (await c.var.auditStore.list('anchors/')).map((key) => key.split('/')[1]) : [];
      chains.push(PLATFORM_CHAIN, ...new Set([...known.flat(), ...townships].map((r) => r.chain).concat(anchored).filter((ch) => ch !== PLATFORM_CHAIN).sort()));
    }
    const reports = [];
    for (const ch of chains) reports.push(await verifyChain(await chainDatabase(c, ch), c.var.auditStore, ch));
    return c.json({ ok: reports.every((r) => r.ok), chains: reports });
  });
