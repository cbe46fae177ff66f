import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { openBranchSession } from './evaluation-support';

const T = '/t/alpha/api';
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

/** Each role's home: what needs doing now, one endpoint per role, refused to the others. */
describe.each(DRIVERS)('home per role on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
  });
  afterAll(() => server?.close());

  it("gives a township admin today's sessions, overdue rectifications, unanswered objections, villages without income and job runs", async () => {
    const admin = await fixture.as('adminA');
    const [v0, v1] = fixture.a.rows.villages.map((v) => v.id!);
    const { session } = await openBranchSession(admin, v0);
    const late = await admin.post(`${T}/problems`, { villageId: v1, content: '村务公开栏破损', deadline: '2020-01-31' });
    expect(late.status).toBe(201);
    await admin.post(`${T}/problems`, { villageId: v1, content: '道路坑洼', deadline: '2099-01-31' });
    expect((await admin.post(`${T}/problems/${late.body.id}/publish`)).status).toBe(200);
    expect((await fixture.anonymous().post(`${T}/problems/${late.body.id}/objections`, { content: '还没修好' })).status).toBe(201);
    expect((await admin.post(`${T}/income/entries`, { villageId: v0, year: YEAR, category: 'cooperative', amountFen: 100_000 })).status).toBe(201);
    expect((await admin.post(`${T}/job-runs`, { job: 'recompute', year: YEAR })).status).toBe(201);

    const home = await admin.get(`${T}/home/township`);
    expect(home.status).toBe(200);
    expect(home.body.sessions.map((s: { id: string }) => s.id)).toContain(session.id);
    expect(home.body.overdueProblems.map((p: { content: string }) => p.content)).toEqual(['村务公开栏破损']);
    expect(home.body.unansweredObjections.map((o: { content: string }) => o.content)).toEqual(['还没修好']);
    const withoutIncome = home.body.villagesWithoutIncome.map((v: { id: string }) => v.id);
    expect(withoutIncome).toContain(v1);
    expect(withoutIncome).not.toContain(v0);
    expect(home.body.jobRuns[0]).toMatchObject({ job: 'recompute', year: YEAR });
  });

  it("gives a secretary their village's sessions and problems due, and refuses the others' homes", async () => {
    const secretary = await fixture.as('secretaryA');
    const home = await secretary.get(`${T}/home/secretary`);
    expect(home.status).toBe(200);
    const own = fixture.a.rows.villages[0].id!;
    expect(home.body.sessions.length).toBeGreaterThan(0);
    expect(home.body.sessions.every((s: { villageId: string }) => s.villageId === own)).toBe(true);
    // the overdue problem is another village's
    expect(home.body.problemsDue).toEqual([]);
    expect(Array.isArray(home.body.visitsNotSigned)).toBe(true);
    expect((await secretary.get(`${T}/home/township`)).status).toBe(403);
    expect((await (await fixture.as('adminA')).get(`${T}/home/secretary`)).status).toBe(403);
    expect((await fixture.anonymous().get(`${T}/home/township`)).status).toBe(401);
    // another township's admin reads their own township only
    const beta = await (await fixture.as('adminB')).get('/t/beta/api/home/township');
    expect(beta.body.sessions).toEqual([]);
    expect(beta.body.overdueProblems).toEqual([]);
  });
});
