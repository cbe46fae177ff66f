import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, evaluationSessions, problems } from '../../src/db/schema';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { answerAll, clientId, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api';

type Review = { id: string; villageId: string; content: string; status: string; problemId: string | null; reason: string | null };

/** 群众反映问题: problems raised on ballots wait in a review queue until the township accepts, merges or dismisses each. */
describe.each(DRIVERS)('problem review queue on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
  });
  afterAll(() => server?.close());

  /** A session in a village where each villager raises one of `raised`, then closed (unless `close` is false); returns the session. */
  const raise = async (villageId: string, raised: string[], close = true) => {
    const admin = await fixture.as('adminA');
    const { session } = await openBranchSession(admin, villageId);
    for (const problem of raised) {
      const phone = fixture.anonymous();
      const scanned = await scan(admin, phone, session.id, session.code);
      const reply = await phone.post(`${T}/evaluation/vote/${session.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter: { kind: 'villager' },
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 0), problem }],
      });
      expect(reply.status).toBe(201);
    }
    if (close) expect((await admin.post(`${T}/evaluation/sessions/${session.id}/close`, {})).status).toBe(200);
    return session as { id: string; code: string };
  };
  const queue = async (query = '') => (await (await fixture.as('adminA')).get(`${T}/problems/reviews${query}`)).body.items as Review[];
  const auditActions = async (entityId: string) =>
    (await server.db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.entity, 'problem_review'), eq(auditEvents.entityId, entityId)))).map((r) => r.action);

  it('queues ballot-raised problems instead of the official list; the township accepts, merges or dismisses each, audited', async () => {
    const villageId = fixture.a.rows.villages[0].id!;
    await raise(villageId, ['村东路灯坏了', '村东的路灯不亮', '隔壁吵闹']);
    const admin = await fixture.as('adminA');
    expect((await admin.get(`${T}/problems?villageId=${villageId}`)).body.items).toEqual([]);
    const pending = await queue();
    expect(pending.map((r) => r.content).sort()).toEqual(['村东的路灯不亮', '村东路灯坏了', '隔壁吵闹']);
    const [lamp, sameLamp, noise] = ['村东路灯坏了', '村东的路灯不亮', '隔壁吵闹'].map((c) => pending.find((r) => r.content === c)!);

    const accepted = await admin.post(`${T}/problems/reviews/${lamp.id}`, { action: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', problemId: lamp.id });
    const list = (await admin.get(`${T}/problems?villageId=${villageId}`)).body.items;
    expect(list.map((p: { content: string; source: string; sessionId: string | null }) => [p.content, p.source, p.sessionId])).toEqual([['村东路灯坏了', 'ballot', null]]);
    // decided once: a second accept (or any decision) is refused, and no second problem appears
    expect((await admin.post(`${T}/problems/reviews/${lamp.id}`, { action: 'accept' })).status).toBe(409);
    expect((await admin.post(`${T}/problems/reviews/${lamp.id}`, { action: 'dismiss', reason: '重复' })).status).toBe(409);
    expect(await server.db.select().from(problems).where(eq(problems.id, lamp.id))).toHaveLength(1);

    const merged = await admin.post(`${T}/problems/reviews/${sameLamp.id}`, { action: 'merge', problemId: lamp.id });
    expect(merged.body).toMatchObject({ status: 'merged', problemId: lamp.id });
    expect((await admin.get(`${T}/problems?villageId=${villageId}`)).body.items).toHaveLength(1);

    expect((await admin.post(`${T}/problems/reviews/${noise.id}`, { action: 'dismiss', reason: '' })).status).toBe(400);
    const dismissed = await admin.post(`${T}/problems/reviews/${noise.id}`, { action: 'dismiss', reason: '不属于村党支部的问题' });
    expect(dismissed.body).toMatchObject({ status: 'dismissed', reason: '不属于村党支部的问题', problemId: null });

    expect(await queue()).toEqual([]);
    expect((await queue('?status=dismissed')).map((r) => r.id)).toEqual([noise.id]);
    expect(await auditActions(lamp.id)).toEqual(['problem_review.accept']);
    expect(await auditActions(sameLamp.id)).toEqual(['problem_review.merge']);
    expect(await auditActions(noise.id)).toEqual(['problem_review.dismiss']);
  });

  it("refuses another village's secretary (404), their own village's secretary (403), and a merge into another village's problem", async () => {
    const [own, other] = fixture.a.rows.villages.map((v) => v.id!);
    await raise(other, ['河道垃圾没人清']);
    await raise(own, ['本村问题']);
    const theirs = (await queue(`?villageId=${other}`))[0];
    const mine = (await queue(`?villageId=${own}`))[0];
    const secretary = await fixture.as('secretaryA');
    const tried = await secretary.post(`${T}/problems/reviews/${theirs.id}`, { action: 'accept' });
    expect(tried.status).toBe(404);
    // nothing says the row is there, in another village
    expect(tried.body.message).toBe('未找到该内容');
    expect((await secretary.get(`${T}/problems/reviews?villageId=${other}`)).status).toBe(404);
    // the secretary sees their village's queue, but the township decides
    expect((await secretary.get(`${T}/problems/reviews`)).body.items.map((r: Review) => r.id)).toEqual([mine.id]);
    expect((await secretary.post(`${T}/problems/reviews/${mine.id}`, { action: 'accept' })).status).toBe(403);
    expect((await queue(`?villageId=${other}`)).map((r) => r.status)).toEqual(['pending']);

    const admin = await fixture.as('adminA');
    const ownProblem = (await admin.post(`${T}/problems`, { villageId: own, content: '本村的问题' })).body;
    expect((await admin.post(`${T}/problems/reviews/${theirs.id}`, { action: 'merge', problemId: ownProblem.id })).status).toBe(404);
    expect((await admin.post(`${T}/problems/reviews/${theirs.id}`, { action: 'promote' })).status).toBe(400);
    // another township's admin does not find it
    expect((await (await fixture.as('adminB')).post(`/t/beta/api/problems/reviews/${theirs.id}`, { action: 'accept' })).status).toBe(404);
  });

  it('releases each raised problem into the queue once, however many requests end the session at the same moment', async () => {
    const villageId = fixture.a.rows.villages[2].id!;
    const admin = await fixture.as('adminA');
    const queued = async () => (await queue(`?villageId=${villageId}`)).map((r) => r.content).sort();

    // closed by hand from several screens at once: one close (one audit row), each problem queued once
    const closed = await raise(villageId, ['晒谷场积水', '村口桥栏杆松动'], false);
    const closes = await Promise.all(Array.from({ length: 6 }, () => admin.post(`${T}/evaluation/sessions/${closed.id}/close`, {})));
    expect(closes.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(await queued()).toEqual(['村口桥栏杆松动', '晒谷场积水'].sort());
    const closeAudits = await server.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'session.close'), eq(auditEvents.entityId, closed.id)));
    expect(closeAudits).toHaveLength(1);

    // ended by its time: the big screen's polls and the phones' requests just after the window all find it due
    const timed = await raise(villageId, ['垃圾清运不及时', '路灯坏了'], false);
    await server.db.update(evaluationSessions).set({ closesAt: new Date(Date.now() - 1000).toISOString() }).where(eq(evaluationSessions.id, timed.id));
    const phone = fixture.anonymous();
    const burst = await Promise.all([
      ...Array.from({ length: 4 }, () => admin.get(`${T}/evaluation/sessions/${timed.id}/live`)),
      ...Array.from({ length: 4 }, () => phone.get(`${T}/evaluation/vote/${timed.code}`)),
    ]);
    expect(burst.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await queued()).toEqual(['垃圾清运不及时', '村口桥栏杆松动', '晒谷场积水', '路灯坏了'].sort());
  });
});
