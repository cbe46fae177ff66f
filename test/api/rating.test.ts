import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, counties, plaques, ratingEntries } from '../../src/db/schema';
import { shanghaiDate, shanghaiYear } from '../../src/platform/time';
import type { ApiClient } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { ApiClient as Client } from '../support/client';
import { createTestAccount, PASSWORD } from '../support/fixture';
import { answerAll, clientId, minutesFromNow } from './evaluation-support';
import { branchCampaign, daysPass, evaluate, organisers, redLinesOff } from './rating-support';

const Y = shanghaiYear();
const R = `/t/alpha/api/rating/years/${Y}`;
type Entry = { villageId: string; status: string; appliedStars: number | null; scoredStars: number | null; proposedStars: number | null; version: number; quotaCuts: { level: number; allowed: number; rank: number }[]; proposalReason: string | null };

describe.each(DRIVERS)('评星定级: a year from nomination to naming on %s', (driver) => {
  const ctx = withFixture(driver);
  let admin: ApiClient;
  let county: ApiClient;
  let city: ApiClient;
  let v: string[];
  const entries = async (as: ApiClient = admin) => new Map<string, Entry>(((await as.get(R)).body.entries as Entry[]).map((e) => [e.villageId, e]));

  it('runs 申报 → 评定 (quotas, a cascade, the application cap) → 复核 with a returned proposal → 公示 with an upheld objection → 命名', async () => {
    admin = await ctx.fixture.as('adminA');
    ({ county, city } = await organisers(ctx.server, ctx.fixture));
    v = ctx.fixture.a.rows.villages.map((x) => x.id!);
    await redLinesOff(admin);
    const settings = (await admin.get('/t/alpha/api/settings')).body;
    // the township would allow two five-star branches of three (67%), four stars at most one (34%);
    // the county's quota caps five stars at 34% (one): its setting is a ceiling on the township's
    expect((await admin.put('/t/alpha/api/settings', { ...settings, rating: { ...settings.rating, quotas: { 5: 67, 4: 34 } } })).status).toBe(200);
    const Q = `/api/county/${ctx.fixture.countyId}/rating/quotas`;
    expect((await (await ctx.fixture.as('countyViewer')).put(Q, { quotas: { 5: 34 } })).status).toBe(403);
    expect((await admin.put(Q, { quotas: { 5: 34 } })).status).toBe(403);
    expect((await county.put(Q, { quotas: { 6: 10 } })).status).toBe(400);
    expect((await county.put(Q, { quotas: { 5: 34 } })).body).toEqual({ quotas: { 5: 34 } });
    expect((await county.get(`/api/county/${ctx.fixture.countyId}/rating?year=${Y}`)).body.quotas).toEqual({ 5: 34 });

    // the official evaluation, and a later trial campaign that must not replace it
    const official = await branchCampaign(admin, Y, `${Y}年度村党支部星级评定`);
    await evaluate(ctx.fixture, admin, official, v[0], '95.00');
    await evaluate(ctx.fixture, admin, official, v[1], '100.00');
    await evaluate(ctx.fixture, admin, official, v[2], '80.00');
    const trial = await branchCampaign(admin, Y, '试评');
    await evaluate(ctx.fixture, admin, trial, v[1], '30.00');

    // 申报: the township opens the year, the secretary of v[0] applies for four stars
    expect((await admin.post('/t/alpha/api/rating/years', { year: Y, nominationDeadline: shanghaiDate() })).status).toBe(201);
    expect((await admin.post('/t/alpha/api/rating/years', { year: Y, nominationDeadline: shanghaiDate() })).body.code).toBe('rating.year_exists');
    const secretary = await ctx.fixture.as('secretaryA');
    const nomination = await secretary.put(`${R}/nomination`, { appliedStars: 4, statement: '班子团结，集体经济稳步增长', dutyReport: '述职述廉：全年召开支部党员大会四次……' });
    expect(nomination.status).toBe(200);
    expect(nomination.body).toMatchObject({ villageId: v[0], status: 'nominated', appliedStars: 4 });
    expect((await secretary.get(R)).body.entries).toHaveLength(1);
    // scoring waits for the deadline
    expect((await admin.post(`${R}/score`, {})).body.code).toBe('rating.deadline_not_passed');

    // which evaluation counts: the official campaign, not the later trial
    expect((await admin.put(`${R}/official-campaigns/branch`, { campaignId: official })).status).toBe(200);
    await daysPass(ctx.server, ctx.fixture.a.tenantId, Y, { nominationDeadline: true });
    expect((await secretary.put(`${R}/nomination`, { appliedStars: 5, statement: '改', dutyReport: '改' })).body.code).toBe('rating.deadline_passed');

    // 评定: v[1] 100 keeps five; v[0] 95 is cut from five (quota), then fits four; v[2] 80 is cut from four by v[0]: the cascade
    const scored = await admin.post(`${R}/score`, {});
    expect(scored.status).toBe(200);
    let e = await entries();
    expect(e.get(v[1])).toMatchObject({ scoredStars: 5, proposedStars: 5, status: 'proposed', quotaCuts: [] });
    expect(e.get(v[0])).toMatchObject({ scoredStars: 5, proposedStars: 4, quotaCuts: [{ level: 5, allowed: 1, rank: 2 }] });
    expect(e.get(v[2])).toMatchObject({ scoredStars: 4, proposedStars: 3, quotaCuts: [{ level: 4, allowed: 1, rank: 2 }] });

    // 复核: the county returns v[2] with a reason, confirms the others; five stars go on to the city
    expect((await county.post(`${R}/entries/${v[2]}/recheck`, { decision: 'return', version: e.get(v[2])!.version })).body.code).toBe('rating.reason_required');
    expect((await county.post(`${R}/entries/${v[2]}/recheck`, { decision: 'return', reason: '软弱涣散整顿尚未验收，请核实', version: e.get(v[2])!.version })).body.status).toBe('returned');
    expect((await county.post(`${R}/entries/${v[0]}/recheck`, { decision: 'confirm', version: e.get(v[0])!.version })).body.status).toBe('confirmed');
    expect((await county.post(`${R}/entries/${v[1]}/recheck`, { decision: 'confirm', version: e.get(v[1])!.version + 1 })).body.code).toBe('rating.stale');
    expect((await county.post(`${R}/entries/${v[1]}/recheck`, { decision: 'confirm', version: e.get(v[1])!.version })).body.status).toBe('county_confirmed');
    // the county sees every township's step and the returned proposal on one page
    const overview = await county.get(`/api/county/${ctx.fixture.countyId}/rating?year=${Y}`);
    expect(overview.status).toBe(200);
    const alpha = overview.body.townships.find((t: { slug: string }) => t.slug === 'alpha');
    expect(alpha).toMatchObject({ step: 'recheck', awaiting: 1, returned: [{ villageId: v[2], reason: '软弱涣散整顿尚未验收，请核实' }] });
    expect(overview.body.townships.find((t: { slug: string }) => t.slug === 'beta')).toMatchObject({ step: null });
    // the city's page lists the five-star proposals its counties confirmed, from every township of the city
    const [{ cityId }] = await ctx.server.db.select({ cityId: counties.cityId }).from(counties).where(eq(counties.id, ctx.fixture.countyId));
    const queue = await city.get(`/api/city/${cityId}/rating?year=${Y}`);
    expect(queue.status).toBe(200);
    expect(queue.body).toMatchObject({ city: { name: '德州市' }, year: Y, items: [{ tenantSlug: 'alpha', township: '甲镇', county: '齐河县', villageId: v[1], proposedStars: 5 }] });
    expect((await county.get(`/api/city/${cityId}/rating`)).status).toBe(403);
    expect((await city.get('/api/city/elsewhere/rating')).status).toBe(404);
    // the city confirms five stars; the township answers the returned proposal
    e = await entries(city);
    expect((await city.post(`${R}/entries/${v[1]}/city-check`, { decision: 'confirm', version: e.get(v[1])!.version })).body.status).toBe('confirmed');
    expect((await admin.put(`${R}/entries/${v[2]}/proposal`, { stars: 4, reason: '提高', version: e.get(v[2])!.version })).body.code).toBe('rating.above_scoring');
    const answered = await admin.put(`${R}/entries/${v[2]}/proposal`, { stars: 2, reason: '整顿未验收，降为二星', version: e.get(v[2])!.version });
    expect(answered.body).toMatchObject({ status: 'proposed', proposedStars: 2 });
    expect((await admin.post(`${R}/publish`, {})).body.code).toBe('rating.not_all_confirmed');
    expect((await county.post(`${R}/entries/${v[2]}/recheck`, { decision: 'confirm', version: answered.body.version })).body.status).toBe('confirmed');

    // 公示: the app proposes the end from the holiday table; a shorter notice is refused
    const proposal = (await admin.get(`${R}/notice-proposal`)).body;
    expect(proposal).toMatchObject({ startsOn: shanghaiDate(), workingDays: 5 });
    expect((await admin.post(`${R}/publish`, { endsOn: shanghaiDate() })).body.code).toBe('rating.notice_too_short');
    const published = await admin.post(`${R}/publish`, {});
    expect(published.body).toMatchObject({ step: 'notice', noticeStartsOn: shanghaiDate(), noticeEndsOn: proposal.endsOn });
    const villager = ctx.fixture.anonymous();
    const notice = await villager.get(`${R}/notice/${v[0]}`);
    expect(notice.body).toMatchObject({ township: '甲镇', open: true, items: [{ villageId: v[0], stars: 4 }] });
    const objection = await villager.post(`${R}/notice/${v[0]}/objections`, { content: '村里的账目没有按月公开，不够四星', contact: '13700000000' });
    expect(objection.status).toBe(201);
    // the county reads the objection, not the contact; the township reads both
    expect((await county.get(`${R}/objections`)).body.items[0]).not.toHaveProperty('contact');
    expect((await admin.get(`${R}/objections`)).body.items[0]).toMatchObject({ contact: '13700000000', villageId: v[0] });

    // naming waits for the notice's end and for the answer
    expect((await admin.post(`${R}/name`)).body.code).toBe('rating.notice_running');
    await daysPass(ctx.server, ctx.fixture.a.tenantId, Y, { noticeEndsOn: true });
    expect((await admin.post(`${R}/name`)).body.code).toBe('rating.objections_unanswered');
    // an upheld objection proposes again under the quotas: not above the four 评定 left v[0] (scored five), nothing answered
    const above = await admin.post(`${R}/objections/${objection.body.id}/answer`, { answer: '异议成立，调整为五星', upheld: true, stars: 5 });
    expect([above.status, above.body.code]).toEqual([400, 'rating.above_scoring']);
    // upheld: v[0] goes down to three and back to the county's re-check
    const upheld = await admin.post(`${R}/objections/${objection.body.id}/answer`, { answer: '经核实，村务公开不及时，异议成立，调整为三星', upheld: true, stars: 3 });
    expect(upheld.status).toBe(200);
    expect(upheld.body.entry).toMatchObject({ status: 'proposed', proposedStars: 3 });
    expect((await admin.post(`${R}/objections/${objection.body.id}/answer`, { answer: '再答', upheld: false })).body.code).toBe('problems.objection_answered');
    expect((await admin.post(`${R}/name`)).body.code).toBe('rating.not_all_confirmed');
    expect((await county.post(`${R}/entries/${v[0]}/recheck`, { decision: 'confirm', version: upheld.body.entry.version })).status).toBe(200);

    // 命名: final results with the named levels and their consequences, plaques by the confirming organisers
    const named = await admin.post(`${R}/name`);
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ status: 'finalised', plaques: 1 });
    const results = new Map<string, { finalStars: number; composite: number; consequences: { kind: string }[] }>(
      ((await admin.get(`/t/alpha/api/stars/results?year=${Y}`)).body.items as { subjectId: string }[]).map((r) => [r.subjectId, r as never]),
    );
    expect(results.get(v[1])).toMatchObject({ finalStars: 5, composite: 10000 });
    expect(results.get(v[1])!.consequences.map((x) => x.kind)).toContain('city_plaque');
    expect(results.get(v[0])).toMatchObject({ finalStars: 3, composite: 9500 });
    expect(results.get(v[0])!.consequences.map((x) => x.kind)).toEqual(['interview']);
    expect(results.get(v[2])).toMatchObject({ finalStars: 2 });
    expect((await admin.get(`/t/alpha/api/stars/results?year=${Y}`)).body.stage).toBe('final');
    expect((await admin.get(`${R}/plaques`)).body.items).toEqual([expect.objectContaining({ villageId: v[1], kind: 'city_five_star', awardedBy: '德州市委组织部' })]);
    expect((await admin.get(R)).body.step).toBe('named');
    // the township's public notice now carries the plaque list
    expect((await ctx.fixture.anonymous().get(`${R}/notice`)).body.plaques).toEqual([expect.objectContaining({ villageId: v[1], kind: 'city_five_star', awardedBy: '德州市委组织部' })]);
    // the branch's timeline, every step audited
    const timeline = (await secretary.get(`${R}/entries/${v[0]}/timeline`)).body.items.map((i: { action: string }) => i.action);
    expect(timeline).toEqual([
      'rating.open',
      'rating.nominate',
      'rating.propose',
      'rating.score',
      'rating.recheck_confirm',
      'rating.publish',
      'objection.create',
      'objection.answer',
      'rating.objection_upheld',
      'rating.recheck_confirm',
      'rating.name',
    ]);
    expect((await secretary.get(`${R}/entries/${v[1]}/timeline`)).status).toBe(404);
    // each step says what it set, never the objection's words
    const steps = (await admin.get(`${R}/entries/${v[0]}/timeline`)).body.items as { action: string; actorRole: string; detail: Record<string, unknown> }[];
    expect(steps.find((x) => x.action === 'rating.nominate')).toMatchObject({ actorRole: 'village_secretary', detail: { appliedStars: 4 } });
    expect(steps.find((x) => x.action === 'rating.objection_upheld')).toMatchObject({ detail: { proposedStars: 3, proposalReason: '经核实，村务公开不及时，异议成立，调整为三星' } });
    expect(JSON.stringify(steps)).not.toContain('村里的账目');
    // the year is locked like any final year
    expect((await admin.post('/t/alpha/api/income/entries', { villageId: v[0], year: Y, category: 'cooperative', amountFen: 100 })).status).toBe(409);

    // re-opening the final year (with its reason) takes the rating back to 评定: the plaques withdrawn, the entries back to 申报
    expect((await admin.post(`/t/alpha/api/stars/result-years/${Y}/reopen`, { reason: '市委组织部抽查发现测评数据有误' })).status).toBe(201);
    expect((await admin.get(R)).body).toMatchObject({ step: 'scoring', noticeStartsOn: null, noticeEndsOn: null, namedAt: null });
    expect([...(await entries()).values()].map((x) => x.status)).toEqual(['nominated', 'nominated', 'nominated']);
    expect((await admin.get(`${R}/plaques`)).body.items).toEqual([]);
    expect((await ctx.fixture.anonymous().get(`${R}/notice`)).status).toBe(404);
    const reopened = (await admin.get(`${R}/entries/${v[1]}/timeline`)).body.items.at(-1);
    expect(reopened).toMatchObject({ action: 'rating.reopen', actorRole: 'township_admin', detail: { reason: '市委组织部抽查发现测评数据有误' } });
    expect((await secretary.put(`${R}/nomination`, { appliedStars: 5, statement: '改', dutyReport: '改' })).body.code).toBe('rating.wrong_step');
    // and the chain runs again to a second naming, whose plaque stands beside the withdrawn one
    expect((await admin.post(`${R}/score`, {})).status).toBe(200);
    for (const entry of (await entries(county)).values())
      expect((await county.post(`${R}/entries/${entry.villageId}/recheck`, { decision: 'confirm', version: entry.version })).status).toBe(200);
    e = await entries(city);
    expect((await city.post(`${R}/entries/${v[1]}/city-check`, { decision: 'confirm', version: e.get(v[1])!.version })).status).toBe(200);
    expect((await admin.post(`${R}/publish`, {})).status).toBe(200);
    await daysPass(ctx.server, ctx.fixture.a.tenantId, Y, { noticeEndsOn: true });
    expect((await admin.post(`${R}/name`)).body).toMatchObject({ status: 'finalised', plaques: 2 });
    expect(((await admin.get(`${R}/plaques`)).body.items as { villageId: string }[]).map((p) => p.villageId).sort()).toEqual([v[0], v[1]].sort());
    const all = await ctx.server.db.select().from(plaques).where(eq(plaques.tenantId, ctx.fixture.a.tenantId));
    expect(all.filter((p) => p.withdrawnAt).map((p) => p.villageId)).toEqual([v[1]]);
  });

  it('lets the county and city organisers write the re-check and nothing else', async () => {
    const doc = (await ctx.fixture.anonymous().get('/api/openapi.json')).body;
    const writes = Object.entries(doc.paths as Record<string, Record<string, { 'x-roles': string[] }>>).flatMap(([path, methods]) =>
      Object.entries(methods)
                // public routes are everyone's, and '*' routes an account's own (its password, its sessions)
        .filter(([method, op]) => method !== 'get' && !op['x-roles'].includes('public') && !op['x-roles'].includes('*'))
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
    expect(writes.length).toBeGreaterThan(50);
    const fill = (path: string) => path.replace('{tenant}', 'alpha').replace('{countyId}', ctx.fixture.countyId).replace('{year}', String(Y)).replace(/\{[a-zA-Z]+\}/g, v[0]);
    for (const [who, client, own] of [
      ['county', county, ['/recheck', '/rating/quotas']],
      ['city', city, ['/city-check']],
    ] as const) {
      for (const op of writes) {
        const reply = await client.request(op.method, fill(op.path), {});
        if (own.some((path) => op.path.endsWith(path))) expect(reply.status, `${who} ${op.method} ${op.path}`).not.toBe(403);
        else expect([401, 403, 404], `${who} ${op.method} ${op.path}: ${reply.status}`).toContain(reply.status);
      }
    }
    // and they act only in their own county and city
    expect((await county.get(`/t/beta/api/rating/years/${Y}`)).status).toBe(404);
  });

  it('caps a branch whose villagers are not satisfied, as a red line with its reason', async () => {
    const adminB = await ctx.fixture.as('adminB');
    const w = ctx.fixture.b.rows.villages.map((x) => x.id!);
    await redLinesOff(adminB, 'beta');
    const settings = (await adminB.get('/t/beta/api/settings')).body;
    const rule = { thresholdPercent: 60, maxStars: 2 };
    expect((await adminB.put('/t/beta/api/settings', { ...settings, rating: { ...settings.rating, satisfaction: rule } })).status).toBe(200);
    const campaign = await branchCampaign(adminB, Y, `${Y}年度村党支部星级评定`, 'beta');
    const resultsNow = async () =>
      new Map<string, { rawStars: number; finalStars: number; redLines: { code: string; title: string; reason: string; actual?: number }[] }>(
        ((await adminB.get(`/t/beta/api/stars/results?year=${Y}`)).body.items as { subjectId: string }[]).map((r) => [r.subjectId, r as never]),
      );
    // 70.00: four items 较好 (satisfied), four 一般 → 50% satisfied; 80.00: all 较好 → 100%
    await evaluate(ctx.fixture, adminB, campaign, w[0], '70.00', 'beta');
    // one villager ballot, fewer than a group shows its score from (3): the red line holds, its share is not shown,
    // since it would be that one villager's answers (the results and the report say 样本不足 of the group)
    let results = await resultsNow();
    expect(results.get(w[0])).toMatchObject({ rawStars: 3, finalStars: 2, redLines: [{ code: 'satisfaction', reason: '群众满意率低于 60%（样本不足，不显示比例），最高评为 2 星' }] });
    expect(results.get(w[0])!.redLines[0]).not.toHaveProperty('actual');
    // a township that shows groups from one ballot sees the share (the year is recomputed at the next close)
    expect((await adminB.put('/t/beta/api/settings', { ...settings, smallGroupMinBallots: 1, rating: { ...settings.rating, satisfaction: rule } })).status).toBe(200);
    await evaluate(ctx.fixture, adminB, campaign, w[1], '80.00', 'beta');
    results = await resultsNow();
    expect(results.get(w[0])).toMatchObject({ rawStars: 3, finalStars: 2, redLines: [{ code: 'satisfaction', title: '群众满意率低于规定比例', reason: '群众满意率 50.0%，低于 60%，最高评为 2 星' }] });
    expect(results.get(w[1])).toMatchObject({ rawStars: 4, finalStars: 4, redLines: [] });
    // the next tests see the small groups' default again (the rule stays on, as before)
    expect((await adminB.put('/t/beta/api/settings', { ...settings, rating: { ...settings.rating, satisfaction: rule } })).status).toBe(200);
  });

  it('proposes 民主评议党员 grades from the member evaluation; the branch meeting decides them', async () => {
    const adminB = await ctx.fixture.as('adminB');
    const w = ctx.fixture.b.rows.villages[0].id!;
    const people = ctx.fixture.b.rows.members.filter((m) => m.villageId === w).slice(0, 4);
    const settings = (await adminB.get('/t/beta/api/settings')).body;
    const grades = { excellent: 8000, qualified: 7000, basicallyQualified: 6000, excellentMaxPercent: 25 };
    expect((await adminB.put('/t/beta/api/settings', { ...settings, rating: { ...settings.rating, grades } })).status).toBe(200);
    const T = '/t/beta/api/evaluation';
    const campaign = await adminB.post(`${T}/campaigns`, { year: Y, name: `${Y}年度党员评议`, subjectKind: 'member', villageIds: [w], weights: { self: 0, peer: 0, villager: 100, leader: 0 } });
    expect(campaign.status).toBe(201);
    const screen = await adminB.post(`${T}/screens`, { name: '党员评议厅' });
    const booking = await adminB.post(`${T}/bookings`, { campaignId: campaign.body.id, villageId: w, screenId: screen.body.id, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(120) });
    const session = (await adminB.post(`${T}/sessions`, { bookingId: booking.body.id })).body;
    const qr = await adminB.get(`${T}/sessions/${session.id}/qr`);
    const scanned = (await ctx.fixture.anonymous().post(`${T}/vote/${session.code}/pass`, { token: qr.body.token })).body;
    // options 好/较好/一般/差 → 100, 80, 60, 30
    const ballots = people.map((m, i) => ({ subjectKind: 'member', subjectId: m.id, answers: answerAll(scanned.questionnaire.items.villager, i) }));
    expect((await adminB.post(`${T}/sessions/${session.id}/paper-ballots`, { clientId: clientId(), ballots })).status).toBe(201);
    await adminB.post(`${T}/sessions/${session.id}/close`);

    const G = `/t/beta/api/rating/years/${Y}/member-grades`;
    const proposed = (await adminB.get(`${G}?villageId=${w}`)).body.items as { memberId: string; proposedGrade: string; cappedByShare: boolean; grade: string | null }[];
    const by = new Map(proposed.map((p) => [p.memberId, p]));
    expect(by.get(people[0].id!)).toMatchObject({ proposedGrade: 'excellent', cappedByShare: false, grade: null });
    // 优秀 at most 25% of four: the second excellent composite becomes 合格
    expect(by.get(people[1].id!)).toMatchObject({ proposedGrade: 'qualified', cappedByShare: true });
    expect(by.get(people[2].id!)).toMatchObject({ proposedGrade: 'basically_qualified' });
    expect(by.get(people[3].id!)).toMatchObject({ proposedGrade: 'unqualified' });

    const meeting = { meetingOn: shanghaiDate(), meetingNote: '支部党员大会（组织生活会）' };
    expect((await adminB.put(`${G}/${people[3].id}`, { grade: 'unqualified', ...meeting })).body.code).toBe('rating.unqualified_reason');
    expect((await adminB.put(`${G}/${people[3].id}`, { grade: 'unqualified', reason: '长期不参加组织生活', ...meeting })).status).toBe(200);
    expect((await adminB.put(`${G}/${people[2].id}`, { grade: 'qualified', reason: '支部大会讨论后认为整改到位', ...meeting })).status).toBe(200);
    const after = new Map(((await adminB.get(`${G}?villageId=${w}`)).body.items as { memberId: string; grade: string }[]).map((p) => [p.memberId, p]));
    expect(after.get(people[3].id!)).toMatchObject({ grade: 'unqualified', reason: '长期不参加组织生活', meetingNote: '支部党员大会（组织生活会）' });
    expect(after.get(people[2].id!)).toMatchObject({ grade: 'qualified', proposedGrade: 'basically_qualified' });

    // a graded member cannot be deleted from the roster (the grade is an official record): a 409 in words, never a 500
    const removed = await adminB.delete(`/t/beta/api/members/${people[2].id}`);
    expect(removed.status).toBe(409);
    expect(removed.body.code).toBe('error.in_use');
    expect(((await adminB.get(`${G}?villageId=${w}`)).body.items as { memberId: string }[]).some((p) => p.memberId === people[2].id)).toBe(true);

    // the member sees their own grade
    await createTestAccount(ctx.server.db, { phone: '13900000012', name: '乙镇党员', password: PASSWORD }, [{ role: 'party_member', tenantId: ctx.fixture.b.tenantId, villageId: w, memberId: people[3].id! }]);
    const member = await new Client(ctx.server).login('13900000012', PASSWORD);
    expect((await member.get(`/t/beta/api/rating/years/${Y}/my-grade`)).body.grade).toMatchObject({ grade: 'unqualified', reason: '长期不参加组织生活' });
    // a member of another township is not found, and a final year is locked
    expect((await adminB.put(`${G}/${ctx.fixture.a.rows.members[0].id}`, { grade: 'qualified', ...meeting })).status).toBe(404);
    expect((await (await ctx.fixture.as('adminA')).put(`/t/alpha/api/rating/years/${Y}/member-grades/${ctx.fixture.a.rows.members[0].id}`, { grade: 'qualified', ...meeting })).status).toBe(409);
  });

  /** A year of its own, opened and past its nomination deadline (no evaluation: every branch is scored without stars). */
  async function openPastDeadline(year: number) {
    expect((await admin.post('/t/alpha/api/rating/years', { year, nominationDeadline: shanghaiDate() })).status).toBe(201);
    await daysPass(ctx.server, ctx.fixture.a.tenantId, year, { nominationDeadline: true });
  }
  const auditRows = (action: string, entityIds: string[]) =>
    ctx.server.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, ctx.fixture.a.tenantId), eq(auditEvents.action, action), inArray(auditEvents.entityId, entityIds)));

  it('moves a year once when 评定, 公示 or 命名 is clicked several times at once: the others answer 409, never a 500', async () => {
    const year = Y - 2;
    const RY = `/t/alpha/api/rating/years/${year}`;
    await openPastDeadline(year);
    /** Six clicks at once: one goes in, five are told the step has moved on; one audit row of the step. */
    const sixClicks = async (step: string, send: () => Promise<{ status: number; body: { code?: string } }>) => {
      const burst = await Promise.all(Array.from({ length: 6 }, send));
      expect(burst.map((r) => r.status).sort(), `${step}: ${JSON.stringify(burst.map((r) => r.body))}`).toEqual([200, 409, 409, 409, 409, 409]);
      expect(burst.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(5).fill('rating.wrong_step'));
      expect(await auditRows(`rating.${step}`, [String(year)]), step).toHaveLength(1);
    };
    await sixClicks('score', () => admin.post(`${RY}/score`, {}));
    const scored = (await admin.get(RY)).body as { step: string; entries: (Entry & { id: string })[] };
    expect(scored.step).toBe('recheck');
    expect(scored.entries.map((e) => e.version)).toEqual([1, 1, 1]);
    expect(await auditRows('rating.propose', scored.entries.map((e) => e.id))).toHaveLength(3);
    for (const entry of scored.entries) expect((await county.post(`${RY}/entries/${entry.villageId}/recheck`, { decision: 'confirm', version: entry.version })).status).toBe(200);
    await sixClicks('publish', () => admin.post(`${RY}/publish`, {}));
    await daysPass(ctx.server, ctx.fixture.a.tenantId, year, { noticeEndsOn: true });
    await sixClicks('name', () => admin.post(`${RY}/name`));
    expect((await admin.get(RY)).body.step).toBe('named');
  });

  it('settles answers to an objection given at the same moment on one: the rating follows the answer recorded', async () => {
    const year = Y - 1;
    const RY = `/t/alpha/api/rating/years/${year}`;
    await openPastDeadline(year);
    expect((await admin.post(`${RY}/score`, {})).status).toBe(200);
    // scored five without an evaluation (the test's own state): an upheld objection may set any level up to it
    await ctx.server.db.update(ratingEntries).set({ scoredStars: 5 }).where(and(eq(ratingEntries.tenantId, ctx.fixture.a.tenantId), eq(ratingEntries.year, year)));
    for (const entry of ((await admin.get(RY)).body.entries as Entry[]))
      expect((await county.post(`${RY}/entries/${entry.villageId}/recheck`, { decision: 'confirm', version: entry.version })).status).toBe(200);
    expect((await admin.post(`${RY}/publish`, {})).status).toBe(200);
    // one objection against each branch; each answered six times at once, 不成立 and 成立 with a level alternating
    const objected = await Promise.all(v.map((villageId) => ctx.fixture.anonymous().post(`${RY}/notice/${villageId}/objections`, { content: '评定结果与实际不符' })));
    const answers = (i: number) => (i % 2 ? { answer: `异议成立，调整为${(i % 3) + 1}星`, upheld: true, stars: (i % 3) + 1 } : { answer: '经核实，异议不成立', upheld: false });
    const bursts = await Promise.all(objected.map((o) => Promise.all(Array.from({ length: 6 }, (_, i) => admin.post(`${RY}/objections/${o.body.id}/answer`, answers(i))))));
    const after = (await admin.get(RY)).body.entries as (Entry & { id: string; status: string })[];
    const stored = (await admin.get(`${RY}/objections`)).body.items as { id: string; villageId: string; answer: string; upheld: boolean }[];
    for (const [k, burst] of bursts.entries()) {
      expect(burst.map((r) => r.status).sort(), JSON.stringify(burst.map((r) => r.body))).toEqual([200, 409, 409, 409, 409, 409]);
      expect(burst.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(5).fill('problems.objection_answered'));
      const won = burst.find((r) => r.status === 200)!.body;
      const objection = stored.find((o) => o.id === objected[k].body.id)!;
      expect(objection).toMatchObject({ answer: won.answer, upheld: won.upheld });
      const entry = after.find((e) => e.villageId === objection.villageId)!;
      // 成立 with a level: the entry has that level, back to 复核, once; 不成立: untouched
      const level = won.upheld ? Number(/(\d)星/.exec(won.answer)![1]) : null;
      expect(entry).toMatchObject(won.upheld ? { proposedStars: level, status: 'proposed', version: 3 } : { proposedStars: null, status: 'confirmed', version: 2 });
      expect(await auditRows('objection.answer', [objection.id])).toHaveLength(1);
      expect(await auditRows('rating.objection_upheld', [entry.id])).toHaveLength(won.upheld ? 1 : 0);
    }

    // two objections of each branch upheld at the same moment with different levels (four and five: neither the level
    // it has): one answer decided on an entry that the other has changed since is refused whole (its objection still
    // waits), never a lost update
    const filed = new Map<string, string[]>();
    for (const entry of after)
      for (let i = 0; i < 2; i++)
        filed.set(entry.id, [...(filed.get(entry.id) ?? []), (await ctx.fixture.anonymous().post(`${RY}/notice/${entry.villageId}/objections`, { content: `第${i + 2}条异议` })).body.id]);
    const replies = new Map(
      await Promise.all(
        [...filed].map(async ([entryId, ids]) => [entryId, await Promise.all(ids.map((id, i) => admin.post(`${RY}/objections/${id}/answer`, { answer: `异议成立，调整为${i + 4}星`, upheld: true, stars: i + 4 })))] as const),
      ),
    );
    const final = (await admin.get(RY)).body.entries as (Entry & { id: string })[];
    const objectionsNow = (await admin.get(`${RY}/objections`)).body.items as { id: string; answeredAt: string | null; upheld: boolean | null }[];
    for (const entry of after) {
      const [ids, answered] = [filed.get(entry.id)!, replies.get(entry.id)!];
      const went = answered.filter((r) => r.status === 200).length;
      expect(answered.every((r) => r.status === 200 || (r.status === 409 && r.body.code === 'rating.stale')), JSON.stringify(answered.map((r) => r.body))).toBe(true);
      // every answer that went in wrote the entry once, none over another
      expect(final.find((e) => e.id === entry.id)!.version).toBe(entry.version + went);
      expect(await auditRows('rating.objection_upheld', [entry.id])).toHaveLength((entry.status === 'proposed' ? 1 : 0) + went);
      for (const [i, r] of answered.entries()) expect(objectionsNow.find((o) => o.id === ids[i])).toMatchObject(r.status === 200 ? { upheld: true } : { answeredAt: null, upheld: null });
    }
  });
});
