import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { base32Decode, totpCode } from '../../src/auth/totp';
import type { Grant } from '../../src/auth/actor';
import { auditEvents, PLATFORM_CHAIN, roleGrants, sessions, totpFactors } from '../../src/db/schema';
import { ApiClient } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { createTestAccount } from '../support/fixture';

const FRESH_PASSWORD = 'Fresh-password-1';
/** The code an authenticator shows `steps` steps from now (the step of the enrolment's code was spent: logins take the next). */
const code = (secret: string, steps = 0) => totpCode(base32Decode(secret), Date.now() + steps * 30_000);
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

describe.each(DRIVERS)('accounts, passwords, timeouts and two-factor login on %s', (driver) => {
  const ctx = withFixture(driver);
  let phoneSeq = 0;

  /** A new account (its own phone and address, so throttles and sessions of one test touch no other). */
  async function freshAccount(grants: Partial<Grant>[]) {
    const phone = `1370000${String(++phoneSeq).padStart(4, '0')}`;
    const id = await createTestAccount(ctx.server.db, { phone, name: `acc${phoneSeq}`, password: FRESH_PASSWORD }, grants);
    const ip = `10.77.${phoneSeq}.1`;
    const client = () => new ApiClient(ctx.server, { 'x-test-ip': ip });
    return { id, phone, client, login: () => client().login(phone, FRESH_PASSWORD) };
  }
  const adminOfAlpha = () => freshAccount([{ role: 'township_admin', tenantId: ctx.fixture.a.tenantId }]);
  const secretaryOfAlpha = () => freshAccount([{ role: 'village_secretary', tenantId: ctx.fixture.a.tenantId, villageId: ctx.fixture.a.rows.villages[0].id! }]);

  /** Enrols TOTP for a signed-in (or, without a password, enrolling) client; answers the secret and the recovery codes. */
  async function enrol(client: ApiClient, password: string | undefined = FRESH_PASSWORD) {
    const setup = await client.post('/api/auth/two-factor/setup', password ? { password } : undefined);
    expect(setup.status).toBe(200);
    const confirm = await client.post('/api/auth/two-factor/confirm', { code: await code(setup.body.secret) });
    expect(confirm.status).toBe(200);
    return { secret: setup.body.secret as string, recoveryCodes: confirm.body.recoveryCodes as string[] };
  }

  async function loginToSecondStep(account: { phone: string; client(): ApiClient }) {
    const client = account.client();
    const reply = await client.post('/api/auth/login', { phone: account.phone, password: FRESH_PASSWORD });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ step: 'second_factor' });
    return client;
  }

  describe('changing a password', () => {
    it('needs the current password, keeps this session and ends the others', async () => {
      const account = await secretaryOfAlpha();
      const here = await account.login();
      const elsewhere = await account.login();
      const wrong = await here.post('/api/auth/password', { currentPassword: 'not-my-password-1', newPassword: 'Another-pass-2' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.code).toBe('auth.password_wrong');
      const changed = await here.post('/api/auth/password', { currentPassword: FRESH_PASSWORD, newPassword: 'Another-pass-2' });
      expect(changed.status).toBe(204);
      expect((await here.get('/api/auth/me')).status).toBe(200);
      expect((await elsewhere.get('/api/auth/me')).status).toBe(401);
      expect((await account.client().post('/api/auth/login', { phone: account.phone, password: FRESH_PASSWORD })).status).toBe(401);
      expect((await account.client().post('/api/auth/login', { phone: account.phone, password: 'Another-pass-2' })).status).toBe(200);
    });

    it.each([
      { what: 'too short', password: 'Ab1-xyz', code: 'auth.password_too_short', message: '密码至少 10 个字符' },
      { what: 'two classes', password: 'abcdefgh12345', code: 'auth.password_too_simple' },
      { what: 'the demo password', password: 'xingping2026', code: 'auth.password_too_simple', also: 'auth.password_common' },
      { what: 'the demo password dressed up', password: 'Xingping2026!', code: 'auth.password_common' },
    ])('refuses a new password that is $what, saying why', async ({ password, code: expected, message, also }) => {
      const account = await secretaryOfAlpha();
      const client = await account.login();
      const reply = await client.post('/api/auth/password', { currentPassword: FRESH_PASSWORD, newPassword: password });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe(expected);
      if (message) expect(reply.body.message).toBe(message);
      expect(reply.body.details[0]).toMatchObject({ path: 'newPassword', code: expected });
      if (also) expect(reply.body.details.map((d: { code: string }) => d.code)).toContain(also);
      expect((await account.client().post('/api/auth/login', { phone: account.phone, password: FRESH_PASSWORD })).status).toBe(200);
    });

    it('refuses a new password containing the phone number, and unknown fields', async () => {
      const account = await secretaryOfAlpha();
      const client = await account.login();
      const reply = await client.post('/api/auth/password', { currentPassword: FRESH_PASSWORD, newPassword: `Wang-${account.phone}` });
      expect(reply.body.code).toBe('auth.password_has_phone');
      const extra = await client.post('/api/auth/password', { currentPassword: FRESH_PASSWORD, newPassword: 'Another-pass-2', accountId: 'x' });
      expect(extra.status).toBe(400);
    });

    it('counts wrong current passwords like failed logins (a borrowed session cannot guess the password)', async () => {
      const account = await secretaryOfAlpha();
      const client = await account.login();
      for (let i = 0; i < 5; i++) await client.post('/api/auth/password', { currentPassword: `guess-number-${i}`, newPassword: 'Another-pass-2' });
      const locked = await client.post('/api/auth/password', { currentPassword: FRESH_PASSWORD, newPassword: 'Another-pass-2' });
      expect(locked.status).toBe(429);
    });
  });

  describe('the policy wherever a password is set', () => {
    it('a township admin creating an account', async () => {
      const admin = await ctx.fixture.as('adminA');
      const base = { role: 'village_secretary', name: '新书记', villageId: ctx.fixture.a.rows.villages[1].id };
      const withPhone = await admin.post('/t/alpha/api/accounts', { ...base, phone: '13711112222', password: 'Li-13711112222' });
      expect(withPhone.status).toBe(400);
      expect(withPhone.body.code).toBe('auth.password_has_phone');
      const demo = await admin.post('/t/alpha/api/accounts?lang=en', { ...base, phone: '13711112222', password: 'xingping2026' });
      expect(demo.body.details.map((d: { message: string }) => d.message)).toContain('This password is too common (or the demo password); choose another');
      expect((await admin.post('/t/alpha/api/accounts', { ...base, phone: '13711112222', password: 'Liuwa-secretary-1' })).status).toBe(201);
    });

    it('the platform admin creating a township: a refused admin password leaves no township behind', async () => {
      const platform = await ctx.fixture.as('platformAdmin');
      const body = { slug: 'weak', name: '弱镇', countyId: ctx.fixture.countyId, admin: { phone: '13711113333', name: 'x', password: 'short1' } };
      const reply = await platform.post('/api/platform/tenants', body);
      expect(reply.status).toBe(400);
      expect(reply.body.details[0].path).toBe('admin.password');
      const tenants = await platform.get('/api/platform/tenants');
      expect(tenants.body.map((t: { slug: string }) => t.slug)).not.toContain('weak');
    });

    it('an admin resetting a forgotten password: the policy, then the account’s sessions end', async () => {
      const account = await secretaryOfAlpha();
      const signedIn = await account.login();
      const admin = await ctx.fixture.as('adminA');
      const weak = await admin.post(`/t/alpha/api/accounts/${account.id}/password`, { password: '12345678' });
      expect(weak.status).toBe(400);
      const reset = await admin.post(`/t/alpha/api/accounts/${account.id}/password`, { password: 'Reset-by-admin-1' });
      expect(reset.status).toBe(204);
      expect((await signedIn.get('/api/auth/me')).status).toBe(401);
      expect((await account.client().post('/api/auth/login', { phone: account.phone, password: 'Reset-by-admin-1' })).status).toBe(200);
    });
  });

  describe('session timeouts', () => {
    const setTimes = (accountId: string, times: { createdAt?: string; lastSeenAt?: string }) =>
      ctx.server.db.update(sessions).set(times).where(eq(sessions.accountId, accountId));

    it('an admin idle for 30 minutes is signed out; 29 minutes is fine', async () => {
      const account = await adminOfAlpha();
      const client = await account.login();
      await setTimes(account.id, { lastSeenAt: ago(29 * 60) });
      expect((await client.get('/api/auth/me')).status).toBe(200);
      await setTimes(account.id, { lastSeenAt: ago(30 * 60 + 5) });
      expect((await client.get('/api/auth/me')).status).toBe(401);
      expect((await client.get('/t/alpha/api/villages')).status).toBe(401);
    });

    it('a secretary may be idle longer (2 h), not forever', async () => {
      const account = await secretaryOfAlpha();
      const client = await account.login();
      await setTimes(account.id, { lastSeenAt: ago(90 * 60) });
      expect((await client.get('/api/auth/me')).status).toBe(200);
      await setTimes(account.id, { lastSeenAt: ago(2 * 3600 + 5) });
      expect((await client.get('/api/auth/me')).status).toBe(401);
    });

    it('a request keeps the session alive (last-seen written at most once a minute)', async () => {
      const account = await adminOfAlpha();
      const client = await account.login();
      await setTimes(account.id, { lastSeenAt: ago(20 * 60) });
      expect((await client.get('/api/auth/me')).status).toBe(200);
      const [row] = await ctx.server.db.select().from(sessions).where(eq(sessions.accountId, account.id));
      expect(Date.now() - Date.parse(row.lastSeenAt!)).toBeLessThan(60_000);
      await setTimes(account.id, { lastSeenAt: ago(20) });
      await client.get('/api/auth/me');
      const [again] = await ctx.server.db.select().from(sessions).where(eq(sessions.accountId, account.id));
      expect(Date.now() - Date.parse(again.lastSeenAt!)).toBeGreaterThanOrEqual(19_000);
    });

    it('any session ends 12 hours after sign-in, however busy', async () => {
      const account = await secretaryOfAlpha();
      const client = await account.login();
      await setTimes(account.id, { createdAt: ago(12 * 3600 - 60), lastSeenAt: ago(5) });
      expect((await client.get('/api/auth/me')).status).toBe(200);
      await setTimes(account.id, { createdAt: ago(12 * 3600 + 1), lastSeenAt: ago(5) });
      expect((await client.get('/api/auth/me')).status).toBe(401);
    });

    it('the session cookie lives no longer than the absolute limit', async () => {
      const account = await secretaryOfAlpha();
      const reply = await account.client().post('/api/auth/login', { phone: account.phone, password: FRESH_PASSWORD });
      expect(reply.headers.getSetCookie().join(';')).toMatch(/xp_session=[^;]+;.*Max-Age=43200/i);
    });
  });

  describe('TOTP two-factor login', () => {
    it('enrols with a QR code and the otpauth URI, confirmed by a first code, and gives ten recovery codes once', async () => {
      const account = await adminOfAlpha();
      const client = await account.login();
      expect((await client.get('/api/auth/two-factor')).body).toEqual({ enabled: false, recoveryCodesLeft: 0, required: false });
      // signed in, the password is typed again: a borrowed session cannot put its own authenticator on the account
      expect((await client.post('/api/auth/two-factor/setup')).body.code).toBe('auth.setup_needs_password');
      expect((await client.post('/api/auth/two-factor/setup', { password: 'not-the-password-1' })).body.code).toBe('auth.password_wrong');
      const setup = await client.post('/api/auth/two-factor/setup', { password: FRESH_PASSWORD });
      expect(setup.status).toBe(200);
      expect(setup.body.uri).toBe(`otpauth://totp/${encodeURIComponent('星评')}:${account.phone}?secret=${setup.body.secret}&issuer=${encodeURIComponent('星评')}&algorithm=SHA1&digits=6&period=30`);
      expect(setup.body.svg).toMatch(/^<svg/);
      // stored sealed, not as the secret itself
      const [stored] = await ctx.server.db.select().from(totpFactors).where(eq(totpFactors.accountId, account.id));
      expect(stored.secret).toMatch(/^v1\./);
      expect(stored.secret).not.toContain(setup.body.secret);
      const wrong = await client.post('/api/auth/two-factor/confirm', { code: (Number(await code(setup.body.secret)) + 1).toString().padStart(6, '0').slice(-6) });
      expect(wrong.status).toBe(400);
      expect(wrong.body.code).toBe('auth.second_factor_invalid');
      const confirm = await client.post('/api/auth/two-factor/confirm', { code: await code(setup.body.secret) });
      expect(confirm.status).toBe(200);
      expect(confirm.body.recoveryCodes).toHaveLength(10);
      expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
      expect((await client.get('/api/auth/two-factor')).body).toEqual({ enabled: true, recoveryCodesLeft: 10, required: false });
      // a second setup would replace a working factor: refused until it is turned off
      expect((await client.post('/api/auth/two-factor/setup', { password: FRESH_PASSWORD })).status).toBe(409);
    });

    it('signs in with the password, then a code; the half-done login opens nothing; a code is not accepted twice', async () => {
      const account = await adminOfAlpha();
      const { secret } = await enrol(await account.login());
      const client = await loginToSecondStep(account);
      expect((await client.get('/api/auth/me')).status).toBe(401);
      expect((await client.get('/t/alpha/api/villages')).status).toBe(401);
      expect((await client.post('/api/auth/two-factor/setup')).status).toBe(401);
      const next = await code(secret, 1);
      const done = await client.post('/api/auth/login/second-factor', { code: next });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ step: 'signed_in', id: account.id });
      expect((await client.get('/api/auth/me')).status).toBe(200);
      // the same code again, on another login: refused (replay)
      const again = await loginToSecondStep(account);
      const replay = await again.post('/api/auth/login/second-factor', { code: next });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('auth.second_factor_invalid');
      // and the finished login's cookie cannot be used for a second step
      expect((await client.post('/api/auth/login/second-factor', { code: next })).body.code).toBe('auth.login_step_missing');
    });

    it('a half-done login expires after five minutes', async () => {
      const account = await adminOfAlpha();
      const { secret } = await enrol(await account.login());
      const client = await loginToSecondStep(account);
      await ctx.server.db.update(sessions).set({ expiresAt: ago(1) }).where(eq(sessions.stage, 'second_factor'));
      const reply = await client.post('/api/auth/login/second-factor', { code: await code(secret, 1) });
      expect(reply.status).toBe(401);
      expect(reply.body.code).toBe('auth.login_step_missing');
    });

    it('a recovery code signs in once, whatever its case and dashes', async () => {
      const account = await adminOfAlpha();
      const { recoveryCodes } = await enrol(await account.login());
      const typed = recoveryCodes[3].toUpperCase().replace(/-/g, ' ');
      const first = await loginToSecondStep(account);
      expect((await first.post('/api/auth/login/second-factor', { code: typed })).status).toBe(200);
      expect((await first.get('/api/auth/two-factor')).body.recoveryCodesLeft).toBe(9);
      const second = await loginToSecondStep(account);
      expect((await second.post('/api/auth/login/second-factor', { code: recoveryCodes[3] })).status).toBe(401);
      expect((await second.post('/api/auth/login/second-factor', { code: recoveryCodes[4] })).status).toBe(200);
    });

    it('two second steps racing on one login open one session', async () => {
      const account = await adminOfAlpha();
      const { recoveryCodes } = await enrol(await account.login());
      const client = await loginToSecondStep(account);
      const replies = await Promise.all([
        client.post('/api/auth/login/second-factor', { code: recoveryCodes[0] }),
        client.post('/api/auth/login/second-factor', { code: recoveryCodes[1] }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
      const active = await ctx.server.db.select().from(sessions).where(eq(sessions.accountId, account.id));
      // the enrolling session and the one this login opened
      expect(active.filter((s) => s.stage === 'active')).toHaveLength(2);
    });

    it('throttles wrong codes: after five, even the right code waits', async () => {
      const account = await adminOfAlpha();
      const { secret } = await enrol(await account.login());
      const client = await loginToSecondStep(account);
      for (let i = 0; i < 5; i++) {
        const reply = await client.post('/api/auth/login/second-factor', { code: String(100000 + i) });
        expect(reply.status).toBe(401);
      }
      const locked = await client.post('/api/auth/login/second-factor', { code: await code(secret, 1) });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('error.rate_limited');
      // a fresh login does not reset the count: it is the account's
      const fresh = await loginToSecondStep(account);
      expect((await fresh.post('/api/auth/login/second-factor', { code: await code(secret, 1) })).status).toBe(429);
    });

    it('holds a burst of wrong codes to the five free ones: each is counted before it is checked', async () => {
      const account = await adminOfAlpha();
      const { secret } = await enrol(await account.login());
      const client = await loginToSecondStep(account);
      const burst = await Promise.all(Array.from({ length: 15 }, (_, i) => client.post('/api/auth/login/second-factor', { code: String(100000 + i) })));
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
      expect((await client.post('/api/auth/login/second-factor', { code: await code(secret, 1) })).status).toBe(429);
    });

    it('turning it off needs the password; new recovery codes replace the old', async () => {
      const account = await secretaryOfAlpha();
      const client = await account.login();
      const { recoveryCodes } = await enrol(client);
      const renewed = await client.post('/api/auth/two-factor/recovery-codes', { password: FRESH_PASSWORD });
      expect(renewed.body.recoveryCodes).toHaveLength(10);
      const old = await loginToSecondStep(account);
      expect((await old.post('/api/auth/login/second-factor', { code: recoveryCodes[0] })).status).toBe(401);
      expect((await client.post('/api/auth/two-factor/disable', { password: 'wrong-password-1' })).status).toBe(400);
      expect((await client.post('/api/auth/two-factor/disable', { password: FRESH_PASSWORD })).status).toBe(204);
      const plain = await account.client().post('/api/auth/login', { phone: account.phone, password: FRESH_PASSWORD });
      expect(plain.body.step).toBe('signed_in');
    });

    it('when the platform requires it, an admin without a second factor enrols at login before anything else', async () => {
      const platform = await ctx.fixture.as('platformAdmin');
      expect((await platform.put('/api/platform/settings', { requireAdminTwoFactor: true, extra: 1 })).status).toBe(400);
      const adminWithout = await adminOfAlpha();
      const secretary = await secretaryOfAlpha();
      expect((await platform.put('/api/platform/settings', { requireAdminTwoFactor: true })).status).toBe(200);
      try {
        expect((await platform.get('/api/platform/settings')).body).toEqual({ requireAdminTwoFactor: true });
        const client = adminWithout.client();
        const login = await client.post('/api/auth/login', { phone: adminWithout.phone, password: FRESH_PASSWORD });
        expect(login.body).toEqual({ step: 'enrol' });
        expect((await client.get('/api/auth/me')).status).toBe(401);
        expect((await client.get('/t/alpha/api/accounts')).status).toBe(401);
        expect((await client.post('/api/auth/login/second-factor', { code: '123456' })).body.code).toBe('auth.login_step_missing');
        await enrol(client, undefined); // the password was typed a moment ago, at the login
        expect((await client.get('/api/auth/me')).status).toBe(200);
        expect((await client.get('/api/auth/two-factor')).body).toMatchObject({ enabled: true, required: true });
        expect((await client.post('/api/auth/two-factor/disable', { password: FRESH_PASSWORD })).body.code).toBe('auth.two_factor_required');
        // not the secretaries: the requirement is the admins'
        expect((await secretary.client().post('/api/auth/login', { phone: secretary.phone, password: FRESH_PASSWORD })).body.step).toBe('signed_in');
      } finally {
        await platform.put('/api/platform/settings', { requireAdminTwoFactor: false });
      }
    });
  });

  describe('resetting a second factor', () => {
    it('a township admin resets their own township’s non-admin accounts, not an admin’s (403) nor another township’s (404)', async () => {
      const secretary = await secretaryOfAlpha();
      const secretaryClient = await secretary.login();
      await enrol(secretaryClient);
      const otherAdmin = await adminOfAlpha();
      await enrol(await otherAdmin.login());
      const betaMember = await freshAccount([{ role: 'village_secretary', tenantId: ctx.fixture.b.tenantId, villageId: ctx.fixture.b.rows.villages[0].id! }]);
      const admin = await ctx.fixture.as('adminA');

      const list = await admin.get('/t/alpha/api/accounts');
      expect(list.body.find((a: { id: string }) => a.id === secretary.id)).toMatchObject({ twoFactor: true });

      const ofAdmin = await admin.post(`/t/alpha/api/accounts/${otherAdmin.id}/two-factor/reset`);
      expect(ofAdmin.status).toBe(403);
      expect(ofAdmin.body.code).toBe('auth.reset_admin_forbidden');
      expect((await admin.post(`/t/alpha/api/accounts/${betaMember.id}/two-factor/reset`)).status).toBe(404);
      expect((await admin.post('/t/alpha/api/accounts/no-such-account/two-factor/reset')).status).toBe(404);
      expect((await (await ctx.fixture.as('adminB')).post(`/t/alpha/api/accounts/${secretary.id}/two-factor/reset`)).status).toBe(404);
      expect((await (await ctx.fixture.as('secretaryA')).post(`/t/alpha/api/accounts/${secretary.id}/two-factor/reset`)).status).toBe(403);

      // a secretary who also views the county: resetting them would hand the township admin the county's view
      const alsoViewer = await freshAccount([
        { role: 'village_secretary', tenantId: ctx.fixture.a.tenantId, villageId: ctx.fixture.a.rows.villages[0].id! },
        { role: 'county_viewer', countyId: ctx.fixture.countyId },
      ]);
      expect((await admin.post(`/t/alpha/api/accounts/${alsoViewer.id}/two-factor/reset`)).status).toBe(403);
      expect((await admin.post(`/t/alpha/api/accounts/${alsoViewer.id}/password`, { password: 'Taken-over-1' })).status).toBe(403);

      expect((await admin.post(`/t/alpha/api/accounts/${secretary.id}/two-factor/reset`)).status).toBe(204);
      // the phone may be in someone else's hands: its sessions end too; the owner signs in with the password alone
      expect((await secretaryClient.get('/api/auth/me')).status).toBe(401);
      const again = await secretary.client().post('/api/auth/login', { phone: secretary.phone, password: FRESH_PASSWORD });
      expect(again.body.step).toBe('signed_in');
    });

    it('a township admin gives a role only to an account whose every role is in the township, or that has none', async () => {
      const admin = await ctx.fixture.as('adminA');
      const villageId = ctx.fixture.a.rows.villages[0].id!;
      const asSecretary = (phone: string) => ({ role: 'village_secretary', phone, name: '某某', password: 'Another-pass-1', villageId });
      // the platform's, a county's and another township's accounts: refused as a taken phone, nothing attached
      const betaAdmin = await freshAccount([{ role: 'township_admin', tenantId: ctx.fixture.b.tenantId }]);
      const viewer = await freshAccount([{ role: 'county_viewer', countyId: ctx.fixture.countyId }]);
      const platformAdmin = await freshAccount([{ role: 'platform_admin' }]);
      const alsoViewer = await freshAccount([{ role: 'county_viewer', countyId: ctx.fixture.countyId }, { role: 'village_secretary', tenantId: ctx.fixture.a.tenantId, villageId: ctx.fixture.a.rows.villages[1].id! }]);
      for (const other of [betaAdmin, viewer, platformAdmin, alsoViewer]) {
        const refused = await admin.post('/t/alpha/api/accounts', asSecretary(other.phone));
        expect(refused.status).toBe(409);
        expect(refused.body.code).toBe('auth.phone_taken');
      }
      const listed = (await admin.get('/t/alpha/api/accounts')).body.map((a: { id: string }) => a.id);
      for (const other of [betaAdmin, viewer, platformAdmin]) expect(listed).not.toContain(other.id);
      // a secretary removed and appointed again: the same account, its own password kept
      const former = await secretaryOfAlpha();
      expect((await admin.delete(`/t/alpha/api/accounts/${former.id}`)).status).toBe(204);
      expect((await admin.post('/t/alpha/api/accounts', asSecretary(former.phone))).body).toEqual({ accountId: former.id });
      expect((await former.client().post('/api/auth/login', { phone: former.phone, password: FRESH_PASSWORD })).body.step).toBe('signed_in');
      // an account of this township alone takes another role of it; made an admin, it signs in again
      const secretary = await secretaryOfAlpha();
      const secretaryClient = await secretary.login();
      expect((await admin.post('/t/alpha/api/accounts', { role: 'township_admin', phone: secretary.phone, name: '某某', password: 'Another-pass-1' })).status).toBe(201);
      expect((await secretaryClient.get('/api/auth/me')).status).toBe(401);
    });

    it('an account created several times at once (a form sent twice) is one account with one grant, never a 500', async () => {
      const admin = await ctx.fixture.as('adminA');
      const body = { role: 'village_secretary', phone: '13700009001', name: '双击', password: 'Another-pass-1', villageId: ctx.fixture.a.rows.villages[1].id! };
      const replies = await Promise.all(Array.from({ length: 4 }, () => admin.post('/t/alpha/api/accounts', body)));
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(replies.map((r) => r.body.accountId)).size).toBe(1);
      const grants = await ctx.server.db.select().from(roleGrants).where(eq(roleGrants.accountId, replies[0].body.accountId));
      expect(grants.map((g) => g.role)).toEqual(['village_secretary']);
      // on the record as made once: no grant rows for the requests that found it there
      const recorded = await ctx.server.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.entityId, replies[0].body.accountId));
      expect(recorded.map((r) => r.action)).toEqual(['account.create']);
    });

    it('two townships creating one new phone at the same moment: one gets the account, the other is told the phone is taken', async () => {
      const [alphaAdmin, betaAdmin] = [await ctx.fixture.as('adminA'), await ctx.fixture.as('adminB')];
      for (let round = 0; round < 3; round++) {
        const phone = `1370000910${round}`;
        const body = { role: 'township_admin', phone, name: '同号', password: 'Another-pass-1' };
        const [a, b] = await Promise.all([alphaAdmin.post('/t/alpha/api/accounts', body), betaAdmin.post('/t/beta/api/accounts', body)]);
        expect([a.status, b.status].sort(), JSON.stringify([a.body, b.body])).toEqual([201, 409]);
        expect([a, b].find((r) => r.status === 409)!.body.code).toBe('auth.phone_taken');
        const grants = await ctx.server.db.select({ tenantId: roleGrants.tenantId }).from(roleGrants).where(eq(roleGrants.accountId, [a, b].find((r) => r.status === 201)!.body.accountId));
        expect(grants).toHaveLength(1);
      }
    });

    it('the platform admin gives a township role to an account that also works elsewhere, checked against that township', async () => {
      const platform = await ctx.fixture.as('platformAdmin');
      const admin = await ctx.fixture.as('adminA');
      const viewer = await freshAccount([{ role: 'county_viewer', countyId: ctx.fixture.countyId }]);
      const grant = (tenantId: string, body: Record<string, unknown>) =>
        platform.post(`/api/platform/tenants/${tenantId}/accounts`, { phone: viewer.phone, name: '某某', password: 'Another-pass-1', ...body });
      const alpha = ctx.fixture.a;
      // a village or member of another township, or no such township: nothing is given
      expect((await grant(alpha.tenantId, { role: 'village_secretary', villageId: ctx.fixture.b.rows.villages[0].id! })).body.code).toBe('rosters.village_not_found');
      expect((await grant(alpha.tenantId, { role: 'party_member', memberId: ctx.fixture.b.rows.members[0].id! })).status).toBe(404);
      expect((await grant('no-such-township', { role: 'township_admin' })).body.code).toBe('error.tenant_not_found');
      // only the platform admin: not a township admin through this door
      expect((await admin.post(`/api/platform/tenants/${alpha.tenantId}/accounts`, { role: 'township_admin', phone: viewer.phone, name: '某某', password: 'Another-pass-1' })).status).toBe(403);
      // the villages to choose from are the township's own, for the platform admin only
      const villages = await platform.get(`/api/platform/tenants/${alpha.tenantId}/villages`);
      expect(villages.body.map((v: { id: string }) => v.id).sort()).toEqual(alpha.rows.villages.map((v) => v.id).sort());
      expect((await platform.get('/api/platform/tenants/no-such-township/villages')).status).toBe(404);
      expect((await admin.get(`/api/platform/tenants/${alpha.tenantId}/villages`)).status).toBe(403);
      const given = await grant(alpha.tenantId, { role: 'village_secretary', villageId: alpha.rows.villages[0].id! });
      expect([given.status, given.body]).toEqual([201, { accountId: viewer.id }]);
      // recorded in the platform's chain, naming the township: the township's own chain may live in another database
      const recorded = await ctx.server.db.select().from(auditEvents).where(and(eq(auditEvents.entityId, viewer.id), eq(auditEvents.action, 'account.grant')));
      expect(recorded.map((r) => [r.chain, r.tenantId])).toEqual([[PLATFORM_CHAIN, null]]);
      expect(recorded[0].changes).toContain(alpha.tenantId);
      // the same account, its own password kept: the county's view and the village's secretary's
      const me = (await viewer.login()).get('/api/auth/me');
      expect((await me).body.roles.map((r: { role: string }) => r.role).sort()).toEqual(['county_viewer', 'village_secretary']);
      expect((await admin.get('/t/alpha/api/accounts')).body).toContainEqual(expect.objectContaining({ id: viewer.id, role: 'village_secretary', villageId: alpha.rows.villages[0].id }));
      // still not one a township admin may take over: it works for the county too
      expect((await admin.post(`/t/alpha/api/accounts/${viewer.id}/password`, { password: 'Taken-over-1' })).status).toBe(403);
    });

    it('the platform admin resets anyone’s, an admin’s included, and finds them in the account list', async () => {
      const otherAdmin = await adminOfAlpha();
      await enrol(await otherAdmin.login());
      const platform = await ctx.fixture.as('platformAdmin');
      const found = await platform.get(`/api/platform/accounts?q=${otherAdmin.phone}`);
      expect(found.body.items).toEqual([
        expect.objectContaining({ id: otherAdmin.id, twoFactor: true, roles: [{ role: 'township_admin', tenant: '甲镇' }] }),
      ]);
      expect((await platform.post('/api/platform/accounts/no-such-account/two-factor/reset')).status).toBe(404);
      expect((await platform.post(`/api/platform/accounts/${otherAdmin.id}/two-factor/reset`)).status).toBe(204);
      const login = await otherAdmin.client().post('/api/auth/login', { phone: otherAdmin.phone, password: FRESH_PASSWORD });
      expect(login.body.step).toBe('signed_in');
      expect((await (await ctx.fixture.as('adminA')).post(`/api/platform/accounts/${otherAdmin.id}/two-factor/reset`)).status).toBe(403);
    });
  });
});
