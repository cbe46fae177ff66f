import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loginFailures } from '../../src/db/schema';
import { ApiClient } from '../support/client';
import { PASSWORD, PHONES } from '../support/fixture';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

describe.each(DRIVERS)('auth on %s', (driver) => {
  const ctx = withFixture(driver);

  it('logs in with phone and password, sets a secure HttpOnly cookie, and tells who is signed in', async () => {
    const client = new ApiClient(ctx.server);
    const login = await client.post('/api/auth/login', { phone: PHONES.adminA, password: PASSWORD });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().join(';');
    expect(cookie).toMatch(/xp_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await client.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual([expect.objectContaining({ role: 'township_admin', tenant: expect.objectContaining({ slug: 'alpha' }) })]);
  });

  it('refuses a wrong password with a Chinese message, and slows down repeated failures', async () => {
    const client = new ApiClient(ctx.server, { 'x-test-ip': '10.9.9.9' });
    const wrong = await client.post('/api/auth/login', { phone: PHONES.memberA, password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'auth.invalid_credentials', message: '手机号或密码不正确' });
    expect(wrong.body.requestId).toBeTruthy();
    for (let i = 0; i < 4; i++) await client.post('/api/auth/login', { phone: PHONES.memberA, password: 'nope-nope' });
    const locked = await client.post('/api/auth/login', { phone: PHONES.memberA, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('error.rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('holds a burst of wrong passwords to the free tries: each is counted before its hash is checked', async () => {
    const client = new ApiClient(ctx.server, { 'x-test-ip': '10.9.9.10' });
    const burst = await Promise.all(Array.from({ length: 20 }, () => client.post('/api/auth/login', { phone: PHONES.otherCountyViewer, password: 'nope-nope' })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
    expect((await client.post('/api/auth/login', { phone: PHONES.otherCountyViewer, password: PASSWORD })).status).toBe(429);
  });

  it('gives a right password back to the address it came from: a village behind one address is not locked by its own logins', async () => {
    const village = new ApiClient(ctx.server, { 'x-test-ip': '10.9.9.11' });
    const wrong = (phone: string) => village.post('/api/auth/login', { phone, password: 'nope-nope' });
    expect((await wrong('13700000001')).status).toBe(401);
    expect((await village.post('/api/auth/login', { phone: PHONES.adminA, password: PASSWORD })).status).toBe(200);
    expect((await wrong('13700000002')).status).toBe(401);
    // the address has counted its two failures, not the login between them (counted first, then given back)
    const [counter] = await ctx.server.db.select().from(loginFailures).where(eq(loginFailures.key, 'ip:10.9.9.11'));
    expect(counter.failures).toBe(2);
    // and the phone number's own count is gone with its right password
    expect(await ctx.server.db.select().from(loginFailures).where(eq(loginFailures.key, `account:${PHONES.adminA}`))).toEqual([]);
  });

  it('answers in English when asked', async () => {
    const reply = await new ApiClient(ctx.server).post('/api/auth/login?lang=en', { phone: '13911111111', password: 'x' });
    expect(reply.body.message).toBe('Wrong phone number or password');
  });

  it('logs out, and revokes every session of the account', async () => {
    const first = await new ApiClient(ctx.server).login(PHONES.adminB, PASSWORD);
    const second = await new ApiClient(ctx.server).login(PHONES.adminB, PASSWORD);
    expect((await first.post('/api/auth/logout')).status).toBe(204);
    expect((await first.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(200);
    const third = await new ApiClient(ctx.server).login(PHONES.adminB, PASSWORD);
    expect((await third.post('/api/auth/logout-all')).status).toBe(204);
    expect((await second.get('/api/auth/me')).status).toBe(401);
  });

  it('rejects malformed input with a validation problem and no stack trace', async () => {
    const reply = await new ApiClient(ctx.server).post('/api/auth/login', '{"phone": ', { 'content-type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.ts/);
    const invalid = await new ApiClient(ctx.server).post('/api/auth/login', { phone: 'abc' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('error.validation');
    expect(invalid.body.details.length).toBeGreaterThan(0);
  });
});
