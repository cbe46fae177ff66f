import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Db } from '../db/client';
import { MAIN_SHARD } from '../db/databases';
import { auditEvents, countyPlacements, PLATFORM_CHAIN, roleGrants, tenants } from '../db/schema';
import { newId } from '../platform/ids';
import { diffOf, isMasked, MASK, type Changes } from './changes';

/** What a write records: the action, the entity it touched, and before → after of the changed fields. */
export interface AuditEntry {
  /** `<entity>.<verb>`, e.g. member.update, session.close, export.members */
  action: string;
  entity: string;
  entityId?: string | null;
  /** the row as it was (omit for a create) */
  before?: object | null;
  /** the row (or the patch) as it is now (omit for a delete) */
  after?: object | null;
  /** what a bulk write amounts to (rows imported, codes issued), recorded as after-values */
  summary?: Record<string, unknown>;
  outcome?: 'ok' | 'refused';
  /** another township's or the platform's chain; by default the request's township, else the platform's */
  tenantId?: string | null;
  /** right after a guarded UPDATE in the batch: recorded only if that statement changed a row */
  onlyIfChanged?: boolean;
}

type NewRow = Omit<typeof auditEvents.$inferInsert, 'id' | 'seq' | 'at' | 'prevHash' | 'hash'>;

/**
 * The INSERT of one unsealed audit row, to be put into the same `db.batch([...])` as the change it records.
 * Its seq is taken inside that write, the next of its chain (the trigger refuses any other), so concurrent
 * writes line up under SQLite's single writer; one statement per row, as two rows of one statement would
 * read the same head.
 */
export function auditInsert(db: Db, row: NewRow, options: { onlyIfChanged?: boolean } = {}) {
  const chain = row.chain;
  const full: Record<string, unknown> = {
    ...row,
    id: newId(),
    at: new Date().toISOString(),
    seq: sql`(max(coalesce((select max(e.seq) from audit_events e where e.chain = ${chain}), 0), coalesce((select max(a.last_seq) from audit_archives a where a.chain = ${chain}), 0)) + 1)`,
    prevHash: null,
    hash: null,
  };
  if (!options.onlyIfChanged) return db.insert(auditEvents).values(full as typeof auditEvents.$inferInsert);
  // after a guarded UPDATE of the same batch (a status or version check): a row only if it changed one
  const columns = Object.keys(getTableColumns(auditEvents)).map((key) => sql`${full[key] ?? null}`);
  return db.insert(auditEvents).select(sql`select ${sql.join(columns, sql`, `)} where changes() > 0`);
}

function changesOf(entry: AuditEntry): string | null {
  const changes: Changes = entry.before || entry.after ? diffOf(entry.before, entry.after, entry.entity) : {};
  for (const [key, value] of Object.entries(entry.summary ?? {})) changes[key] = [null, isMasked(key, entry.entity) ? MASK : value];
  return Object.keys(changes).length ? JSON.stringify(changes) : null;
}

/** Remembers the chains this request appended to, in which database, for the seal at its end (audit/seal.ts). */
function touched(c: Context<AppEnv>, db: Db, chain: string) {
  const touchedChains = c.get('auditChains') ?? new Map<Db, Set<string>>();
  const chains = touchedChains.get(db) ?? new Set<string>();
  chains.add(chain);
  touchedChains.set(db, chains);
  c.set('auditChains', touchedChains);
}

/**
 * The audit row of a write made in this request, by its actor, for the write's batch: in the request's
 * database (its township's shard, else the registry), where the write goes.
 */
export function audit(c: Context<AppEnv>, entry: AuditEntry) {
  return auditInto(c, c.var.db, entry);
}

/**
 * The audit row of a write to the registry (accounts, roles, township settings) made in a township's request,
 * for the registry's batch. A township on shard `main` keeps it in its own chain, as every township did
 * before shards; one placed on another shard has its chain there, so the row goes to the registry's chain
 * (the platform's) naming the township: one chain never spans two databases (docs/scaling.md).
 */
export function registryAudit(c: Context<AppEnv>, entry: AuditEntry) {
  const tenantId = entry.tenantId !== undefined ? entry.tenantId : (c.var.tenant?.id ?? null);
  if (tenantId === null || c.var.db === c.var.registry) return auditInto(c, c.var.registry, entry);
  return auditInto(c, c.var.registry, { ...entry, tenantId: null, summary: { ...entry.summary, township: tenantId } });
}

/** The audit row of a write of this request into a given database (a township's data moving between databases). */
export function auditInto(c: Context<AppEnv>, db: Db, entry: AuditEntry) {
  const tenantId = entry.tenantId !== undefined ? entry.tenantId : (c.var.tenant?.id ?? null);
  const chain = tenantId ?? PLATFORM_CHAIN;
  const actor = c.var.actor;
  touched(c, db, chain);
  return auditInsert(db, {
    chain,
    tenantId,
    actorId: actor?.kind === 'system' ? 'system' : (actor?.accountId ?? c.var.session?.accountId ?? 'anonymous'),
    actorRole: actor?.kind === 'user' ? actor.role : null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    outcome: entry.outcome ?? 'ok',
    requestId: c.var.requestId ?? null,
    clientIp: c.var.clientIp ?? null,
    changes: changesOf(entry),
  }, { onlyIfChanged: entry.onlyIfChanged });
}

/**
 * An account's own event (login, failed login, logout, second factor, password), for a batch in the registry:
 * recorded in the chain of each township the account holds a role in whose rows are in the registry's database
 * (shard `main`), and in the platform's for platform accounts, county viewers, townships on other shards,
 * townships whose county is moving and townships being imported.
 */
export async function auditAccountEvent(
  c: Context<AppEnv>,
  event: { accountId: string | null; action: string; outcome?: 'ok' | 'refused'; summary?: Record<string, unknown> },
) {
  const registry = c.var.registry;
  const grants = event.accountId
    ? await registry
        .select({ tenantId: roleGrants.tenantId, status: tenants.status, shard: countyPlacements.shard, frozenAt: countyPlacements.frozenAt })
        .from(roleGrants)
        .leftJoin(tenants, eq(tenants.id, roleGrants.tenantId))
        .leftJoin(countyPlacements, eq(countyPlacements.countyId, tenants.countyId))
        .where(eq(roleGrants.accountId, event.accountId))
    : [];
  // a township whose county is frozen for a move is being copied out of this database, and one being imported does
  // not exist yet (its rows are the file's, counted before it switches on): their chains take no row now
  const here = new Set(grants.filter((g) => g.tenantId && g.status === 'active' && (g.shard ?? MAIN_SHARD) === MAIN_SHARD && !g.frozenAt).map((g) => g.tenantId!));
  const elsewhere = grants.some((g) => g.tenantId && !here.has(g.tenantId));
  const chains: (string | null)[] = [...here, ...(here.size && !elsewhere ? [] : [null])];
  const rows = chains.map((tenantId) => {
    touched(c, registry, tenantId ?? PLATFORM_CHAIN);
    return auditInsert(registry, {
      chain: tenantId ?? PLATFORM_CHAIN,
      tenantId,
      // a refused attempt proves nobody: the account is what was tried, not who tried
      actorId: event.outcome === 'refused' ? 'anonymous' : (event.accountId ?? 'anonymous'),
      actorRole: null,
      action: event.action,
      entity: 'account',
      entityId: event.accountId,
      outcome: event.outcome ?? 'ok',
      requestId: c.var.requestId ?? null,
      clientIp: c.var.clientIp ?? null,
      changes: event.summary ? changesOf({ action: event.action, entity: 'account', summary: event.summary }) : null,
    });
  });
  return rows;
}

/** Runs an account event's rows on their own (auth events that change nothing else in the database). */
export async function recordAccountEvent(c: Context<AppEnv>, event: Parameters<typeof auditAccountEvent>[1]): Promise<void> {
  const rows = await auditAccountEvent(c, event);
  await c.var.registry.batch(rows as [(typeof rows)[0], ...typeof rows]);
}

/** One change and its audit row as one atomic batch, in the request's database; answers the change's own result (e.g. its RETURNING rows). */
export async function audited<Q extends BatchItem<'sqlite'>>(c: Context<AppEnv>, change: Q, entry: AuditEntry): Promise<Awaited<Q>> {
  const [result] = await c.var.db.batch([change, audit(c, entry)]);
  return result as Awaited<Q>;
}

/** How a feature verb records its change: it builds the entry, the route supplies who and where (`recorder(c)`). */
export type Recorder = (entry: AuditEntry) => BatchItem<'sqlite'>;
export const recorder =
  (c: Context<AppEnv>): Recorder =>
  (entry) =>
    audit(c, entry);

/** The recorder of writes made by the system (the demo seed, jobs): actor 'system', no request. */
export const systemRecorder =
  (db: Db, tenantId: string | null): Recorder =>
  (entry) =>
    auditInsert(
      db,
      {
        chain: tenantId ?? PLATFORM_CHAIN,
        tenantId,
        actorId: 'system',
        actorRole: null,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId ?? null,
        outcome: entry.outcome ?? 'ok',
        requestId: null,
        clientIp: null,
        changes: changesOf(entry),
      },
      { onlyIfChanged: entry.onlyIfChanged },
    );
