import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable, menu, shown, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';

/** The admin app's navigation, grouped by area (测评 · 星级 · 台账 · 名册 · 设置): a sidebar on desktops, a bottom bar and a drawer on phones. */
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
    await app.openAs(page, 'adminA', '/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    expect(await groups(page)).toEqual(['测评', '星级', '台账', '名册', '设置']);
    const nav = (await page.locator('.mainnav').boundingBox())!;
    const content = (await page.locator('main.content').boundingBox())!;
    // beside the content, not above it
    expect(nav.x + nav.width).toBeLessThanOrEqual(content.x + 1);
    expect(nav.width).toBeLessThan(260);
    expect(await page.getByRole('group', { name: '设置' }).getByRole('link').allTextContents()).toContain('账号');
    await docsScreenshot(page, 'nav-desktop-admin.png');
    await context.close();
  });

  it('gives a village secretary on a 360 px phone a bottom bar of their home and most-used pages, and the rest in a drawer', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'secretaryA', '/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // no menu above the content: the sidebar is a desktop's
    expect(await page.getByRole('navigation', { name: '菜单' }).count()).toBe(0);

    // the bar: home first, large targets with their labels, at the bottom of the screen
    const bar = page.getByRole('navigation', { name: '常用功能' });
    await expect.poll(() => bar.locator('a .nav-label').allTextContents()).toEqual(['工作台', '在线测评', '问题清单', '初心三人行']);
    const box = (await bar.boundingBox())!;
    expect(box.y + box.height).toBeGreaterThan(735);
    for (const target of await bar.locator('a, button').all()) {
      const { width, height } = (await target.boundingBox())!;
      expect(Math.min(width, height)).toBeGreaterThanOrEqual(48);
    }
    await docsScreenshot(page, 'nav-phone-secretary.png');

    // 更多: the whole grouped nav in a dialog, only what the role may use, the focus inside
    const more = bar.getByRole('button', { name: '更多' });
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.click();
    const drawer = page.getByRole('dialog', { name: '菜单' });
    await shown(drawer);
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    expect(await groups(page)).toEqual(['测评', '星级', '台账', '名册']);
    const links = await drawer.getByRole('link').allTextContents();
    expect(links).not.toContain('账号');
    expect(links).not.toContain('全镇概览');
    expect(links).toContain('群众反映问题');
    // the current page's entry, focused by the drawer's effect (after its first paint)
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('村庄');
    // Tab stays in the dialog
    for (let i = 0; i < links.length + 2; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role=dialog]'))).toBe(true);
    await docsScreenshot(page, 'nav-phone-drawer.png');

    // Escape closes it, the focus back on 更多
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toContain('更多');
    // the phone's back button closes it too, without leaving the page
    await more.click();
    await shown(drawer);
    await page.goBack();
    await drawer.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe('/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));

    // a double tap on ✕ closes it once: the page stays
    await more.click();
    await shown(drawer);
    await drawer.getByRole('button', { name: '关闭' }).evaluate((close: HTMLElement) => {
      close.click();
      close.click();
    });
    await drawer.waitFor({ state: 'hidden' });
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    expect(new URL(page.url()).pathname).toBe('/t/alpha/villages');

    // choosing an entry closes it and goes there; back returns to the page it was opened on
    await (await menu(page)).getByRole('link', { name: '导入导出', exact: true }).click();
    await page.waitForURL('**/t/alpha/import');
    expect(await drawer.count()).toBe(0);
    await page.goBack();
    await page.waitForURL('**/t/alpha/villages');
    // the bar marks where you are
    await bar.getByRole('link', { name: '工作台' }).click();
    await page.waitForURL('**/t/alpha/home');
    expect(await bar.getByRole('link', { name: '工作台' }).getAttribute('aria-current')).toBe('page');
    await context.close();
  });

  it('gives each role its own bar: a party member their home, evaluation and visits; a county viewer their county first', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    const bar = page.getByRole('navigation', { name: '常用功能' });
    await app.openAs(page, 'memberA', '/t/alpha/home');
    // the bar renders once the session is known: wait for it, not for the first paint
    await expect.poll(() => bar.locator('a .nav-label').allTextContents()).toEqual(['工作台', '在线测评', '走访记录']);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await app.openAs(page, 'countyViewer', '/t/alpha/villages');
    await expect.poll(() => bar.locator('a .nav-label').allTextContents()).toEqual(['全县比较', '问题清单', '全镇概览', '年度星级']);
    await bar.getByRole('link', { name: '全县比较' }).click();
    await page.waitForURL(`**/county/${app.fixture.countyId}`);
    await context.close();
  });

  it("says so in place when a page's code does not load, and reloads by itself onto a new build", async () => {
    const context = await app.newContext({ width: 1366, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'adminA', '/t/alpha/villages');
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    const nav = page.locator('nav.mainnav');
    const mark = () => page.evaluate(() => void ((window as { marked?: true }).marked = true));
    const sameDocument = () => page.evaluate(() => (window as { marked?: true }).marked === true);
    const notLoaded = page.getByRole('alert').filter({ hasText: '这个页面没能加载出来' });
    // the admin app's page, which both servers answer for a name no build has (a chunk a deployment replaced)
    const appPage = await (await fetch(`${app.origin}/`)).text();
    const newBuild = appPage.replace(/\/assets\/index-[\w-]+\.js/, '/assets/index-NEWBUILD.js');
    expect(newBuild).not.toBe(appPage);

    // the network drops the chunk (its preload and its import): the page says so where the page would be, the menu
    // still there, no reload
    await mark();
    const contactChunk = /\/assets\/contact-[\w-]{8}\.js$/;
    await page.route(contactChunk, (route) => route.abort('internetdisconnected'));
    await nav.getByRole('link', { name: '初心三人行' }).click();
    await shown(notLoaded);
    expect(await sameDocument()).toBe(true);
    expect(await nav.getByRole('link', { name: '村庄' }).count()).toBe(1);
    // back on line, its button reloads, and the page comes
    await page.unroute(contactChunk);
    await notLoaded.getByRole('button', { name: '重新加载' }).click();
    await shown(page.getByRole('heading', { name: '初心三人行', level: 1 }));
    expect(await sameDocument()).toBe(false);

    // a deployment replaced the chunks (the old name answers the app's page) and this URL now serves another build:
    // the tab reloads onto it by itself
    await mark();
    let looked = false;
    await page.route(/\/assets\/decisions-[\w-]{8}\.js$/, (route) => (looked ? route.fallback() : route.fulfill({ contentType: 'text/html', body: appPage })));
    // the tab's look at its URL; from then on (the reload) the real build is served again
    await page.route(
      '**/t/alpha/decisions',
      (route) => {
        looked = true;
        return route.fulfill({ contentType: 'text/html', body: newBuild });
      },
      { times: 1 },
    );
    await nav.getByRole('link', { name: '四议三审两公开' }).click();
    await shown(page.getByRole('heading', { name: '四议三审两公开', level: 1 }));
    expect(await sameDocument()).toBe(false);

    // the same new build again (its chunk fails too, or servers take turns): the tab is not reloaded toward it twice
    await mark();
    await page.route(/\/assets\/ledgers-[\w-]{8}\.js$/, (route) => route.abort('internetdisconnected'));
    await page.route('**/t/alpha/ledgers', (route) => route.fulfill({ contentType: 'text/html', body: newBuild }), { times: 1 });
    await nav.getByRole('link', { name: '纠纷与整治台账' }).click();
    await shown(notLoaded);
    expect(await sameDocument()).toBe(true);
    await context.close();
  });
});
