import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertMany } from '../../src/db/batch';
import { ballots, evaluationSessions, members } from '../../src/db/schema';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { answerAll, clientId, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';

/** The fast path of ballot ingestion keeps every guarantee of the slow one. */
describe.each(DRIVERS)('ballot ingestion on %s', (driver) => {
  const ctx = withFixture(driver);
  const ballotCount = async (sessionId: string) =>
    (await ctx.server.db.select({ n: count() }).from(ballots).where(eq(ballots.sessionId, sessionId)))[0].n;

  it("identifies a villager's phone with its pass, so scan + ballot are all it sends", async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[0].id!;
    const { session } = await openBranchSession(admin, villageId);
    const phone = ctx.fixture.anonymous();
    const token = (await admin.get(`${T}/sessions/${session.id}/qr`)).body.token;
    const voter = { kind: 'villager', deviceId: 'two-step-phone-1' };

    const scanned = await phone.post(`${T}/vote/${session.code}/pass`, { token, voter });
    expect(scanned.status).toBe(200);
    expect(scanned.body.identified).toEqual({
      voter: { kind: 'villager', name: null },
      subjects: [{ subjectKind: 'branch', subjectId: villageId, raterGroup: 'villager', voted: false, unknown: false }],
    });
    // without a voter the reply is as before
    expect((await phone.post(`${T}/vote/${session.code}/pass`, { token })).body.identified).toBeUndefined();

    const cast = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.body.pass,
      clientId: clientId(),
      voter,
      ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.body.questionnaire.items.villager, 1) }],
    });
    expect(cast.status).toBe(201);
    const rescanned = await phone.post(`${T}/vote/${session.code}/pass`, { token, voter });
    expect(rescanned.body.identified.subjects[0].voted).toBe(true);
    // identify answers the same
    const identified = await phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.body.pass, voter });
    expect(identified.body).toEqual(rescanned.body.identified);
  });

  it('refuses a second vote on the unique index alone, and stores nothing of it', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[1].id!;
    const { session } = await openBranchSession(admin, villageId);
    const phone = ctx.fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const send = (deviceId: string, problem?: string) =>
      phone.post(`${T}/vote/${session.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter: { kind: 'villager', deviceId },
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 0), problem }],
      });
    expect((await send('unique-phone-1')).status).toBe(201);
    const twice = await Promise.all([send('unique-phone-1', '路灯坏了'), send('unique-phone-1', '路灯坏了')]);
    expect(twice.map((r) => r.body.code)).toEqual(['evaluation.already_voted', 'evaluation.already_voted']);
    expect(await ballotCount(session.id)).toBe(1);
  });

  it('refuses ballots once the session is closed, even where this instance still holds it as open', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[2].id!;
    const { session } = await openBranchSession(admin, villageId);
    const phone = ctx.fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const body = (deviceId: string, id = clientId()) => ({
      pass: scanned.pass,
      clientId: id,
      voter: { kind: 'villager', deviceId },
      ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 2) }],
    });
    const stored = body('closing-phone-1');
    const first = await phone.post(`${T}/vote/${session.code}/ballots`, stored);
    expect(first.status).toBe(201);

    // closed as another instance would close it: straight in the database, this instance's cache untouched
    await ctx.server.db
      .update(evaluationSessions)
      .set({ closedAt: new Date().toISOString(), salt: null })
      .where(eq(evaluationSessions.id, session.id));
    const late = await phone.post(`${T}/vote/${session.code}/ballots`, body('closing-phone-2'));
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('evaluation.session_closed');
    expect(await ballotCount(session.id)).toBe(1);
    // a phone that lost the first reply still gets its receipts
    const retried = await phone.post(`${T}/vote/${session.code}/ballots`, stored);
    expect(retried.status).toBe(200);
    expect(retried.body.receipts).toEqual(first.body.receipts);
  });

  it('closing through the API takes effect at once for passes and ballots', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[0].id!;
    const { session } = await openBranchSession(admin, villageId);
    const phone = ctx.fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const token = (await admin.get(`${T}/sessions/${session.id}/qr`)).body.token;
    expect((await admin.post(`${T}/sessions/${session.id}/close`)).status).toBe(200);
    expect((await phone.get(`${T}/vote/${session.code}`)).body.status).toBe('closed');
    expect((await phone.post(`${T}/vote/${session.code}/pass`, { token })).body.code).toBe('evaluation.session_closed');
    const late = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: { kind: 'villager', deviceId: 'after-close-phone' },
      ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 0) }],
    });
    expect(late.body.code).toBe('evaluation.session_closed');
  });

  it('applies a change of settings at once in the instance that made it', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[1].id!;
    const { session } = await openBranchSession(admin, villageId);
    const phone = ctx.fixture.anonymous();
    const token = (await admin.get(`${T}/sessions/${session.id}/qr`)).body.token;
    const voter = { kind: 'villager', deviceId: 'settings-phone-1' };
    expect((await phone.post(`${T}/vote/${session.code}/pass`, { token, voter })).body.identified).toBeDefined();
    const settings = (await admin.get('/t/alpha/api/settings')).body;
    try {
      expect((await admin.put('/t/alpha/api/settings', { ...settings, requireHouseholdCode: true })).status).toBe(200);
      const scanned = await phone.post(`${T}/vote/${session.code}/pass`, { token, voter });
      expect(scanned.body).toMatchObject({ requireHouseholdCode: true });
      // the household code is asked for first: identify comes after it is typed
      expect(scanned.body.identified).toBeUndefined();
      const cast = await phone.post(`${T}/vote/${session.code}/ballots`, {
        pass: scanned.body.pass,
        clientId: clientId(),
        voter,
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.body.questionnaire.items.villager, 0) }],
      });
      expect(cast.body.code).toBe('evaluation.household_code_required');
    } finally {
      await admin.put('/t/alpha/api/settings', settings);
    }
  });

  it('takes a member campaign of a village with more members than D1 binds parameters (120): identify and one submission for all', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[2].id!;
    await insertMany(
      server.db,
      members,
      Array.from({ length: 120 }, (_, i) => ({ id: `big${String(i).padStart(17, '0')}`, tenantId: fixture.a.tenantId, villageId, name: `党员${i}` })),
    );
    const { session } = await openBranchSession(admin, villageId, { campaignBody: { name: '大村党员评议', subjectKind: 'member', villageIds: [villageId] } });
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    expect(scanned.subjects.length).toBeGreaterThan(120);
    const cred = (await admin.post(`${T}/member-credentials`, { villageId })).body.items[0] as { memberId: string; code: string; pin: string };
    const voter = { kind: 'member', memberCode: cred.code, pin: cred.pin };
    const who = await phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.pass, voter });
    expect(who.status).toBe(200);
    const cast = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter,
      ballots: scanned.subjects.map((s) => ({
        subjectKind: s.kind,
        subjectId: s.id,
        answers: answerAll(scanned.questionnaire.items[s.id === cred.memberId ? 'self' : 'peer'], 1),
      })),
    });
    expect(cast.status).toBe(201);
    expect(cast.body.receipts).toHaveLength(scanned.subjects.length);
    const again = await phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.pass, voter });
    expect(again.body.subjects.every((s: { voted: boolean }) => s.voted)).toBe(true);
  });
});
