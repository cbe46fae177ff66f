import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';
import { shanghaiDate } from '../../src/domain/calendar';
import { minutesFromNow, openBranchSession } from './evaluation-support';

const T = '/t/alpha/api/evaluation';
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

/** The server's rules behind the admin app's lists and forms, each refusal with its real reason. */
describe.each(DRIVERS)('admin app rules on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageId: string;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageId = fixture.a.rows.villages[0].id!;
  });
  afterAll(() => server?.close());

  const bookingOf = async (startsAt: string, endsAt: string, village = villageId) => {
    const admin = await fixture.as('adminA');
    const campaign = await admin.post(`${T}/campaigns`, { name: '支部测评', subjectKind: 'branch' });
    const screen = await admin.post(`${T}/screens`, { name: `厅-${Math.random().toString(36).slice(2, 8)}` });
    return admin.post(`${T}/bookings`, { campaignId: campaign.body.id, villageId: village, screenId: screen.body.id, startsAt, endsAt });
  };

  it('refuses a booking whose end is before its start with that reason, not the 12-hour limit', async () => {
    const reply = await bookingOf('2030-09-02T06:00:00Z', '2030-09-02T02:00:00Z');
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe('结束时间必须晚于开始时间');
    expect(reply.body.message).not.toContain('12 小时');
  });

  it('opens a session only in its slot, or earlier when the admin confirms an early start', async () => {
    const admin = await fixture.as('adminA');
    const booking = await bookingOf(minutesFromNow(60), minutesFromNow(120));
    expect(booking.status).toBe(201);
    const early = await admin.post(`${T}/sessions`, { bookingId: booking.body.id });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/^该预约 \d{1,2}月\d{1,2}日 \d\d:\d\d 才开始，现在还不能开始测评/);
    // a secretary of the village is held to the same rule
    expect((await (await fixture.as('secretaryA')).post(`${T}/sessions`, { bookingId: booking.body.id })).status).toBe(409);
    const confirmed = await admin.post(`${T}/sessions`, { bookingId: booking.body.id, confirmEarly: true });
    expect(confirmed.status).toBe(201);
    expect(Date.parse(confirmed.body.opensAt)).toBeLessThanOrEqual(Date.now());
    expect(confirmed.body.status).toBe('open');
    // not a string, not a number: a boolean the page sends
    const other = await bookingOf(minutesFromNow(60), minutesFromNow(120));
    expect((await admin.post(`${T}/sessions`, { bookingId: other.body.id, confirmEarly: 'yes' })).status).toBe(400);
  });

  it('pages the sessions list and filters it by date range, village and status on the server', async () => {
    const admin = await fixture.as('adminA');
    const other = fixture.a.rows.villages[1].id!;
    const { session: mine } = await openBranchSession(admin, villageId);
    const { session: theirs } = await openBranchSession(admin, other);
    expect((await admin.post(`${T}/sessions/${theirs.id}/close`, {})).status).toBe(200);

    const all = await admin.get(`${T}/sessions?limit=2`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    const next = await admin.get(`${T}/sessions?limit=2&offset=2`);
    expect(next.body.items.map((s: { id: string }) => s.id)).not.toContain(all.body.items[0].id);

    const closed = await admin.get(`${T}/sessions?status=closed&villageId=${other}`);
    expect(closed.body.items.map((s: { id: string }) => s.id)).toEqual([theirs.id]);
    const open = await admin.get(`${T}/sessions?status=open&villageId=${villageId}`);
    expect(open.body.items.map((s: { id: string }) => s.id)).toContain(mine.id);
    expect(open.body.items.every((s: { status: string; villageId: string }) => s.status === 'open' && s.villageId === villageId)).toBe(true);

    // every session of this file began within the last hour (a slot starts 5 minutes before it is booked), so
    // yesterday to today in Shanghai holds them all, also in a run that crosses Shanghai's midnight
    const [yesterday, today] = [shanghaiDate(new Date(Date.now() - 86_400_000)), shanghaiDate()];
    expect((await admin.get(`${T}/sessions?from=${yesterday}&to=${today}`)).body.total).toBe(all.body.total);
    expect((await admin.get(`${T}/sessions?from=2031-01-01`)).body).toEqual({ items: [], total: 0 });
    expect((await admin.get(`${T}/sessions?to=2020-01-01`)).body.total).toBe(0);
    expect((await admin.get(`${T}/sessions?from=yesterday`)).status).toBe(400);
    expect((await admin.get(`${T}/sessions?status=pending`)).status).toBe(400);
    // a secretary sees only their village's sessions, and asking for another village is refused
    const secretary = await fixture.as('secretaryA');
    expect((await secretary.get(`${T}/sessions?villageId=${other}`)).status).toBe(404);
    const own = await secretary.get(`${T}/sessions?limit=500`);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((s: { villageId: string }) => s.villageId === villageId)).toBe(true);
  });

  it('sorts campaign results by composite score, unscored last', async () => {
    const admin = await fixture.as('adminA');
    const campaigns = await admin.get(`${T}/campaigns`);
    for (const campaign of campaigns.body.items) {
      const results = (await admin.get(`${T}/campaigns/${campaign.id}/results`)).body.items as { composite: number | null }[];
      const scores = results.map((r) => r.composite ?? -1);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('offers the years holding data, and this year', async () => {
    const admin = await fixture.as('adminA');
    const reply = await admin.get('/t/alpha/api/stars/data-years');
    expect(reply.status).toBe(200);
    expect(reply.body.years[0]).toBeGreaterThanOrEqual(YEAR);
    expect(reply.body.years).toContain(YEAR);
    expect(reply.body.years).not.toContain(YEAR - 5);
    expect((await fixture.anonymous().get('/t/alpha/api/stars/data-years')).status).toBe(401);
  });

  it('shows a village without income this year as missing (null) on the county page, not ¥0', async () => {
    const adminA = await fixture.as('adminA');
    expect((await adminA.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
    const viewer = await fixture.as('countyViewer');
    const reply = await viewer.get(`/api/county/${fixture.countyId}/comparison?year=${YEAR}&township=${fixture.a.tenantId}`);
    expect(reply.status).toBe(200);
    expect(reply.body.items.length).toBeGreaterThan(0);
    for (const item of reply.body.items) expect(item).toMatchObject({ incomeFen: null, incomeTier: null });
  });
});
