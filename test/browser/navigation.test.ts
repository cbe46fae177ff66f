import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable, shown, startBrowserApp, type BrowserApp, screenshotPath, signIn } from '../support/browser';

/** The admin app's navigation, grouped by area (测评 · 星级 · 台账 · 名册 · 设置): a sidebar on desktops, one sideways row on phones. */
describe.skipIf(!browserAvailable())('navigation grouped by area in the browser', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  }, 90_000);
  afterAll(() => app?.close());

  const groups = (page: Page) =>
    page.getByRole('navigation', { name: '菜单' }).getByRole('group').evaluateAll((els: Element[]) => els.map((el) => el.getAttribute('aria-label')));

  it('gives a township admin on a 1366 px desktop a sidebar of the five areas beside the page', async () => {
    const context = await app.newContext({ width: 1366, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    await signIn(page, 'adminA', '/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    expect(await groups(page)).toEqual(['测评', '星级', '台账', '名册', '设置']);
    const nav = (await page.locator('.mainnav').boundingBox())!;
    const content = (await page.locator('main.content').boundingBox())!;
    // beside the content, not above it
    expect(nav.x + nav.width).toBeLessThanOrEqual(content.x + 1);
    expect(nav.width).toBeLessThan(260);
    expect(await page.getByRole('group', { name: '设置' }).getByRole('link').allTextContents()).toContain('账号');
    await page.screenshot({ path: screenshotPath('nav-desktop-admin.png') });
    await context.close();
  });

  it('gives a village secretary on a 360 px phone one row of menu, only what the role may use, and no page wider than the phone', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    await signIn(page, 'secretaryA', '/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    const nav = (await page.locator('.mainnav').boundingBox())!;
    expect(nav.height).toBeLessThan(56);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const links = await page.getByRole('navigation', { name: '菜单' }).getByRole('link').allTextContents();
    expect(links).not.toContain('账号');
    expect(links).not.toContain('全镇概览');
    expect(links).toContain('群众反映问题');
    // a link off screen in the row is still reached
    await page.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '导入导出', exact: true }).click();
    await page.waitForURL('**/t/alpha/import');
    await page.screenshot({ path: screenshotPath('nav-phone-secretary.png') });
    await context.close();
  });
});
