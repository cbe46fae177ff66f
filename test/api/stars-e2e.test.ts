import { describe, expect, it } from 'vitest';
import { shanghaiYear, startOfShanghaiDay } from '../../src/platform/time';
import type { ApiClient } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { answerAll, clientId, openBranchSession, scan } from './evaluation-support';
import { ruleFields } from './stars-support';

const Y = shanghaiYear();
const LAST = Y - 1;
const NIGHTLY = '0 18 * * *';
const JANUARY = '30 18 1-30 1 *';
/** 02:30 Asia/Shanghai on a January day: when the January cron fires */
const januaryRun = (year: number, day: number) => new Date(startOfShanghaiDay(year, 1, day).getTime() + 150 * 60_000);

/** Options 好/较好/一般/差 are 10/8/6/3 points: the index each of the eight branch items gets, for a composite. */
const ANSWERS = {
  '100.00': () => 0,
  '95.00': (i: number) => (i < 6 ? 0 : 1),
  '70.00': (i: number) => (i < 4 ? 1 : 2),
  '60.00': () => 2,
  '30.00': () => 3,
} as const;

type Result = {
  subjectId: string;
  composite: number;
  rawStars: number;
  finalStars: number;
  previousStars: number | null;
  redLines: { code: string; reason: string }[];
  consequences: { kind: string; label: string; amountFen?: number }[];
};

describe.each(DRIVERS)('annual stars end to end on %s', (driver) => {
  const ctx = withFixture(driver);
  let admin: ApiClient;
  let platform: ApiClient;
  let v: string[];

  /** One campaign of `year` per village, weighted on villagers only, with one paper ballot scoring `composite`. */
  async function evaluate(year: number, villageIndex: number, composite: keyof typeof ANSWERS) {
    const { session } = await openBranchSession(admin, v[villageIndex], {
      campaignBody: { year, name: `${year}年度星级评定`, weights: { self: 0, peer: 0, villager: 100, leader: 0 } },
    });
    const scanned = await scan(admin, ctx.fixture.anonymous(), session.id, session.code);
    const paper = await admin.post(`/t/alpha/api/evaluation/sessions/${session.id}/paper-ballots`, {
      clientId: clientId(),
      ballots: [{ subjectKind: 'branch', subjectId: v[villageIndex], answers: answerAll(scanned.questionnaire.items.villager, ANSWERS[composite]) }],
    });
    expect(paper.status).toBe(201);
    // a session counts once it has ended
    expect((await admin.post(`/t/alpha/api/evaluation/sessions/${session.id}/close`)).status).toBe(200);
  }

  /** Fires a cron and waits until its run has every township's outcome (workerd: through the queue). */
  async function cron(expr: string, at: Date) {
    const before = new Set(((await platform.get('/api/platform/job-runs')).body.items as { id: string }[]).map((r) => r.id));
    await ctx.server.scheduled!(expr, at);
    for (let i = 0; i < 100; i++) {
      const run = ((await platform.get('/api/platform/job-runs')).body.items as { id: string; status: string; tenantsFailed: number }[]).find(
        (r) => !before.has(r.id),
      );
      if (run && run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the cron run did not finish');
  }

  const results = async (year: number) => {
    const reply = await admin.get(`/t/alpha/api/stars/results?year=${year}`);
    return { stage: reply.body.stage as string, by: new Map<string, Result>(reply.body.items.map((r: Result) => [r.subjectId, r])), body: reply.body };
  };

  it('casts ballots, records income and red lines, runs the crons, and reads final stars and consequences', async () => {
    admin = await ctx.fixture.as('adminA');
    platform = await ctx.fixture.as('platformAdmin');
    v = ctx.fixture.a.rows.villages.map((x) => x.id!);

    // the reserve-cadre line depends on generated rosters: switch it off to keep the story exact
    const rules = (await admin.get('/t/alpha/api/stars/red-line-rules')).body as { id: string; code: string }[];
    const rule = (code: string) => rules.find((r) => r.code === code)!;
    await admin.put(`/t/alpha/api/stars/red-line-rules/${rule('reserve_cadres').id}`, { ...ruleFields(rule('reserve_cadres')), enabled: false });

    // last year: 靖庄 95.00 with a cadre punished (capped at 4★), 刘洼 60.00 (2★), the third 30.00 (1★)
    await admin.post('/t/alpha/api/income/entries', { villageId: v[0], year: LAST, category: 'cooperative', amountFen: 6_000_000 });
    await admin.post('/t/alpha/api/stars/red-line-records', {
      ruleId: rule('discipline').id,
      villageId: v[0],
      year: LAST,
      note: '村委委员违规收受礼金,受党内警告处分',
      evidence: ['镇纪委〔2025〕3号'],
    });
    await evaluate(LAST, 0, '95.00');
    await evaluate(LAST, 1, '60.00');
    await evaluate(LAST, 2, '30.00');
    // the January cron finalises last year
    expect(await cron(JANUARY, januaryRun(Y, 10))).toMatchObject({ status: 'finished', tenantsFailed: 0 });
    const last = await results(LAST);
    expect(last.stage).toBe('final');
    expect(last.by.get(v[0])).toMatchObject({ composite: 9500, rawStars: 5, finalStars: 4 });
    expect(last.by.get(v[0])!.redLines).toEqual([expect.objectContaining({ code: 'discipline', reason: '村委委员违规收受礼金,受党内警告处分' })]);
    expect(last.by.get(v[1])).toMatchObject({ finalStars: 2 });
    expect(last.by.get(v[2])).toMatchObject({ finalStars: 1 });

    // this year: 靖庄 100.00 with ¥120,000 income, 刘洼 60.00 again, the third 70.00 with a recorded safety incident
    await admin.post('/t/alpha/api/income/entries', { villageId: v[0], year: Y, category: 'cooperative', amountFen: 12_000_000 });
    await admin.post('/t/alpha/api/income/entries', { villageId: v[2], year: Y, category: 'leasing', amountFen: 6_000_000 });
    await admin.post('/t/alpha/api/stars/red-line-records', { ruleId: rule('safety_incident').id, villageId: v[2], year: Y, note: '农机事故致一人重伤' });
    await evaluate(Y, 0, '100.00');
    await evaluate(Y, 1, '60.00');
    await evaluate(Y, 2, '70.00');

    // the nightly cron: provisional stars, with last year's final stars to compare against
    expect(await cron(NIGHTLY, new Date())).toMatchObject({ status: 'finished', tenantsFailed: 0 });
    const provisional = await results(Y);
    expect(provisional.stage).toBe('provisional');
    expect(provisional.by.get(v[0])).toMatchObject({ composite: 10000, finalStars: 5, previousStars: 4 });

    // next January: final
    await cron(JANUARY, januaryRun(Y + 1, 10));
    const final = await results(Y);
    expect(final.stage).toBe('final');
    const kinds = (i: number) => final.by.get(v[i])!.consequences.map((c) => c.kind);
    expect(final.by.get(v[0])).toMatchObject({ finalStars: 5, previousStars: 4, redLines: [] });
    expect(kinds(0)).toEqual(['city_plaque', 'star_award', 'secretary_pay', 'promotion_award']);
    expect(final.by.get(v[0])!.consequences.find((c) => c.kind === 'secretary_pay')).toMatchObject({
      amountFen: 5_000_000,
      label: '村党组织书记年报酬达到 ¥50,000.00',
    });
    expect(final.by.get(v[1])).toMatchObject({ composite: 6000, finalStars: 2, previousStars: 2 });
    expect(final.by.get(v[1])!.redLines.map((h) => h.code)).toEqual(['income_floor']);
    expect(kinds(1)).toEqual(['rectification', 'replace_secretary']);
    expect(final.by.get(v[2])).toMatchObject({ composite: 7000, rawStars: 3, finalStars: 3, previousStars: 1 });
    expect(final.by.get(v[2])!.redLines.map((h) => h.code)).toEqual(['safety_incident']);
    expect(kinds(2)).toEqual(['promotion_award', 'interview']);

    // finalising twice changes nothing, whatever happened since
    await admin.put(`/t/alpha/api/stars/red-line-rules/${rule('reserve_cadres').id}`, { ...ruleFields(rule('reserve_cadres')), enabled: true });
    await cron(JANUARY, januaryRun(Y + 1, 11));
    expect((await results(Y)).body).toEqual(final.body);

    const consequences = await admin.get(`/t/alpha/api/stars/consequences?year=${Y}&villageId=${v[1]}`);
    expect(consequences.body.items).toEqual([
      expect.objectContaining({
        villageId: v[1],
        consequences: [
          expect.objectContaining({ label: '纳入软弱涣散村党组织整顿' }),
          expect.objectContaining({ label: '连续两年二星级及以下，调整村党组织书记' }),
        ],
      }),
    ]);

    const dashboard = (await admin.get(`/t/alpha/api/stars/dashboard?year=${Y}`)).body;
    expect(dashboard.stage).toBe('final');
    expect(dashboard.lastYearStage).toBe('final');
    const level = (stars: number) => dashboard.branchStars.levels.find((l: { stars: number }) => l.stars === stars);
    expect([5, 4, 3, 2, 1].map((s) => [level(s).thisYear, level(s).lastYear])).toEqual([[1, 0], [0, 1], [1, 0], [1, 1], [0, 1]]);
    expect(dashboard.movement.up.map((m: { villageId: string; from: number; to: number }) => [m.villageId, m.from, m.to]).sort()).toEqual(
      [[v[0], 4, 5], [v[2], 1, 3]].sort(),
    );
    expect(dashboard.movement.down).toEqual([]);
    const byKind = Object.fromEntries(dashboard.consequences.byKind.map((k: { kind: string; villages: number }) => [k.kind, k.villages]));
    expect(byKind).toMatchObject({ city_plaque: 1, promotion_award: 2, interview: 1, rectification: 1, replace_secretary: 1, county_plaque: 0 });
    expect(dashboard.income.tierCounts).toEqual({ below: 1, low: 1, high: 1 });
  });
});
