import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditArchives, auditEvents } from '../db/schema';
import { sha256Hex } from '../platform/crypto';
import { GENESIS, rowHash } from './chain';
import { anchorPrefix, type Anchor, type AuditStore } from './store';

export type BreakKind =
  | 'seq_gap'
  | 'prev_mismatch'
  | 'hash_mismatch'
  | 'sealed_after_unsealed'
  | 'anchor_mismatch'
  | 'anchor_row_missing'
  | 'archive_missing'
  | 'archive_checksum';

export interface ChainBreak {
  kind: BreakKind;
  seq: number | null;
  detail: string;
}

export interface ChainReport {
  chain: string;
  ok: boolean;
  rows: number;
  sealed: number;
  /** rows not sealed yet (the seal after their request, or the nightly catch-up, has not run) */
  unsealed: number;
  firstSeq: number | null;
  lastSeq: number | null;
  archives: number;
  anchors: number;
  latestAnchor: Anchor | null;
  /** the first seq at which the chain breaks, if any */
  brokenAt: number | null;
  breaks: ChainBreak[];
}

const PAGE = 500;
const MAX_BREAKS = 50;

/**
 * Recomputes a chain from its first online row (linked to the last archived month's head, or to the genesis)
 * and checks it against the anchors in the store: a row changed in place breaks its hash; a chain recomputed
 * by whoever holds the database is consistent in itself but no longer matches the heads anchored outside it;
 * rows cut off the end are missing below an anchor's seq.
 */
export async function verifyChain(db: Db, store: AuditStore | undefined, chain: string): Promise<ChainReport> {
  const breaks: ChainBreak[] = [];
  const note = (kind: BreakKind, seq: number | null, detail: string) => {
    if (breaks.length < MAX_BREAKS) breaks.push({ kind, seq, detail });
  };
  const archives = await db.select().from(auditArchives).where(eq(auditArchives.chain, chain)).orderBy(asc(auditArchives.firstSeq));
  if (store)
    for (const archive of archives) {
      const body = await store.get(archive.objectKey);
      if (!body) note('archive_missing', archive.lastSeq, `${archive.month}: ${archive.objectKey}`);
      else if ((await sha256Hex(body)) !== archive.objectSha256) note('archive_checksum', archive.lastSeq, `${archive.month}: ${archive.objectKey}`);
    }

  const hashes = new Map<number, string>();
  let rows = 0;
  let sealed = 0;
  let unsealed = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let prevHash: string | null = null;
  let expectedSeq = 0;
  for (let after = 0; ; ) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    for (const row of page) {
      if (firstSeq === null) {
        firstSeq = row.seq;
        const archived = archives.find((a) => a.lastSeq === row.seq - 1);
        prevHash = row.seq === 1 ? GENESIS : (archived?.headHash ?? null);
        if (prevHash === null) note('seq_gap', row.seq, `rows before ${row.seq} are neither online nor archived`);
        expectedSeq = row.seq;
      }
      if (row.seq !== expectedSeq) note('seq_gap', row.seq, `expected ${expectedSeq}`);
      expectedSeq = row.seq + 1;
      rows++;
      lastSeq = row.seq;
      if (row.hash === null) {
        unsealed++;
        prevHash = null;
        continue;
      }
      if (unsealed) note('sealed_after_unsealed', row.seq, 'a sealed row follows an unsealed one');
      sealed++;
      if (prevHash !== null && row.prevHash !== prevHash) note('prev_mismatch', row.seq, 'prev_hash is not the hash of the row before');
      const recomputed = await rowHash(row, row.prevHash ?? '');
      if (recomputed !== row.hash) note('hash_mismatch', row.seq, 'the row does not hash to its stored hash');
      hashes.set(row.seq, row.hash);
      prevHash = row.hash;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.seq;
  }

  const anchors: Anchor[] = [];
  if (store)
    for (const key of await store.list(anchorPrefix(chain))) {
      const body = await store.get(key);
      if (body) anchors.push(JSON.parse(new TextDecoder().decode(body)) as Anchor);
    }
  anchors.sort((a, b) => a.seq - b.seq);
  const archivedThrough = archives.at(-1)?.lastSeq ?? 0;
  for (const anchor of anchors) {
    const hash = hashes.get(anchor.seq);
    if (hash !== undefined) {
      if (hash !== anchor.hash) note('anchor_mismatch', anchor.seq, `${anchor.day}: the row's hash differs from the head anchored that day`);
    } else if (anchor.seq > archivedThrough) note('anchor_row_missing', anchor.seq, `${anchor.day}: the anchored head is not in the database`);
    else {
      const archive = archives.find((a) => a.lastSeq === anchor.seq);
      if (archive && archive.headHash !== anchor.hash) note('anchor_mismatch', anchor.seq, `${anchor.day}: the archived head differs`);
    }
  }
  breaks.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return {
    chain,
    ok: breaks.length === 0,
    rows,
    sealed,
    unsealed,
    firstSeq,
    lastSeq,
    archives: archives.length,
    anchors: anchors.length,
    latestAnchor: anchors.at(-1) ?? null,
    brokenAt: breaks.find((b) => b.seq !== null)?.seq ?? null,
    breaks,
  };
}
