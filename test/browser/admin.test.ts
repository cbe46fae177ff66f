import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { browserAvailable, menu, shown, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';
import { eq } from 'drizzle-orm';
import { countyPlacements } from '../../src/db/schema';
import { PASSWORD, PHONES } from '../support/fixture';


/** The township admin app in Chromium, on a 360×740 phone, against the Node server on libSQL. */
describe.skipIf(!browserAvailable())('admin app in the browser', () => {
  let app: BrowserApp;
  let page: Page;

  beforeAll(async () => {
    app = await startBrowserApp();
    const context = await app.newContext({ width: 360, height: 740 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 90_000);
  afterAll(() => app?.close());

  it('signs a township admin in, returning to the villages list asked for', async () => {
    await page.goto('/t/alpha/villages');
    await page.waitForURL(/\/login\?next=/);
    await shown(page.getByRole('heading', { name: '登录' }));
    await docsScreenshot(page, 'login.png');

    await page.getByLabel('手机号').fill('1390000');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await shown(page.getByText('请输入 11 位手机号'));

    await page.getByLabel('手机号').fill(PHONES.adminA);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('手机号或密码不正确');

    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/t/alpha/villages');
    const firstVillage = app.fixture.a.rows.villages.map((v) => v.name).sort((a, b) => a.localeCompare(b))[0];
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
    await shown(page.getByRole('rowheader', { name: '靖庄' }));
    expect(firstVillage).toBeTruthy();
    await shown(page.getByText('共 3 个村'));
    await docsScreenshot(page, 'villages-phone.png', { fullPage: true });
  });

  it('lists party members with their flags and filters by village', async () => {
    await (await menu(page)).getByRole('link', { name: '党员', exact: true }).click();
    await page.waitForURL('**/t/alpha/members');
    const total = app.fixture.a.rows.members.length;
    await shown(page.getByText(`共 ${total} 条`));
    const jingzhuang = app.fixture.a.rows.villages.find((v) => v.name === '靖庄')!;
    await page.getByLabel('村庄').selectOption(jingzhuang.id!);
    const inVillage = app.fixture.a.rows.members.filter((m) => m.villageId === jingzhuang.id).length;
    await expect.poll(() => page.locator('table.list tbody tr').count()).toBe(inVillage);
  });

  it('creates a household with care tags', async () => {
    await (await menu(page)).getByRole('link', { name: '农户', exact: true }).click();
    await page.waitForURL('**/t/alpha/households');
    await page.getByRole('button', { name: '新增农户' }).click();
    const form = page.getByRole('dialog', { name: '新增农户' });
    await form.getByLabel('村庄').selectOption({ label: '刘洼' });
    await form.getByLabel('户主').fill('测试户主');
    await form.getByLabel('地址').fill('刘洼村东街 8 号');
    await form.getByLabel('手机号').fill('13912345678');
    await form.getByLabel('人口').fill('4');
    await form.getByLabel('困难家庭').check();
    await form.getByLabel('留守儿童').check();
    await form.getByRole('button', { name: '保存' }).click();
    await form.waitFor({ state: 'hidden' });
    await page.getByLabel('搜索').fill('测试户主');
    await shown(page.getByText('共 1 条'));
    const row = page.getByRole('row', { name: /测试户主/ });
    await shown(row);
    await shown(row.getByText('困难家庭'));
    await shown(row.getByText('留守儿童'));

    // on a phone the name opens the form, which also deletes
    await row.getByRole('button', { name: '测试户主' }).click();
    const edit = page.getByRole('dialog', { name: '修改农户' });
    expect(await edit.getByLabel('地址').inputValue()).toBe('刘洼村东街 8 号');
    page.once('dialog', (dialog) => dialog.accept());
    await edit.getByRole('button', { name: '删除' }).click();
    await edit.waitFor({ state: 'hidden' });
    await shown(page.getByText('暂无数据'));
  });

  it('sends a save refused while the county moves (维护中) again, until it goes through', async () => {
    // the county frozen as `npm run shard:move` freezes it; thawed, as its switch does, once the save was refused
    const county = eq(countyPlacements.countyId, app.fixture.countyId);
    await app.db.insert(countyPlacements).values({ countyId: app.fixture.countyId, shard: 'main', frozenAt: new Date().toISOString() });
    const refused = page.waitForResponse((response) => response.url().includes('/api/households') && response.status() === 503);
    let saves = 0;
    const countSaves = (request: Request) => void (request.method() === 'POST' && request.url().endsWith('/api/households') && saves++);
    page.on('request', countSaves);
    // the page's timers on a clock the test moves (it runs on by itself too): Retry-After passes without 5 s idle
    await page.clock.install();
    await page.getByRole('button', { name: '新增农户' }).click();
    const form = page.getByRole('dialog', { name: '新增农户' });
    await form.getByLabel('村庄').selectOption({ label: '刘洼' });
    await form.getByLabel('户主').fill('维护中户主');
    await form.getByRole('button', { name: '保存' }).click();
    expect((await (await refused).json()).code).toBe('error.maintenance');
    await app.db.update(countyPlacements).set({ frozenAt: null }).where(county);
    // the page's client waits Retry-After (5 s), not less, and sends it again: saved, once
    await page.clock.fastForward(4_000);
    expect(saves).toBe(1);
    expect(await form.isVisible()).toBe(true);
    await page.clock.fastForward(1_000);
    await form.waitFor({ state: 'hidden', timeout: 20_000 });
    expect(saves).toBe(2);
    page.off('request', countSaves);
    await page.getByLabel('搜索').fill('维护中户主');
    await shown(page.getByText('共 1 条'));
    await app.db.delete(countyPlacements).where(county);
  });

  it('previews an import with a row error in Chinese and offers no commit', async () => {
    await (await menu(page)).getByRole('link', { name: '导入导出', exact: true }).click();
    await page.getByRole('tab', { name: '农户名册' }).click();
    await expect.poll(() => page.getByRole('link', { name: '下载 Excel', exact: true }).getAttribute('href')).toBe('/t/alpha/api/exports/households.xlsx');
    const csv = ['村名,户主,地址,手机号,人口,困难家庭', '靖庄,王大山,靖庄村 1 号,13911112222,3,是', '火星村,李小河,,,2,否'].join('\n');
    await page.getByLabel('选择文件').setInputFiles({ name: '农户.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await shown(page.getByText('共 2 行，其中 1 行无误，1 处错误'));
    const errorRow = page.locator('table.row-errors tbody tr');
    await expect.poll(() => errorRow.count()).toBe(1);
    await expect.poll(() => errorRow.textContent()).toContain('本镇没有名为“火星村”的村');
    await expect.poll(() => page.getByRole('button', { name: /确认导入/ }).count()).toBe(0);
    await docsScreenshot(page, 'import-preview.png', { fullPage: true });

    const fixed = ['村名,户主,地址,手机号,人口,困难家庭', '靖庄,王大山,靖庄村 1 号,13911112222,3,是'].join('\n');
    await page.getByLabel('选择文件').setInputFiles({ name: '农户.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed, 'utf8') });
    await page.getByRole('button', { name: '确认导入 1 行' }).click();
    await shown(page.getByText('已导入 1 条'));
  });

  it('switches to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForLoadState('load');
    await shown(page.getByRole('heading', { name: 'Import & export' }));
    await (await menu(page)).getByRole('link', { name: 'Villages', exact: true }).click();
    await shown(page.getByRole('heading', { name: 'Villages', level: 1 }));
    await shown(page.getByText('3 villages'));
    await page.getByRole('button', { name: '中文' }).click();
    await shown(page.getByRole('heading', { name: '村庄', level: 1 }));
  });

  it('keeps the weights at 100 in the settings and saves them', async () => {
    await (await menu(page)).getByRole('link', { name: '考评设置', exact: true }).click();
    await page.waitForURL('**/t/alpha/settings');
    await page.getByLabel('群评').fill('50');
    await shown(page.getByText('权重之和必须为 100，现在是 110'));
    expect(await page.getByRole('button', { name: '保存' }).isDisabled()).toBe(true);
    await page.getByLabel('点评').fill('10');
    await shown(page.getByText('合计 100'));
    await page.getByRole('button', { name: '保存' }).click();
    await shown(page.getByText('已保存'));
    const settings = await (await app.fixture.as('adminA')).get('/t/alpha/api/settings');
    expect(settings.body.weights).toEqual({ self: 20, peer: 20, villager: 50, leader: 10 });
  });

  it('creates a village secretary account', async () => {
    await (await menu(page)).getByRole('link', { name: '账号', exact: true }).click();
    await page.getByRole('button', { name: '新增账号' }).click();
    const form = page.getByRole('dialog', { name: '新增账号' });
    await form.getByLabel('角色').selectOption('village_secretary');
    await form.getByLabel('所在村').selectOption({ label: '刘洼' });
    await form.getByLabel('姓名').fill('刘洼村书记');
    await form.getByLabel('手机号').fill('13900000088');
    await form.getByLabel('初始密码').fill('liuwa-password-1');
    await form.getByRole('button', { name: '保存' }).click();
    await form.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /刘洼村书记/ });
    await shown(row.getByRole('cell', { name: /^村书记/ }));
  });

  it('shows a village secretary only their own village', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('手机号').fill(PHONES.secretaryA);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // a secretary lands on their home: their village's sessions, problems due, households not signed
    await page.waitForURL('**/t/alpha/home');
    await shown(page.getByRole('heading', { name: '本村测评场次' }));
    await shown(page.getByRole('heading', { name: '本月未签字的联系户' }));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await (await menu(page)).getByRole('link', { name: '村庄', exact: true }).click();
    await page.waitForURL('**/t/alpha/villages');
    const own = app.fixture.a.rows.villages[0];
    await expect.poll(() => page.locator('table.list tbody tr').count()).toBe(1);
    await shown(page.getByRole('rowheader', { name: own.name }));
    expect(await page.getByRole('button', { name: '新增村庄' }).count()).toBe(0);
    const nav = await menu(page);
    expect(await nav.getByRole('link', { name: '账号', exact: true }).count()).toBe(0);
    await nav.getByRole('link', { name: '党员', exact: true }).click();
    const village = page.getByLabel('村庄');
    expect(await village.isDisabled()).toBe(true);
    // the choices come with the page's data: waited for, not read the moment the page opens
    await expect.poll(() => village.locator('option').allTextContents()).toEqual([own.name]);
    await shown(page.getByRole('button', { name: '新增党员' }));
  });

  it('lets a county viewer read a township of their county without write buttons', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('手机号').fill(PHONES.countyViewer);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // a county viewer's home is their county's comparison; the chooser is one tap away
    await page.waitForURL(`**/county/${app.fixture.countyId}`);
    await page.getByRole('link', { name: '切换乡镇' }).click();
    await page.waitForURL('**/choose');
    // every township of the county is offered
    await shown(page.getByRole('link', { name: /乙镇/ }));
    await page.getByRole('link', { name: /甲镇/ }).click();
    await page.waitForURL('**/t/alpha/villages');
    await shown(page.getByText('只读：县级账号只能查看'));
    await expect.poll(() => page.locator('table.list tbody tr').count()).toBe(3);
    expect(await page.getByRole('button', { name: /新增|编辑|删除/ }).count()).toBe(0);
    await (await menu(page)).getByRole('link', { name: '农户', exact: true }).click();
    await shown(page.getByText(/共 \d+ 条/));
    expect(await page.getByRole('button', { name: /新增|编辑|删除/ }).count()).toBe(0);
    // names and villages only: no phone or care-tag columns left empty
    expect(await page.getByRole('columnheader', { name: /手机号|关爱标记/ }).count()).toBe(0);
    // the contact network, without the visit ledger and coverage (personal)
    await (await menu(page)).getByRole('link', { name: '初心三人行', exact: true }).click();
    await shown(page.getByRole('tab', { name: '联系网络' }));
    expect(await page.getByRole('tab', { name: /走访台账|覆盖/ }).count()).toBe(0);
  });

  it('lets the platform admin register a township with its first admin', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('手机号').fill(PHONES.platformAdmin);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/platform');
    await shown(page.getByRole('rowheader', { name: '甲镇' }));
    const form = page.locator('form', { has: page.getByRole('heading', { name: '新增乡镇' }) });
    await form.getByLabel('所属县').selectOption({ label: '齐河县' });
    await form.getByLabel('名称').fill('丙镇');
    await form.getByLabel('代码').fill('gamma');
    await form.getByLabel('姓名').fill('丙镇党委');
    await form.getByLabel('手机号').fill('13900000099');
    await form.getByLabel('初始密码').fill('gamma-password-1');
    await form.getByRole('button', { name: '新增乡镇' }).click();
    await shown(page.getByRole('rowheader', { name: '丙镇' }));
    // the county's viewer is also a village's secretary: a role only the platform admin can add to that account
    const role = page.locator('form', { has: page.getByRole('heading', { name: '乡镇角色' }) });
    await role.getByLabel('乡镇').selectOption({ label: '甲镇' });
    await role.getByLabel('账号类型').selectOption({ label: '村书记' });
    await role.getByLabel('所在村').selectOption({ index: 1 });
    await role.getByLabel('姓名').fill('县组织部');
    await role.getByLabel('手机号').fill(PHONES.countyViewer);
    await role.getByLabel('初始密码').fill('unused-password-1');
    await role.getByRole('button', { name: '给予角色' }).click();
    await shown(role.getByRole('status').filter({ hasText: '已给“县组织部”加上角色' }));
  });
});
