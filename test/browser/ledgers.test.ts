import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, shown, startBrowserApp, type BrowserApp, docsScreenshot, signIn } from '../support/browser';

/** a 1×1 PNG standing in for the photo of a signed paper sheet */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';


/** The governance-ledger pages in Chromium: a party member's visit on a phone, and a matter's stages as the township admin. */
describe.skipIf(!browserAvailable())('governance ledgers in the browser', () => {
  let app: BrowserApp;
  let phone: BrowserContext;
  let villageA: string;
  let households: { id: string; headName: string }[];

  beforeAll(async () => {
    app = await startBrowserApp();
    const { fixture } = app;
    villageA = fixture.a.rows.villages[0].id!;
    const memberA = fixture.a.rows.members.find((m) => m.villageId === villageA)!.id!;
    households = fixture.a.rows.households.filter((h) => h.villageId === villageA).map((h) => ({ id: h.id!, headName: h.headName }));
    const secretary = await fixture.as('secretaryA');
    for (const h of households.slice(0, 3)) {
      const linked = await secretary.post('/t/alpha/api/contact/household-links', { memberId: memberA, householdId: h.id });
      expect(linked.status).toBe(201);
    }
    phone = await app.newContext({ width: 360, height: 740 });
  }, 90_000);
  afterAll(() => app?.close());

  it('lets a party member on a 360 px phone record a visit to a linked household and see it in the ledger', async () => {
    const page = phone.pages()[0] ?? (await phone.newPage());
    await signIn(page, 'memberA');
    // a party member's home: own reports and households to visit, then the visit form
    await page.waitForURL('**/t/alpha/home');
    await shown(page.getByRole('heading', { name: '本月待走访的联系户' }));
    await page.goto('/t/alpha/visit');
    await shown(page.getByRole('heading', { name: '走访记录', level: 1 }));
    const household = households[1];
    await page.getByRole('radio', { name: new RegExp(household.headName) }).check();
    await page.getByRole('group', { name: '五上门' }).getByRole('radio', { name: '政策要去讲' }).check();
    await page.getByLabel('发现的问题').fill('老人不清楚医保缴费办法');
    await page.getByLabel('群众诉求').fill('希望村里统一代缴');
    await docsScreenshot(page, 'visit-phone.png', { fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: '保存走访记录' }).click();
    await shown(page.getByRole('status').getByText(new RegExp(`已保存：${household.headName}`)));

    await page.getByRole('tab', { name: '已记录' }).click();
    const card = page.locator('.visit-card', { hasText: household.headName });
    await shown(card);
    await shown(card.getByText('老人不清楚医保缴费办法'));
    await shown(card.getByText('政策要去讲'));

    // the household signs this month's sheet with a finger on the phone
    await page.getByRole('tab', { name: '每月签字' }).click();
    await page.getByRole('button', { name: `签字 ${household.headName}` }).click();
    const pad = page.locator('canvas.signature-pad');
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + 30, box.y + 100);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 30 + i * 25, box.y + 100 + (i % 2 ? -40 : 40));
    await page.mouse.up();
    await page.getByRole('button', { name: '保存签名' }).click();
    await shown(page.locator('.sign-row', { hasText: household.headName }).getByText('已签字'));
    await shown(page.getByText('本月已签 1/3 户'));

    // another household signed the paper sheet: its photo is shrunk on the phone and sent instead
    await page.getByRole('button', { name: `签字 ${households[2].headName}` }).click();
    await page.locator('#signoff-photo').setInputFiles({ name: 'sheet.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL, 'base64') });
    await shown(page.locator('.sign-row', { hasText: households[2].headName }).getByText('已签字'));
    await shown(page.getByText('本月已签 2/3 户'));
  });

  it('shows the visit in the village ledger and lets the township admin advance a matter, refusing a skipped stage', async () => {
    const desktop = await app.newContext({ width: 1280, height: 900 });
    const page = desktop.pages()[0] ?? (await desktop.newPage());
    await signIn(page, 'adminA');
    // a township admin's home: today's sessions, overdue rectifications, objections, income, job runs
    await page.waitForURL('**/t/alpha/home');
    await shown(page.getByRole('heading', { name: '今日测评场次' }));
    await shown(page.getByRole('heading', { name: /年未录入集体收入的村/ }));
    const nav = page.getByRole('navigation', { name: '菜单' });
    expect(await nav.getByRole('link', { name: '走访记录' }).count()).toBe(0);

    await nav.getByRole('link', { name: '初心三人行' }).click();
    await page.getByLabel('村庄').selectOption(villageA);
    await shown(page.getByRole('heading', { name: '党员联系农户' }));
    await page.getByRole('tab', { name: '走访台账' }).click();
    await shown(page.locator('.visit-card', { hasText: households[1].headName }).getByText('希望村里统一代缴'));

    await nav.getByRole('link', { name: '四议三审两公开' }).click();
    await page.getByRole('button', { name: '新增事项' }).click();
    const form = page.getByRole('dialog', { name: '新增事项' });
    await form.getByLabel('村庄').selectOption(villageA);
    await form.getByLabel('事项名称').fill('村内主街硬化');
    await form.getByLabel('类别').selectOption({ label: '工程项目建设' });
    await form.getByLabel('金额（元）').fill('360000.50');
    await shown(form.getByText('¥360,000.50'));
    await form.getByRole('button', { name: '保存' }).click();
    await shown(page.getByRole('heading', { name: '村内主街硬化', level: 1 }));
    await shown(page.locator('.timeline li.current', { hasText: '村党支部会提议' }));

    // one stage forward: the proposal meeting, quorate and passed
    await page.getByLabel('应到人数').fill('7');
    await page.getByLabel('实到人数').fill('6');
    await page.getByLabel('赞成').fill('5');
    await page.getByLabel('反对').fill('1');
    await page.getByRole('button', { name: '登记' }).click();
    await shown(page.getByRole('status').getByText('已登记“村党支部会提议”'));
    await shown(page.locator('.timeline li.done', { hasText: '村党支部会提议' }));
    await shown(page.locator('.timeline li.current', { hasText: '村“两委”会商议' }));

    // skipping the two committees' discussion is refused with the API's message
    await page.getByLabel('环节').selectOption('member_review');
    await page.getByLabel('应到人数').fill('30');
    await page.getByLabel('实到人数').fill('25');
    await page.getByLabel('赞成').fill('20');
    await page.getByRole('button', { name: '登记' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('不能跳过程序：现在应办理“村“两委”会商议”，不能办理“党员大会审议”');
    await docsScreenshot(page, 'decisions-timeline.png', { fullPage: true });
    const matters = await (await app.fixture.as('adminA')).get('/t/alpha/api/decisions/matters');
    expect(matters.body.items[0]).toMatchObject({ title: '村内主街硬化', amountFen: 36_000_050, lastStage: 'proposal' });
  });

  it('lets the village secretary link a household and move a visit finding to the problem list', async () => {
    const page = await phone.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await signIn(page, 'secretaryA');
    await page.waitForURL('**/t/alpha/home');
    await page.goto('/t/alpha/contact');
    const linkForm = page.locator('form', { has: page.getByRole('button', { name: '党员联系农户' }) });
    const memberName = app.fixture.a.rows.members.find((m) => m.villageId === villageA)!.name;
    await linkForm.getByLabel('党员').selectOption({ label: memberName });
    await linkForm.getByLabel('农户').selectOption({ label: households[3].headName });
    await linkForm.getByRole('button', { name: '党员联系农户' }).click();
    await shown(page.getByRole('row', { name: new RegExp(memberName) }).getByText(households[3].headName));

    await page.getByRole('tab', { name: '走访台账' }).click();
    const card = page.locator('.visit-card', { hasText: households[1].headName });
    page.once('dialog', (dialog) => dialog.accept());
    await card.getByRole('button', { name: '转入问题清单' }).click();
    await shown(card.getByText('已转入问题清单'));
  });
});
