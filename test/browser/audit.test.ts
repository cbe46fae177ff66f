import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sealAll } from '../../src/audit/chain';
import { browserAvailable, shown, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';
import { PASSWORD, PHONES } from '../support/fixture';

/** 审计日志 in Chromium on a phone: the township admin sees the changes (personal fields masked); a county viewer sees who did what, not the values. */
describe.skipIf(!browserAvailable())('audit log page in the browser', () => {
  let app: BrowserApp;

  beforeAll(async () => {
    app = await startBrowserApp();
  }, 90_000);
  afterAll(() => app?.close());

  async function signIn(phone: string, next: string): Promise<Page> {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(next);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`**${next}`);
    return page;
  }

  it('shows the township admin the trail with masked personal fields, filtered by action', async () => {
    const page = await signIn(PHONES.adminA, '/t/alpha/households');
    const village = app.fixture.a.rows.villages[0];
    const created = await page.evaluate(async (villageId) => {
      const reply = await fetch('/t/alpha/api/households', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ villageId, headName: '审计户', address: '东街9号' }) });
      return reply.status;
    }, village.id!);
    expect(created).toBe(201);
    await sealAll(app.db);
    await page.goto('/t/alpha/audit');
    await shown(page.getByRole('heading', { name: '审计日志', level: 1 }));
    await shown(page.getByText(/校验通过/));
    await shown(page.getByRole('cell', { name: 'household.create' }));
    await shown(page.getByText('address: — → ***'));
    expect(await page.getByText('东街9号').count()).toBe(0);
    await page.getByLabel('操作（如 member.update，或 session. 查一类）').fill('auth.');
    await page.getByLabel('操作（如 member.update，或 session. 查一类）').press('Tab');
    await shown(page.getByRole('cell', { name: 'auth.login' }).first());
    // auth.login rows were on the unfiltered list too: wait for the filtered answer to replace it
    await expect.poll(() => page.getByRole('cell', { name: 'household.create' }).count()).toBe(0);
    await docsScreenshot(page, 'audit-phone.png', { fullPage: true });
  });

  it('shows a county viewer the township’s events without their values', async () => {
    const page = await signIn(PHONES.countyViewer, '/t/alpha/audit');
    await shown(page.getByRole('cell', { name: 'household.create' }));
    expect(await page.getByText('address:').count()).toBe(0);
  });
});
