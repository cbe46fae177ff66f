import { asc, eq, sql } from 'drizzle-orm';
import { systemRecorder } from '../audit/record';
import type { Db } from '../db/client';
import { evaluationScreens, villages } from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { createCampaign } from '../features/evaluation';
import { tenantSettingsSchema } from '../tenancy/settings';

export interface BallotShape {
  /** ballots spread evenly over the township's villages (one closed session each) */
  ballots: number;
  /** the campaign's year (Asia/Shanghai) */
  year: number;
  /** varies the scores; the same seed gives the same ballots */
  seed: number;
  /** also record one collective-income entry per village for the year (default true) */
  income?: boolean;
}

/** Largest branch ballot of the default questionnaire: 8 items × 10 points. */
const MAX_POINTS = 80;

/**
 * Benchmark-scale evaluation data of one township: a branch campaign of `year` (default questionnaire,
 * every village a subject), one booked and closed session per village, and `ballots` ballots spread
 * evenly over the sessions, written by a single INSERT … SELECT over a recursive CTE (no rows cross
 * into JS). Scores and rater groups are a pure function of (seed, village, ballot number):
 *   - per session, ballot seq s: s % 20 = 0 → leader (点评), 1–2 → self (自评), 3–5 → peer (互评), else villager (群评);
 *   - points = 38 + village bias (0..31) + noise (0..10), capped at 80, so villages land on different stars.
 * Ballots carry no per-item answers (the annual recompute reads only points). The poll book gets one row
 * per ballot (voter hash and receipt unique per session), as casting would.
 */
export async function generateBallots(db: Db, tenantId: string, shape: BallotShape): Promise<{ campaignId: string; sessions: number; ballots: number }> {
  const scope = new TenantScope(db, tenantId);
  const settings = tenantSettingsSchema.parse({});
  const campaign = await createCampaign(scope, { name: `${shape.year}年度村党支部星级评定(生成)`, subjectKind: 'branch', year: shape.year }, settings, 'seed', systemRecorder(scope.db, scope.tenantId));
  const villageRows = await db.select({ id: villages.id }).from(villages).where(eq(villages.tenantId, tenantId)).orderBy(asc(villages.name));
  if (!villageRows.length || shape.ballots < 1) return { campaignId: campaign.id, sessions: 0, ballots: 0 };

  const [screen] = await scope.insert(evaluationScreens, [{ name: `生成厅 ${campaign.id}` }]).returning();
  // one booking and one closed session per village, an hour each from 1 March of the year (UTC)
  const list = JSON.stringify(villageRows.map((r) => r.id));
  const tag = campaign.id.slice(10); // the id's random half: keeps generated keys unique across campaigns
  const start = `${shape.year}-03-01T00:00:00.000Z`;
  const at = (hours: string) => sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', '${start}', '+' || (${hours}) || ' hours')`);
  await db.run(sql`
      INSERT INTO evaluation_bookings (id, tenant_id, campaign_id, village_id, screen_id, starts_at, ends_at, note, booked_by, created_at)
      SELECT ${tag} || printf('b%09d', key), ${tenantId}, ${campaign.id}, value, ${screen.id}, ${at('key')}, ${at('key + 1')}, '', 'seed', ${start}
      FROM json_each(${list})`);
  await db.run(sql`
      INSERT INTO evaluation_sessions (id, tenant_id, booking_id, campaign_id, village_id, code, opens_at, closes_at, salt, opened_by, created_at, closed_at)
      SELECT ${tag} || printf('s%09d', key), ${tenantId}, ${tag} || printf('b%09d', key), ${campaign.id}, value,
             printf('G%s%04d', substr(${tag}, 1, 4), key), ${at('key')}, ${at('key + 1')}, NULL, 'seed', ${start}, ${at('key + 1')}
      FROM json_each(${list})`);

  // ballot i (0-based) belongs to village k = i·v / n: contiguous blocks, so each session's rows go in together
  // integers go in as literals: a bound JS number may arrive as REAL and turn the divisions below into fractions
  const int = (x: number) => {
    if (!Number.isSafeInteger(x) || x < 0) throw new Error(`not a natural number: ${x}`);
    return sql.raw(String(x));
  };
  const n = int(shape.ballots);
  const v = int(villageRows.length);
  const seed = int(shape.seed);
  // per ballot i: its village k, its number s within the session, its score noise h and the village's bias
  const numbered = sql`
    WITH RECURSIVE
      nums(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM nums WHERE i + 1 < ${n}),
      b AS (
        SELECT i, i * ${v} / ${n} AS k, ((i + 1) * 2654435761 + ${seed} * 40503) % 4294967296 / 65536 AS h FROM nums
      ),
      s AS (
        SELECT b.*, i - (k * ${n} + ${v} - 1) / ${v} + 1 AS seq, (k * 7919 + ${seed} * 104729) % 32 AS bias FROM b
      ),
      g AS (
        SELECT s.*, CASE WHEN seq % 20 = 0 THEN 'leader' WHEN seq % 20 <= 2 THEN 'self' WHEN seq % 20 <= 5 THEN 'peer' ELSE 'villager' END AS grp FROM s
      )`;
  // one statement after another (a generator's writes; D1's batch takes query builders, not raw runs)
  for (const statement of [
    sql`
      INSERT INTO evaluation_ballots (id, tenant_id, session_id, campaign_id, subject_kind, subject_id, rater_group, channel, points, max_points, comment)
      ${numbered}
      SELECT lower(hex(randomblob(10))), ${tenantId}, ${tag} || printf('s%09d', k), ${campaign.id}, 'branch', json_extract(${list}, '$[' || k || ']'),
             grp, CASE WHEN grp = 'leader' THEN 'paper' ELSE 'phone' END, min(${MAX_POINTS}, 38 + bias + h % 11), ${MAX_POINTS}, ''
      FROM g`,
    sql`
      INSERT INTO evaluation_poll_book (tenant_id, session_id, subject_kind, subject_id, voter_hash, rater_group, pass_hash, submission, receipt)
      ${numbered}
      SELECT ${tenantId}, ${tag} || printf('s%09d', k), 'branch', json_extract(${list}, '$[' || k || ']'), 'g' || i, grp, NULL, 'c' || i, 'r' || i
      FROM g`,
  ])
    await db.run(statement);

  if (shape.income !== false)
    await db.run(sql`
      INSERT INTO income_entries (id, tenant_id, village_id, year, category, amount_fen, note, version, created_by, created_at, updated_at)
      SELECT ${tag} || printf('i%09d', key), ${tenantId}, value, ${shape.year},
             CASE (key + ${int(shape.seed)}) % 5 WHEN 0 THEN 'produce' WHEN 1 THEN 'leasing' WHEN 2 THEN 'land_contracting' WHEN 3 THEN 'cooperative' ELSE 'pasture_land' END,
             (30000 + (key * 7907 + ${int(shape.seed)} * 3571) % 150000) * 100, '', 1, 'seed', ${start}, ${start}
      FROM json_each(${list})`);
  return { campaignId: campaign.id, sessions: villageRows.length, ballots: shape.ballots };
}
