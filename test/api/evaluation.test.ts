import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from '../../src/domain/merkle';
import { ballots, evaluationSessions, pollBook, raisedProblems } from '../../src/db/schema';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { answerAll, clientId, minutesFromNow, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';

describe.each(DRIVERS)('online evaluation on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageId: string;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageId = fixture.a.rows.villages[0].id!;
  });
  afterAll(() => server?.close());

  const ballotCount = async (sessionId: string) =>
    (await server.db.select({ n: count() }).from(ballots).where(eq(ballots.sessionId, sessionId)))[0].n;

  it('seeds the default questionnaires and copies weights and thresholds into a campaign', async () => {
    const admin = await fixture.as('adminA');
    const list = await admin.get(`${T}/questionnaires`);
    expect(list.status).toBe(200);
    const branch = list.body.items.find((q: { subjectKind: string }) => q.subjectKind === 'branch');
    expect(branch.items.map((i: { text: string }) => i.text).join()).toContain('政治建设');
    expect(branch.items[0].options.map((o: { label: string; points: number }) => `${o.label}${o.points}`)).toEqual(['好10', '较好8', '一般6', '差3']);
    const campaign = await admin.post(`${T}/campaigns`, { name: '党员测评', subjectKind: 'member', villageIds: [villageId] });
    expect(campaign.status).toBe(201);
    expect(campaign.body.weights).toEqual({ self: 20, peer: 20, villager: 40, leader: 20 });
    expect(campaign.body.starThresholds).toEqual([9000, 8000, 7000, 6000]);
    const bad = await admin.post(`${T}/campaigns`, { name: '错', subjectKind: 'branch', weights: { self: 50, peer: 20, villager: 40, leader: 20 } });
    expect(bad.status).toBe(400);
  });

  it('makes a new version when a questionnaire in use changes', async () => {
    const admin = await fixture.as('adminA');
    const campaigns = await admin.get(`${T}/campaigns`);
    const used = campaigns.body.items[0].questionnaireId;
    const current = await admin.get(`${T}/questionnaires/${used}`);
    const revised = await admin.put(`${T}/questionnaires/${used}`, { items: current.body.items.slice(0, 3) });
    expect(revised.status).toBe(201);
    expect(revised.body.version).toBe(current.body.version + 1);
    expect((await admin.get(`${T}/questionnaires/${used}`)).body.items).toHaveLength(current.body.items.length);
  });

  it('refuses overlapping bookings of one screen with a clear message, and lists the week', async () => {
    const admin = await fixture.as('adminA');
    const campaign = await admin.post(`${T}/campaigns`, { name: '支部测评', subjectKind: 'branch' });
    const screen = await admin.post(`${T}/screens`, { name: '大厅' });
    const slot = { campaignId: campaign.body.id, villageId, screenId: screen.body.id };
    const first = await admin.post(`${T}/bookings`, { ...slot, startsAt: '2030-09-02T01:00:00Z', endsAt: '2030-09-02T02:00:00Z' });
    expect(first.status).toBe(201);
    const overlap = await admin.post(`${T}/bookings`, {
      ...slot,
      villageId: fixture.a.rows.villages[1].id,
      startsAt: '2030-09-02T01:30:00Z',
      endsAt: '2030-09-02T03:00:00Z',
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body.message).toContain('大厅');
    expect(overlap.body.message).toContain('2030-09-02 09:00');
    const adjacent = await admin.post(`${T}/bookings`, { ...slot, startsAt: '2030-09-02T02:00:00Z', endsAt: '2030-09-02T03:00:00Z' });
    expect(adjacent.status).toBe(201);
    // two people booking the same free slot at once: exactly one wins
    const race = await Promise.all(
      [0, 1, 2].map(() => admin.post(`${T}/bookings`, { ...slot, startsAt: '2030-09-03T01:00:00Z', endsAt: '2030-09-03T02:00:00Z' })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const week = await admin.get(`${T}/bookings?from=2030-09-01T16:00:00Z`);
    expect(week.body.items.map((b: { villageName: string }) => b.villageName)).toContain('靖庄');
    expect(week.body.items).toHaveLength(3);
  });

  it('runs a session: QR, villager, member and leader ballots, live counts, results, report, tally', async () => {
    const admin = await fixture.as('adminA');
    const { campaign, session } = await openBranchSession(admin, villageId);
    expect(session.code).toMatch(/^[0-9A-Z]{6}$/);
    const qr = await admin.get(`${T}/sessions/${session.id}/qr`);
    expect(qr.body.svg).toMatch(/^<svg/);
    expect(qr.body.url).toContain(`/vote?t=alpha&c=${session.code}&k=`);
    expect(qr.body.pin).toMatch(/^\d{6}$/);

    const phone = fixture.anonymous();
    const info = await phone.get(`${T}/vote/${session.code}`);
    expect(info.body).toMatchObject({ village: '靖庄', status: 'open' });
    const scanned = await scan(admin, phone, session.id, session.code);
    const branch = scanned.subjects.find((s) => s.kind === 'branch')!;
    expect(branch.id).toBe(villageId);
    // the typed code works as well as the scanned token
    expect((await phone.post(`${T}/vote/${session.code}/pass`, { token: qr.body.pin })).status).toBe(200);

    const villagerItems = scanned.questionnaire.items.villager;
    const vote = (client = phone, pass = scanned.pass, voter: object = { kind: 'villager' }, choice = 0, extra: object = {}) =>
      client.post(`${T}/vote/${session.code}/ballots`, {
        pass,
        clientId: clientId(),
        voter,
        ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(villagerItems, choice), ...extra }],
      });

    const first = await vote(phone, scanned.pass, { kind: 'villager' }, 0, { comment: '干得好', problem: '村东路灯坏了' });
    expect(first.status).toBe(201);
    expect(first.body.receipts[0]).toMatchObject({ raterGroup: 'villager', receipt: expect.stringMatching(/^[0-9A-Z]{10}$/) });
    // one pass is one villager: a second ballot, with or without a device id the phone makes up, is refused
    for (const voter of [{ kind: 'villager' }, { kind: 'villager', deviceId: 'device-made-up-1' }, { kind: 'villager', deviceId: 'device-made-up-2' }]) {
      const again = await vote(phone, scanned.pass, voter);
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('您已经对该对象投过票了，每人只能投一次');
    }
    // a re-scan on the same phone gives the same pass back, not a second one
    expect((await scan(admin, phone, session.id, session.code)).pass).toBe(scanned.pass);
    // four more villagers, each on a phone of their own
    for (let i = 0; i < 4; i++) {
      const own = fixture.anonymous();
      expect((await vote(own, (await scan(admin, own, session.id, session.code)).pass, undefined, 1)).status).toBe(201);
    }

    // a member by code + PIN: the branch secretary's ballot is the branch's self-evaluation, another member's is peer
    const creds = await admin.post(`${T}/member-credentials`, { villageId });
    expect(creds.status).toBe(201);
    const villageMembers = fixture.a.rows.members.filter((m) => m.villageId === villageId);
    const secretary = villageMembers.find((m) => m.isSecretary)!;
    const other = villageMembers.find((m) => !m.isSecretary)!;
    const credOf = (id: string | undefined) => creds.body.items.find((c: { memberId: string }) => c.memberId === id);
    const memberVoter = (id: string | undefined) => ({ kind: 'member', memberCode: credOf(id).code, pin: credOf(id).pin });
    const who = await phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.pass, voter: memberVoter(secretary.id) });
    expect(who.body.subjects.find((s: { subjectKind: string }) => s.subjectKind === 'branch').raterGroup).toBe('self');
    const selfBallot = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: memberVoter(secretary.id),
      ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(scanned.questionnaire.items.self, 0) }],
    });
    expect(selfBallot.status).toBe(201);
    expect(selfBallot.body.receipts[0].raterGroup).toBe('self');
    // the same (shared) phone serves another member
    const peerBallot = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: memberVoter(other.id),
      ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(scanned.questionnaire.items.peer, 2) }],
    });
    expect(peerBallot.body.receipts[0].raterGroup).toBe('peer');
    const wrongPin = await phone.post(`${T}/vote/${session.code}/identify`, {
      pass: scanned.pass,
      voter: { kind: 'member', memberCode: credOf(other.id).code, pin: credOf(other.id).pin === '000000' ? '111111' : '000000' },
    });
    expect(wrongPin.status).toBe(401);
    expect(wrongPin.body.message).toBe('党员编号或密码不正确');

    // the township leader, signed in
    const leader = await admin.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: { kind: 'leader' },
      ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(scanned.questionnaire.items.leader, 1) }],
    });
    expect(leader.body.receipts[0].raterGroup).toBe('leader');
    expect((await vote(phone, scanned.pass, { kind: 'leader' })).status).toBe(403);

    // paper ballots entered by an officer
    const paper = await admin.post(`${T}/sessions/${session.id}/paper-ballots`, {
      clientId: clientId(),
      ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(villagerItems, 3) }],
    });
    expect(paper.status).toBe(201);

    // live counts come from counters and the poll book: passes issued beside ballots
    const live = await admin.get(`${T}/sessions/${session.id}/live`);
    expect(live.body).toMatchObject({
      groups: {
        self: { ballots: 1, voters: 1 },
        peer: { ballots: 1, voters: 1 },
        villager: { ballots: 6, voters: 6 },
        leader: { ballots: 1, voters: 1 },
      },
      ballots: 9,
      passes: 5,
      passesUnused: 0,
    });

    // while the session runs nothing of it is counted: a result polled ballot by ballot would show each voter's score
    const running = await admin.get(`${T}/campaigns/${campaign.id}/results`);
    expect(running.body.items.find((r: { subjectId: string }) => r.subjectId === villageId)).toMatchObject({ ballots: 0, composite: null, stars: null });
    const runningReport = await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=branch&subjectId=${villageId}`);
    expect(runningReport.body).toMatchObject({ ballots: 0, composite: null });
    expect(runningReport.body.groups.find((g: { group: string }) => g.group === 'villager').comments).toBeNull();

    // while open the public tally gives the count only: two roots a ballot apart would narrow that ballot down
    const open = await phone.get(`${T}/vote/${session.code}/tally?receipt=${first.body.receipts[0].receipt}`);
    expect(open.body).toMatchObject({ count: 9, root: null, receipts: null });
    const staff = await admin.get(`${T}/sessions/${session.id}/tally`);
    expect(staff.body).toMatchObject({ count: 9, consistent: true, intact: true, sealedRoot: null });
    for (const login of ['secretaryA', 'countyViewer'] as const)
      expect((await (await fixture.as(login)).get(`${T}/sessions/${session.id}/tally`)).status, login).toBe(403);

    // closing: no more ballots, the salt is gone, the raised problem is released and the root sealed
    const closed = await admin.post(`${T}/sessions/${session.id}/close`);
    expect(closed.body.status).toBe('closed');
    const late = await vote();
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('本场测评已结束，不能再提交');
    const [row] = await server.db.select().from(evaluationSessions).where(eq(evaluationSessions.id, session.id));
    expect(row.salt).toBeNull();
    expect(row.tallyRoot).toMatch(/^[0-9a-f]{64}$/);
    // villager: 1×100 + 4×80 + 1×30 → 75; self 100; peer 60; leader 80 → (20×100 + 20×60 + 40×75 + 20×80) / 100 = 78
    const results = await admin.get(`${T}/campaigns/${campaign.id}/results`);
    const result = results.body.items.find((r: { subjectId: string }) => r.subjectId === villageId);
    expect(result).toMatchObject({ composite: 7800, complete: true, stars: 3, ballots: 9 });
    expect(result.groups.villager).toMatchObject({ count: 6, score: 7500, weight: 40 });

    const report = await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=branch&subjectId=${villageId}`);
    expect(report.status).toBe(200);
    expect(report.body.subject.name).toBe('靖庄村党支部');
    const villagers = report.body.groups.find((g: { group: string }) => g.group === 'villager');
    expect(villagers.breakdownVisible).toBe(true);
    expect(villagers.comments).toEqual(['干得好']);
    expect(villagers.items[0].average).toBe(Math.round(((10 + 4 * 8 + 3) * 100) / 6));
    const self = report.body.groups.find((g: { group: string }) => g.group === 'self');
    expect(self).toMatchObject({ count: 1, breakdownVisible: false, items: null, comments: null, contribution: 2000 });

    const reportAfter = await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=branch&subjectId=${villageId}`);
    // a problem raised on a ballot waits for the township's review, out of the report's official list
    expect(reportAfter.body.problems).toEqual([]);
    const queued = await admin.get('/t/alpha/api/problems/reviews');
    expect(queued.body.items.map((p: { content: string; raisedAt: string }) => [p.content, p.raisedAt])).toEqual([['村东路灯坏了', row.closedAt]]);
    // the sealed root and count are part of the report and of the village's public page
    expect(reportAfter.body.tallies).toEqual([{ code: session.code, closedAt: row.closedAt, count: 9, root: row.tallyRoot }]);
    const villagePage = await fixture.anonymous().get(`/t/alpha/api/public/villages/${villageId}`);
    expect(villagePage.body.tallies).toContainEqual({ code: session.code, campaignName: campaign.name, count: 9, root: row.tallyRoot });

    // the public tally: root, count and the receipts sorted by value; the voter's receipt has a proof that verifies
    const final = await phone.get(`${T}/vote/${session.code}/tally?receipt=${first.body.receipts[0].receipt}`);
    expect(final.body).toMatchObject({ count: 9, root: row.tallyRoot, sealed: true, intact: true, found: true });
    expect(final.body.receipts).toEqual([...final.body.receipts].sort());
    expect(await verifyInclusion(session.id, first.body.receipts[0].receipt, final.body.proof, final.body.root)).toBe(true);
    const forged = await phone.get(`${T}/vote/${session.code}/tally?receipt=ZZZZZZZZZZ`);
    expect(forged.body).toMatchObject({ found: false, proof: null });

    // a receipt removed from the poll book afterwards shows: the sealed root no longer matches
    await server.db.delete(pollBook).where(and(eq(pollBook.sessionId, session.id), eq(pollBook.receipt, first.body.receipts[0].receipt)));
    expect((await phone.get(`${T}/vote/${session.code}/tally`)).body).toMatchObject({ intact: false, root: row.tallyRoot });
    expect((await admin.get(`${T}/sessions/${session.id}/tally`)).body).toMatchObject({ intact: false, consistent: false });
  });

  it('refuses bad ballots with a clear Chinese message and stores nothing', async () => {
    const admin = await fixture.as('adminA');
    const { session } = await openBranchSession(admin, fixture.a.rows.villages[1].id!);
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const branch = scanned.subjects.find((s) => s.kind === 'branch')!;
    const items = scanned.questionnaire.items.villager;
    const send = (ballot: object, pass = scanned.pass) =>
      phone.post(`${T}/vote/${session.code}/ballots`, {
        pass,
        clientId: clientId(),
        voter: { kind: 'villager', deviceId: `device-${Math.random()}` },
        ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(items, 0), ...ballot }],
      });
    const cases: [string, Promise<Awaited<ReturnType<typeof send>>>, number, string][] = [
      ['out of range', send({ answers: answerAll(items, 4) }), 400, 'evaluation.answer_out_of_range'],
      ['missing answer', send({ answers: answerAll(items.slice(1), 0) }), 400, 'evaluation.answer_missing'],
      ['not in session', send({ subjectId: villageId }), 400, 'evaluation.subject_not_in_session'],
      ['oversized comment', send({ comment: '很'.repeat(301) }), 400, 'evaluation.comment_too_long'],
      ['forged pass', send({}, `${Math.floor(Date.now() / 1000) + 3600}.forgedforgedforgedforge`), 403, 'evaluation.pass_invalid'],
    ];
    for (const [name, reply, status, code] of cases) {
      const r = await reply;
      expect(r.status, name).toBe(status);
      expect(r.body.code, name).toBe(code);
      expect(r.body.message, name).toMatch(/[\u4e00-\u9fa5]/);
    }
    // a fresh phone (no pass of its own yet) with a forged or an expired token gets none
    const fresh = fixture.anonymous();
    const forged = await fresh.post(`${T}/vote/${session.code}/pass`, { token: `${Math.floor(Date.now() / 30000)}.AAAAAAAAAAAAAAAAAAAAAA` });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toBe('二维码已过期：请扫描大屏幕上正在显示的二维码');
    const expired = await fresh.post(`${T}/vote/${session.code}/pass`, { token: `${Math.floor(Date.now() / 30000) - 20}.AAAAAAAAAAAAAAAAAAAAAA` });
    expect(expired.status).toBe(403);
    expect((await fresh.post(`${T}/vote/${session.code}/pass`, {})).status).toBe(403);
    expect(await ballotCount(session.id)).toBe(0);
    expect((await server.db.select({ n: count() }).from(raisedProblems).where(eq(raisedProblems.sessionId, session.id)))[0].n).toBe(0);
  });

  it('rejects a QR token from a few minutes ago (a photo sent out of the room)', async () => {
    const { currentQr, verifyEntry } = await import('../../src/features/evaluation/sessions/passes');
    const key = { tenantId: 't', sessionId: 's' };
    const timing = { rotateSeconds: 30, validSeconds: 180 };
    const shown = await currentQr('k', key, timing, Date.parse('2026-09-01T01:00:00Z'));
    expect(await verifyEntry('k', key, shown.token, timing, Date.parse('2026-09-01T01:02:50Z'))).toBe(true);
    expect(await verifyEntry('k', key, shown.token, timing, Date.parse('2026-09-01T01:03:31Z'))).toBe(false);
    expect(await verifyEntry('k', key, shown.pin, timing, Date.parse('2026-09-01T01:03:31Z'))).toBe(false);
    expect(await verifyEntry('other', key, shown.token, timing, Date.parse('2026-09-01T01:00:10Z'))).toBe(false);
  });

  it('returns the same receipts for a retried submission and never counts it twice', async () => {
    const admin = await fixture.as('adminA');
    const { session } = await openBranchSession(admin, fixture.a.rows.villages[2].id!);
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const body = {
      pass: scanned.pass,
      clientId: clientId(),
      voter: { kind: 'villager', deviceId: 'offline-phone-1' },
      ballots: scanned.subjects
        .filter((s) => s.kind === 'branch')
        .map((s) => ({ subjectKind: s.kind, subjectId: s.id, answers: answerAll(scanned.questionnaire.items.villager, 0) })),
    };
    const replies = await Promise.all([0, 1, 2].map(() => phone.post(`${T}/vote/${session.code}/ballots`, body)));
    const receipts = replies.map((r) => r.body.receipts?.[0]?.receipt);
    expect(new Set(receipts).size).toBe(1);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(await ballotCount(session.id)).toBe(1);
  });

  it('lets a village secretary book and run only their own village', async () => {
    const admin = await fixture.as('adminA');
    const secretary = await fixture.as('secretaryA');
    const campaign = await admin.post(`${T}/campaigns`, { name: '支部测评', subjectKind: 'branch' });
    const screen = await admin.post(`${T}/screens`, { name: '二号厅' });
    const slot = { campaignId: campaign.body.id, screenId: screen.body.id, startsAt: minutesFromNow(60 * 24), endsAt: minutesFromNow(60 * 25) };
    expect((await secretary.post(`${T}/bookings`, { ...slot, villageId })).status).toBe(201);
    expect((await secretary.post(`${T}/bookings`, { ...slot, villageId: fixture.a.rows.villages[1].id })).status).toBe(404);
  });

  it('keeps the problem list: measures, status flow, notice period and objections', async () => {
    const admin = await fixture.as('adminA');
    const created = await admin.post('/t/alpha/api/problems', { villageId, content: '村务公开不及时', measure: '每月5日前公开', deadline: '2020-01-31', owner: '村书记' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'open', overdue: true });
    const skip = await admin.patch(`/t/alpha/api/problems/${created.body.id}`, { status: 'verified' });
    expect(skip.status).toBe(409);
    await admin.post(`/t/alpha/api/problems/${created.body.id}/publish`);
    const objection = await fixture.anonymous().post(`/t/alpha/api/problems/${created.body.id}/objections`, { content: '整改措施不具体' });
    expect(objection.status).toBe(201);
    const publicList = await fixture.anonymous().get(`/t/alpha/api/problems/public?villageId=${villageId}`);
    expect(publicList.body.items[0]).toMatchObject({ content: '村务公开不及时', inNotice: true });
    await admin.patch(`/t/alpha/api/problems/${created.body.id}`, { status: 'in_progress' });
    await admin.patch(`/t/alpha/api/problems/${created.body.id}`, { status: 'rectified' });
    const unanswered = await admin.patch(`/t/alpha/api/problems/${created.body.id}`, { status: 'verified' });
    expect(unanswered.body.code).toBe('problems.objections_unanswered');
    const answered = await admin.post(`/t/alpha/api/problems/${created.body.id}/objections/${objection.body.id}/answer`, { answer: '已细化到每月公开清单' });
    expect(answered.status).toBe(200);
    const verified = await admin.patch(`/t/alpha/api/problems/${created.body.id}`, { status: 'verified' });
    expect(verified.body).toMatchObject({ status: 'verified', overdue: false });
  });
});
