import { and, eq, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { createHash } from 'node:crypto';
import { sealChain } from '../../audit/chain';
import { systemRecorder } from '../../audit/record';
import type { Db } from '../../db/client';
import type { Databases } from '../../db/databases';
import { auditArchives, counties, countyPlacements, evaluationSessions, PLATFORM_CHAIN, shardTownships, tenants } from '../../db/schema';
import { AppError } from '../../platform/errors';
import { readPlacement } from '../../tenancy/placement';
import { TENANT_TTL_MS } from '../../tenancy/tenant';
import { readPage } from './export';
import { entries, PAGE_ROWS, type Entry } from './format';
import { insertRowStatements } from './import';
import { deleteTenantRows } from '../../db/tenant-tables';

/** INSERT statements sent in one batch while copying (each within D1's 100 parameters). */
const STATEMENTS_PER_BATCH = 50;

/** A session open now, or opening within this long, keeps its county where it is: voters must not meet 维护中. */
const SESSION_MARGIN_MS = 60 * 60 * 1000;

export interface MoveOptions {
  /** after freezing: writes that read the map just before the freeze land before the copy reads (default 10 s) */
  graceMs?: number;
  /** after the switch: instances may still read a placement cached this long, so the old copy stays until then */
  settleMs?: number;
  /** take over a county left frozen by a move that was cut off (refused otherwise: a move may be running) */
  resume?: boolean;
  log?: (line: string) => void;
}

export interface MoveReport {
  countyId: string;
  from: string;
  to: string;
  townships: { id: string; slug: string; rows: number }[];
  rows: number;
  /** how long the county refused writes */
  frozenMs: number;
  totalMs: number;
}

const refused = (code: 'shards.county_not_found' | 'shards.same_shard' | 'shards.session_open' | 'shards.import_running' | 'shards.copy_differs' | 'shards.move_running' | 'shards.same_database', params: Record<string, string> = {}) =>
  new AppError(409, code, params);

/** The tables of a township that live in its shard, in the export's order (parents first) and key order. */
const shardEntries = (): Entry[] => entries().filter((entry) => entry.home === 'shard');

type Row = Record<string, unknown>;

/**
 * A township's shard rows, table by table in key order, page by page: the first page of every table asked at
 * once (most tables of a township fit in one; their round trips overlap), then the rest of those with more.
 * Not one batch: drizzle's D1 batch takes no raw statement with parameters.
 */
async function* townshipPages(db: Db, tenantId: string): AsyncGenerator<{ entry: Entry; page: Row[] }> {
  const list = shardEntries();
  const firsts = await Promise.all(list.map((entry) => readPage(db, entry, tenantId, undefined)));
  for (const [i, entry] of list.entries()) {
    let page = firsts[i];
    for (;;) {
      if (page.length) yield { entry, page };
      if (page.length < PAGE_ROWS) break;
      const last = page[page.length - 1];
      page = await readPage(db, entry, tenantId, entry.primaryKey.map((column) => last[column]));
    }
  }
}

/** What of a township a database holds, per shard table: row count and SHA-256 of its rows as the export writes them. */
async function townshipDigest(db: Db, tenantId: string): Promise<Record<string, { rows: number; sha256: string }>> {
  const hashes = new Map(shardEntries().map((entry) => [entry.name, { rows: 0, hash: createHash('sha256') }]));
  for await (const { entry, page } of townshipPages(db, tenantId)) {
    const table = hashes.get(entry.name)!;
    for (const row of page) table.hash.update(`${JSON.stringify(row)}\n`);
    table.rows += page.length;
  }
  return Object.fromEntries([...hashes].map(([name, { rows, hash }]) => [name, { rows, sha256: hash.digest('hex') }]));
}

/**
 * Copies a township's shard rows as the import loads a file: table by table, page by page, the audit chain
 * unsealed and sealed again in its new database (the hashes are deterministic, so they come out the same).
 */
async function copyTownship(from: Db, to: Db, tenantId: string): Promise<void> {
  await to.insert(shardTownships).values({ townshipId: tenantId, state: 'arriving' });
  // statements of several tables share a batch (in table order, as the pages come): fewer round trips
  let pending: BatchItem<'sqlite'>[] = [];
  const flush = async () => {
    if (pending.length) await to.batch(pending as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
    pending = [];
  };
  for await (const { entry, page } of townshipPages(from, tenantId)) {
    const rows = entry.name === 'audit_events' ? page.map((row) => ({ ...row, prev_hash: null, hash: null })) : page;
    pending.push(...insertRowStatements(to, entry.table, rows as Record<string, string | number | null>[]));
    if (pending.length >= STATEMENTS_PER_BATCH) await flush();
  }
  await flush();
  await sealChain(to, tenantId);
}

/**
 * A township's rows removed from one database, in one batch: the old copy after a move, or a copy left by a
 * move cut off. Its trail too: the 'leaving' marker is what lets the audit triggers allow it.
 */
async function removeTownship(db: Db, tenantId: string): Promise<void> {
  await db.batch([
    db.delete(shardTownships).where(eq(shardTownships.townshipId, tenantId)),
    db.insert(shardTownships).values({ townshipId: tenantId, state: 'leaving' }),
    ...deleteTenantRows(db, [tenantId], 'shard'),
    db.delete(auditArchives).where(eq(auditArchives.chain, tenantId)),
    db.delete(shardTownships).where(eq(shardTownships.townshipId, tenantId)),
  ] as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
}

async function openSessions(db: Db, tenantIds: string[], now: Date): Promise<number> {
  if (!tenantIds.length) return 0;
  const [{ n }] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM evaluation_sessions
    WHERE tenant_id IN (${sql.join(tenantIds.map((id) => sql`${id}`), sql`, `)}) AND ${isNull(evaluationSessions.closedAt)}
      AND closes_at > ${now.toISOString()} AND opens_at <= ${new Date(now.getTime() + SESSION_MARGIN_MS).toISOString()}`);
  return Number(n);
}

/**
 * Whether two shard names lead to one database (two SHARDS entries or bindings for the same one): a probe row
 * written in one is looked for in the other. Moving a county "between" them would remove the copy it made.
 */
async function sameDatabase(a: Db, b: Db): Promise<boolean> {
  const probe = `probe-${crypto.randomUUID()}`;
  // 'arriving' for an id with no trail: the one marker any database takes for it
  await a.insert(shardTownships).values({ townshipId: probe, state: 'arriving' });
  try {
    return (await b.select({ id: shardTownships.townshipId }).from(shardTownships).where(eq(shardTownships.townshipId, probe))).length > 0;
  } finally {
    await a.delete(shardTownships).where(eq(shardTownships.townshipId, probe));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves a county's rows to another shard (docs/scaling.md, "How a county moves"): refused while one of its
 * sessions is open; the county is frozen (every write to it answers 503 维护中, which the pages retry), its
 * townships are copied and verified by counts and checksums, the map switches to the new shard in the same
 * write that unfreezes it, and once no instance can still hold the old placement the old rows are removed.
 * A move cut off before the switch leaves the county frozen on its old shard, intact: running it again
 * starts the copy over. The move is recorded in the registry's chain.
 */
export async function moveCounty(databases: Databases, countyId: string, to: string, options: MoveOptions = {}): Promise<MoveReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const registry = databases.registry;
  const [county] = await registry.select({ id: counties.id }).from(counties).where(eq(counties.id, countyId));
  if (!county) throw refused('shards.county_not_found', { county: countyId });
  const placement = await readPlacement(registry, countyId);
  const target = databases.shard(to);
  const source = databases.shard(placement.shard);
  if (placement.shard === to) throw refused('shards.same_shard', { shard: to });
  const townshipsOf = () => registry.select({ id: tenants.id, slug: tenants.slug, status: tenants.status }).from(tenants).where(eq(tenants.countyId, countyId));
  if (!placement.frozen && (await openSessions(source, (await townshipsOf()).map((t) => t.id), new Date()))) throw refused('shards.session_open');

  if (placement.frozen && !options.resume) throw refused('shards.move_running');
  if (await sameDatabase(source, target)) throw refused('shards.same_database', { shard: to });

  // the freeze is this move's: taken only from an unfrozen county (or, resuming, from the freeze found), and
  // every later step (the switch, the thaw after a failure) acts only while the freeze is still this one's
  const frozenAt = new Date().toISOString();
  const previous = placement.frozen ? (await registry.select({ at: countyPlacements.frozenAt }).from(countyPlacements).where(eq(countyPlacements.countyId, countyId)))[0]?.at : null;
  await registry
    .insert(countyPlacements)
    .values({ countyId, shard: placement.shard, version: Math.max(placement.version, 1), frozenAt: null })
    .onConflictDoNothing();
  const [frozen] = await registry
    .update(countyPlacements)
    .set({ frozenAt })
    .where(and(eq(countyPlacements.countyId, countyId), previous ? eq(countyPlacements.frozenAt, previous) : isNull(countyPlacements.frozenAt)))
    .returning({ countyId: countyPlacements.countyId });
  if (!frozen) throw refused('shards.move_running');
  log(`${countyId}: frozen on ${placement.shard}`);
  const ours = and(eq(countyPlacements.countyId, countyId), eq(countyPlacements.frozenAt, frozenAt));
  const unfreeze = () => registry.update(countyPlacements).set({ frozenAt: null }).where(ours);
  // read once frozen: a township created just before the freeze is moved too (one created during it has no rows yet)
  const listed = await townshipsOf();
  const townships = listed.map(({ id, slug }) => ({ id, slug }));
  try {
    // a session could have been booked to open between the check and the freeze; none can be now
    if (await openSessions(source, townships.map((t) => t.id), new Date())) throw refused('shards.session_open');
    // an import still loading into the old shard would go on writing there (it checks the map again before it ends)
    if (listed.some((t) => t.status === 'importing')) throw refused('shards.import_running');
    await sleep(options.graceMs ?? 10_000);
    const report: MoveReport['townships'] = [];
    for (const township of townships) {
      // a copy left by a move cut off earlier goes first
      await removeTownship(target, township.id);
      await sealChain(source, township.id);
      await copyTownship(source, target, township.id);
      const [before, after] = await Promise.all([townshipDigest(source, township.id), townshipDigest(target, township.id)]);
      for (const [table, expected] of Object.entries(before))
        if (after[table].rows !== expected.rows || after[table].sha256 !== expected.sha256) throw refused('shards.copy_differs', { township: township.slug, table });
      // arrived: its trail is append-only in the new database from here
      await target.delete(shardTownships).where(eq(shardTownships.townshipId, township.id));
      const rows = Object.values(before).reduce((sum, table) => sum + table.rows, 0);
      report.push({ ...township, rows });
      log(`${township.slug}: ${rows} rows copied and verified`);
    }
    const record = systemRecorder(registry, null);
    const rows = report.reduce((sum, t) => sum + t.rows, 0);
    const [switched] = await registry.batch([
      registry
        .update(countyPlacements)
        .set({ shard: to, version: sql`${countyPlacements.version} + 1`, frozenAt: null })
        .where(ours)
        .returning({ countyId: countyPlacements.countyId }),
      record({ action: 'county.move', entity: 'county', entityId: countyId, summary: { from: placement.shard, to, townships: report.length, rows }, onlyIfChanged: true }),
    ]);
    if (!switched.length) throw refused('shards.move_running');
    await sealChain(registry, PLATFORM_CHAIN);
    const frozenMs = Date.now() - new Date(frozenAt).getTime();
    log(`${countyId}: switched to ${to} after ${frozenMs} ms frozen`);
    // instances that read the placement before the switch read the old copy until their cache expires
    // (plus what a read replica may lag behind the primary: seconds at most)
    await sleep(options.settleMs ?? TENANT_TTL_MS + 5000);
    for (const township of report) await removeTownship(source, township.id);
    log(`${countyId}: old rows removed from ${placement.shard}`);
    return { countyId, from: placement.shard, to, townships: report, rows, frozenMs, totalMs: Date.now() - started };
  } catch (error) {
    // before the switch the old copy is whole: drop the new one and let the county work again (if still our freeze)
    const [now] = await registry.select({ shard: countyPlacements.shard }).from(countyPlacements).where(ours);
    if (now?.shard === placement.shard) {
      for (const township of townships) await removeTownship(target, township.id).catch(() => {});
      await unfreeze();
    }
    throw error;
  }
}
