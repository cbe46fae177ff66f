import { and, count, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { verifyChain } from '../../audit/verify';
import { allow } from '../../auth/guard';
import { seesPersonalDetails } from '../../auth/personal-data';
import { accounts, auditEvents, PLATFORM_CHAIN, tenants } from '../../db/schema';
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
      tenantSlug: tenants.slug,
      actorId: auditEvents.actorId,
      actorName: accounts.name,
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
    .leftJoin(accounts, eq(accounts.id, auditEvents.actorId))
    .leftJoin(tenants, eq(tenants.id, auditEvents.tenantId))
    .where(where)
    .orderBy(desc(auditEvents.at), desc(auditEvents.seq))
    .limit(limit)
    .offset(offset);
  // county viewers compare townships: who did what and when, not the changed values, addresses or request ids
  const full = seesPersonalDetails(c.var.actor) || c.var.actor?.kind === 'user' && c.var.actor.role === 'platform_admin';
  return rows.map(({ sealed, changes, requestId, clientIp, ...row }) => ({
    ...row,
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
  await c.var.db.batch([audit(c, { action: 'export.audit', entity: 'audit_events', tenantId, summary: { format: extension, rows: rows.length } })]);
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
  .get('/audit/events', allow('platform_admin'), input('query', z.extend(listQuery, platformQuery)), async (c) => {
    const { chain, ...q } = c.req.valid('query');
    return c.json(await listAnswer(c, conditions(chain, q), q.limit, q.offset));
  })
  .get('/audit/events.csv', allow('platform_admin'), input('query', z.extend(filterQuery, platformQuery)), (c) => {
    const { chain, ...q } = c.req.valid('query');
    return download(c, conditions(chain, q), 'csv', null);
  })
  .get('/audit/events.xlsx', allow('platform_admin'), input('query', z.extend(filterQuery, platformQuery)), (c) => {
    const { chain, ...q } = c.req.valid('query');
    return download(c, conditions(chain, q), 'xlsx', null);
  })
  .get('/audit/verify', allow('platform_admin'), input('query', z.object(platformQuery)), async (c) => {
    const { chain } = c.req.valid('query');
    // every chain anything knows of: one whose rows were all deleted is still a township's, or has archives or anchors
    const known = chain ? [] : await c.var.db.all<{ chain: string }>(sql`SELECT chain FROM audit_events UNION SELECT chain FROM audit_archives UNION SELECT id FROM tenants`);
    const anchored = chain || !c.var.auditStore ? [] : (await c.var.auditStore.list('anchors/')).map((key) => key.split('/')[1]);
    const chains = chain ? [chain] : [PLATFORM_CHAIN, ...new Set([...known.map((r) => r.chain), ...anchored].filter((ch) => ch !== PLATFORM_CHAIN).sort())];
    const reports = [];
    for (const ch of chains) reports.push(await verifyChain(c.var.db, c.var.auditStore, ch));
    return c.json({ ok: reports.every((r) => r.ok), chains: reports });
  });
