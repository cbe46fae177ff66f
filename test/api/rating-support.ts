import { and, eq } from 'drizzle-orm';
import { counties, ratingYears } from '../../src/db/schema';
import { addDays, shanghaiDate } from '../../src/domain/calendar';
import { ApiClient } from '../support/client';
import { PASSWORD, type Fixture } from '../support/fixture';
import type { TestServer } from '../support/servers';
import { answerAll, clientId, minutesFromNow } from './evaluation-support';
import { ruleFields } from './stars-support';


/** Options 好/较好/一般/差 are 10/8/6/3 points: the index each of the eight branch items gets, for a composite. */
export const ANSWERS = {
  '100.00': () => 0,
  '95.00': (i: number) => (i < 6 ? 0 : 1),
  '80.00': () => 1,
  '70.00': (i: number) => (i < 4 ? 1 : 2),
  '30.00': () => 3,
} as const;

/** One branch campaign of `year` over every village, weighted on villagers only. */
export async function branchCampaign(admin: ApiClient, year: number, name: string, slug = 'alpha') {
  const T = `/t/${slug}/api`;
  const reply = await admin.post(`${T}/evaluation/campaigns`, { year, name, subjectKind: 'branch', weights: { self: 0, peer: 0, villager: 100, leader: 0 } });
  if (reply.status !== 201) throw new Error(`campaign: ${JSON.stringify(reply.body)}`);
  return reply.body.id as string;
}

/** One closed session of a campaign for one village, with one paper ballot of the given composite. */
export async function evaluate(fixture: Fixture, admin: ApiClient, campaignId: string, villageId: string, composite: keyof typeof ANSWERS, slug = 'alpha') {
  const T = `/t/${slug}/api`;
  const screen = await admin.post(`${T}/evaluation/screens`, { name: `厅-${Math.random().toString(36).slice(2, 8)}` });
  const booking = await admin.post(`${T}/evaluation/bookings`, { campaignId, villageId, screenId: screen.body.id, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(120) });
  if (booking.status !== 201) throw new Error(`booking: ${JSON.stringify(booking.body)}`);
  const session = (await admin.post(`${T}/evaluation/sessions`, { bookingId: booking.body.id })).body;
  const qr = await admin.get(`${T}/evaluation/sessions/${session.id}/qr`);
  const scanned = (await fixture.anonymous().post(`${T}/evaluation/vote/${session.code}/pass`, { token: qr.body.token })).body as { questionnaire: { items: Record<string, { key: string }[]> } };
  const paper = await admin.post(`${T}/evaluation/sessions/${session.id}/paper-ballots`, {
    clientId: clientId(),
    ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, ANSWERS[composite]) }],
  });
  if (paper.status !== 201) throw new Error(`paper: ${JSON.stringify(paper.body)}`);
  await admin.post(`${T}/evaluation/sessions/${session.id}/close`);
}

/** Every red line off: the rating's story depends on scores and quotas only. */
export async function redLinesOff(admin: ApiClient, slug = 'alpha') {
  const T = `/t/${slug}/api`;
  for (const rule of (await admin.get(`${T}/stars/red-line-rules`)).body as Record<string, unknown>[])
    await admin.put(`${T}/stars/red-line-rules/${rule.id}`, { ...ruleFields(rule), enabled: false });
}

/** The county's and the city's organisation departments, created by the platform admin (as its registry page does), signed in. */
export async function organisers(server: TestServer, fixture: Fixture) {
  const [county] = await server.db.select().from(counties).where(eq(counties.id, fixture.countyId));
  const platform = await fixture.as('platformAdmin');
  const made = [
    await platform.post(`/api/platform/counties/${fixture.countyId}/organisers`, { phone: '13900000010', name: '齐河县委组织部复核', password: PASSWORD }),
    await platform.post(`/api/platform/cities/${county.cityId}/organisers`, { phone: '13900000011', name: '德州市委组织部', password: PASSWORD }),
  ];
  for (const reply of made) if (reply.status !== 201) throw new Error(`organiser: ${JSON.stringify(reply.body)}`);
  return {
    county: await new ApiClient(server).login('13900000010', PASSWORD),
    city: await new ApiClient(server).login('13900000011', PASSWORD),
  };
}

/**
 * Days pass: the test cannot wait for a deadline or a notice's five working days, so it moves the year's
 * dates into the past in the database (the only write outside the API; every decision is still the server's).
 */
export async function daysPass(server: TestServer, tenantId: string, year: number, dates: { nominationDeadline?: boolean; noticeEndsOn?: boolean }) {
  const yesterday = addDays(shanghaiDate(), -1);
  const patch = { ...(dates.nominationDeadline ? { nominationDeadline: yesterday } : {}), ...(dates.noticeEndsOn ? { noticeEndsOn: yesterday, noticeStartsOn: addDays(yesterday, -7) } : {}) };
  await server.db.update(ratingYears).set(patch).where(and(eq(ratingYears.tenantId, tenantId), eq(ratingYears.year, year)));
}
