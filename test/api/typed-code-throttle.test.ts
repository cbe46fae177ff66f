import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loginFailures } from '../../src/db/schema';
import { DRIVERS } from '../support/servers';
import { ApiClient } from '../support/client';
import { withFixture } from '../support/suite';
import { openBranchSession } from './evaluation-support';

const T = '/t/alpha/api/evaluation';

// its own file: the counters are per address, and every request of a test server comes from one
describe.each(DRIVERS)('guessing the typed code on %s', (driver) => {
  const ctx = withFixture(driver);

  it('locks typed codes from an address after 20 wrong ones, and leaves scanning the QR as it was', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { session } = await openBranchSession(admin, ctx.fixture.a.rows.villages[0].id!);
    const qr = (await admin.get(`${T}/sessions/${session.id}/qr`)).body;
    const wrong = String((Number(qr.pin) + 500_000) % 1_000_000).padStart(6, '0');
    const phone = ctx.fixture.anonymous();
    const type = (token: string) => phone.post(`${T}/vote/${session.code}/pass`, { token });

    // a mistyped code says so (not "the QR code expired"), in Chinese
    const mistyped = await type(wrong);
    expect([mistyped.status, mistyped.body.code]).toEqual([403, 'evaluation.code_wrong']);
    expect(mistyped.body.message).toContain('验证码不对');
    for (let n = 1; n < 20; n++) expect((await type(wrong)).status).toBe(403);
    // now even the right code waits, with a clear message
    const locked = await type(qr.pin);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('error.rate_limited');
    expect(locked.body.message).toMatch(/^尝试次数过多，请 \d+ 秒后再试$/);
    // the QR on the screen is not guessable and stays open
    expect((await type(qr.token)).status).toBe(200);
  });

  it('holds a burst of wrong codes to the free tries, and gives right codes back (a full hall behind one address)', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { session } = await openBranchSession(admin, ctx.fixture.a.rows.villages[1].id!);
    const qr = (await admin.get(`${T}/sessions/${session.id}/qr`)).body;
    const wrong = (i: number) => String((Number(qr.pin) + 1 + i) % 1_000_000).padStart(6, '0');
    const from = (ip: string) => (token: string) => new ApiClient(ctx.server, { 'x-test-ip': ip }).post(`${T}/vote/${session.code}/pass`, { token });
    // the attack: forty guesses at once from one address, all sent before any is answered
    const guess = from('10.20.0.1');
    const burst = (await Promise.all(Array.from({ length: 40 }, (_, i) => guess(wrong(i))))).map((r) => r.status);
    expect(burst.filter((s) => s === 403).length).toBeLessThanOrEqual(20);
    expect(burst.filter((s) => s !== 403).every((s) => s === 429)).toBe(true);
    expect((await guess(qr.pin)).status).toBe(429);
    // a hall's phones behind one address: 25 right codes count for nothing, so 19 mistypes are still let through
    const hall = from('10.20.0.2');
    for (let i = 0; i < 25; i++) expect((await hall(qr.pin)).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await hall(wrong(i))).status).toBe(403);
    expect((await hall(qr.pin)).status).toBe(429);
  });

  it('lets right codes sent together through one at a time past the free tries, never locking the address for them', async () => {
    const admin = await ctx.fixture.as('adminA');
    const { session } = await openBranchSession(admin, ctx.fixture.a.rows.villages[2].id!);
    const qr = (await admin.get(`${T}/sessions/${session.id}/qr`)).body;
    // an address past its free tries whose last lock has ended (a hall where some mistyped, a while ago)
    const key = 'typed-code-ip:10.20.0.3';
    const ended = new Date(Date.now() - 1000).toISOString();
    await ctx.server.db.insert(loginFailures).values({ key, failures: 25, windowStart: new Date().toISOString(), lockedUntil: ended });
    const hall = () => new ApiClient(ctx.server, { 'x-test-ip': '10.20.0.3' }).post(`${T}/vote/${session.code}/pass`, { token: qr.pin });
    const together = await Promise.all(Array.from({ length: 10 }, hall));
    expect(together.some((r) => r.status === 200)).toBe(true);
    // the others wait a moment, not a lock's 30 s or more; nothing was locked or counted for them
    for (const refused of together.filter((r) => r.status !== 200)) expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '1']);
    const [counter] = await ctx.server.db.select().from(loginFailures).where(eq(loginFailures.key, key));
    expect([counter.failures, counter.lockedUntil, counter.inFlight]).toEqual([25, ended, 0]);
    expect((await hall()).status).toBe(200);
  });
});
