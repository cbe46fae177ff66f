import { and, asc, between, eq, isNotNull, lt, max, sql } from 'drizzle-orm';
import { gzipSync } from 'node:zlib';
import type { Db } from '../db/client';
import { auditArchives, auditEvents } from '../db/schema';
import { sha256Hex } from '../platform/crypto';
import { sealAll, sealedHeads } from './chain';
import { anchorKey, archiveKey, type AuditStore } from './store';

/** Rows stay online at least this long (the Cybersecurity Law asks six months); the delete trigger holds the same line. */
export const RETENTION_DAYS = 180;

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const utcMonth = (at: Date) => at.toISOString().slice(0, 7);
const monthStart = (month: string) => `${month}-01T00:00:00.000Z`;
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/** The nightly step: seal what the requests left unsealed, then anchor each chain's head for the day outside the database. */
export async function sealAndAnchor(db: Db, store: AuditStore | undefined, now: Date): Promise<{ sealed: number; anchored: number }> {
  const sealed = await sealAll(db);
  let anchored = 0;
  if (store)
    for (const head of await sealedHeads(db)) {
      const anchor = { chain: head.chain, day: utcDay(now), seq: head.seq, hash: head.hash, at: head.at };
      if (await store.putOnce(anchorKey(head.chain, anchor.day), new TextEncoder().encode(JSON.stringify(anchor)))) anchored++;
    }
  return { sealed, anchored };
}

/**
 * The monthly job: each chain's past months not archived yet, oldest first, written to the store as gzip JSON
 * Lines with their head, then recorded in audit_archives; after that, rows older than the retention of archived
 * months are pruned (the delete trigger refuses any other). A month with an unsealed row waits for the seal.
 */
export async function archiveAndPrune(db: Db, store: AuditStore, now: Date): Promise<{ archived: string[]; pruned: number }> {
  await sealAll(db);
  const archived: string[] = [];
  const current = utcMonth(now);
  const chains = await db.selectDistinct({ chain: auditEvents.chain }).from(auditEvents);
  for (const { chain } of chains) {
    for (;;) {
      const [last] = await db
        .select({ lastSeq: max(auditArchives.lastSeq) })
        .from(auditArchives)
        .where(eq(auditArchives.chain, chain));
      const fromSeq = Number(last?.lastSeq ?? 0) + 1;
      const [first] = await db
        .select({ at: auditEvents.at })
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), eq(auditEvents.seq, fromSeq)));
      if (!first) break;
      const month = first.at.slice(0, 7);
      if (month >= current) break;
      // the month's rows: from the first not archived up to the last written before the next month began
      const [end] = await db
        .select({ seq: max(auditEvents.seq) })
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), lt(auditEvents.at, monthStart(nextMonth(month)))));
      const toSeq = Number(end?.seq ?? fromSeq);
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), between(auditEvents.seq, fromSeq, toSeq)))
        .orderBy(asc(auditEvents.seq));
      if (rows.some((r) => r.hash === null)) break;
      const body = gzipSync(new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
      const key = archiveKey(chain, month);
      await store.putOnce(key, body);
      const stored = (await store.get(key)) ?? body;
      await db.insert(auditArchives).values({
        chain,
        month,
        firstSeq: fromSeq,
        lastSeq: toSeq,
        headHash: rows.at(-1)!.hash!,
        rows: rows.length,
        objectKey: key,
        objectSha256: await sha256Hex(stored),
        archivedAt: new Date().toISOString(),
      });
      archived.push(`${chain}/${month}`);
    }
  }
  const cutoff = sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`-${RETENTION_DAYS} days`})`;
  const pruned = await db.run(sql`delete from ${auditEvents} where ${isNotNull(auditEvents.hash)} and ${auditEvents.at} < ${cutoff}
    and exists (select 1 from ${auditArchives} a where a.chain = ${auditEvents.chain} and ${auditEvents.seq} between a.first_seq and a.last_seq)`);
  return { archived, pruned: Number((pruned as { rowsAffected?: number; meta?: { changes?: number } }).rowsAffected ?? (pruned as { meta?: { changes?: number } }).meta?.changes ?? 0) };
}
