import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantScope } from '../../src/db/tenant-scope';
import { villagesWithIncompleteDecisions } from '../../src/features/decisions';
import { shanghaiDate } from '../../src/platform/time';
import { shanghaiYear } from '../../src/platform/time';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const today = shanghaiDate();
const meeting = { heldOn: today, eligible: 7, present: 6, votesFor: 5, votesAgainst: 1, minutes: '会议记录:与会人员发言摘要' };
const FULL_RUN = [
  { stage: 'proposal', ...meeting },
  { stage: 'discussion', ...meeting },
  { stage: 'member_review', ...meeting, eligible: 30, present: 25, votesFor: 20 },
  { stage: 'resolution', ...meeting, body: 'representatives', eligible: 30, present: 21, votesFor: 15 },
  { stage: 'resolution_public', heldOn: today, publicText: '经村民代表会议决议,硬化村内主街 1.2 公里,预算 36 万元。' },
  { stage: 'review_before', heldOn: today, minutes: '镇审查:方案、标准符合规定' },
  { stage: 'implementation', heldOn: today, minutes: '施工单位进场' },
  { stage: 'review_during', heldOn: today, minutes: '村务监督委员会现场查看质量' },
  { stage: 'review_during', heldOn: today, minutes: '第二次查看' },
  { stage: 'review_after', heldOn: today, minutes: '审计结算 35.6 万元' },
  { stage: 'result_public', heldOn: today, publicText: '主街硬化已完工,结算 35.6 万元,已公示。' },
];

describe.each(DRIVERS)('四议三审两公开 decisions on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageA: string;
  let villageB: string;
  const base = '/t/alpha/api/decisions';

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageA = fixture.a.rows.villages[0].id!;
    villageB = fixture.a.rows.villages[1].id!;
  });
  afterAll(() => server?.close());

  const newMatter = async (villageId = villageA, title = '村内主街硬化') => {
    const admin = await fixture.as('adminA');
    const reply = await admin.post(`${base}/matters`, { villageId, title, category: 'construction', amountFen: 36_000_000 });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };

  it('names every stage that may come next when one is skipped, in the caller’s language', async () => {
    const admin = await fixture.as('adminA');
    const id = await newMatter(villageA, '路灯安装');
    for (const step of FULL_RUN.slice(0, 8)) expect((await admin.post(`${base}/matters/${id}/stages`, step)).status).toBe(201);
    const skip = { stage: 'result_public', heldOn: today, publicText: '已完工' };
    const zh = await admin.post(`${base}/matters/${id}/stages`, skip);
    expect(zh.status).toBe(409);
    expect(zh.body.message).toContain('“事中审视”或“事后审计”');
    const en = await admin.post(`${base}/matters/${id}/stages?lang=en`, skip);
    expect(en.body.message).toMatch(/"[^"]+" or "[^"]+" comes next/);
  });

  it('walks a matter through every stage in order, and closes it with the result made public', async () => {
    const secretary = await fixture.as('secretaryA');
    const created = await secretary.post(`${base}/matters`, { villageId: villageA, title: '村内主街硬化', category: 'construction', amountFen: 36_000_000 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'open', year: shanghaiYear(), nextStages: ['proposal'] });
    for (const step of FULL_RUN) {
      const reply = await secretary.post(`${base}/matters/${created.body.id}/stages`, step);
      expect(reply.status, `${step.stage}: ${JSON.stringify(reply.body)}`).toBe(201);
      expect(reply.body.passed).toBe(true);
    }
    const matter = await secretary.get(`${base}/matters/${created.body.id}`);
    expect(matter.body.status).toBe('completed');
    expect(matter.body.stages.map((s: { stage: string }) => s.stage)).toEqual(FULL_RUN.map((s) => s.stage));
    expect(matter.body.nextStages).toEqual([]);
    const list = await secretary.get(`${base}/matters?year=${shanghaiYear()}&status=completed`);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(created.body.id);
  });

  it('refuses to skip or repeat a stage, with a message naming the stage that comes next', async () => {
    const admin = await fixture.as('adminA');
    const id = await newMatter();
    const skip = await admin.post(`${base}/matters/${id}/stages`, FULL_RUN[2]);
    expect(skip.status).toBe(409);
    expect(skip.body.code).toBe('decisions.stage_out_of_order');
    expect(skip.body.message).toBe('不能跳过程序：现在应办理“村党支部会提议”，不能办理“党员大会审议”');
    expect((await admin.post(`${base}/matters/${id}/stages`, FULL_RUN[0])).status).toBe(201);
    const repeat = await admin.post(`${base}/matters/${id}/stages?lang=en`, FULL_RUN[0]);
    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ code: 'decisions.stage_repeated', message: '"Proposal by the branch meeting" has already been recorded and cannot be repeated' });
    const implementEarly = await admin.post(`${base}/matters/${id}/stages`, { stage: 'implementation', heldOn: today });
    expect(implementEarly.body.code).toBe('decisions.stage_out_of_order');
    const stored = await admin.get(`${base}/matters/${id}`);
    expect(stored.body.stages).toHaveLength(1);
  });

  it('checks quorum and majority; a meeting that votes a matter down ends it', async () => {
    const admin = await fixture.as('adminA');
    const id = await newMatter();
    const noQuorum = await admin.post(`${base}/matters/${id}/stages`, { ...FULL_RUN[0], eligible: 7, present: 3, votesFor: 3, votesAgainst: 0 });
    expect(noQuorum.status).toBe(400);
    expect(noQuorum.body).toMatchObject({ code: 'decisions.no_quorum', message: '到会人数不足：应到 7 人，至少 4 人到会方可开会表决' });
    const badNumbers = await admin.post(`${base}/matters/${id}/stages`, { ...FULL_RUN[0], present: 8 });
    expect(badNumbers.body.code).toBe('decisions.bad_votes');
    const missing = await admin.post(`${base}/matters/${id}/stages`, { stage: 'proposal', heldOn: today });
    expect(missing.body.code).toBe('decisions.meeting_fields_required');
    const votedDown = await admin.post(`${base}/matters/${id}/stages`, { ...FULL_RUN[0], eligible: 7, present: 6, votesFor: 3, votesAgainst: 3 });
    expect(votedDown.status).toBe(201);
    expect(votedDown.body).toMatchObject({ passed: false, status: 'rejected', nextStages: [] });
    const after = await admin.post(`${base}/matters/${id}/stages`, FULL_RUN[1]);
    expect(after.body.code).toBe('decisions.matter_rejected');
  });

  it('needs the published text for a public stage, and refuses dates before the previous stage or in the future', async () => {
    const admin = await fixture.as('adminA');
    const id = await newMatter();
    for (const step of FULL_RUN.slice(0, 4)) expect((await admin.post(`${base}/matters/${id}/stages`, step)).status).toBe(201);
    const noText = await admin.post(`${base}/matters/${id}/stages`, { stage: 'resolution_public', heldOn: today });
    expect(noText.body.code).toBe('decisions.public_text_required');
    const earlier = await admin.post(`${base}/matters/${id}/stages`, { ...FULL_RUN[4], heldOn: '2001-01-01' });
    expect(earlier.body.code).toBe('decisions.date_before_previous');
    const future = await admin.post(`${base}/matters/${id}/stages`, { ...FULL_RUN[4], heldOn: '2099-01-01' });
    expect(future.body.code).toBe('decisions.date_in_future');
  });

  it('keeps a secretary to their own village', async () => {
    const secretary = await fixture.as('secretaryA');
    const other = await secretary.post(`${base}/matters`, { villageId: villageB, title: '其他村事项', category: 'other' });
    expect(other.status).toBe(404);
    const foreign = await newMatter(villageB, '刘洼事项');
    expect((await secretary.get(`${base}/matters/${foreign}`)).status).toBe(404);
    expect((await secretary.post(`${base}/matters/${foreign}/stages`, FULL_RUN[0])).status).toBe(404);
    const list = await secretary.get(`${base}/matters`);
    expect(list.body.items.every((m: { villageId: string }) => m.villageId === villageA)).toBe(true);
    const member = await fixture.as('memberA');
    expect((await member.post(`${base}/matters`, { villageId: villageA, title: 'x', category: 'other' })).status).toBe(403);
  });

  it('deletes only a matter with no stages', async () => {
    const admin = await fixture.as('adminA');
    const fresh = await newMatter();
    expect((await admin.delete(`${base}/matters/${fresh}`)).status).toBe(204);
    const started = await newMatter();
    await admin.post(`${base}/matters/${started}/stages`, FULL_RUN[0]);
    expect((await admin.delete(`${base}/matters/${started}`)).body.code).toBe('decisions.has_stages');
  });

  it('reports a matter implemented without its stages as the stars red line', async () => {
    const admin = await fixture.as('adminA');
    const id = await newMatter(villageB, '未经程序发包的土地');
    await admin.post(`${base}/matters/${id}/stages`, FULL_RUN[0]);
    const secretary = await fixture.as('secretaryA');
    expect((await secretary.post(`${base}/matters/${id}/irregular`, { implementedOn: today, note: 'x' })).status).toBe(403);
    const recorded = await admin.post(`${base}/matters/${id}/irregular`, { implementedOn: today, note: '巡察发现未经党员大会审议即发包' });
    expect(recorded.status).toBe(200);
    expect(recorded.body.missing).toEqual(['discussion', 'member_review', 'resolution', 'resolution_public', 'review_before']);
    expect((await admin.post(`${base}/matters/${id}/stages`, FULL_RUN[1])).body.code).toBe('decisions.matter_irregular');

    const year = Number(today.slice(0, 4));
    const report = await admin.get(`${base}/red-lines?year=${year}`);
    expect(report.body.items).toEqual([
      { villageId: villageB, matters: [{ id, title: '未经程序发包的土地', implementedOn: today, missing: recorded.body.missing }] },
    ]);
    // the function the stars computation calls
    const direct = await villagesWithIncompleteDecisions(new TenantScope(server.db, fixture.a.tenantId), year);
    expect(direct.map((v) => v.villageId)).toEqual([villageB]);
    expect(await villagesWithIncompleteDecisions(new TenantScope(server.db, fixture.b.tenantId), year)).toEqual([]);
    expect((await admin.get(`${base}/red-lines?year=${year - 1}`)).body.items).toEqual([]);

    // a matter whose stages before implementation are complete is not irregular
    const proper = await newMatter();
    for (const step of FULL_RUN.slice(0, 6)) await admin.post(`${base}/matters/${proper}/stages`, step);
    expect((await admin.post(`${base}/matters/${proper}/irregular`, { implementedOn: today, note: 'x' })).body.code).toBe('decisions.not_irregular');
  });
});
