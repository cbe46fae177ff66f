import { and, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { inclusionProof, merkleRoot, type ProofStep } from '../../../domain/merkle';
import { ballots, evaluationSessions, pollBook } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';

/**
 * The session's tally: a Merkle root over its receipts sorted by value (src/domain/merkle.ts), with the
 * count. Sorted, the tree commits to every ballot's inclusion without saying anything about the order of
 * arrival; a receipt is a random code in the poll book, with nothing that joins it to what was voted, so
 * a receipt (and its inclusion proof) proves a ballot was counted, never what it said. The root is sealed
 * into the session when it is closed by hand; later reads recompute and compare, so a ballot's receipt
 * added or removed afterwards shows (and the township can compare with the root it printed).
 */
export interface Tally {
  count: number;
  root: string;
  /** the root sealed at the close; null before */
  sealedRoot: string | null;
  /** the sealed root and count still match the receipts (true before sealing) */
  intact: boolean;
  /** as many ballots in the ballot box as receipts in the poll book */
  consistent: boolean;
}

async function receiptsOf(scope: TenantScope, sessionId: string): Promise<string[]> {
  const rows = await scope.db.select({ receipt: pollBook.receipt }).from(pollBook).where(scope.where(pollBook, eq(pollBook.sessionId, sessionId)));
  return rows.map((r) => r.receipt);
}

export async function computeTally(scope: TenantScope, sessionId: string): Promise<Tally & { receipts: string[] }> {
  const [[session], [box]] = await scope.db.batch([
    scope.db
      .select({ tallyRoot: evaluationSessions.tallyRoot, tallyCount: evaluationSessions.tallyCount })
      .from(evaluationSessions)
      .where(scope.where(evaluationSessions, eq(evaluationSessions.id, sessionId))),
    scope.db.select({ n: count() }).from(ballots).where(scope.where(ballots, eq(ballots.sessionId, sessionId))),
  ]);
  const receipts = await receiptsOf(scope, sessionId);
  const root = await merkleRoot(sessionId, receipts);
  const sealedRoot = session?.tallyRoot ?? null;
  return {
    count: receipts.length,
    root,
    sealedRoot,
    intact: sealedRoot === null || (sealedRoot === root && session!.tallyCount === receipts.length),
    consistent: box.n === receipts.length,
    receipts,
  };
}

/** Seals the root and count into a session closed by hand (once; a second seal changes nothing). */
export async function sealTally(scope: TenantScope, sessionId: string): Promise<void> {
  const receipts = await receiptsOf(scope, sessionId);
  await scope.db
    .update(evaluationSessions)
    .set({ tallyRoot: await merkleRoot(sessionId, receipts), tallyCount: receipts.length })
    .where(
      scope.where(
        evaluationSessions,
        and(eq(evaluationSessions.id, sessionId), isNotNull(evaluationSessions.closedAt), isNull(evaluationSessions.tallyRoot)),
      ),
    );
}

/** A receipt's inclusion proof against the session's current root (null when the receipt is not counted). */
export async function receiptProof(scope: TenantScope, sessionId: string, receipt: string): Promise<{ root: string; proof: ProofStep[] | null }> {
  return inclusionProof(sessionId, await receiptsOf(scope, sessionId), receipt);
}
