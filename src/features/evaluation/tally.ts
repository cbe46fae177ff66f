import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { ballotAnswers, ballots } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { sha256Hex } from './crypto';

/**
 * The session's hash chain. Ballots are numbered by `seq`, assigned inside the INSERT itself
 * ((SELECT max(seq)+1 …) in the same statement, unique per session): SQLite runs one write at a time on
 * D1 and libSQL alike, so the numbering is gap-free and append-only however many phones submit at
 * once. The chain is then a pure function of the rows in seq order:
 *   digest_i = SHA-256(subject, group, channel, points, max, comment, answers)
 *   hash_i   = SHA-256(hash_{i-1} | seq | receipt | digest_i),  hash_0 = SHA-256("xingping|" + session id)
 * and new ballots only ever extend it. The tally seals each ballot's prev_hash/hash into its row the
 * first time it is computed (and when the session closes); later reads recompute and compare, so a
 * ballot changed or removed afterwards shows as a break (and changes the published head hash).
 */
export interface TallyEntry {
  seq: number;
  receipt: string;
  digest: string;
  prevHash: string;
  hash: string;
}

export interface Tally {
  count: number;
  genesis: string;
  head: string;
  /** false when a stored hash disagrees with the ballots or a seq is missing */
  intact: boolean;
  brokenAt: number | null;
  entries: TallyEntry[];
}

export async function computeTally(scope: TenantScope, sessionId: string): Promise<{ tally: Tally; unsealed: { id: string; prevHash: string; hash: string }[] }> {
  const db = scope.db;
  const [rows, answers] = await db.batch([
    db
      .select({
        id: ballots.id,
        seq: ballots.seq,
        receipt: ballots.receipt,
        subjectKind: ballots.subjectKind,
        subjectId: ballots.subjectId,
        raterGroup: ballots.raterGroup,
        channel: ballots.channel,
        points: ballots.points,
        maxPoints: ballots.maxPoints,
        comment: ballots.comment,
        prevHash: ballots.prevHash,
        hash: ballots.hash,
      })
      .from(ballots)
      .where(scope.where(ballots, eq(ballots.sessionId, sessionId)))
      .orderBy(asc(ballots.seq)),
    db
      .select({ ballotId: ballotAnswers.ballotId, itemKey: ballotAnswers.itemKey, points: ballotAnswers.points })
      .from(ballotAnswers)
      .innerJoin(ballots, and(eq(ballots.id, ballotAnswers.ballotId), eq(ballots.tenantId, ballotAnswers.tenantId)))
      .where(scope.where(ballotAnswers, eq(ballots.sessionId, sessionId)))
      .orderBy(ballotAnswers.ballotId, ballotAnswers.itemKey),
  ]);
  const answersOf = new Map<string, [string, number][]>();
  for (const a of answers) {
    const list = answersOf.get(a.ballotId) ?? [];
    list.push([a.itemKey, a.points]);
    answersOf.set(a.ballotId, list);
  }
  const genesis = await sha256Hex(`xingping|${sessionId}`);
  let prev = genesis;
  let intact = true;
  let brokenAt: number | null = null;
  const entries: TallyEntry[] = [];
  const unsealed: { id: string; prevHash: string; hash: string }[] = [];
  for (const [i, row] of rows.entries()) {
    const digest = await sha256Hex(
      JSON.stringify([row.subjectKind, row.subjectId, row.raterGroup, row.channel, row.points, row.maxPoints, row.comment, answersOf.get(row.id) ?? []]),
    );
    const hash = await sha256Hex(`${prev}|${row.seq}|${row.receipt}|${digest}`);
    if (intact && (row.seq !== i + 1 || (row.hash !== null && (row.hash !== hash || row.prevHash !== prev)))) {
      intact = false;
      brokenAt = row.seq;
    }
    if (row.hash === null) unsealed.push({ id: row.id, prevHash: prev, hash });
    entries.push({ seq: row.seq, receipt: row.receipt, digest, prevHash: prev, hash });
    prev = hash;
  }
  return { tally: { count: rows.length, genesis, head: prev, intact, brokenAt, entries }, unsealed };
}

/** Writes prev_hash/hash into ballots not sealed yet (only while the chain is intact; concurrent sealers write the same values). */
export async function sealChain(scope: TenantScope, sessionId: string): Promise<Tally> {
  const { tally, unsealed } = await computeTally(scope, sessionId);
  if (tally.intact && unsealed.length) {
    const db = scope.db;
    const updates = unsealed.map((u) =>
      db
        .update(ballots)
        .set({ prevHash: u.prevHash, hash: u.hash })
        .where(scope.where(ballots, eq(ballots.id, u.id), isNull(ballots.hash))),
    );
    for (let i = 0; i < updates.length; i += 50) {
      const chunk = updates.slice(i, i + 50);
      await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
    }
  }
  return tally;
}

/** Receipts of a session that a voter may look up (for the public tally page's search). */
export async function findReceipts(scope: TenantScope, sessionId: string, receipts: string[]) {
  if (!receipts.length) return [];
  return scope.db
    .select({ receipt: ballots.receipt, seq: ballots.seq })
    .from(ballots)
    .where(scope.where(ballots, eq(ballots.sessionId, sessionId), inArray(ballots.receipt, receipts)));
}
