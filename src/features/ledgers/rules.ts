/** Ledger rules as pure functions. */
import type { DisputeStatus } from '../../db/schema';

/** A case in mediation has no closing date; a settled or court-guided one must have one. */
export function closedOnConsistent(status: DisputeStatus, closedOn: string | null): boolean {
  return (status === 'in_mediation') === (closedOn === null);
}

export type DisputeCounts = Record<DisputeStatus, number> & { total: number };

const zero = (): DisputeCounts => ({ in_mediation: 0, settled: 0, guided_to_court: 0, total: 0 });

/** Per-township and per-village counts by status (e.g. 24 settled, 6 guided to court, 7 in mediation). */
export function tallyDisputes(rows: readonly { villageId: string; villageName: string; status: DisputeStatus; n: number }[]) {
  const township = zero();
  const villages = new Map<string, { villageId: string; villageName: string } & DisputeCounts>();
  for (const row of rows) {
    const village = villages.get(row.villageId) ?? { villageId: row.villageId, villageName: row.villageName, ...zero() };
    village[row.status] += row.n;
    village.total += row.n;
    township[row.status] += row.n;
    township.total += row.n;
    villages.set(row.villageId, village);
  }
  return { township, villages: [...villages.values()] };
}
