import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { answerAll, clientId, minutesFromNow, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';

/**
 * The member ballot one member per screen: a phone sends a member's ballot (or 不了解) as soon as it is
 * answered, each its own submission. Partial submissions are normal; what stops a member from being
 * scored twice by one voter is the poll book's keys, not "one submission per pass".
 */
describe.each(DRIVERS)('member ballot, member by member, on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageId: string;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageId = fixture.a.rows.villages[0].id!;
  });
  afterAll(() => server?.close());

  const memberSession = async (village = villageId) => {
    const admin = await fixture.as('adminA');
    const opened = await openBranchSession(admin, village, { campaignBody: { name: '2026年度党员评议', subjectKind: 'member', villageIds: [village] } });
    return { admin, ...opened };
  };

  it('takes partial submissions member by member, counts 不了解 as no ballot, and the report says how many', async () => {
    const { admin, campaign, session } = await memberSession();
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const [a, b, c] = scanned.subjects;
    expect(scanned.subjects.length).toBeGreaterThanOrEqual(3);
    const items = scanned.questionnaire.items.villager;
    const send = (body: object) => phone.post(`${T}/vote/${session.code}/ballots`, { pass: scanned.pass, voter: { kind: 'villager' }, ballots: [], ...body });

    const first = await send({ clientId: clientId(), ballots: [{ subjectKind: 'member', subjectId: a.id, answers: answerAll(items, 0) }] });
    expect(first.status).toBe(201);
    expect(first.body.receipts).toHaveLength(1);
    // 不了解 alone: no ballot, no receipt; a retry of it is recognised, not refused
    const unknownBody = { clientId: clientId(), unknown: [{ subjectKind: 'member', subjectId: b.id }] };
    const unknown = await send(unknownBody);
    expect(unknown.status).toBe(201);
    expect(unknown.body.receipts).toEqual([]);
    const retry = await send(unknownBody);
    expect(retry.status).toBe(200);
    expect(retry.body.receipts).toEqual([]);
    // what identify answers: a and b are done (b as 不了解), c is still to do
    const who = await phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.pass, voter: { kind: 'villager' } });
    const state = (id: string) => who.body.subjects.find((s: { subjectId: string }) => s.subjectId === id);
    expect(state(a.id)).toMatchObject({ voted: true, unknown: false });
    expect(state(b.id)).toMatchObject({ voted: true, unknown: true });
    expect(state(c.id)).toMatchObject({ voted: false, unknown: false });
    // the live count is of ballots: the 不了解 is none
    const live = await admin.get(`${T}/sessions/${session.id}`);
    expect(JSON.stringify(live.body)).not.toContain('unknown');

    // a second villager scores b at 差 and says 不了解 of a
    const other = fixture.anonymous();
    const otherPass = (await scan(admin, other, session.id, session.code)).pass;
    const mixed = await other.post(`${T}/vote/${session.code}/ballots`, {
      pass: otherPass,
      clientId: clientId(),
      voter: { kind: 'villager' },
      ballots: [{ subjectKind: 'member', subjectId: b.id, answers: answerAll(items, 3) }],
      unknown: [{ subjectKind: 'member', subjectId: a.id }],
    });
    expect(mixed.status).toBe(201);
    expect(mixed.body.receipts.map((r: { subjectId: string }) => r.subjectId)).toEqual([b.id]);

    expect((await admin.post(`${T}/sessions/${session.id}/close`)).status).toBe(200);
    const report = async (id: string) => (await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=member&subjectId=${id}`)).body;
    const ofA = await report(a.id);
    // a: one villager ballot (好 = 100), one 不了解 that counts not at all
    expect(ofA.unknownCount).toBe(1);
    expect(ofA.groups.find((g: { group: string }) => g.group === 'villager')).toMatchObject({ count: 1 });
    const ofB = await report(b.id);
    expect(ofB.unknownCount).toBe(1);
    expect(ofB.groups.find((g: { group: string }) => g.group === 'villager')).toMatchObject({ count: 1 });
    expect((await report(c.id)).unknownCount).toBe(0);
  });

  it('refuses a second scoring of the same member by one voter, however the submissions are cut', async () => {
    const { admin, session } = await memberSession();
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const [a, b, c] = scanned.subjects;
    const items = scanned.questionnaire.items.villager;
    const ballot = (id: string, choice = 0) => ({ subjectKind: 'member', subjectId: id, answers: answerAll(items, choice) });
    const send = (body: object, pass = scanned.pass, client = phone) =>
      client.post(`${T}/vote/${session.code}/ballots`, { pass, clientId: clientId(), voter: { kind: 'villager' }, ballots: [], ...body });

    expect((await send({ ballots: [ballot(a.id)] })).status).toBe(201);
    // the attack: a fresh client id for the same member, alone or hidden among new ones
    const again = await send({ ballots: [ballot(a.id, 3)] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('evaluation.already_voted');
    const hidden = await send({ ballots: [ballot(b.id), ballot(a.id, 3)] });
    expect(hidden.status).toBe(409);
    // all or nothing: b was not cast by the refused submission, so it can still be sent on its own
    expect((await send({ ballots: [ballot(b.id)] })).status).toBe(201);
    // a 不了解 after a ballot (to take the ballot back, or pad the count) and a ballot after a 不了解 are refused
    expect((await send({ unknown: [{ subjectKind: 'member', subjectId: a.id }] })).status).toBe(409);
    expect((await send({ unknown: [{ subjectKind: 'member', subjectId: c.id }] })).status).toBe(201);
    expect((await send({ ballots: [ballot(c.id, 3)] })).status).toBe(409);
    expect((await send({ unknown: [{ subjectKind: 'member', subjectId: c.id }] })).status).toBe(409);
    // both for one subject in one submission, an empty submission, a subject outside the session
    const fresh = fixture.anonymous();
    const freshPass = (await scan(admin, fresh, session.id, session.code)).pass;
    expect((await send({ ballots: [ballot(a.id)], unknown: [{ subjectKind: 'member', subjectId: a.id }] }, freshPass, fresh)).body.code).toBe('evaluation.subject_repeated');
    const empty = await send({}, freshPass, fresh);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('不了解');
    expect((await send({ unknown: [{ subjectKind: 'member', subjectId: 'not-a-member' }] }, freshPass, fresh)).status).toBe(400);
    expect((await send({ unknown: [{ subjectKind: 'branch', subjectId: villageId }] }, freshPass, fresh)).status).toBe(400);
    // concurrent sends of the same member with different client ids: exactly one counts
    const race = await Promise.all([0, 1, 2, 3].map((i) => send({ ballots: [ballot(b.id, i)] }, freshPass, fresh)));
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    // a member voter (code + PIN) is bounded by their identity, whichever pass they use
    const creds = await admin.post(`${T}/member-credentials`, { villageId });
    const members = fixture.a.rows.members.filter((m) => m.villageId === villageId);
    const voterMember = members.find((m) => m.id !== a.id)!;
    const cred = creds.body.items.find((x: { memberId: string }) => x.memberId === voterMember.id);
    const memberVoter = { kind: 'member', memberCode: cred.code, pin: cred.pin };
    expect((await send({ voter: memberVoter, unknown: [{ subjectKind: 'member', subjectId: a.id }] }, freshPass, fresh)).status).toBe(201);
    const second = fixture.anonymous();
    const secondPass = (await scan(admin, second, session.id, session.code)).pass;
    expect((await send({ voter: memberVoter, ballots: [{ ...ballot(a.id), answers: answerAll(scanned.questionnaire.items.peer, 3) }] }, secondPass, second)).status).toBe(409);
    // nobody says 不了解 of themselves
    expect((await send({ voter: memberVoter, unknown: [{ subjectKind: 'member', subjectId: voterMember.id }] }, secondPass, second)).body.code).toBe('evaluation.unknown_not_allowed');
  });

  it('compares at most five wrong PINs of a member code before it locks, however many are sent at once', async () => {
    const village = fixture.a.rows.villages[2].id!;
    const { admin, session } = await memberSession(village);
    const [burst, steady] = (await admin.post(`${T}/member-credentials`, { villageId: village })).body.items as { code: string; pin: string }[];
    const phone = fixture.anonymous();
    const { pass } = await scan(admin, phone, session.id, session.code);
    const identify = (cred: { code: string; pin: string }, pin: string) =>
      phone.post(`${T}/vote/${session.code}/identify`, { pass, voter: { kind: 'member', memberCode: cred.code, pin } });
    const wrong = (cred: { pin: string }, i: number) => String((Number(cred.pin) + 1 + i) % 1_000_000).padStart(6, '0');
    // the attack: twenty guesses in one burst, all read before any failure is written
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => identify(burst, wrong(burst, i))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((x) => x !== 401).every((x) => x === 429)).toBe(true);
    // locked: the right PIN too, with the minutes to wait
    const afterBurst = await identify(burst, burst.pin);
    expect(afterBurst.status).toBe(429);
    expect(afterBurst.body.code).toBe('evaluation.member_pin_locked');
    // one by one: four wrong PINs, the right one gives them back; then five wrong lock the code
    for (let i = 0; i < 4; i++) expect((await identify(steady, wrong(steady, i))).status).toBe(401);
    expect((await identify(steady, steady.pin)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await identify(steady, wrong(steady, i))).status).toBe(401);
    expect((await identify(steady, steady.pin)).status).toBe(429);
  });

  /** Another session of the same campaign and village (a make-up session, 补测), on a screen of its own. */
  const anotherSession = async (admin: Awaited<ReturnType<typeof fixture.as>>, campaignId: string, village: string) => {
    const screen = await admin.post(`${T}/screens`, { name: `补测厅-${Math.random().toString(36).slice(2, 8)}` });
    const booking = await admin.post(`${T}/bookings`, { campaignId, villageId: village, screenId: screen.body.id, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(120) });
    const session = await admin.post(`${T}/sessions`, { bookingId: booking.body.id });
    expect(session.status).toBe(201);
    return session.body as { id: string; code: string };
  };

  it('refuses a member’s, a household’s and a leader’s second ballot on a subject in another session of the campaign', async () => {
    // a village whose members have no credentials yet (the test above issued those of the first)
    const village = fixture.a.rows.villages[1].id!;
    const { admin, campaign, session: first } = await memberSession(village);
    const second = await anotherSession(admin, campaign.id, village);
    const members = fixture.a.rows.members.filter((m) => m.villageId === village);
    const creds = (await admin.post(`${T}/member-credentials`, { villageId: village })).body.items as { memberId: string; code: string; pin: string }[];
    const [voterMember, a, b, c] = members;
    const cred = creds.find((x) => x.memberId === voterMember.id)!;
    const memberVoter = { kind: 'member', memberCode: cred.code, pin: cred.pin };
    const castIn = async (session: { id: string; code: string }, voter: object, body: object, client = fixture.anonymous()) => {
      const scanned = await scan(admin, client, session.id, session.code);
      const items = scanned.questionnaire.items;
      const ballots = ((body as { ballots?: string[] }).ballots ?? []).map((id) => ({ subjectKind: 'member', subjectId: id, answers: answerAll(items.peer ?? items.villager, 0) }));
      const unknown = ((body as { unknown?: string[] }).unknown ?? []).map((id) => ({ subjectKind: 'member', subjectId: id }));
      return client.post(`${T}/vote/${session.code}/ballots`, { pass: scanned.pass, clientId: clientId(), voter, ballots, unknown });
    };
    // the member scores a and says 不了解 of b in the first session, which then ends (its salt erased)
    expect((await castIn(first, memberVoter, { ballots: [a.id], unknown: [b.id] })).status).toBe(201);
    expect((await admin.post(`${T}/sessions/${first.id}/close`)).status).toBe(200);
    // in the make-up session, on another phone: a and b are done, c is not
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, second.id, second.code);
    const who = await phone.post(`${T}/vote/${second.code}/identify`, { pass: scanned.pass, voter: memberVoter });
    const state = (id: string) => who.body.subjects.find((x: { subjectId: string }) => x.subjectId === id);
    expect([state(a.id!).voted, state(b.id!).voted, state(c.id!).voted]).toEqual([true, true, false]);
    for (const body of [{ ballots: [a.id] }, { ballots: [b.id] }, { unknown: [a.id] }, { ballots: [c.id, a.id] }]) {
      const again = await castIn(second, memberVoter, body);
      expect(again.status, JSON.stringify(body)).toBe(409);
      expect(again.body.code).toBe('evaluation.already_voted');
    }
    // all or nothing: c was not cast by the refused submission
    expect((await castIn(second, memberVoter, { ballots: [c.id] })).status).toBe(201);
    // a villager of the hall is a pass of one session: the make-up session takes them as the new voters they are
    expect((await castIn(second, { kind: 'villager' }, { ballots: [a.id] })).status).toBe(201);
    // the township leader, signed in: once per subject across the sessions too
    const leaderVote = async (session: { id: string; code: string }) => {
      const qr = await admin.get(`${T}/sessions/${session.id}/qr`);
      const pass = await admin.post(`${T}/vote/${session.code}/pass`, { token: qr.body.token });
      return admin.post(`${T}/vote/${session.code}/ballots`, {
        pass: pass.body.pass,
        clientId: clientId(),
        voter: { kind: 'leader' },
        ballots: [{ subjectKind: 'member', subjectId: c.id, answers: answerAll(pass.body.questionnaire.items.leader, 1) }],
      });
    };
    const third = await anotherSession(admin, campaign.id, village);
    expect((await leaderVote(second)).status).toBe(201);
    expect((await leaderVote(third)).body.code).toBe('evaluation.already_voted');
    // a household (household codes on): its code in one session and again in another
    const settings = (await admin.get('/t/alpha/api/settings')).body;
    try {
      expect((await admin.put('/t/alpha/api/settings', { ...settings, requireHouseholdCode: true })).status).toBe(200);
      const codes = (await admin.post(`${T}/household-codes`, { villageId: village })).body.items as { code: string }[];
      // eight letters of 31 with nothing to mistake on a slip (no 0/O, 1/I/L), one per household, kept when asked again
      expect(codes.length).toBe(fixture.a.rows.households.filter((h) => h.villageId === village).length);
      for (const { code } of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
      expect(new Set(codes.map((x) => x.code)).size).toBe(codes.length);
      expect((await admin.post(`${T}/household-codes`, { villageId: village })).body.items).toEqual(codes);
      // a village's secretary, evaluated by its households, cannot read their codes, not even of his own village
      const secretary = await fixture.as('secretaryA');
      expect((await secretary.get(`${T}/household-codes?villageId=${villageId}`)).status).toBe(403);
      const household = { kind: 'villager', householdCode: codes[0].code };
      expect((await castIn(second, household, { ballots: [b.id] })).status).toBe(201);
      expect((await castIn(third, household, { ballots: [b.id] })).body.code).toBe('evaluation.already_voted');
      expect((await castIn(third, { kind: 'villager', householdCode: codes[1].code }, { ballots: [b.id] })).status).toBe(201);
    } finally {
      await admin.put('/t/alpha/api/settings', settings);
    }
    // the record holds hashes only: no member, household or account id, no session, no time
    const rows = await server.db.all<Record<string, unknown>>(sql`SELECT * FROM evaluation_campaign_voters WHERE campaign_id = ${campaign.id}`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(rows[0]).sort()).toEqual(['campaign_id', 'subject_id', 'subject_kind', 'tenant_id', 'voter_hash']);
    const stored = JSON.stringify(rows);
    for (const id of [voterMember.id, cred.code, first.id, second.id]) expect(stored).not.toContain(id);
  });
});
