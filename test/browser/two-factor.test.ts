import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totpCode } from '../../src/auth/totp';
import { accounts, sessions } from '../../src/db/schema';
import { browserAvailable, docsScreenshot, shown, signIn, startBrowserApp, type BrowserApp } from '../support/browser';
import { PASSWORD, PHONES } from '../support/fixture';

/** 账号安全 in Chromium: a township admin turns on TOTP, keeps the recovery codes, and signs in with a code. */
describe.skipIf(!browserAvailable())('two-step verification in the browser', () => {
  let app: BrowserApp;
  let page: Page;
  let secret = '';
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    app = await startBrowserApp();
    const context = await app.newContext({ width: 1024, height: 800 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 90_000);
  afterAll(() => app?.close());

  it('enrols an authenticator app from the account-security page', async () => {
    await signIn(page, 'adminA', '/t/alpha/villages');
    await page.getByRole('link', { name: '账号安全' }).click();
    await page.waitForURL('**/account');
    await shown(page.getByRole('heading', { name: '账号安全', level: 1 }));
    await shown(page.getByText('未开启。'));
    await page.getByLabel('请输入密码确认').fill(PASSWORD);
    await page.getByRole('button', { name: '开启两步验证' }).click();
    const key = page.locator('.totp-secret');
    await shown(key);
    await shown(page.locator('.totp-qr svg'));
    secret = (await key.getAttribute('data-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('验证器显示的 6 位动态码').fill('000000' === (await totpCode(base32Decode(secret), Date.now())) ? '111111' : '000000');
    await page.getByRole('button', { name: '确认开启' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('验证码或恢复码不正确');
    await page.getByLabel('验证器显示的 6 位动态码').fill(await totpCode(base32Decode(secret), Date.now()));
    await page.getByRole('button', { name: '确认开启' }).click();
    await shown(page.getByRole('heading', { name: '恢复码（只显示这一次）' }));
    await expect.poll(() => page.locator('.recovery-codes li').count()).toBe(10);
    recoveryCodes = await page.locator('.recovery-codes code').allTextContents();
    await docsScreenshot(page, 'two-factor-recovery-codes.png');
    await page.getByRole('button', { name: '我已保存恢复码' }).click();
    await shown(page.getByText('已开启。剩余 10 个恢复码。'));
  });

  it('signs in with the password and then the code the app shows', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await page.goto('/login?next=%2Ft%2Falpha%2Fvillages');
    await page.getByLabel('手机号').fill(PHONES.adminA);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await shown(page.getByRole('heading', { name: '两步验证' }));
    // the enrolment spent this step's code: the app's next one (accepted within a step of the clock)
    await page.getByLabel('动态码或恢复码').fill(await totpCode(base32Decode(secret), Date.now() + 30_000));
    await docsScreenshot(page, 'login-second-step.png');
    await page.getByRole('button', { name: '验证' }).click();
    await page.waitForURL('**/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
  });

  it('an admin idle for 30 minutes is sent back to the sign-in page, which returns to where they were', async () => {
    const [admin] = await app.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, PHONES.adminA));
    await app.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 31 * 60_000).toISOString() }).where(eq(sessions.accountId, admin.id));
    // (opened by address: a click on the menu raced the page's own next request, which already sends it to the sign-in)
    await page.goto('/t/alpha/members');
    await page.waitForURL(/\/login\?next=%2Ft%2Falpha%2Fmembers/);
    await shown(page.getByRole('heading', { name: '登录' }));
  });

  it('the big screen’s sign-in asks for the second step in the same form (here a recovery code)', async () => {
    const context = await app.newContext({ width: 1280, height: 720 });
    const screen = context.pages()[0] ?? (await context.newPage());
    await screen.goto('/screen?t=alpha');
    await screen.getByLabel('手机号').fill(PHONES.adminA);
    await screen.getByLabel('登录密码').fill(PASSWORD);
    await screen.getByRole('button', { name: '登录' }).click();
    await screen.getByLabel('两步验证：动态码或恢复码').fill(recoveryCodes[0]);
    await screen.getByRole('button', { name: '登录' }).click();
    await screen.getByLabel('登录密码').waitFor({ state: 'detached' });
    expect((await screen.request.get('/api/auth/me')).status()).toBe(200);
  });

  it('the platform admin requires two-step verification of admins, and resets a forgotten password from the account list', async () => {
    const context = await app.newContext({ width: 1280, height: 900 });
    const admin = context.pages()[0] ?? (await context.newPage());
    await signIn(admin, 'platformAdmin', '/platform');
    const toggle = admin.getByLabel('要求平台和乡镇管理员开启两步验证');
    await toggle.check();
    await expect.poll(async () => (await admin.request.get('/api/platform/settings')).json()).toEqual({ requireAdminTwoFactor: true });
    await toggle.uncheck();
    await expect.poll(async () => (await admin.request.get('/api/platform/settings')).json()).toEqual({ requireAdminTwoFactor: false });

    await admin.getByLabel('按姓名或手机号查找').fill(PHONES.secretaryA);
    const reset = admin.getByRole('button', { name: '重置密码 secretaryA' });
    await reset.click();
    const sheet = admin.getByRole('dialog', { name: '重置“secretaryA”的密码' });
    await sheet.getByLabel('新密码').fill(`Li-${PHONES.secretaryA}`);
    await sheet.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => sheet.getByRole('alert').textContent()).toContain('密码不能包含手机号');
    await sheet.getByLabel('新密码').fill('Reset-by-platform-1');
    await sheet.getByRole('button', { name: '保存' }).click();
    await sheet.waitFor({ state: 'detached' });
    const login = await admin.request.post('/api/auth/login', { data: { phone: PHONES.secretaryA, password: 'Reset-by-platform-1' }, headers: { origin: app.origin } });
    expect(login.status()).toBe(200);
  });
});
