import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { campaignSubjects, evaluationBookings } from '../../src/db/schema';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { answerAll, clientId, minutesFromNow, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';
const W = { self: 20, peer: 20, villager: 40, leader: 20 };

describe.each(DRIVERS)('editing and deleting campaigns on %s', (driver) => {
  const ctx = withFixture(driver);
  const villageId = () => ctx.fixture.a.rows.villages[0].id!;

  const subjectCount = async (campaignId: string) =>
    (await ctx.server.db.select({ n: count() }).from(campaignSubjects).where(eq(campaignSubjects.campaignId, campaignId)))[0].n;
  const bookingCount = async (campaignId: string) =>
    (await ctx.server.db.select({ n: count() }).from(evaluationBookings).where(eq(evaluationBookings.campaignId, campaignId)))[0].n;

  it('renames, and changes weights, thresholds, subjects and questionnaire while nothing uses the campaign', async () => {
    const admin = await ctx.fixture.as('adminA');
    const created = await admin.post(`${T}/campaigns`, { name: '支部测评(错字)', subjectKind: 'branch' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const villages = ctx.fixture.a.rows.villages.length;
    expect(await subjectCount(id)).toBe(villages);

    const renamed = await admin.patch(`${T}/campaigns/${id}`, { name: '2026年度支部测评' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '2026年度支部测评', usage: { bookings: 0, sessions: 0, ballots: false, yearFinal: false } });

    const changed = await admin.patch(`${T}/campaigns/${id}`, {
      weights: { self: 10, peer: 20, villager: 50, leader: 20 },
      starThresholds: [9500, 8500, 7500, 6500],
      villageIds: [villageId()],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ weights: { self: 10, peer: 20, villager: 50, leader: 20 }, starThresholds: [9500, 8500, 7500, 6500], villageIds: [villageId()] });
    expect(await subjectCount(id)).toBe(1);
    expect((await admin.get(`${T}/campaigns/${id}`)).body.weights.self).toBe(10);

    // back to every branch, then to the members of one village (the member questionnaire comes with the kind)
    expect((await admin.patch(`${T}/campaigns/${id}`, { villageIds: null })).body.villageIds).toHaveLength(villages);
    const members = await admin.patch(`${T}/campaigns/${id}`, { subjectKind: 'member', villageIds: [villageId()] });
    expect(members.status).toBe(200);
    const questionnaire = await admin.get(`${T}/questionnaires/${members.body.questionnaireId}`);
    expect(questionnaire.body.subjectKind).toBe('member');
    expect(await subjectCount(id)).toBe(ctx.fixture.a.rows.members.filter((m) => m.villageId === villageId()).length);
    const branchQuestionnaire = created.body.questionnaireId;
    expect((await admin.patch(`${T}/campaigns/${id}`, { questionnaireId: branchQuestionnaire })).body.code).toBe('evaluation.questionnaire_wrong_kind');
    expect((await admin.patch(`${T}/campaigns/${id}`, { subjectKind: 'branch', villageIds: null })).body.subjectKind).toBe('branch');
  });

  it('refuses invalid values with 400, as creation does', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { body: campaign } = await admin.post(`${T}/campaigns`, { name: '支部测评', subjectKind: 'branch' });
    for (const body of [
      { weights: { self: 50, peer: 20, villager: 40, leader: 20 } },
      { weights: { self: -10, peer: 30, villager: 60, leader: 20 } },
      { starThresholds: [6000, 7000, 8000, 9000] },
      { starThresholds: [9000, 8000, 7000] },
      { name: '   ' },
      { subjectKind: 'member' },
      { subjectKind: 'member', villageIds: null },
    ]) {
      const reply = await admin.patch(`${T}/campaigns/${campaign.id}`, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin.patch(`${T}/campaigns/${campaign.id}`, { villageIds: ['no-such-village'] })).status).toBe(404);
    const unchanged = await admin.get(`${T}/campaigns/${campaign.id}`);
    expect(unchanged.body).toMatchObject({ name: '支部测评', weights: W, starThresholds: [9000, 8000, 7000, 6000], subjectKind: 'branch' });
  });

  it('locks subjects and questionnaire once a session exists, and everything but the name once a ballot exists', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { campaign, session } = await openBranchSession(admin, villageId());
    const id = campaign.id;

    // a session and no ballot yet: weights may still change, subjects may not
    const structural = await admin.patch(`${T}/campaigns/${id}`, { villageIds: [ctx.fixture.a.rows.villages[1].id] });
    expect(structural.status).toBe(409);
    expect(structural.body.code).toBe('evaluation.campaign_has_sessions');
    expect((await admin.patch(`${T}/campaigns/${id}`, { weights: { self: 25, peer: 25, villager: 30, leader: 20 } })).status).toBe(200);

    const phone = ctx.fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const vote = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: { kind: 'villager', deviceId: 'device-campaign-edit' },
      ballots: [{ subjectKind: 'branch', subjectId: villageId(), answers: answerAll(scanned.questionnaire.items.villager, 0) }],
    });
    expect(vote.status).toBe(201);

    expect((await phone.get(`${T}/vote/${session.code}`)).body.campaign.name).toBe(campaign.name);
    const before = (await admin.get(`${T}/campaigns/${id}`)).body;
    expect(before.usage).toMatchObject({ sessions: 1, ballots: true });
    for (const body of [{ weights: W }, { starThresholds: [9100, 8000, 7000, 6000] }, { name: '改名并改权重', weights: W }]) {
      const refused = await admin.patch(`${T}/campaigns/${id}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(409);
      expect(refused.body.code).toBe('evaluation.campaign_has_ballots');
      expect(refused.body.message).toContain('只能修改名称');
    }
    const after = (await admin.get(`${T}/campaigns/${id}`)).body;
    expect(after).toEqual(before);

    // the whole form sent back with its locked fields as they are: only the name changes
    const renamed = await admin.patch(`${T}/campaigns/${id}`, { name: '更正后的名称', weights: before.weights, starThresholds: before.starThresholds, subjectKind: 'branch' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '更正后的名称', weights: before.weights });
    // phones of the session see the new name at once on this instance (the vote context was forgotten)
    expect((await phone.get(`${T}/vote/${session.code}`)).body.campaign.name).toBe('更正后的名称');

    const deleted = await admin.delete(`${T}/campaigns/${id}`);
    expect(deleted.status).toBe(409);
    expect(deleted.body.code).toBe('evaluation.campaign_in_use');
  });

  it('deletes an unused campaign with its bookings and subjects; one with a session stays', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { body: campaign } = await admin.post(`${T}/campaigns`, { name: '多余的活动', subjectKind: 'branch' });
    const screen = await admin.post(`${T}/screens`, { name: `删除厅-${Math.random().toString(36).slice(2, 8)}` });
    const slot = { campaignId: campaign.id, villageId: villageId(), screenId: screen.body.id };
    const booking = await admin.post(`${T}/bookings`, { ...slot, startsAt: '2031-03-02T01:00:00Z', endsAt: '2031-03-02T02:00:00Z' });
    expect(booking.status).toBe(201);
    const cancelled = await admin.post(`${T}/bookings`, { ...slot, startsAt: '2031-03-03T01:00:00Z', endsAt: '2031-03-03T02:00:00Z' });
    expect((await admin.delete(`${T}/bookings/${cancelled.body.id}`)).status).toBeLessThan(300);
    expect((await admin.get(`${T}/campaigns/${campaign.id}`)).body.usage).toMatchObject({ bookings: 1, sessions: 0, ballots: false });

    const deleted = await admin.delete(`${T}/campaigns/${campaign.id}`);
    expect(deleted.status).toBe(204);
    expect((await admin.get(`${T}/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await admin.get(`${T}/bookings/${booking.body.id}`)).status).toBe(404);
    expect(await bookingCount(campaign.id)).toBe(0);
    expect(await subjectCount(campaign.id)).toBe(0);
    expect((await admin.delete(`${T}/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await admin.patch(`${T}/campaigns/${campaign.id}`, { name: '已删除' })).status).toBe(404);

    // a session without ballots still keeps its campaign (and its booking)
    const used = await openBranchSession(admin, villageId());
    const refused = await admin.delete(`${T}/campaigns/${used.campaign.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('evaluation.campaign_in_use');
    expect((await admin.get(`${T}/campaigns/${used.campaign.id}`)).status).toBe(200);
    expect(await bookingCount(used.campaign.id)).toBe(1);
  });

  it('lets exactly one of a delete and a session opened at the same moment win', async () => {
    const admin = await ctx.fixture.as('adminA');
    // each side sent first in turn: either may reach the database first
    for (let round = 0; round < 6; round++) {
      const { body: campaign } = await admin.post(`${T}/campaigns`, { name: `竞争-${round}`, subjectKind: 'branch' });
      const screen = await admin.post(`${T}/screens`, { name: `竞争厅-${Math.random().toString(36).slice(2, 8)}` });
      const booking = await admin.post(`${T}/bookings`, {
        campaignId: campaign.id,
        villageId: villageId(),
        screenId: screen.body.id,
        startsAt: minutesFromNow(-5),
        endsAt: minutesFromNow(60),
      });
      const remove = () => admin.delete(`${T}/campaigns/${campaign.id}`);
      const open = () => admin.post(`${T}/sessions`, { bookingId: booking.body.id });
      const [deleted, opened] = round % 2 ? await Promise.all([remove(), open()]) : (await Promise.all([open(), remove()])).reverse();
      const outcome = `${deleted.status}/${opened.status}`;
      expect(['204/404', '409/201'], outcome).toContain(outcome);
      expect((await admin.get(`${T}/campaigns/${campaign.id}`)).status).toBe(deleted.status === 204 ? 404 : 200);
    }
  });

  it('never leaves a booking of a deleted campaign, whichever comes first', async () => {
    const admin = await ctx.fixture.as('adminA');
    const screen = await admin.post(`${T}/screens`, { name: `竞争厅-${Math.random().toString(36).slice(2, 8)}` });
    for (let round = 0; round < 6; round++) {
      const { body: campaign } = await admin.post(`${T}/campaigns`, { name: `预约竞争-${round}`, subjectKind: 'branch' });
      const day = String(10 + round).padStart(2, '0');
      const remove = () => admin.delete(`${T}/campaigns/${campaign.id}`);
      const book = () =>
        admin.post(`${T}/bookings`, {
          campaignId: campaign.id,
          villageId: villageId(),
          screenId: screen.body.id,
          startsAt: `2031-05-${day}T01:00:00Z`,
          endsAt: `2031-05-${day}T02:00:00Z`,
        });
      const [deleted, booked] = round % 2 ? await Promise.all([remove(), book()]) : (await Promise.all([book(), remove()])).reverse();
      expect(deleted.status).toBe(204);
      expect([201, 404], JSON.stringify(booked.body)).toContain(booked.status);
      expect(await bookingCount(campaign.id)).toBe(0);
    }
  });

  it('answers 404, not 500, to a change of subjects that meets the campaign deleted, whichever comes first', async () => {
    const admin = await ctx.fixture.as('adminA');
    for (let round = 0; round < 6; round++) {
      const { body: campaign } = await admin.post(`${T}/campaigns`, { name: `改动竞争-${round}`, subjectKind: 'branch' });
      const remove = () => admin.delete(`${T}/campaigns/${campaign.id}`);
      const edit = () => admin.patch(`${T}/campaigns/${campaign.id}`, { villageIds: [villageId()] });
      // edits on either side of the delete: some read the campaign before it goes and write after
      const [deleted, ...edits] = await Promise.all([remove(), ...Array.from({ length: 2 + round }, edit)]);
      expect(deleted.status).toBe(204);
      for (const edited of edits) expect([200, 404], JSON.stringify(edited.body)).toContain(edited.status);
      expect(await subjectCount(campaign.id)).toBe(0);
    }
  });

  it('keeps a campaign of a finalised year as it is, except its name', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { body: campaign } = await admin.post(`${T}/campaigns`, { name: '2024年支部测评', year: 2024, subjectKind: 'branch' });
    expect((await admin.post('/t/alpha/api/job-runs', { job: 'finalise', year: 2024 })).status).toBeLessThan(300);
    expect((await admin.get(`${T}/campaigns/${campaign.id}`)).body.usage.yearFinal).toBe(true);
    const weights = await admin.patch(`${T}/campaigns/${campaign.id}`, { weights: { self: 10, peer: 30, villager: 40, leader: 20 } });
    expect(weights.status).toBe(409);
    expect(weights.body.code).toBe('stars.year_finalised');
    expect((await admin.patch(`${T}/campaigns/${campaign.id}`, { name: '2024年度支部测评' })).body.name).toBe('2024年度支部测评');
    const deleted = await admin.delete(`${T}/campaigns/${campaign.id}`);
    expect(deleted.status).toBe(409);
    expect(deleted.body.code).toBe('stars.year_finalised');
    expect((await admin.get(`${T}/campaigns/${campaign.id}`)).body.weights).toEqual(W);
  });

  it('lets only the township admin change or delete, and hides other townships’ campaigns', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { body: campaign } = await admin.post(`${T}/campaigns`, { name: '权限测试', subjectKind: 'branch' });
    for (const who of ['secretaryA', 'memberA', 'countyViewer'] as const) {
      const client = await ctx.fixture.as(who);
      expect((await client.patch(`${T}/campaigns/${campaign.id}`, { name: '越权' })).status, who).toBe(403);
      expect((await client.delete(`${T}/campaigns/${campaign.id}`)).status, who).toBe(403);
    }
    const other = await ctx.fixture.as('adminB');
    expect((await other.patch(`/t/beta/api/evaluation/campaigns/${campaign.id}`, { name: '越界' })).status).toBe(404);
    expect((await other.delete(`/t/beta/api/evaluation/campaigns/${campaign.id}`)).status).toBe(404);
    const still = await admin.get(`${T}/campaigns/${campaign.id}`);
    expect(still.body.name).toBe('权限测试');
    // a booking of another campaign in the same slot is not touched by deleting this one
    const screen = await admin.post(`${T}/screens`, { name: `权限厅-${Math.random().toString(36).slice(2, 8)}` });
    const { body: keep } = await admin.post(`${T}/campaigns`, { name: '保留', subjectKind: 'branch' });
    await admin.post(`${T}/bookings`, { campaignId: keep.id, villageId: villageId(), screenId: screen.body.id, startsAt: minutesFromNow(3000), endsAt: minutesFromNow(3060) });
    expect((await admin.delete(`${T}/campaigns/${campaign.id}`)).status).toBe(204);
    expect(await bookingCount(keep.id)).toBe(1);
  });
});
