import { gunzipSync } from 'node:zlib';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditArchives, auditEvents } from '../db/schema';
import { sha256Hex } from '../platform/crypto';
import { GENESIS, rowHash, type AuditRow } from './chain';
import { anchorPrefix, archiveKey, type Anchor, type AuditStore } from './store';

export type BreakKind =
  | 'seq_gap'
  | 'prev_mismatch'
  | 'hash_mismatch'
  | 'sealed_after_unsealed'
  | 'anchor_mismatch'
  | 'anchor_row_missing'
  | 'archive_missing'
  | 'archive_checksum'
  | 'archive_mismatch';

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
  const hashes = new Map<number, string>();
  if (store) {
    // an archive record is only as good as the object it names: the month's own key, holding the very rows the
    // record says, linked to the month before. Otherwise a record pointing at any object (with that object's
    // checksum) would pass rows deleted from the database off as archived.
    let prev = GENESIS;
    let nextSeq = 1;
    for (const archive of archives) {
      const where = `${archive.month}: ${archive.objectKey}`;
      const ownKey = archive.objectKey === archiveKey(chain, archive.month);
      const body = ownKey ? await store.get(archive.objectKey) : null;
      if (!ownKey) note('archive_mismatch', archive.lastSeq, `${where} is not the month's object`);
      else if (!body) note('archive_missing', archive.lastSeq, where);
      else if ((await sha256Hex(body)) !== archive.objectSha256) note('archive_checksum', archive.lastSeq, where);
      else {
        const problem = await archivedRowsProblem(body, chain, archive, prev, nextSeq, hashes);
        if (problem) note('archive_mismatch', archive.lastSeq, `${where}: ${problem}`);
      }
      prev = archive.headHash;
      nextSeq = archive.lastSeq + 1;
    }
  }

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
      // an archived head, or a row inside an archived month that was not read (the store is not at hand, or the object was refused above)
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

/**
 * What is wrong with an archive object against its record, or null: every row of the chain from `firstSeq` to
 * `lastSeq` in order, each hashing to its hash and linked to the one before (the first to `prev`, the head of
 * the month before or the genesis), the last one the recorded head. The rows' hashes go into `hashes`, so the
 * anchors of days inside archived months are checked too.
 */
async function archivedRowsProblem(
  body: Uint8Array,
  chain: string,
  archive: typeof auditArchives.$inferSelect,
  prev: string,
  firstSeq: number,
  hashes: Map<number, string>,
): Promise<string | null> {
  if (archive.firstSeq !== firstSeq) return `starts at ${archive.firstSeq}, after ${firstSeq - 1}`;
  let rows: AuditRow[];
  try {
    rows = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
      .decode(gunzipSync(body))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditRow);
  } catch {
    return 'not gzip JSON Lines';
  }
  if (rows.length !== archive.rows || rows.length !== archive.lastSeq - archive.firstSeq + 1) return `${rows.length} rows, the record says ${archive.rows}`;
  for (const [i, row] of rows.entries()) {
    if (row.chain !== chain || row.seq !== archive.firstSeq + i) return `row ${i + 1} is not seq ${archive.firstSeq + i} of the chain`;
    if (row.prevHash !== prev || row.hash !== (await rowHash(row, prev))) return `seq ${row.seq} does not hash to its stored hash`;
    prev = row.hash;
  }
  if (prev !== archive.headHash) return 'the last row is not the recorded head';
  for (const row of rows) hashes.set(row.seq, row.hash!);
  return null;
}
