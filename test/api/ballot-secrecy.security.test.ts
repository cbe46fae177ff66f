import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ballotAnswers, ballots, ballotTickets, evaluationSessions, pollBook, problemReviews, problems, raisedProblems } from '../../src/db/schema';
import { voterHash } from '../../src/features/evaluation/sessions/passes';
import { newId } from '../../src/platform/ids';
import type { ApiClient } from '../support/client';
import { DRIVERS, TEST_APP_SECRET } from '../support/servers';
import { withFixture } from '../support/suite';
import { answerAll, clientId, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';
/** What the ballot box may hold: what was voted, and nothing about who or when. */
const BALLOT_COLUMNS = ['campaign_id', 'channel', 'comment', 'id', 'max_points', 'points', 'rater_group', 'session_id', 'subject_id', 'subject_kind', 'tenant_id'];
const ANSWER_COLUMNS = ['ballot_id', 'item_key', 'max_points', 'points', 'tenant_id'];
/** The tables of the voting path whose physical order must not be arrival order. */
const KEY_ORDERED = ['evaluation_ballots', 'evaluation_ballot_answers', 'evaluation_poll_book', 'evaluation_raised_problems', 'evaluation_ballot_tickets', 'evaluation_unknown_subjects', 'evaluation_campaign_voters'];

describe.each(DRIVERS)('ballot secrecy on %s (someone holding the database and the server secret)', (driver) => {
  const ctx = withFixture(driver);
  const columnsOf = async (table: string) =>
    (await ctx.server.db.all<{ name: string }>(sql.raw(`SELECT name FROM pragma_table_info('${table}')`))).map((c) => c.name).sort();

  /** A member session in the first village: every member scores every member (self and peer), villagers on their own phones raise problems. */
  async function memberSession(villageIndex: number) {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[villageIndex].id!;
    const { session } = await openBranchSession(admin, villageId, { campaignBody: { name: '党员互评', subjectKind: 'member', villageIds: [villageId] } });
    const creds = (await admin.post(`${T}/member-credentials`, { villageId })).body.items as { memberId: string; code: string; pin: string }[];
    const submitted: { receipts: { subjectId: string; raterGroup: string; receipt: string }[] }[] = [];
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    for (const [m, cred] of creds.entries()) {
      const reply = await phone.post(`${T}/vote/${session.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter: { kind: 'member', memberCode: cred.code, pin: cred.pin },
        ballots: scanned.subjects.map((s, i) => ({
          subjectKind: s.kind,
          subjectId: s.id,
          answers: answerAll(scanned.questionnaire.items[s.id === cred.memberId ? 'self' : 'peer'], (k) => (m + i + k) % 4),
          comment: i === 0 ? `意见${m}` : undefined,
        })),
      });
      expect(reply.status).toBe(201);
      submitted.push(reply.body);
    }
    for (let v = 0; v < 4; v++) {
      const own: ApiClient = fixture.anonymous();
      const mine = await scan(admin, own, session.id, session.code);
      const reply = await own.post(`${T}/vote/${session.code}/ballots`, {
        pass: mine.pass,
        clientId: clientId(),
        voter: { kind: 'villager' },
        ballots: mine.subjects.map((s) => ({ subjectKind: s.kind, subjectId: s.id, answers: answerAll(mine.questionnaire.items.villager, v % 4), problem: `问题${v}-${s.id}` })),
      });
      expect(reply.status).toBe(201);
    }
    return { session, creds, submitted, villageId };
  }

  /** Every structural claim of docs/ballot-secrecy.md about the stored rows of one session. */
  async function expectNothingJoins(sessionId: string) {
    const db = ctx.server.db;
    // the ballot box holds no voter, device, hash, receipt, client key, sequence or time
    expect(await columnsOf('evaluation_ballots')).toEqual(BALLOT_COLUMNS);
    expect(await columnsOf('evaluation_ballot_answers')).toEqual(ANSWER_COLUMNS);
    // no rowid: rows are kept in key order, so insertion order cannot be read back
    for (const table of KEY_ORDERED) await expect(db.all(sql.raw(`SELECT rowid FROM ${table} LIMIT 1`)), table).rejects.toThrow();
    const box = await db.select().from(ballots).where(eq(ballots.sessionId, sessionId));
    expect(box.map((b) => b.id)).toEqual([...box.map((b) => b.id)].sort());
    // ballot ids carry no time: not the time-ordered ids of other tables (10 characters of milliseconds first)
    const now = Date.now();
    for (const b of box) expect(b.id.slice(0, 6)).not.toBe(newId(now).slice(0, 6));
    // nothing a poll-book row holds appears in any ballot or answer row, and the other way round
    const book = await db.select().from(pollBook).where(eq(pollBook.sessionId, sessionId));
    const answers = await db.select().from(ballotAnswers).where(sql`${ballotAnswers.ballotId} IN (SELECT id FROM evaluation_ballots WHERE session_id = ${sessionId})`);
    const bookValues = new Set(book.flatMap((r) => [r.voterHash, r.passHash, r.submission, r.receipt]).filter(Boolean) as string[]);
    const boxValues = [...box.flatMap((b) => [b.id, b.comment]), ...answers.map((a) => a.ballotId)];
    for (const value of boxValues) expect(bookValues.has(value)).toBe(false);
    expect(book).toHaveLength(box.length);
  }

  it('keeps the poll book apart from the ballot box while open, after a close by hand, and after the end by time', async () => {
    const { server } = ctx;
    const admin = await ctx.fixture.as('adminA');
    const open = await memberSession(0);
    await expectNothingJoins(open.session.id);

    // with the salt (in the database while open) and the secret, a member's poll-book rows are found: which
    // subjects they scored, as the township may know; but no ballot can be joined to those rows
    const [row] = await server.db.select().from(evaluationSessions).where(eq(evaluationSessions.id, open.session.id));
    const first = open.creds[0];
    const hash = await voterHash(TEST_APP_SECRET, row.salt!, `member:${first.memberId}`);
    const hers = await server.db.select().from(pollBook).where(eq(pollBook.voterHash, hash));
    expect(hers).toHaveLength(open.creds.length);
    // her self ballot is attributable by design (subject = voter, group = self); her peer ballots are not:
    // every member scored every other, so each (subject, peer) holds as many ballots as peers, none marked
    const box = await server.db.select().from(ballots).where(eq(ballots.sessionId, open.session.id));
    for (const subject of open.creds.filter((c) => c.memberId !== first.memberId)) {
      const peers = box.filter((b) => b.subjectId === subject.memberId && b.raterGroup === 'peer');
      expect(peers).toHaveLength(open.creds.length - 1);
    }
    // raised problems are held apart from their ballots (no ballot id, no time) and not in the list yet
    const held = await server.db.select().from(raisedProblems).where(eq(raisedProblems.sessionId, open.session.id));
    expect(held.length).toBeGreaterThan(0);
    expect(await columnsOf('evaluation_raised_problems')).toEqual(['content', 'id', 'session_id', 'subject_id', 'subject_kind', 'tenant_id', 'village_id', 'year']);
    // the live counts come from counters
    const live = await admin.get(`${T}/sessions/${open.session.id}/live`);
    expect(live.body.ballots).toBe(box.length);

    // closed by hand: the salt is gone, so a voter's rows can no longer be found even with the secret
    await admin.post(`${T}/sessions/${open.session.id}/close`);
    const [closed] = await server.db.select().from(evaluationSessions).where(eq(evaluationSessions.id, open.session.id));
    expect(closed.salt).toBeNull();
    await expectNothingJoins(open.session.id);
    // released into the review queue (not yet the official list), with no session and one time for all (the close)
    const released = await server.db.select().from(problemReviews);
    expect(released.length).toBe(held.length);
    expect(await server.db.select().from(problems).where(eq(problems.source, 'ballot'))).toEqual([]);
    expect(await columnsOf('problem_reviews')).not.toContain('session_id');
    expect(new Set(released.map((p) => p.raisedAt))).toEqual(new Set([closed.closedAt]));
    expect(await server.db.select().from(raisedProblems).where(eq(raisedProblems.sessionId, open.session.id))).toEqual([]);

    // ended by its time, not by hand: the first request after the window erases the salt and releases the problems
    const timed = await memberSession(1);
    await server.db.update(evaluationSessions).set({ closesAt: new Date(Date.now() - 1000).toISOString() }).where(eq(evaluationSessions.id, timed.session.id));
    // (the big screen's next poll; a phone's request does the same once its instance's few-second cache of the session lapses)
    expect((await admin.get(`${T}/sessions/${timed.session.id}/live`)).body.status).toBe('closed');
    const [ended] = await server.db.select().from(evaluationSessions).where(eq(evaluationSessions.id, timed.session.id));
    expect(ended.salt).toBeNull();
    expect(ended.closedAt).toBeNull();
    expect(await server.db.select().from(raisedProblems).where(eq(raisedProblems.sessionId, timed.session.id))).toEqual([]);
    await expectNothingJoins(timed.session.id);

    // and one nobody asks for again is ended by the nightly job
    const quiet = await memberSession(2);
    await server.db.update(evaluationSessions).set({ closesAt: new Date(Date.now() - 1000).toISOString() }).where(eq(evaluationSessions.id, quiet.session.id));
    await server.scheduled!('0 18 * * *', new Date());
    await expect
      .poll(async () => (await server.db.select().from(evaluationSessions).where(eq(evaluationSessions.id, quiet.session.id)))[0].salt, { timeout: 10_000 })
      .toBeNull();
  });

  it('counts a printed ticket once: the first phone holds it, another phone is refused', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const settings = (await admin.get('/t/alpha/api/settings')).body;
    expect((await admin.put('/t/alpha/api/settings', { ...settings, requireHouseholdCode: true, requireBallotTicket: true })).status).toBe(400);
    expect((await admin.put('/t/alpha/api/settings', { ...settings, requireBallotTicket: true })).status).toBe(200);
    try {
      const villageId = fixture.a.rows.villages[0].id!;
      const { session } = await openBranchSession(admin, villageId);
      const printed = await admin.post(`${T}/sessions/${session.id}/tickets`, { count: 3 });
      expect(printed.status).toBe(201);
      expect(printed.body.total).toBe(3);
      const [one, two] = printed.body.tickets as { code: string; url: string; svg: string }[];
      expect(one.url).toContain(`&ticket=${one.code}`);
      expect(one.svg).toMatch(/^<svg/);
      expect((await (await fixture.as('secretaryA')).post(`${T}/sessions/${session.id}/tickets`, { count: 1 })).status).toBe(403);
      // only the codes' HMACs are kept
      const stored = await server.db.select().from(ballotTickets).where(eq(ballotTickets.sessionId, session.id));
      expect(JSON.stringify(stored)).not.toContain(one.code);

      const vote = async (phone: ApiClient, ticket?: string) => {
        const scanned = await scan(admin, phone, session.id, session.code);
        expect(scanned).toMatchObject({ requireBallotTicket: true });
        return phone.post(`${T}/vote/${session.code}/ballots`, {
          pass: scanned.pass,
          clientId: clientId(),
          voter: { kind: 'villager', ...(ticket ? { ticket } : {}) },
          ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 0) }],
        });
      };
      const [a, b, c] = [fixture.anonymous(), fixture.anonymous(), fixture.anonymous()];
      expect((await vote(a)).body.code).toBe('evaluation.ticket_required');
      expect((await vote(a, 'NOTATICKET')).body.code).toBe('evaluation.ticket_invalid');
      expect((await vote(a, one.code.toLowerCase())).status).toBe(201);
      // the same ticket on another phone, or again on the first: refused
      const stolen = await vote(b, one.code);
      expect(stolen.status).toBe(409);
      expect(stolen.body.code).toBe('evaluation.ticket_used');
      expect((await vote(a, one.code)).body.code).toBe('evaluation.already_voted');
      expect((await vote(c, two.code)).status).toBe(201);
      expect((await admin.get(`${T}/sessions/${session.id}/live`)).body.groups.villager.ballots).toBe(2);
      // at the end the tickets forget their holders (the same keyed pass hash as the poll book's rows)
      await admin.post(`${T}/sessions/${session.id}/close`);
      const kept = await server.db.select().from(ballotTickets).where(eq(ballotTickets.sessionId, session.id));
      expect(kept.map((t) => t.passHash)).toEqual([null, null, null]);
    } finally {
      await admin.put('/t/alpha/api/settings', settings);
    }
  });
});
