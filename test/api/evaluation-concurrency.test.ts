import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballots, campaigns, evaluationBookings, evaluationSessions, pollBook } from '../../src/db/schema';
import { TenantScope } from '../../src/db/tenant-scope';
import { subjectResults } from '../../src/features/evaluation/results/results';
import { composite, groupScore, RATER_GROUPS, starsFor, sumsOf } from '../../src/features/evaluation/rules';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { answerAll, clientId, minutesFromNow, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';
const BALLOTS = 500;

describe.each(DRIVERS)('evaluation under load on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
  });
  afterAll(() => server?.close());

  it(`stores exactly ${BALLOTS} ballots and ${BALLOTS} receipts from ${BALLOTS} concurrent phones, each with its own pass; live count, tally and composite agree`, { timeout: 120_000 }, async () => {
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[0].id!;
    const { campaign, session } = await openBranchSession(admin, villageId);
    const { token } = (await admin.get(`${T}/sessions/${session.id}/qr`)).body;
    const phones = Array.from({ length: BALLOTS }, () => fixture.anonymous());
    const passes = await Promise.all(phones.map((phone) => phone.post(`${T}/vote/${session.code}/pass`, { token, voter: { kind: 'villager' } })));
    expect(passes.filter((p) => p.status === 200)).toHaveLength(BALLOTS);
    expect(new Set(passes.map((p) => p.body.pass)).size).toBe(BALLOTS);
    const items = passes[0].body.questionnaire.items.villager;
    const replies = await Promise.all(
      phones.map((phone, n) =>
        phone.post(`${T}/vote/${session.code}/ballots`, {
          pass: passes[n].body.pass,
          clientId: clientId(),
          voter: { kind: 'villager' },
          // varied answers so the mean is not trivial
          ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(items, (i) => (n + i) % 4) }],
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(BALLOTS);
    expect(new Set(replies.map((r) => r.body.receipts[0].receipt)).size).toBe(BALLOTS);

    const stored = await server.db.select().from(ballots).where(eq(ballots.sessionId, session.id));
    expect(stored).toHaveLength(BALLOTS);
    const book = await server.db.select().from(pollBook).where(eq(pollBook.sessionId, session.id));
    expect(new Set(book.map((b) => b.receipt)).size).toBe(BALLOTS);

    const live = await admin.get(`${T}/sessions/${session.id}/live`);
    expect(live.body.groups.villager).toEqual({ ballots: BALLOTS, voters: BALLOTS });

    const tally = await admin.get(`${T}/sessions/${session.id}/tally`);
    expect(tally.body).toMatchObject({ count: BALLOTS, intact: true });

    // the composite from SQL (once the session has ended) equals the pure rules applied to the stored ballots
    await admin.post(`${T}/sessions/${session.id}/close`);
    const [c] = await server.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    const weights = { self: c.weightSelf, peer: c.weightPeer, villager: c.weightVillager, leader: c.weightLeader };
    const [sqlResult] = await subjectResults(new TenantScope(server.db, fixture.a.tenantId), { campaignId: campaign.id, subjectId: villageId });
    const groups = Object.fromEntries(
      RATER_GROUPS.map((g) => {
        const of = stored.filter((b) => b.raterGroup === g);
        return [g, { count: of.length, score: groupScore(sumsOf(of)) }];
      }),
    );
    const expected = composite(weights, groups);
    expect(sqlResult.composite).toBe(expected.composite);
    expect(sqlResult.complete).toBe(expected.complete);
    expect(sqlResult.groups.villager.contribution).toBe(expected.contributions.villager);
    expect(sqlResult.stars).toBe(expected.complete ? starsFor(expected.composite, [c.star5, c.star4, c.star3, c.star2]) : null);
  });

  it('computes in SQL the same integers as the pure rules, for every subject of a campaign and for a year', async () => {
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[1].id!;
    const { campaign, session } = await openBranchSession(admin, villageId, {
      campaignBody: { name: '成员测评', subjectKind: 'member', villageIds: [villageId], weights: { self: 10, peer: 30, villager: 35, leader: 25 } },
    });
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const creds = (await admin.post(`${T}/member-credentials`, { villageId })).body.items as { memberId: string; code: string; pin: string }[];
    const subjects = scanned.subjects;
    // every member rates every member (self and peer), 7 villagers and the leader rate some
    for (const [m, cred] of creds.entries()) {
      const reply = await phone.post(`${T}/vote/${session.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter: { kind: 'member', memberCode: cred.code, pin: cred.pin },
        ballots: subjects.map((s, i) => ({
          subjectKind: s.kind,
          subjectId: s.id,
          answers: answerAll(scanned.questionnaire.items[s.id === cred.memberId ? 'self' : 'peer'], (k) => (m + i + k) % 4),
        })),
      });
      expect(reply.status).toBe(201);
    }
    for (let v = 0; v < 7; v++) {
      const own = fixture.anonymous();
      await own.post(`${T}/vote/${session.code}/ballots`, {
        pass: (await scan(admin, own, session.id, session.code)).pass,
        clientId: clientId(),
        voter: { kind: 'villager' },
        ballots: subjects.slice(0, 1 + (v % subjects.length)).map((s, i) => ({ subjectKind: s.kind, subjectId: s.id, answers: answerAll(scanned.questionnaire.items.villager, (k) => (v * i + k) % 4) })),
      });
    }
    await admin.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: { kind: 'leader' },
      ballots: subjects.slice(1).map((s) => ({ subjectKind: s.kind, subjectId: s.id, answers: answerAll(scanned.questionnaire.items.leader, 1) })),
    });

    await admin.post(`${T}/sessions/${session.id}/close`);
    const scope = new TenantScope(server.db, fixture.a.tenantId);
    const fromSql = await subjectResults(scope, { campaignId: campaign.id });
    expect(fromSql).toHaveLength(subjects.length);
    const stored = await server.db.select().from(ballots).where(and(eq(ballots.campaignId, campaign.id)));
    const weights = { self: 10, peer: 30, villager: 35, leader: 25 };
    for (const result of fromSql) {
      const mine = stored.filter((b) => b.subjectId === result.subjectId);
      const groups = Object.fromEntries(
        RATER_GROUPS.map((g) => {
          const of = mine.filter((b) => b.raterGroup === g);
          return [g, { count: of.length, score: groupScore(sumsOf(of)) }];
        }),
      );
      const expected = composite(weights, groups);
      expect({ composite: result.composite, complete: result.complete }).toEqual({ composite: expected.composite, complete: expected.complete });
      for (const g of RATER_GROUPS) expect(result.groups[g].contribution).toBe(expected.contributions[g]);
    }
    expect(fromSql.filter((r) => r.complete).length).toBeGreaterThan(0);
    // by year: each subject from its latest campaign with ballots
    const byYear = await subjectResults(scope, { year: campaign.year });
    for (const result of fromSql) expect(byYear.find((r) => r.subjectId === result.subjectId)).toEqual(result);
  });
  it('issues member codes and PINs asked for twice at once once each: every PIN printed is one that was stored, never a 500', async () => {
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[2].id!;
    const replies = await Promise.all(Array.from({ length: 3 }, () => admin.post('/t/alpha/api/evaluation/member-credentials', { villageId })));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201]);
    const printed = replies.flatMap((r) => r.body.items as { memberId: string; code: string }[]);
    const members = fixture.a.rows.members.filter((m) => m.villageId === villageId).map((m) => m.id!);
    // each member on one sheet only, with the code that is stored for them
    expect(printed.map((p) => p.memberId).sort()).toEqual([...members].sort());
    const stored = (await admin.get(`/t/alpha/api/evaluation/member-credentials?villageId=${villageId}`)).body.items as { memberId: string; code: string }[];
    for (const p of printed) expect(stored.find((s) => s.memberId === p.memberId)!.code).toBe(p.code);
  });

  it('never leaves an open session on a cancelled booking, whichever of the two comes first', async () => {
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[2].id!;
    const { body: campaign } = await admin.post(`${T}/campaigns`, { name: '取消与开场', subjectKind: 'branch' });
    const screen = await admin.post(`${T}/screens`, { name: `竞争厅-${Math.random().toString(36).slice(2, 8)}` });
    for (let round = 0; round < 8; round++) {
      const booking = await admin.post(`${T}/bookings`, {
        campaignId: campaign.id,
        villageId,
        screenId: screen.body.id,
        startsAt: minutesFromNow(60 * (round + 1)),
        endsAt: minutesFromNow(60 * (round + 1) + 30),
      });
      expect(booking.status).toBe(201);
      const cancel = () => admin.delete(`${T}/bookings/${booking.body.id}`);
      // the slot is an hour ahead: opened early, as the admin confirms
      const open = () => admin.post(`${T}/sessions`, { bookingId: booking.body.id, confirmEarly: true });
      // each side sent first in turn: either may reach the database first
      const [cancelled, opened] = round % 2 ? await Promise.all([cancel(), open()]) : (await Promise.all([open(), cancel()])).reverse();
      expect(['204/404', '409/201'], `${cancelled.status}/${opened.status}`).toContain(`${cancelled.status}/${opened.status}`);
      const [row] = await server.db.select().from(evaluationBookings).where(eq(evaluationBookings.id, booking.body.id));
      const sessions = await server.db.select().from(evaluationSessions).where(eq(evaluationSessions.bookingId, booking.body.id));
      expect(row.cancelledAt === null).toBe(sessions.length === 1);
      if (sessions.length) await admin.post(`${T}/sessions/${sessions[0].id}/close`);
    }
  });
});
