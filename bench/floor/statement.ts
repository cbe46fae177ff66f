/**
 * The floor of the ingestion benchmark: one INSERT of a ballot row, with the same columns and indexes,
 * into the same database, behind a bare route — no token, no identity, no hash chain, no validation.
 */
export const FLOOR_INSERT = `INSERT INTO evaluation_ballots
  (id, tenant_id, session_id, campaign_id, subject_kind, subject_id, rater_group, channel, points, max_points,
   comment, voter_hash, device_hash, client_key, receipt, seq, prev_hash, hash, created_at)
  VALUES (?, ?, ?, ?, 'branch', ?, 'villager', 'phone', 40, 50, '', ?, NULL, ?, ?, ?, NULL, NULL, ?)`;

export interface FloorRow {
  tenantId: string;
  sessionId: string;
  campaignId: string;
  subjectId: string;
  n: number;
}

export function floorArgs(row: FloorRow): (string | number)[] {
  const unique = `${row.n}-${crypto.randomUUID()}`;
  return [`floor-${unique}`, row.tenantId, row.sessionId, row.campaignId, row.subjectId, `v-${unique}`, `c-${unique}`, `R${row.n}`, row.n + 1, new Date().toISOString()];
}
