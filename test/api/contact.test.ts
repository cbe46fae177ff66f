import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problems } from '../../src/db/schema';
import { shanghaiDate } from '../../src/platform/time';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const today = shanghaiDate();
const month = today.slice(0, 7);
const SIGNATURE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe.each(DRIVERS)('初心三人行 contact network on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageA: string;
  let memberA: string;
  let committeeIds: string[];
  let householdIds: string[];
  const base = '/t/alpha/api/contact';

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageA = fixture.a.rows.villages[0].id!;
    const villageMembers = fixture.a.rows.members.filter((m) => m.villageId === villageA);
    memberA = villageMembers[0].id!; // the fixture's party-member login is the village's first member
    committeeIds = villageMembers.filter((m) => m.isCommittee).map((m) => m.id!);
    householdIds = fixture.a.rows.households.filter((h) => h.villageId === villageA).map((h) => h.id!);
  });
  afterAll(() => server?.close());

  it('links party members to a committee member and households to a party member, warning about the ratios', async () => {
    const secretary = await fixture.as('secretaryA');
    const admin = await fixture.as('adminA');
    const plain = await admin.post('/t/alpha/api/members', { villageId: villageA, name: '普通党员', isCommittee: false });
    const link = await secretary.post(`${base}/member-links`, { committeeMemberId: committeeIds[1], memberId: plain.body.id });
    expect(link.status).toBe(201);
    const again = await secretary.post(`${base}/member-links`, { committeeMemberId: committeeIds[2], memberId: plain.body.id });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('党员“普通党员”已由其他支部委员联系，请先解除原联系');
    const links = await secretary.get(`${base}/member-links`);
    expect(links.body.items).toEqual([expect.objectContaining({ memberId: plain.body.id, memberName: '普通党员', committeeMemberId: committeeIds[1] })]);
    expect(links.body.items[0].committeeMemberName).toBe(fixture.a.rows.members.find((m) => m.id === committeeIds[1])!.name);
    const notCommittee = await secretary.post(`${base}/member-links`, { committeeMemberId: plain.body.id, memberId: committeeIds[1] });
    expect(notCommittee.body.code).toBe('contact.not_committee');

    for (const householdId of householdIds.slice(0, 2))
      expect((await secretary.post(`${base}/household-links`, { memberId: memberA, householdId })).status).toBe(201);
    const taken = await secretary.post(`${base}/household-links`, { memberId: committeeIds[1], householdId: householdIds[0] });
    expect(taken.body.code).toBe('contact.household_already_linked');

    const network = await secretary.get(`${base}/network`);
    expect(network.status).toBe(200);
    expect(network.body.ranges).toEqual({ membersPerCommittee: { min: 5, max: 5 }, householdsPerMember: { min: 5, max: 15 } });
    const leader = network.body.committee.find((r: { memberId: string }) => r.memberId === committeeIds[1]);
    expect(leader).toMatchObject({ linkedMembers: 1, warning: 'under' });
    const member = network.body.members.find((r: { memberId: string }) => r.memberId === memberA);
    expect(member).toMatchObject({ households: 2, warning: 'under' });
    expect(network.body.unlinkedHouseholds).toHaveLength(householdIds.length - 2);
    expect(network.body.unlinkedMembers).toEqual([]);

    // the township changes the range: 1–2 households per member is now within it
    const settings = (await admin.get('/t/alpha/api/settings')).body;
    await admin.put('/t/alpha/api/settings', { ...settings, contact: { ...settings.contact, householdsPerMember: { min: 1, max: 2 } } });
    const after = await secretary.get(`${base}/network`);
    expect(after.body.members.find((r: { memberId: string }) => r.memberId === memberA).warning).toBeNull();
    await admin.put('/t/alpha/api/settings', settings);
  });

  it('lets a party member record visits from the phone, only as themselves', async () => {
    const member = await fixture.as('memberA');
    const visit = await member.post(`${base}/visits`, {
      householdId: householdIds[0],
      visitedOn: today,
      category: 'policy',
      findings: '老人不清楚医保缴费办法',
      request: '希望村里统一代缴',
    });
    expect(visit.status).toBe(201);
    expect(visit.body).toMatchObject({ memberId: memberA, villageId: villageA, category: 'policy' });
    const asOther = await member.post(`${base}/visits`, { memberId: committeeIds[1], householdId: householdIds[0], visitedOn: today, category: 'sick' });
    expect(asOther.status).toBe(403);
    expect(asOther.body.code).toBe('contact.own_visits_only');
    const future = await member.post(`${base}/visits`, { householdId: householdIds[0], visitedOn: '2099-01-01', category: 'sick' });
    expect(future.body.code).toBe('contact.visit_in_future');
    const badCategory = await member.post(`${base}/visits`, { householdId: householdIds[0], visitedOn: today, category: 'picnic' });
    expect(badCategory.body.code).toBe('error.validation');

    const secretary = await fixture.as('secretaryA');
    const byCommittee = await secretary.post(`${base}/visits`, { memberId: committeeIds[1], householdId: householdIds[1], visitedOn: today, category: 'quarrel' });
    expect(byCommittee.status).toBe(201);
    const ledger = await secretary.get(`${base}/visits?month=${month}`);
    expect(ledger.body.total).toBe(2);
    const own = await member.get(`${base}/visits`);
    expect(own.body.items.map((v: { memberId: string }) => v.memberId)).toEqual([memberA]);
    expect((await member.get(`${base}/visits/${byCommittee.body.id}`)).status).toBe(404);
  });

  it('lets a problem found on a visit flow into the branch problem list, once', async () => {
    const member = await fixture.as('memberA');
    const secretary = await fixture.as('secretaryA');
    const visit = await member.post(`${base}/visits`, {
      householdId: householdIds[2],
      visitedOn: today,
      category: 'opinion',
      findings: '村东排水沟堵塞,雨天积水',
      request: '尽快清淤',
    });
    // the member who made the visit raises it; the secretary sees it linked
    const raised = await member.post(`${base}/visits/${visit.body.id}/problem`, { measure: '组织党员清淤', deadline: '2099-06-30' });
    expect(raised.status).toBe(201);
    const [problem] = await server.db.select().from(problems).where(eq(problems.id, raised.body.problemId));
    expect(problem).toMatchObject({
      tenantId: fixture.a.tenantId,
      villageId: villageA,
      subjectKind: 'branch',
      subjectId: villageA,
      source: 'visit',
      content: '村东排水沟堵塞,雨天积水;尽快清淤',
      measure: '组织党员清淤',
      deadline: '2099-06-30',
      status: 'open',
    });
    expect((await secretary.get(`${base}/visits/${visit.body.id}`)).body.problemId).toBe(raised.body.problemId);
    const again = await secretary.post(`${base}/visits/${visit.body.id}/problem`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('contact.problem_already_raised');
    expect(await server.db.select().from(problems).where(eq(problems.source, 'visit'))).toHaveLength(1);
  });

  it('records the monthly sign-off of a linked household once', async () => {
    const member = await fixture.as('memberA');
    const signed = await member.post(`${base}/signoffs`, { householdId: householdIds[0], month, method: 'signature', evidence: SIGNATURE });
    expect(signed.status).toBe(201);
    const twice = await member.post(`${base}/signoffs`, { householdId: householdIds[0], month, method: 'signature', evidence: SIGNATURE });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe(`该户 ${month} 已签字确认`);
    const unlinked = await member.post(`${base}/signoffs`, { householdId: householdIds[3], month, method: 'signature', evidence: SIGNATURE });
    expect(unlinked.body.code).toBe('contact.not_linked');
    const notImage = await member.post(`${base}/signoffs`, { householdId: householdIds[1], month, method: 'paper_photo', evidence: 'javascript:alert(1)' });
    expect(notImage.body.code).toBe('contact.bad_evidence');
    const list = await member.get(`${base}/signoffs?month=${month}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].evidence).toBeUndefined();
    expect((await member.get(`${base}/signoffs/${signed.body.id}`)).body.evidence).toBe(SIGNATURE);
  });

  it('reports coverage: households visited this month and must-visit households not visited in 30 days', async () => {
    const admin = await fixture.as('adminA');
    const needy = await admin.post('/t/alpha/api/households', { villageId: villageA, headName: '困难户', isHardship: true, isCriticallyIll: true });
    const before = await admin.get(`${base}/coverage?villageId=${villageA}&month=${month}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ visitedHouseholds: 3, visits: 3, signedHouseholds: 1, linkedHouseholds: 2 });
    const overdue = before.body.mustVisitOverdue.find((h: { householdId: string }) => h.householdId === needy.body.id);
    expect(overdue).toMatchObject({ categories: ['poor_family', 'critically_ill'], lastVisitedOn: null, overdue: true });
    // of memberA's two linked households, the first has signed this month
    expect(before.body.unsignedHouseholds).toEqual([{ householdId: householdIds[1], headName: expect.any(String), memberId: memberA, memberName: expect.any(String) }]);

    const member = await fixture.as('memberA');
    await member.post(`${base}/visits`, { householdId: needy.body.id, visitedOn: today, category: 'poor_family' });
    const after = await admin.get(`${base}/coverage?villageId=${villageA}&month=${month}`);
    expect(after.body.mustVisitOverdue.some((h: { householdId: string }) => h.householdId === needy.body.id)).toBe(false);
    expect(after.body.visitedHouseholds).toBe(4);
    expect((await admin.get(`${base}/coverage`)).body.code).toBe('error.validation');
  });

  it('keeps visit history when the roster changes', async () => {
    const secretary = await fixture.as('secretaryA');
    const admin = await fixture.as('adminA');
    const links = await secretary.get(`${base}/household-links?memberId=${memberA}`);
    const link = links.body.items.find((l: { householdId: string }) => l.householdId === householdIds[0]);
    expect((await secretary.delete(`${base}/household-links/${link.id}`)).status).toBe(204);
    expect((await secretary.delete(`${base}/household-links/${link.id}`)).status).toBe(404);
    expect((await admin.delete(`/t/alpha/api/households/${householdIds[0]}`)).status).toBe(204);
    const history = await secretary.get(`${base}/visits?householdId=${householdIds[0]}`);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0].householdName).toBe(fixture.a.rows.households.find((h) => h.id === householdIds[0])!.headName);
    // a household still linked cannot be linked by a second member
    expect((await secretary.post(`${base}/household-links`, { memberId: committeeIds[1], householdId: householdIds[1] })).status).toBe(409);
  });
});
