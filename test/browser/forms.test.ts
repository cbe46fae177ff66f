import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, shown, startBrowserApp, type BrowserApp } from '../support/browser';


/** The admin's shared form pieces (SheetForm, SelectField, VillageSelect, ListBody) on a 360 px phone, through pages no other browser test opens. */
describe.skipIf(!browserAvailable())('shared admin forms in the browser', () => {
  let app: BrowserApp;
  let villageNames: string[];

  beforeAll(async () => {
    app = await startBrowserApp();
    villageNames = app.fixture.a.rows.villages.map((v) => v.name as string);
  }, 90_000);
  afterAll(() => app?.close());

  it('registers a dispute in a sheet: labelled selects, a prompt that cannot be chosen back, a field that follows the status', async () => {
    const context = await app.newContext();
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'adminA', '/t/alpha/ledgers');
    await shown(page.getByText('暂无数据'));
    await page.getByRole('button', { name: '登记纠纷' }).click();
    const sheet = page.getByRole('dialog', { name: '登记纠纷' });
    const village = sheet.getByLabel('村庄');
    // the village prompt stands first and cannot be chosen
    expect(await village.inputValue()).toBe('');
    expect(await village.locator('option').first().textContent()).toBe('请选择村庄');
    expect(await village.locator('option').first().isDisabled()).toBe(true);
    await village.selectOption({ label: villageNames[1] });
    await sheet.getByLabel('纠纷事由').fill('宅基地边界争议');
    await sheet.getByLabel('调处层级').selectOption({ label: '镇级' });
    expect(await sheet.getByLabel('办结日期').count()).toBe(0);
    await sheet.getByLabel('状态').selectOption({ label: '已调处' });
    await shown(sheet.getByLabel('办结日期'));
    await sheet.getByLabel('办结日期').fill(await sheet.getByLabel('受理日期').inputValue());
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await sheet.getByRole('button', { name: '保存' }).click();
    await sheet.waitFor({ state: 'hidden' });
    const card = page.locator('.visit-list li', { hasText: '宅基地边界争议' });
    await shown(card);
    await shown(card.getByText('已调处'));
    await shown(card.getByText(`${villageNames[1]} · 镇级`, { exact: false }));

    // the status filter: "all" first, then one status; an empty answer says so
    const filter = page.getByLabel('状态');
    expect(await filter.locator('option').first().textContent()).toBe('全部');
    await filter.selectOption({ label: '正在调处' });
    await shown(page.getByText('暂无数据'));
    await filter.selectOption({ label: '全部' });
    await shown(card);
    await context.close();
  });

  it('keeps a weak-village sheet unsaveable until a village is chosen, cancels with Escape, and deletes from the sheet', async () => {
    const context = await app.newContext();
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'adminA', '/t/alpha/ledgers?tab=weak');
    await page.getByRole('button', { name: '列入整治' }).click();
    let sheet = page.getByRole('dialog', { name: '列入整治' });
    await expect.poll(() => sheet.getByRole('button', { name: '保存' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: '列入整治' }).click();
    sheet = page.getByRole('dialog', { name: '列入整治' });
    await sheet.getByLabel('村庄').selectOption({ label: villageNames[2] });
    await sheet.getByLabel('软弱涣散原因').fill('班子不团结');
    expect(await sheet.getByRole('button', { name: '保存' }).isDisabled()).toBe(false);
    expect(await sheet.getByRole('button', { name: '删除' }).count()).toBe(0);
    await sheet.getByRole('button', { name: '保存' }).click();
    await sheet.waitFor({ state: 'hidden' });

    const row = page.getByRole('row', { name: new RegExp(villageNames[2]) });
    await row.getByRole('button', { name: villageNames[2] }).click();
    const edit = page.getByRole('dialog', { name: '修改整治记录' });
    expect(await edit.getByLabel('软弱涣散原因').inputValue()).toBe('班子不团结');
    page.once('dialog', (dialog) => dialog.accept());
    await edit.getByRole('button', { name: '删除' }).click();
    await edit.waitFor({ state: 'hidden' });
    await shown(page.getByText('暂无数据'));
    await context.close();
  });

  it('fixes a secretary to their own village and records and revokes a red line with a reason', async () => {
    const context = await app.newContext();
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'secretaryA', '/t/alpha/ledgers');
    await page.getByRole('button', { name: '登记纠纷' }).click();
    const sheet = page.getByRole('dialog', { name: '登记纠纷' });
    const village = sheet.getByLabel('村庄');
    expect(await village.isDisabled()).toBe(true);
    expect(await village.locator('option:checked').textContent()).toBe(villageNames[0]);
    await sheet.getByRole('button', { name: '取消' }).click();
    await sheet.waitFor({ state: 'hidden' });
    await context.close();

    const admin = await app.newContext();
    const adminPage = admin.pages()[0] ?? (await admin.newPage());
    await app.openAs(adminPage, 'adminA', '/t/alpha/red-lines');
    await adminPage.getByRole('tab', { name: '手工登记' }).click();
    // the village filter offers every village after "all villages"
    const filter = adminPage.getByLabel('村庄');
    // the villages arrive after the page: wait for them before reading the options
    await expect.poll(() => filter.locator('option').count()).toBe(villageNames.length + 1);
    const [all, ...listed] = await filter.locator('option').allTextContents();
    expect(all).toBe('全部村庄');
    expect(listed.sort()).toEqual([...villageNames].sort());
    await adminPage.getByRole('button', { name: '登记红线' }).click();
    const record = adminPage.getByRole('dialog', { name: '登记红线' });
    await record.getByLabel('村庄').selectOption({ label: villageNames[0] });
    const rule = record.getByLabel('红线');
    expect(await rule.locator('option').first().textContent()).toBe('请选择红线');
    expect(await record.getByRole('button', { name: '保存' }).isDisabled()).toBe(true);
    await rule.selectOption({ index: 1 });
    await record.getByLabel('情况说明').fill('测试登记');
    await record.getByRole('button', { name: '保存' }).click();
    await record.waitFor({ state: 'hidden' });
    await adminPage.getByRole('button', { name: '撤销' }).first().click();
    const revoke = adminPage.getByRole('dialog', { name: '撤销登记' });
    const confirm = revoke.getByRole('button', { name: '撤销' });
    expect(await confirm.isDisabled()).toBe(true);
    expect(await confirm.getAttribute('class')).toBe('danger');
    await revoke.getByLabel('撤销理由').fill('登记有误');
    await confirm.click();
    await revoke.waitFor({ state: 'hidden' });
    await shown(adminPage.getByText('暂无登记。'));
    await admin.close();
  });
});
