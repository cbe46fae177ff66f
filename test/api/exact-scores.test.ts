import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { evaluationSessions } from '../../src/db/schema';
import { recomputeProvisional } from '../../src/features/stars';
import { shanghaiYear } from '../../src/platform/time';
import { parseSettings } from '../../src/tenancy/settings';
import { ApiClient } from '../support/client';
import { createTestAccount, PASSWORD } from '../support/fixture';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { clientId, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';
const YEAR = shanghaiYear();

/** Options by index: 0 → 100, 1 → 85, 2 → 80, 3 → 54, 4 → 45, 5 → 0 points. */
const MEMBER_OPTIONS = [100, 85, 80, 54, 45, 0].map((points) => ({ label: `${points}分`, points }));
/** Leaders answer twenty items: 0 → 100, 1 → 45, 2 → 44, 3 → 0 points (maximum 2000). */
const LEADER_OPTIONS = [100, 45, 44, 0].map((points) => ({ label: `${points}分`, points }));
const QUESTIONNAIRE = {
  name: '精确计分问卷',
  subjectKind: 'branch',
  items: [
    ...[1, 2, 3, 4].map((i) => ({ key: `q${i}`, text: `第${i}题`, groups: ['self', 'peer', 'villager'], options: MEMBER_OPTIONS })),
    ...Array.from({ length: 20 }, (_, i) => ({ key: `l${i + 1}`, text: `点评第${i + 1}题`, groups: ['leader'], options: LEADER_OPTIONS })),
  ],
};
/** Answers to q1–q4 by option index: [0,0,0,2] = 380 of 400. */
const four = (choices: number[]) => Object.fromEntries(choices.map((c, i) => [`q${i + 1}`, c]));
/** Nineteen leader items at 100 and the last at `last`'s option. */
const leaderAnswers = (last: number) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`l${i + 1}`, i === 19 ? last : 0]));

describe.each(DRIVERS)('exact scores, one figure everywhere, on %s', (driver) => {
  const ctx = withFixture(driver);

  it('reports 89.995 as 90.00 ★★★★★ in the results, the report, the annual results, the village page and the county', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[0].id!;
    const questionnaire = await admin.post(`${T}/questionnaires`, QUESTIONNAIRE);
    expect(questionnaire.status).toBe(201);
    const { campaign, session } = await openBranchSession(admin, villageId, {
      campaignBody: { questionnaireId: questionnaire.body.id, villageIds: [villageId] },
    });
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const creds = (await admin.post(`${T}/member-credentials`, { villageId })).body.items as { memberId: string; code: string; pin: string }[];
    const villageMembers = fixture.a.rows.members.filter((m) => m.villageId === villageId);
    const secretary = villageMembers.find((m) => m.isSecretary)!;
    const others = villageMembers.filter((m) => !m.isSecretary).slice(0, 3);
    expect(others).toHaveLength(3);
    const cast = (client: ApiClient, voter: object, answers: Record<string, number>) =>
      client.post(`${T}/vote/${session.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter,
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers }],
      });
    const memberVoter = (id: string | undefined) => {
      const cred = creds.find((c) => c.memberId === id)!;
      return { kind: 'member', memberCode: cred.code, pin: cred.pin };
    };

    // self 380/400 = 95
    expect((await cast(phone, memberVoter(secretary.id), four([0, 0, 0, 2]))).status).toBe(201);
    // peers 340, 340, 345 of 400: 85.41666…
    for (const [i, member] of others.entries())
      expect((await cast(phone, memberVoter(member.id), four(i < 2 ? [1, 1, 1, 1] : [0, 0, 0, 4]))).status).toBe(201);
    // villagers 340, 340, 354 of 400 (paper sheets): 86.1666…
    for (const choices of [[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 0, 3]]) {
      const sheet = await admin.post(`${T}/sessions/${session.id}/paper-ballots`, {
        clientId: clientId(),
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: four(choices) }],
      });
      expect(sheet.status).toBe(201);
    }
    // leaders 1945 and 1944 of 2000: 97.225
    const secondLeaderPhone = '13900000099';
    await createTestAccount(server.db, { phone: secondLeaderPhone, name: '第二位领导', password: PASSWORD }, [{ role: 'township_admin', tenantId: fixture.a.tenantId }]);
    const secondLeader = await new ApiClient(server).login(secondLeaderPhone, PASSWORD);
    expect((await cast(admin, { kind: 'leader' }, leaderAnswers(1))).status).toBe(201);
    expect((await cast(secondLeader, { kind: 'leader' }, leaderAnswers(2))).status).toBe(201);

    // the close counts the session and recomputes the year in the same request
    expect((await admin.post(`${T}/sessions/${session.id}/close`, {})).status).toBe(200);
    // 0.2·95 + 0.2·85.41666… + 0.4·86.1666… + 0.2·97.225 = 89.995 exactly: 90.00, not the 89.99 of truncated means
    const results = await admin.get(`${T}/campaigns/${campaign.id}/results`);
    const result = results.body.items.find((r: { subjectId: string }) => r.subjectId === villageId);
    expect(result).toMatchObject({ composite: 9000, complete: true, stars: 5, ballots: 9 });
    expect(result.groups).toMatchObject({
      self: { count: 1, score: 9500, contribution: 1900 },
      peer: { count: 3, score: 8542, contribution: 1708 },
      villager: { count: 3, score: 8617, contribution: 3447 },
      // two leaders' ballots are below the township's minimum of three: 样本不足, shown without score (it still counts)
      leader: { count: 2, score: null, contribution: null, sampleTooSmall: true },
    });
    const report = await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=branch&subjectId=${villageId}`);
    expect(report.body).toMatchObject({ composite: 9000, stars: 5, complete: true });

    const annual = await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    const branch = annual.body.items.find((r: { subjectId: string }) => r.subjectId === villageId);
    expect(branch).toMatchObject({ stage: 'provisional', composite: 9000, complete: true, rawStars: 5 });
    expect(Date.now() - Date.parse(branch.computedAt)).toBeLessThan(60_000);

    const village = await fixture.anonymous().get(`/t/alpha/api/public/villages/${villageId}`);
    expect(village.body.branch).toMatchObject({ year: YEAR, stage: 'provisional', stars: branch.finalStars, computedAt: branch.computedAt });
    const county = await (await fixture.as('countyViewer')).get(`/api/county/${fixture.countyId}/comparison?year=${YEAR}&townshipId=${fixture.a.tenantId}`);
    const row = county.body.items.find((r: { villageId: string }) => r.villageId === villageId);
    expect(row).toMatchObject({ composite: 9000, stars: branch.finalStars, stage: 'provisional', computedAt: branch.computedAt });
    const summary = await (await fixture.as('countyViewer')).get(`/api/county/${fixture.countyId}/summary?year=${YEAR}`);
    expect(summary.body.townships.find((t: { townshipId: string }) => t.townshipId === fixture.a.tenantId).computedAt).toBe(branch.computedAt);

  });

  it('shows no stars for an incomplete evaluation; a paper sheet entered after the window recomputes at once', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[1].id!;
    const { campaign, session } = await openBranchSession(admin, villageId, { campaignBody: { villageIds: [villageId] } });
    const items = (await scan(admin, fixture.anonymous(), session.id, session.code)).questionnaire.items.villager;
    const sheet = (choice: number) =>
      admin.post(`${T}/sessions/${session.id}/paper-ballots`, {
        clientId: clientId(),
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: Object.fromEntries(items.map((i) => [i.key, choice])) }],
      });
    expect((await sheet(0)).status).toBe(201);
    // the window has passed (no close by hand): the session counts; sheets from the hall may still be entered, and each recomputes the year
    await server.db.update(evaluationSessions).set({ closesAt: new Date(Date.now() - 1000).toISOString() }).where(eq(evaluationSessions.id, session.id));
    const report = await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=branch&subjectId=${villageId}`);
    expect(report.body).toMatchObject({ composite: 10000, complete: false, stars: null });
    expect((await sheet(3)).status).toBe(201);
    const annual = await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    // villagers 100 and 30 → 65.00; incomplete: no stars
    expect(annual.body.items.find((r: { subjectId: string }) => r.subjectId === villageId)).toMatchObject({
      composite: 6500,
      complete: false,
      rawStars: null,
      finalStars: null,
    });
  });

  it('refuses a computed red line that cannot compute, with a clear message', async () => {
    const admin = await ctx.fixture.as('adminA');
    for (const source of ['irregular_decisions', 'weak_list', 'overdue_problems', 'reserve_cadres', 'income_floor']) {
      const reply = await admin.post('/t/alpha/api/stars/red-line-rules', { title: '零阈值', mode: 'computed', source, threshold: 0 });
      expect(reply.status, source).toBe(400);
      expect(reply.body.details[0]).toMatchObject({ path: 'threshold', message: expect.stringContaining('阈值超出') });
    }
    const bad = await admin.put('/t/alpha/api/settings', { ...(await admin.get('/t/alpha/api/settings')).body, starThresholds: [7000, 8000, 6000, 5000] });
    expect(bad.status).toBe(400);
  });

  it('computes every rule and every setting the API accepts, without throwing (property)', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const original = (await admin.get('/t/alpha/api/settings')).body;
    const rule = fc.oneof(
      fc.record({ mode: fc.constant('manual'), source: fc.constant(null), threshold: fc.constant(null) }),
      fc.record({
        mode: fc.constant('computed'),
        source: fc.constantFrom('reserve_cadres', 'income_floor', 'weak_list', 'irregular_decisions', 'overdue_problems'),
        threshold: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.integer({ min: 0, max: 100_000_000_000 })),
      }),
    );
    const settings = fc.record({
      starThresholds: fc.array(fc.integer({ min: -10, max: 10_010 }), { minLength: 4, maxLength: 4 }),
      incomeTiersFen: fc.array(fc.integer({ min: 0, max: 20_000_000 }), { minLength: 2, maxLength: 2 }),
      anonymityMinBallots: fc.integer({ min: 0, max: 101 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 3 }), settings, fc.boolean(), async (rules, change, enabled) => {
        for (const r of rules) {
          const reply = await admin.post('/t/alpha/api/stars/red-line-rules', { title: '随机规则', enabled, ...r });
          expect([201, 400]).toContain(reply.status);
        }
        const put = await admin.put('/t/alpha/api/settings', { ...original, ...change });
        expect([200, 400]).toContain(put.status);
        const tenant = (await admin.get('/t/alpha/api/settings')).body;
        // whatever was accepted, the nightly job's verb computes it
        const outcome = await recomputeProvisional(server.db, fixture.a.tenantId, YEAR, parseSettings(JSON.stringify(tenant)));
        expect(outcome.status).toBe('recomputed');
      }),
      { numRuns: driver === 'libsql' ? 12 : 6, seed: 20261201 },
    );
    await admin.put('/t/alpha/api/settings', original);
  });
});
