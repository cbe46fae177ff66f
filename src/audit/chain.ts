import { and, asc, eq, isNotNull, isNull, max, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditArchives, auditEvents } from '../db/schema';
import { sha256Hex } from '../platform/crypto';

/** The prev_hash of a chain's first row (the triggers in migrations/0008_audit.sql know it too). */
export const GENESIS = '0'.repeat(64);

export type AuditRow = typeof auditEvents.$inferSelect;

/** What a row's hash covers: every column but the hash itself, in a fixed order. */
export function hashInput(row: AuditRow, prevHash: string): string {
  return JSON.stringify([
    prevHash,
    row.chain,
    row.seq,
    row.id,
    row.at,
    row.tenantId,
    row.actorId,
    row.actorRole,
    row.action,
    row.entity,
    row.entityId,
    row.outcome,
    row.requestId,
    row.clientIp,
    row.changes,
  ]);
}

export const rowHash = (row: AuditRow, prevHash: string) => sha256Hex(hashInput(row, prevHash));

const SEAL_PAGE = 200;

/**
 * A chain's next page of unsealed rows in seq order, and what its first row links to (its sealed predecessor, the
 * archived head it follows, or the genesis; null while the predecessor is itself unsealed), read in one batch:
 * one round trip on D1, where a request's sealing was two reads before its update.
 */
async function unsealedPage(db: Db, chain: string): Promise<{ rows: AuditRow[]; prev: string | null }> {
  const precedingSeq = sql`(SELECT min(${auditEvents.seq}) - 1 FROM ${auditEvents} WHERE ${auditEvents.chain} = ${chain} AND ${auditEvents.hash} IS NULL)`;
  const [rows, sealed, archived] = await db.batch([
    db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), isNull(auditEvents.hash)))
      .orderBy(asc(auditEvents.seq))
      .limit(SEAL_PAGE),
    db
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), eq(auditEvents.seq, precedingSeq))),
    db
      .select({ hash: auditArchives.headHash })
      .from(auditArchives)
      .where(and(eq(auditArchives.chain, chain), eq(auditArchives.lastSeq, precedingSeq))),
  ]);
  const prev = rows[0]?.seq === 1 ? GENESIS : sealed.length ? sealed[0].hash : (archived[0]?.hash ?? null);
  return { rows, prev };
}

/**
 * Seals a chain's unsealed rows in seq order. Each row's seq was taken inside its write (the next of its
 * chain, under SQLite's single writer), so the order is settled; sealing only computes the hashes, which
 * SQLite cannot. Each UPDATE is conditional (`hash IS NULL`) and the trigger checks the link to the sealed
 * predecessor, so two sealers racing (the end of two requests, the nightly catch-up) write the same values
 * and the second one's updates touch nothing. Returns how many rows this call sealed.
 */
export async function sealChain(db: Db, chain: string): Promise<number> {
  let sealed = 0;
  for (;;) {
    const page = await unsealedPage(db, chain);
    const { rows } = page;
    let { prev } = page;
    if (!rows.length) return sealed;
    // the predecessor is itself unsealed only while another sealer is mid-way: it will finish the run
    if (prev === null) return sealed;
    const updates = [];
    for (const [i, row] of rows.entries()) {
      if (i > 0 && row.seq !== rows[i - 1].seq + 1) break;
      const hash = await rowHash(row, prev);
      updates.push(
        db
          .update(auditEvents)
          .set({ prevHash: prev, hash })
          .where(and(eq(auditEvents.id, row.id), isNull(auditEvents.hash))),
      );
      prev = hash;
    }
    await db.batch(updates as [(typeof updates)[0], ...typeof updates]);
    sealed += updates.length;
    if (rows.length < SEAL_PAGE) return sealed;
  }
}

/** Every chain holding unsealed rows. */
export async function unsealedChains(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ chain: auditEvents.chain }).from(auditEvents).where(isNull(auditEvents.hash));
  return rows.map((r) => r.chain);
}

/** Seals every chain (the nightly catch-up; a request seals its own chains when it ends). */
export async function sealAll(db: Db): Promise<number> {
  let sealed = 0;
  for (const chain of await unsealedChains(db)) sealed += await sealChain(db, chain);
  return sealed;
}

/** The last sealed row of each chain: what a day's anchor records. */
export async function sealedHeads(db: Db): Promise<{ chain: string; seq: number; hash: string; at: string }[]> {
  const heads = await db
    .select({ chain: auditEvents.chain, seq: max(auditEvents.seq) })
    .from(auditEvents)
    .where(isNotNull(auditEvents.hash))
    .groupBy(auditEvents.chain);
  const out = [];
  for (const head of heads) {
    const [row] = await db
      .select({ hash: auditEvents.hash, at: auditEvents.at })
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, head.chain), eq(auditEvents.seq, sql`${head.seq}`)));
    if (row?.hash) out.push({ chain: head.chain, seq: Number(head.seq), hash: row.hash, at: row.at });
  }
  return out;
}
