import { readdirSync, readFileSync } from 'node:fs';
import { createClient } from '@libsql/client';
import { Miniflare } from 'miniflare';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Migration 0006 on a database that already holds ballots (the tests' servers migrate empty databases):
 * the ballots, their answers and what the poll book needs survive the rebuild on D1 and libSQL alike.
 */
const files = readdirSync('migrations')
  .filter((f) => f.endsWith('.sql'))
  .sort();
const statements = (file: string) =>
  readFileSync(`migrations/${file}`, 'utf8')
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter(Boolean);
const BEFORE = files.filter((f) => f < '0006');
const SECRECY = files.find((f) => f.startsWith('0006'))!;

/** Rows of the schema before 0006: a township, a session and three ballots with answers and one raised problem. */
const SEED = [
  "INSERT INTO cities (id, name, created_at) VALUES ('CI', '德州市', '2026-01-01T00:00:00.000Z')",
  "INSERT INTO counties (id, city_id, name, created_at) VALUES ('CO', 'CI', '齐河县', '2026-01-01T00:00:00.000Z')",
  "INSERT INTO tenants (id, county_id, slug, name, settings, created_at, updated_at) VALUES ('T', 'CO', 'old', '旧镇', '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
  "INSERT INTO villages (id, tenant_id, name, branch_name, created_at, updated_at) VALUES ('V', 'T', '靖庄', '靖庄村党支部', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
  `INSERT INTO evaluation_questionnaires (id, tenant_id, family, version, subject_kind, name, items, created_at)
   VALUES ('Q', 'T', 'f', 1, 'branch', '问卷', '[]', '2026-01-01T00:00:00.000Z')`,
  `INSERT INTO evaluation_campaigns (id, tenant_id, year, name, subject_kind, questionnaire_id, weight_self, weight_peer, weight_villager, weight_leader,
     star5, star4, star3, star2, created_by, created_at)
   VALUES ('C', 'T', 2026, '测评', 'branch', 'Q', 20, 20, 40, 20, 9000, 8000, 7000, 6000, 'a', '2026-01-01T00:00:00.000Z')`,
  "INSERT INTO evaluation_screens (id, tenant_id, name, created_at) VALUES ('SC', 'T', '大厅', '2026-01-01T00:00:00.000Z')",
  `INSERT INTO evaluation_bookings (id, tenant_id, campaign_id, village_id, screen_id, starts_at, ends_at, note, booked_by, created_at)
   VALUES ('B', 'T', 'C', 'V', 'SC', '2026-09-01T01:00:00.000Z', '2026-09-01T02:00:00.000Z', '', 'a', '2026-01-01T00:00:00.000Z')`,
  `INSERT INTO evaluation_sessions (id, tenant_id, booking_id, campaign_id, village_id, code, opens_at, closes_at, salt, opened_by, created_at, closed_at)
   VALUES ('S', 'T', 'B', 'C', 'V', 'ABC234', '2026-09-01T01:00:00.000Z', '2026-09-01T02:00:00.000Z', NULL, 'a', '2026-09-01T01:00:00.000Z', '2026-09-01T02:00:00.000Z')`,
  ...[1, 2, 3].flatMap((i) => [
    `INSERT INTO evaluation_ballots (id, tenant_id, session_id, campaign_id, subject_kind, subject_id, rater_group, channel, points, max_points, comment,
       voter_hash, device_hash, client_key, receipt, seq, prev_hash, hash, created_at)
     VALUES ('b${i}', 'T', 'S', 'C', 'branch', 'V', 'villager', 'phone', ${i * 2}, 10, '', 'vh${i}', NULL, 'ck${i}', 'R${i}', ${i}, NULL, NULL, '2026-09-01T01:0${i}:00.000Z')`,
    `INSERT INTO evaluation_ballot_answers (id, tenant_id, ballot_id, item_key, points, max_points) VALUES ('a${i}', 'T', 'b${i}', 'k', ${i * 2}, 10)`,
  ]),
  `INSERT INTO problems (id, tenant_id, village_id, subject_kind, subject_id, source, session_id, year, content, created_at, updated_at)
   VALUES ('P', 'T', 'V', 'branch', 'V', 'ballot', 'S', 2026, '路灯坏了', '2026-09-01T01:01:00.001Z', '2026-09-01T01:01:00.001Z')`,
];

const CHECKS = {
  ballots: 'SELECT count(*) AS n, sum(points) AS points FROM evaluation_ballots',
  answers: 'SELECT count(*) AS n, sum(a.points) AS points FROM evaluation_ballot_answers a JOIN evaluation_ballots b ON b.id = a.ballot_id',
  pollBook: "SELECT count(*) AS n, group_concat(receipt, ',') AS receipts FROM (SELECT receipt FROM evaluation_poll_book ORDER BY receipt)",
  oldIds: "SELECT count(*) AS n FROM evaluation_ballots WHERE id IN ('b1', 'b2', 'b3')",
  problem: "SELECT session_id AS sessionId FROM problems WHERE id = 'P'",
  session: "SELECT tally_root AS root, salt FROM evaluation_sessions WHERE id = 'S'",
};
const EXPECTED = {
  ballots: { n: 3, points: 12 },
  answers: { n: 3, points: 12 },
  pollBook: { n: 3, receipts: 'R1,R2,R3' },
  oldIds: { n: 0 },
  problem: { sessionId: null },
  session: { root: null, salt: null },
};

describe('migration 0006 on a database with ballots', () => {
  it('moves them on libSQL', async () => {
    const client = createClient({ url: ':memory:' });
    for (const file of BEFORE) await client.batch(statements(file), 'write');
    await client.batch(SEED, 'write');
    await client.batch(statements(SECRECY), 'write');
    for (const [name, query] of Object.entries(CHECKS)) expect({ ...(await client.execute(query)).rows[0] }, name).toEqual(EXPECTED[name as keyof typeof CHECKS]);
    expect((await client.execute('PRAGMA foreign_key_check')).rows).toEqual([]);
    client.close();
  });

  // the statements run in workerd's D1 by a Worker of the test's, one request each batch or query: through
  // Miniflare's proxy of the binding every prepare was a synchronous round trip of its own
  const mf = new Miniflare({
    modules: true,
    script: `export default {
      async fetch(request, env) {
        const { batch, first, all } = await request.json();
        if (batch) return Response.json(await env.DB.batch(batch.map((sql) => env.DB.prepare(sql))).then(() => null));
        if (first) return Response.json(await env.DB.prepare(first).first());
        return Response.json((await env.DB.prepare(all).all()).results);
      },
    };`,
    d1Databases: ['DB'],
    compatibilityDate: '2026-08-01',
  });
  const d1 = async (body: { batch: string[] } | { first: string } | { all: string }) => (await mf.dispatchFetch('http://d1/', { method: 'POST', body: JSON.stringify(body) })).json();
  afterAll(() => mf.dispose());
  it('moves them on D1 (one batch per migration file, as wrangler applies them)', async () => {
    for (const file of BEFORE) await d1({ batch: statements(file) });
    await d1({ batch: SEED });
    await d1({ batch: statements(SECRECY) });
    for (const [name, query] of Object.entries(CHECKS)) expect(await d1({ first: query }), name).toEqual(EXPECTED[name as keyof typeof CHECKS]);
    expect(await d1({ all: 'PRAGMA foreign_key_check' })).toEqual([]);
  });
});
