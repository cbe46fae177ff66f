import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, redLineRecords } from '../../src/db/schema';
import { shanghaiYear } from '../../src/platform/time';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { ruleFields } from './stars-support';

const YEAR = shanghaiYear();
type Hit = { code: string; title: string; reason: string };
type Result = { subjectId: string; redLines: Hit[]; finalStars: number | null; incomeTier: string; incomeFen: number };

describe.each(DRIVERS)('red lines and annual results on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageIds: string[];
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageIds = fixture.a.rows.villages.map((v) => v.id!);
  });
  afterAll(() => server?.close());

  it('starts every township with the ten default red lines (organisation life switched off), in Chinese or English', async () => {
    const admin = await fixture.as('adminA');
    const rules = await admin.get('/t/alpha/api/stars/red-line-rules');
    expect(rules.status).toBe(200);
    expect(rules.body).toHaveLength(10);
    expect(rules.body.find((r: { code: string }) => r.code === 'org_life')).toMatchObject({ mode: 'computed', source: 'org_life', enabled: false });
    expect(rules.body[0]).toMatchObject({ code: 'reserve_cadres', mode: 'computed', threshold: 2, title: '在培养的后备力量少于 2 名' });
    expect(rules.body.filter((r: { mode: string }) => r.mode === 'manual')).toHaveLength(4);
    const english = await admin.get('/t/alpha/api/stars/red-line-rules?lang=en');
    expect(english.body[1].title).toBe('Collective income of the year below ¥50,000');
    expect((await (await fixture.as('adminB')).get('/t/beta/api/stars/red-line-rules')).body).toHaveLength(10);
  });

  it('lets the township edit a rule and add its own', async () => {
    const admin = await fixture.as('adminA');
    const rules = (await admin.get('/t/alpha/api/stars/red-line-rules')).body;
    const cadres = rules[0];
    const edited = await admin.put(`/t/alpha/api/stars/red-line-rules/${cadres.id}`, { ...ruleFields(cadres), threshold: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body.threshold).toBe(1);
    const invalid = await admin.put(`/t/alpha/api/stars/red-line-rules/${cadres.id}`, { title: 'x', mode: 'computed' });
    expect(invalid.status).toBe(400);
    const custom = await admin.post('/t/alpha/api/stars/red-line-rules', { title: '环境整治不达标', mode: 'manual' });
    expect(custom.status).toBe(201);
    expect(custom.body.code).toMatch(/^custom-/);
    // back to the default so later tests see the default catalogue's behaviour
    await admin.put(`/t/alpha/api/stars/red-line-rules/${cadres.id}`, { ...ruleFields(cadres), threshold: 2 });
    await admin.put(`/t/alpha/api/stars/red-line-rules/${custom.body.id}`, { title: '环境整治不达标', mode: 'manual', enabled: false });
  });

  it('records a red line by hand with a note and evidence, once per village-year, and revokes it on the record', async () => {
    const admin = await fixture.as('adminA');
    const rules = (await admin.get('/t/alpha/api/stars/red-line-rules')).body;
    const safety = rules.find((r: { code: string }) => r.code === 'safety_incident');
    const income = rules.find((r: { code: string }) => r.code === 'income_floor');
    const body = { ruleId: safety.id, villageId: villageIds[2], year: YEAR, note: '6月发生一起较大火灾', evidence: ['县应急局通报〔2026〕12号'] };
    const created = await admin.post('/t/alpha/api/stars/red-line-records', body);
    expect(created.status).toBe(201);
    expect(created.body.evidence).toEqual(['县应急局通报〔2026〕12号']);
    expect((await admin.post('/t/alpha/api/stars/red-line-records', body)).body.code).toBe('stars.record_exists');
    const computed = await admin.post('/t/alpha/api/stars/red-line-records', { ...body, ruleId: income.id });
    expect(computed.status).toBe(400);
    expect(computed.body.code).toBe('stars.rule_not_manual');

    const petition = rules.find((r: { code: string }) => r.code === 'petition');
    const wrong = await admin.post('/t/alpha/api/stars/red-line-records', { ...body, ruleId: petition.id, note: '误登' });
    // revoked by two admins at the same moment: once, on the record once
    const revokes = await Promise.all(['登记错误', '重复撤销'].map((note) => admin.post(`/t/alpha/api/stars/red-line-records/${wrong.body.id}/revoke`, { note })));
    expect(revokes.map((r) => r.status).sort()).toEqual([200, 409]);
    const revoked = revokes.find((r) => r.status === 200)!;
    expect(revoked.body.revokedAt).toBeTruthy();
    const [stored] = await server.db.select().from(redLineRecords).where(eq(redLineRecords.id, wrong.body.id));
    expect(stored.revokeNote).toBe(revoked.body.revokeNote);
    const recorded = await server.db.select().from(auditEvents).where(and(eq(auditEvents.entityId, wrong.body.id), eq(auditEvents.action, 'red_line_record.revoke')));
    expect(recorded).toHaveLength(1);
    const active = await admin.get(`/t/alpha/api/stars/red-line-records?year=${YEAR}`);
    expect(active.body.items.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    const all = await admin.get(`/t/alpha/api/stars/red-line-records?year=${YEAR}&includeRevoked=true`);
    expect(all.body.items).toHaveLength(2);
  });

  it('computes the year: red lines from data and from records, income tiers, with reasons', async () => {
    const admin = await fixture.as('adminA');
    await admin.post('/t/alpha/api/income/entries', { villageId: villageIds[0], year: YEAR, category: 'cooperative', amountFen: 5_000_000 });
    await admin.post('/t/alpha/api/income/entries', { villageId: villageIds[1], year: YEAR, category: 'produce', amountFen: 3_200_000 });
    // the weak-and-lax ledger (ledgers feature) feeds its red line: listed last year, still being rectified
    const weak = await admin.post('/t/alpha/api/ledgers/weak-villages', { villageId: villageIds[1], yearListed: YEAR - 1, reasons: '班子不团结' });
    expect(weak.status).toBe(201);
    // the problem lists feed theirs: a problem past its rectification deadline, not rectified; one rectified in time does not count
    const overdue = await admin.post('/t/alpha/api/problems', { villageId: villageIds[1], content: '村东排水沟未清淤', deadline: `${YEAR}-01-01`, year: YEAR });
    expect(overdue.status).toBe(201);
    const future = await admin.post('/t/alpha/api/problems', { villageId: villageIds[0], content: '路灯损坏', deadline: `${YEAR + 1}-06-30`, year: YEAR });
    expect(future.status).toBe(201);
    const run = await admin.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ tenantsTotal: 1, tenantsDone: 1, tenantsFailed: 0, status: 'finished' });

    const results = await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    expect(results.body.stage).toBe('provisional');
    const byVillage = new Map<string, Result>(results.body.items.map((r: Result) => [r.subjectId, r]));
    expect(byVillage.size).toBe(3);
    const codes = (id: string) => byVillage.get(id)!.redLines.map((h) => h.code);
    expect(codes(villageIds[0])).not.toContain('income_floor');
    expect(byVillage.get(villageIds[0])).toMatchObject({ incomeFen: 5_000_000, incomeTier: 'low' });
    expect(codes(villageIds[1])).toContain('income_floor');
    expect(byVillage.get(villageIds[1])!.redLines.find((h) => h.code === 'income_floor')!.reason).toBe('集体经济收入 ¥32,000.00，低于 ¥50,000.00');
    expect(byVillage.get(villageIds[1])!.redLines.find((h) => h.code === 'weak_lax')!.reason).toBe('列入软弱涣散村党组织台账（1 条）');
    expect(codes(villageIds[0])).not.toContain('weak_lax');
    expect(byVillage.get(villageIds[1])!.redLines.find((h) => h.code === 'rectification_overdue')!.reason).toBe('1 个问题超过整改期限仍未整改');
    expect(codes(villageIds[0])).not.toContain('rectification_overdue');
    expect(codes(villageIds[2])).toEqual(expect.arrayContaining(['income_floor', 'safety_incident']));
    expect(byVillage.get(villageIds[2])!.redLines.find((h) => h.code === 'safety_incident')!.reason).toBe('6月发生一起较大火灾');
    // no evaluation has been held: no stars yet, and nothing follows
    expect([...byVillage.values()].every((r) => r.finalStars === null)).toBe(true);
  });

  it('shows a secretary only their own village', async () => {
    const secretary = await fixture.as('secretaryA');
    const results = await secretary.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    expect(results.body.items.map((r: Result) => r.subjectId)).toEqual([villageIds[0]]);
    expect((await secretary.get(`/t/alpha/api/stars/results?year=${YEAR}&villageId=${villageIds[1]}`)).status).toBe(404);
  });

  it('serves the township dashboard in one call', async () => {
    const admin = await fixture.as('adminA');
    await admin.put(`/t/alpha/api/income/targets/${YEAR}`, { villagesAtLeastLow: 2, villagesAtLeastHigh: 1 });
    const dashboard = await admin.get(`/t/alpha/api/stars/dashboard?year=${YEAR}`);
    expect(dashboard.status).toBe(200);
    const body = dashboard.body;
    expect(body).toMatchObject({ year: YEAR, stage: 'provisional', lastYearStage: 'none' });
    expect(body.branchStars.unratedThisYear).toBe(3);
    expect(body.branchStars.levels.map((l: { stars: number }) => l.stars)).toEqual([5, 4, 3, 2, 1]);
    const incomeLine = body.redLines.byRule.find((r: { title: string }) => r.title === '村集体经济年收入低于 5 万元');
    expect(incomeLine.villages).toBe(2);
    expect(body.redLines.branches.length).toBeGreaterThanOrEqual(2);
    expect(body.income).toMatchObject({ tierCounts: { below: 2, low: 1, high: 0 }, progress: { atLeastLow: 1, lowMet: false, highMet: false } });
    expect(body.consequences.byKind).toHaveLength(8);
    expect(body.movement).toEqual({ up: [], down: [] });
    const viewer = await fixture.as('countyViewer');
    expect((await viewer.get(`/t/alpha/api/stars/dashboard?year=${YEAR}`)).status).toBe(200);
  });

  it('finalises write-once, locks the year, and re-opens only explicitly and on the record', async () => {
    const admin = await fixture.as('adminA');
    const first = await admin.post('/t/alpha/api/job-runs', { job: 'finalise', year: YEAR });
    expect(first.body.outcome.detail).toMatch(/finalised 3 branches/);
    const final = await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    expect(final.body.stage).toBe('final');

    const again = await admin.post('/t/alpha/api/job-runs', { job: 'finalise', year: YEAR });
    expect(again.body.outcome.detail).toMatch(/already final/);
    expect((await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body).toEqual(final.body);

    // a recompute leaves a final year alone, and its data is locked
    await admin.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR });
    expect((await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body).toEqual(final.body);
    const locked = await admin.post('/t/alpha/api/income/entries', { villageId: villageIds[1], year: YEAR, category: 'other', amountFen: 2_000_000 });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('stars.year_finalised');

    expect((await admin.post(`/t/alpha/api/stars/result-years/${YEAR}/reopen`, {})).status).toBe(400);
    const reopened = await admin.post(`/t/alpha/api/stars/result-years/${YEAR}/reopen`, { reason: '补录刘洼村集体收入' });
    expect(reopened.status).toBe(201);
    expect(reopened.body.resultsRetired).toBe(3);
    expect((await admin.post(`/t/alpha/api/stars/result-years/${YEAR}/reopen`, { reason: '再次开放' })).status).toBe(409);
    const years = await admin.get('/t/alpha/api/stars/result-years');
    expect(years.body.find((y: { year: number }) => y.year === YEAR)).toMatchObject({
      stage: 'provisional',
      reopenings: [expect.objectContaining({ reason: '补录刘洼村集体收入', resultsRetired: 3 })],
    });

    // now the income can be corrected, and finalising again takes it in
    expect((await admin.post('/t/alpha/api/income/entries', { villageId: villageIds[1], year: YEAR, category: 'other', amountFen: 2_000_000 })).status).toBe(201);
    await admin.post('/t/alpha/api/job-runs', { job: 'finalise', year: YEAR });
    const refinal = await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    expect(refinal.body.stage).toBe('final');
    const village1 = refinal.body.items.find((r: Result) => r.subjectId === villageIds[1]);
    expect(village1.incomeFen).toBe(5_200_000);
    expect(village1.redLines.map((h: Hit) => h.code)).not.toContain('income_floor');
  });

  it('re-opens a final year once when several re-open it at the same moment: one 201, the others 409, one re-opening and one audit row', async () => {
    const admin = await fixture.as('adminA');
    expect((await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body.stage).toBe('final');
    const reopenings = async () => (await admin.get('/t/alpha/api/stars/result-years')).body.find((y: { year: number }) => y.year === YEAR).reopenings as { reason: string }[];
    const audits = async () => (await server.db.select().from(auditEvents).where(eq(auditEvents.action, 'stars.reopen_year'))).length;
    const [before, auditsBefore] = [(await reopenings()).length, await audits()];
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => admin.post(`/t/alpha/api/stars/result-years/${YEAR}/reopen`, { reason: `同时开放第${i}次` })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(409)]);
    expect(replies.find((r) => r.status === 201)!.body.resultsRetired).toBe(3);
    for (const refused of replies.filter((r) => r.status === 409)) expect(refused.body.code).toBe('stars.year_not_finalised');
    expect((await reopenings()).length).toBe(before + 1);
    expect(await audits()).toBe(auditsBefore + 1);
    // final again, as the year was
    await admin.post('/t/alpha/api/job-runs', { job: 'finalise', year: YEAR });
    expect((await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body.stage).toBe('final');
  });

  it('counts a problem of a past year that was past its deadline at year end, even if rectified since', async () => {
    const admin = await fixture.as('adminA');
    const late = await admin.post('/t/alpha/api/problems', { villageId: villageIds[2], content: '村务公开栏未更新', deadline: `${YEAR - 1}-06-30`, year: YEAR - 1 });
    expect(late.status).toBe(201);
    for (const status of ['in_progress', 'rectified'])
      expect((await admin.patch(`/t/alpha/api/problems/${late.body.id}`, { status })).status).toBe(200);
    await admin.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR - 1 });
    const lastYear = await admin.get(`/t/alpha/api/stars/results?year=${YEAR - 1}`);
    const hits = (id: string) => lastYear.body.items.find((r: Result) => r.subjectId === id).redLines.map((h: Hit) => h.code);
    expect(hits(villageIds[2])).toContain('rectification_overdue');
    expect(hits(villageIds[0])).not.toContain('rectification_overdue');
  });

  it('lets only a township admin change red lines, re-open years or run jobs', async () => {
    const secretary = await fixture.as('secretaryA');
    expect((await secretary.post('/t/alpha/api/job-runs', { job: 'recompute' })).status).toBe(403);
    expect((await secretary.post(`/t/alpha/api/stars/result-years/${YEAR}/reopen`, { reason: 'abcd' })).status).toBe(403);
    const viewer = await fixture.as('countyViewer');
    expect((await viewer.post('/t/alpha/api/stars/red-line-rules', { title: 'x', mode: 'manual' })).status).toBe(403);
  });
});
