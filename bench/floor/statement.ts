/**
 * The floor of the ingestion benchmark: one INSERT of a ballot-box row, with the same columns and indexes,
 * into the same database, behind a bare route — no token, no pass, no poll book, no counters, no validation.
 */
export const FLOOR_INSERT = `INSERT INTO evaluation_ballots
  (id, tenant_id, session_id, campaign_id, subject_kind, subject_id, rater_group, channel, points, max_points, comment)
  VALUES (?, ?, ?, ?, 'branch', ?, 'villager', 'phone', 40, 50, '')`;

export interface FloorRow {
  tenantId: string;
  sessionId: string;
  campaignId: string;
  subjectId: string;
  n: number;
}

export function floorArgs(row: FloorRow): (string | number)[] {
  return [`floor-${row.n}-${crypto.randomUUID()}`, row.tenantId, row.sessionId, row.campaignId, row.subjectId];
}
