import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client';
import type { Login } from '../support/fixture';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { minutesFromNow } from './evaluation-support';

/**
 * Ids inside request bodies and paths of writes (the security suite checks reads by path id): an id of
 * another township, or, for a village secretary, of another village, answers 404 and writes nothing. Each
 * case is sent first with one foreign id at a time, then as it is, which must get past the ids (accepted,
 * or a duplicate of an earlier write): so the 404 came from that id and nothing else.
 */

const T = '/t/alpha/api';

/** The ids one body is made of; `foreign` swaps some of them for another township's or village's. */
interface Ids {
  village: string;
  member: string;
  committee: string;
  household: string;
  questionnaire: string;
  campaign: string;
  screen: string;
  booking: string;
  rule: string;
}

interface Case {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH';
  path: (ids: Ids) => string;
  body: (ids: Ids) => unknown;
  /** which ids the case carries, each swapped in turn */
  swap: (keyof Ids)[];
  /** a secretary may send it too (with another village's ids it must answer 404) */
  secretary?: boolean;
}

describe.each(DRIVERS)('ids of another township or village in bodies on %s', (driver) => {
  const ctx = withFixture(driver);

  async function evaluationIds(client: ApiClient, tenant: string, villageId: string) {
    const E = `/t/${tenant}/api/evaluation`;
    const questionnaires = await client.get(`${E}/questionnaires`);
    const questionnaire = questionnaires.body.items.find((q: { subjectKind: string }) => q.subjectKind === 'branch').id;
    const campaign = (await client.post(`${E}/campaigns`, { name: '支部测评', subjectKind: 'branch' })).body.id;
    const screen = (await client.post(`${E}/screens`, { name: `厅-${Math.random().toString(36).slice(2, 8)}` })).body.id;
    const booking = await client.post(`${E}/bookings`, { campaignId: campaign, villageId, screenId: screen, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60) });
    expect(booking.status, JSON.stringify(booking.body)).toBe(201);
    const rules = await client.get(`/t/${tenant}/api/stars/red-line-rules`);
    const rule = rules.body.find((r: { mode: string }) => r.mode === 'manual').id;
    return { questionnaire, campaign, screen, booking: booking.body.id, rule };
  }

  async function idsOf(side: 'a' | 'b', villageIndex: number, client: ApiClient, tenant: string): Promise<Ids> {
    const rows = ctx.fixture[side].rows;
    const village = rows.villages[villageIndex].id!;
    const inVillage = rows.members.filter((m) => m.villageId === village);
    return {
      village,
      committee: inVillage[0].id!, // the secretary, on the committee
      member: inVillage.at(-1)!.id!,
      household: rows.households.find((h) => h.villageId === village)!.id!,
      ...(await evaluationIds(client, tenant, village)),
    };
  }

  const cases: Case[] = [
    { name: 'new member', method: 'POST', path: () => `${T}/members`, body: (i) => ({ villageId: i.village, name: '新党员' }), swap: ['village'], secretary: true },
    { name: 'member moved', method: 'PUT', path: (i) => `${T}/members/${i.member}`, body: (i) => ({ villageId: i.village, name: '改名党员' }), swap: ['member', 'village'], secretary: true },
    { name: 'new household', method: 'POST', path: () => `${T}/households`, body: (i) => ({ villageId: i.village, headName: '新户主' }), swap: ['village'], secretary: true },
    { name: 'household moved', method: 'PUT', path: (i) => `${T}/households/${i.household}`, body: (i) => ({ villageId: i.village, headName: '改名户主' }), swap: ['household', 'village'], secretary: true },
    { name: 'committee → member link', method: 'POST', path: () => `${T}/contact/member-links`, body: (i) => ({ committeeMemberId: i.committee, memberId: i.member }), swap: ['committee', 'member'], secretary: true },
    { name: 'member → household link', method: 'POST', path: () => `${T}/contact/household-links`, body: (i) => ({ memberId: i.member, householdId: i.household }), swap: ['member', 'household'], secretary: true },
    { name: 'visit', method: 'POST', path: () => `${T}/contact/visits`, body: (i) => ({ memberId: i.member, householdId: i.household, visitedOn: '2025-06-01', category: 'opinion' }), swap: ['member', 'household'], secretary: true },
    {
      name: 'sign-off',
      method: 'POST',
      path: () => `${T}/contact/signoffs`,
      body: (i) => ({ memberId: i.member, householdId: i.household, month: '2025-06', method: 'signature', evidence: 'data:image/png;base64,iVBORw0KGgo=' }),
      swap: ['member', 'household'],
      secretary: true,
    },
    { name: 'decision matter', method: 'POST', path: () => `${T}/decisions/matters`, body: (i) => ({ villageId: i.village, title: '道路硬化', category: 'construction' }), swap: ['village'], secretary: true },
    { name: 'dispute', method: 'POST', path: () => `${T}/ledgers/disputes`, body: (i) => ({ villageId: i.village, title: '宅基地纠纷', occurredOn: '2025-03-01' }), swap: ['village'], secretary: true },
    { name: 'weak village', method: 'POST', path: () => `${T}/ledgers/weak-villages`, body: (i) => ({ villageId: i.village, yearListed: 2024, reasons: '班子不团结' }), swap: ['village'] },
    { name: 'red line record', method: 'POST', path: () => `${T}/stars/red-line-records`, body: (i) => ({ ruleId: i.rule, villageId: i.village, year: 2025, note: '干部受处分' }), swap: ['rule', 'village'] },
    { name: 'income entry', method: 'POST', path: () => `${T}/income/entries`, body: (i) => ({ villageId: i.village, year: 2025, category: 'produce', amountFen: 100 }), swap: ['village'], secretary: true },
    { name: 'campaign', method: 'POST', path: () => `${T}/evaluation/campaigns`, body: (i) => ({ name: '测评', subjectKind: 'branch', questionnaireId: i.questionnaire, villageIds: [i.village] }), swap: ['questionnaire', 'village'] },
    {
      name: 'campaign changed',
      method: 'PATCH',
      path: (i) => `${T}/evaluation/campaigns/${i.campaign}`,
      body: (i) => ({ name: '测评(改)', questionnaireId: i.questionnaire, villageIds: [i.village] }),
      swap: ['campaign', 'questionnaire', 'village'],
    },
    {
      name: 'booking',
      method: 'POST',
      path: () => `${T}/evaluation/bookings`,
      body: (i) => ({ campaignId: i.campaign, villageId: i.village, screenId: i.screen, startsAt: minutesFromNow(24 * 60), endsAt: minutesFromNow(25 * 60) }),
      swap: ['campaign', 'village', 'screen'],
    },
    { name: 'session', method: 'POST', path: () => `${T}/evaluation/sessions`, body: (i) => ({ bookingId: i.booking }), swap: ['booking'] },
    { name: 'member credentials', method: 'POST', path: () => `${T}/evaluation/member-credentials`, body: (i) => ({ villageId: i.village, resetMemberIds: [i.member] }), swap: ['village', 'member'] },
    { name: 'household codes', method: 'POST', path: () => `${T}/evaluation/household-codes`, body: (i) => ({ villageId: i.village }), swap: ['village'] },
    { name: 'branch problem', method: 'POST', path: () => `${T}/problems`, body: (i) => ({ villageId: i.village, content: '公开不及时' }), swap: ['village'], secretary: true },
    { name: 'member problem', method: 'POST', path: () => `${T}/problems`, body: (i) => ({ villageId: i.village, subjectKind: 'member', subjectId: i.member, content: '不参加组织生活' }), swap: ['member'], secretary: true },
  ];

  it('answers 404 to a township admin sending another township’s ids', async () => {
    const admin = await ctx.fixture.as('adminA');
    const own = await idsOf('a', 0, admin, 'alpha');
    const other = await idsOf('b', 0, await ctx.fixture.as('adminB'), 'beta');
    await expectRefused(admin, 'adminA', own, other, cases);
  });

  it('answers 404 to a village secretary sending another village’s ids', async () => {
    const admin = await ctx.fixture.as('adminA');
    const secretary = await ctx.fixture.as('secretaryA');
    // the secretary's own village is the fixture's first; the second is someone else's
    const own = await idsOf('a', 0, admin, 'alpha');
    const other = await idsOf('a', 1, admin, 'alpha');
    await expectRefused(secretary, 'secretaryA', own, other, cases.filter((c) => c.secretary));
  });

  it('answers 404 to a party member recording a visit or sign-off in another village', async () => {
    const member = await ctx.fixture.as('memberA');
    const rows = ctx.fixture.a.rows;
    const elsewhere = rows.households.find((h) => h.villageId === rows.villages[1].id)!.id!;
    const home = rows.households.find((h) => h.villageId === rows.villages[0].id)!.id!;
    const visit = { visitedOn: '2025-06-01', category: 'opinion' };
    expect((await member.post(`${T}/contact/visits`, { ...visit, householdId: elsewhere })).status).toBe(404);
    expect((await member.post(`${T}/contact/visits`, { ...visit, householdId: home })).status).toBe(201);
    const signoff = { month: '2025-06', method: 'signature', evidence: 'data:image/png;base64,iVBORw0KGgo=' };
    expect((await member.post(`${T}/contact/signoffs`, { ...signoff, householdId: elsewhere })).status).toBe(404);
    expect((await member.get(`${T}/contact/visits?villageId=${rows.villages[1].id}`)).status).toBe(404);
  });

  async function expectRefused(client: ApiClient, login: Login, own: Ids, other: Ids, list: Case[]) {
    for (const c of list) {
      for (const key of c.swap) {
        const ids = { ...own, [key]: other[key] };
        const reply = await client.request(c.method, c.path(ids), c.body(ids));
        expect(reply.status, `${login} ${c.name} with a foreign ${key}: ${JSON.stringify(reply.body)}`).toBe(404);
      }
      // accepted, or refused as a duplicate of what an earlier test wrote: either way past the ids
      const reply = await client.request(c.method, c.path(own), c.body(own));
      expect([200, 201, 409], `${login} ${c.name} as it is: ${JSON.stringify(reply.body)}`).toContain(reply.status);
    }
  }
});
