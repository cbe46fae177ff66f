import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns } from '../../src/db/schema';
import { EXPECTED_MIGRATIONS } from '../../src/db/migration-status';
import { DEV_APP_SECRET } from '../../src/platform/config';
import { ApiClient } from '../support/client';
import { withFixture } from '../support/suite';
import { answerAll, clientId, minutesFromNow, openBranchSession, scan } from './evaluation-support';
import { DRIVERS, startServer, TEST_APP_SECRET, TEST_ENV, type TestServer } from '../support/servers';
import { createTestAccount } from '../support/fixture';

const T = '/t/alpha/api/evaluation';

/**
 * What a deployment that is not configured does (no APP_SECRET, or the public development one): every
 * request, the health check included, answers 503 with the catalogue's problem body and says nothing about
 * why (the log does); the Worker's cron runs nothing. A configured one answers /api/health with 200 while
 * its database is reachable and migrated.
 */
describe.each(DRIVERS)('deployment configuration on %s', (driver) => {
  describe.each<{ name: string; env: Record<string, string> }>([
    { name: 'without APP_SECRET', env: { BASE_DOMAIN: 'xingping.test' } },
    { name: 'with the development APP_SECRET', env: { BASE_DOMAIN: 'xingping.test', APP_SECRET: DEV_APP_SECRET } },
    { name: 'with a short APP_SECRET', env: { APP_SECRET: 'only-twenty-chars-xx' } },
  ])('$name', ({ env }) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(driver, env);
    });
    afterAll(() => server?.close());

    it.each(['/api/health', '/api/openapi.json', '/t/alpha/api/public/villages', '/no/such/page'])('answers 503 not_configured on GET %s', async (path) => {
      const reply = await new ApiClient(server).get(path);
      expect(reply.status).toBe(503);
      expect(reply.body).toEqual({ code: 'error.not_configured', message: '服务器尚未配置完成，暂时无法使用，请联系系统管理员', requestId: expect.any(String) });
    });

    it('refuses logins with the same problem, in the caller’s language, naming no setting', async () => {
      const reply = await new ApiClient(server, { 'accept-language': 'en' }).post('/api/auth/login', { phone: '13800000000', password: 'xingping2026' });
      expect(reply.status).toBe(503);
      expect(reply.body.code).toBe('error.not_configured');
      expect(reply.body.message).toMatch(/not configured/);
      expect(JSON.stringify(reply.body)).not.toMatch(/APP_SECRET|dev-only/i);
      expect(reply.headers.getSetCookie()).toEqual([]);
    });

    it.runIf(driver === 'workerd')('runs no scheduled job', async () => {
      await expect(server.scheduled!('0 18 * * *', new Date())).rejects.toThrow(/exception/);
      const [{ n }] = await server.db.select({ n: count() }).from(jobRuns);
      expect(n).toBe(0);
    });
  });

  describe('configured', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(driver);
    });
    afterAll(() => server?.close());

    it('answers /api/health with 200 and nothing else, without a login', async () => {
      const reply = await new ApiClient(server).get('/api/health');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ status: 'ok' });
      expect(reply.headers.getSetCookie()).toEqual([]);
    });

    it('answers 503 while a migration of this build is not applied, and 200 again once it is', async () => {
      const last = EXPECTED_MIGRATIONS.at(-1)!;
      const forget = driver === 'libsql' ? sql`DELETE FROM __drizzle_migrations WHERE created_at = ${last.when}` : sql`DELETE FROM d1_migrations WHERE name = ${`${last.tag}.sql`}`;
      const restore =
        driver === 'libsql'
          ? sql`INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('restored', ${last.when})`
          : sql`INSERT INTO d1_migrations (name) VALUES (${`${last.tag}.sql`})`;
      await server.db.run(forget);
      try {
        const reply = await new ApiClient(server, { 'accept-language': 'en' }).get('/api/health');
        expect(reply.status).toBe(503);
        expect(reply.body.code).toBe('health.migrations_pending');
        expect(reply.body.message).toContain(`${EXPECTED_MIGRATIONS.length - 1} migrations applied, ${EXPECTED_MIGRATIONS.length} expected`);
      } finally {
        await server.db.run(restore);
      }
      expect((await new ApiClient(server).get('/api/health')).status).toBe(200);
    });

    it('marks session cookies Secure unless INSECURE_COOKIES=1', async () => {
      const secure = await startServer(driver, { ...TEST_ENV, INSECURE_COOKIES: '0' });
      try {
        await createTestAccount(secure.db, { phone: '13900000001', name: '管理员', password: 'Strong-pass-2026' }, [{ role: 'platform_admin' }]);
        const reply = await new ApiClient(secure).post('/api/auth/login', { phone: '13900000001', password: 'Strong-pass-2026' });
        expect(reply.status).toBe(200);
        expect(reply.headers.getSetCookie().join('\n')).toMatch(/xp_session=[^;]+;.*Secure/i);
      } finally {
        await secure.close();
      }
    });
  });
});

/**
 * Rotating APP_SECRET: with the old key as APP_SECRET_PREVIOUS, what it signed or keyed (ballot passes, QR
 * and poster tokens, display links, member PINs) still verifies; once APP_SECRET_PREVIOUS is removed it does
 * not, except the PINs used in between (kept again under the new key).
 */
describe.each(DRIVERS)('secret rotation on %s', (driver) => {
  const NEW_SECRET = 'rotated-secret-of-xingping-7Gm2Qx9Lp4Vz8Rk3';
  const ctx = withFixture(driver);

  it('accepts what the previous key signed until it is removed', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[0].id!;
    const { session, screen } = await openBranchSession(admin, villageId);
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const qr = (await admin.get(`${T}/sessions/${session.id}/qr`)).body;
    const poster = (await admin.get(`${T}/sessions/${session.id}/poster`)).body;
    const posterToken = new URL(poster.url).searchParams.get('k')!;
    const displayKey = (await admin.get(`${T}/screens/${screen.id}/display-link`)).body.key;
    const creds = (await admin.post(`${T}/member-credentials`, { villageId })).body.items as { memberId: string; code: string; pin: string }[];
    const [used, unused] = creds;
    const member = (cred: { code: string; pin: string }) => ({ kind: 'member', memberCode: cred.code, pin: cred.pin });
    const identify = (voter: object) => phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.pass, voter });
    const display = () => fixture.anonymous().get(`${T}/screens/${screen.id}/display?key=${encodeURIComponent(displayKey)}`);
    const passWith = (token: string) => fixture.anonymous().post(`${T}/vote/${session.code}/pass`, { token });

    // on the Worker each `wrangler secret put` deploys: first APP_SECRET_PREVIOUS (still equal to APP_SECRET), then APP_SECRET
    await server.reconfigure!({ ...TEST_ENV, APP_SECRET_PREVIOUS: TEST_APP_SECRET });
    expect((await identify({ kind: 'villager', deviceId: 'device-rotation-0' })).status).toBe(200);
    await server.reconfigure!({ ...TEST_ENV, APP_SECRET: NEW_SECRET, APP_SECRET_PREVIOUS: TEST_APP_SECRET });
    expect((await identify({ kind: 'villager', deviceId: 'device-rotation-1' })).status).toBe(200);
    expect((await identify(member(used))).status).toBe(200);
    expect((await passWith(qr.token)).status).toBe(200);
    expect((await passWith(posterToken)).status).toBe(200);
    expect((await display()).status).toBe(200);
    // what is issued now is under the new key
    const fresh = await scan(admin, fixture.anonymous(), session.id, session.code);
    expect(fresh.pass).not.toBe(scanned.pass);
    expect((await admin.get(`${T}/screens/${screen.id}/display-link`)).body.key).not.toBe(displayKey);

    await server.reconfigure!({ ...TEST_ENV, APP_SECRET: NEW_SECRET });
    expect((await identify({ kind: 'villager', deviceId: 'device-rotation-2' })).body.code).toBe('evaluation.pass_invalid');
    expect((await passWith(qr.token)).body.code).toBe('evaluation.token_invalid');
    expect((await passWith(posterToken)).body.code).toBe('evaluation.token_invalid');
    expect((await display()).body.code).toBe('evaluation.display_key_invalid');
    // a PIN used during the rotation was kept again under the new key; one never used must be re-issued
    const phoneNow = fixture.anonymous();
    const passNow = (await scan(admin, phoneNow, session.id, session.code)).pass;
    const identifyNow = (voter: object) => phoneNow.post(`${T}/vote/${session.code}/identify`, { pass: passNow, voter });
    expect((await identifyNow(member(used))).status).toBe(200);
    expect((await identifyNow(member(unused))).body.code).toBe('evaluation.member_pin_invalid');
  });

  it('still counts a ballot cast before the rotation as cast: the same phone cannot vote again under the new key', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[1].id!;
    await server.reconfigure!(TEST_ENV);
    const { session } = await openBranchSession(admin, villageId);
    const phone = fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const ballot = () =>
      phone.post(`${T}/vote/${session.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter: { kind: 'villager' },
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 0) }],
      });
    expect((await ballot()).status).toBe(201);
    await server.reconfigure!({ ...TEST_ENV, APP_SECRET: NEW_SECRET, APP_SECRET_PREVIOUS: TEST_APP_SECRET });
    try {
      const who = await phone.post(`${T}/vote/${session.code}/identify`, { pass: scanned.pass, voter: { kind: 'villager' } });
      expect(who.body.subjects[0].voted).toBe(true);
      expect((await ballot()).body.code).toBe('evaluation.already_voted');
    } finally {
      await server.reconfigure!(TEST_ENV);
    }
  });

  it('still counts a leader’s ballot of the campaign cast before the rotation: not again in its make-up session under the new key', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[2].id!;
    await server.reconfigure!(TEST_ENV);
    const { campaign, session } = await openBranchSession(admin, villageId);
    const screen = await admin.post(`${T}/screens`, { name: '补测厅-rotation' });
    const booking = await admin.post(`${T}/bookings`, { campaignId: campaign.id, villageId, screenId: screen.body.id, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60) });
    const makeUp = (await admin.post(`${T}/sessions`, { bookingId: booking.body.id })).body;
    const leaderBallot = async (s: { id: string; code: string }) => {
      const scanned = await scan(admin, admin, s.id, s.code);
      return admin.post(`${T}/vote/${s.code}/ballots`, {
        pass: scanned.pass,
        clientId: clientId(),
        voter: { kind: 'leader' },
        ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.leader, 0) }],
      });
    };
    expect((await leaderBallot(session)).status).toBe(201);
    await server.reconfigure!({ ...TEST_ENV, APP_SECRET: NEW_SECRET, APP_SECRET_PREVIOUS: TEST_APP_SECRET });
    try {
      expect((await leaderBallot(makeUp)).body.code).toBe('evaluation.already_voted');
    } finally {
      await server.reconfigure!(TEST_ENV);
    }
  });

  it('accepts tickets printed under the previous key, and keeps a ticket with the phone that held it', async () => {
    const { server, fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[2].id!;
    await server.reconfigure!(TEST_ENV);
    const settings = (await admin.get('/t/alpha/api/settings')).body;
    await admin.put('/t/alpha/api/settings', { ...settings, requireBallotTicket: true });
    try {
      const { session } = await openBranchSession(admin, villageId);
      const [one, two] = (await admin.post(`${T}/sessions/${session.id}/tickets`, { count: 2 })).body.tickets as { code: string }[];
      const holder = fixture.anonymous();
      const held = await scan(admin, holder, session.id, session.code);
      const identify = (phone: ApiClient, pass: string, ticket: string) =>
        phone.post(`${T}/vote/${session.code}/identify`, { pass, voter: { kind: 'villager', ticket } });
      expect((await identify(holder, held.pass, one.code)).status).toBe(200);
      await server.reconfigure!({ ...TEST_ENV, APP_SECRET: NEW_SECRET, APP_SECRET_PREVIOUS: TEST_APP_SECRET });
      expect((await identify(holder, held.pass, one.code)).status).toBe(200);
      const other = fixture.anonymous();
      const scanned = await scan(admin, other, session.id, session.code);
      expect((await identify(other, scanned.pass, one.code)).body.code).toBe('evaluation.ticket_used');
      expect((await identify(other, scanned.pass, two.code)).status).toBe(200);
    } finally {
      await server.reconfigure!(TEST_ENV);
      await admin.put('/t/alpha/api/settings', settings);
    }
  });

  it('refuses APP_SECRET_PREVIOUS without APP_SECRET', async () => {
    const alone = await startServer(driver, { APP_SECRET_PREVIOUS: TEST_APP_SECRET });
    try {
      expect((await new ApiClient(alone).get('/api/health')).status).toBe(503);
    } finally {
      await alone.close();
    }
  });
});
