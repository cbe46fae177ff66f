import type { ApiClient } from '../support/client';

const T = '/t/alpha/api/evaluation';
export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** A branch campaign with a screen, a booking from now on and an open session for one village; returns what the tests need. */
export async function openBranchSession(admin: ApiClient, villageId: string, options: { screen?: string; campaignBody?: object } = {}) {
  const campaign = await admin.post(`${T}/campaigns`, { name: '2026年度村党支部星级评定', subjectKind: 'branch', ...options.campaignBody });
  if (campaign.status !== 201) throw new Error(`campaign: ${JSON.stringify(campaign.body)}`);
  const screen = await admin.post(`${T}/screens`, { name: options.screen ?? `一号厅-${Math.random().toString(36).slice(2, 8)}` });
  const booking = await admin.post(`${T}/bookings`, {
    campaignId: campaign.body.id,
    villageId,
    screenId: screen.body.id,
    startsAt: minutesFromNow(-5),
    endsAt: minutesFromNow(120),
  });
  if (booking.status !== 201) throw new Error(`booking: ${JSON.stringify(booking.body)}`);
  const session = await admin.post(`${T}/sessions`, { bookingId: booking.body.id });
  if (session.status !== 201) throw new Error(`session: ${JSON.stringify(session.body)}`);
  return { campaign: campaign.body, screen: screen.body, booking: booking.body, session: session.body };
}

/** What a phone gets after scanning the current QR: the pass, the subjects and the questions per group. */
export async function scan(admin: ApiClient, phone: ApiClient, sessionId: string, code: string) {
  const qr = await admin.get(`${T}/sessions/${sessionId}/qr`);
  const pass = await phone.post(`${T}/vote/${code}/pass`, { token: qr.body.token });
  if (pass.status !== 200) throw new Error(`pass: ${JSON.stringify(pass.body)}`);
  return pass.body as {
    pass: string;
    subjects: { kind: 'branch' | 'member'; id: string; name: string }[];
    questionnaire: { items: Record<string, { key: string; options: unknown[] }[]> };
  };
}

/** Answers every item of a group with the given option index (0 = 好 … 3 = 差). */
export const answerAll = (items: { key: string }[], choice: number | ((i: number) => number)) =>
  Object.fromEntries(items.map((item, i) => [item.key, typeof choice === 'number' ? choice : choice(i)]));

export const clientId = () => `c${crypto.randomUUID().replace(/-/g, '')}`;
