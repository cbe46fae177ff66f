import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, shown, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';

const T = '/t/alpha/api/evaluation';

/** "YYYY-MM-DD" and "HH:MM" of an instant in Asia/Shanghai. */
const shanghai = (ms: number) => {
  const iso = new Date(ms + 8 * 3600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
};


/** The township admin's side of the evaluation on a desktop: campaign, booking calendar, session, paper ballots, report. */
describe.skipIf(!browserAvailable())('evaluation admin pages in the browser', () => {
  let app: BrowserApp;
  let page: Page;
  /**
   * A slot around now, so the session can be opened at once, within today in Shanghai (a booking may not cross
   * midnight: run after 23:30 or before 01:30 Shanghai time, a slot of now ± the margins would be refused). Taken
   * when the booking is made, not when the file is collected, so a run reaching it past Shanghai's midnight books today.
   */
  const slotAroundNow = () => {
    const today = shanghai(Date.now()).date;
    const earlier = shanghai(Date.now() - 30 * 60_000);
    const later = shanghai(Date.now() + 90 * 60_000);
    return { start: earlier.date === today ? earlier : { date: today, time: '00:00' }, end: later.date === today ? later : { date: today, time: '23:59' } };
  };

  beforeAll(async () => {
    app = await startBrowserApp();
    const context = await app.newContext({ width: 1280, height: 900 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 90_000);
  afterAll(() => app?.close());

  it('creates a branch campaign with a live check of the weights', async () => {
    await app.openAs(page, 'adminA', '/t/alpha/evaluation');
    await shown(page.getByRole('heading', { name: '在线测评', level: 1 }));
    await page.getByRole('button', { name: '新建测评活动' }).click();
    const form = page.getByRole('dialog', { name: '新建测评活动' });
    await form.getByLabel('活动名称').fill('2026年度村党支部星级评定');
    await form.getByLabel('群评').fill('30');
    await shown(form.getByText('合计 90，须等于 100'));
    expect(await form.getByRole('button', { name: '创建测评活动' }).isDisabled()).toBe(true);
    await form.getByLabel('群评').fill('40');
    await shown(form.getByText('合计 100 ✓'));
    await form.getByRole('button', { name: '创建测评活动' }).click();
    await shown(page.getByRole('heading', { name: '2026年度村党支部星级评定' }));
    await shown(page.getByText('共 3 个测评对象'));
  });

  it('books a slot on the week calendar and refuses an overlapping booking', async () => {
    await page.getByRole('link', { name: '预约', exact: true }).click();
    await shown(page.getByText('还没有登记屏幕'));
    await page.getByRole('button', { name: '新增屏幕' }).click();
    await page.getByRole('dialog', { name: '新增屏幕' }).getByLabel('屏幕名称').fill('星级评定中心一号厅');
    await page.getByRole('dialog', { name: '新增屏幕' }).getByRole('button', { name: '保存' }).click();

    const book = async (village: string) => {
      await page.getByRole('button', { name: '新增预约', exact: true }).click();
      const form = page.getByRole('dialog', { name: '新增预约' });
      await form.getByLabel('村庄').selectOption({ label: village });
      const { start, end } = slotAroundNow();
      await form.getByLabel('日期').fill(start.date);
      await form.getByLabel('开始时间').fill(start.time);
      await form.getByLabel('结束时间').fill(end.time);
      await form.getByRole('button', { name: '预约', exact: true }).click();
      return form;
    };
    const first = await book('靖庄');
    await first.waitFor({ state: 'hidden' });
    await shown(page.locator('.ev-booking', { hasText: '靖庄' }).first());

    const clash = await book('刘洼');
    await expect.poll(() => clash.getByRole('alert').textContent()).toContain('“星级评定中心一号厅”在该时段已被预约（靖庄');
    await clash.getByRole('button', { name: '取消' }).click();

    // a second room booked the next day, through the API, so the picture shows lanes per screen
    const admin = await app.fixture.as('adminA');
    const [campaign] = (await admin.get(`${T}/campaigns`)).body.items;
    const room2 = await admin.post(`${T}/screens`, { name: '二号厅' });
    const tomorrow = shanghai(Date.now() + 86_400_000).date;
    const liuwa = app.fixture.a.rows.villages.find((v) => v.name === '刘洼')!.id;
    const second = await admin.post(`${T}/bookings`, {
      campaignId: campaign.id,
      villageId: liuwa,
      screenId: room2.body.id,
      startsAt: `${tomorrow}T14:00:00+08:00`,
      endsAt: `${tomorrow}T16:30:00+08:00`,
    });
    expect(second.status).toBe(201);
    await page.reload();
    await shown(page.locator('.ev-booking', { hasText: '刘洼' }).first());
    await page.mouse.move(0, 0);
    await docsScreenshot(page, 'evaluation-calendar.png', { fullPage: true });
  });

  it('opens the session from the booking and links to its big screen', async () => {
    await page.locator('.ev-booking', { hasText: '靖庄' }).first().click();
    await page.getByRole('dialog', { name: '预约详情' }).getByRole('button', { name: '开始测评' }).click();
    await page.waitForURL(/tab=sessions&session=/);
    const sessionId = new URL(page.url()).searchParams.get('session')!;
    const link = page.locator(`#session-${sessionId}`).getByRole('link', { name: /打开大屏幕/ });
    await shown(link);
    expect(await link.getAttribute('href')).toBe(`/screen?t=alpha&s=${sessionId}`);
    expect(await link.getAttribute('target')).toBe('_blank');
    await shown(page.locator(`#session-${sessionId}`).getByText('实时票数'));
  });

  it('enters paper ballots and opens the printable report', async () => {
    await page.getByRole('button', { name: '录入纸质票' }).click();
    const sheet = page.getByRole('dialog', { name: /录入纸质票/ });
    // a form missing answers is stopped before it is sent
    await sheet.getByRole('button', { name: '保存这张票' }).click();
    await shown(sheet.getByText(/还有题目没有选择/));
    for (let n = 1; n <= 5; n++) {
      await sheet.getByRole('button', { name: '全部选“好”' }).click();
      if (n === 1) await sheet.getByLabel('意见建议（选填）').fill('希望多为群众办实事');
      await sheet.getByRole('button', { name: '保存这张票' }).click();
      await sheet.getByText(`已录入 ${n} 张纸质票`).waitFor({ timeout: 10_000 });
    }
    await sheet.getByRole('button', { name: '关闭' }).first().click();
    // results count a session once it has ended: the hall's session is closed (through the API; the close button asks a confirm)
    const sessionId = new URL(page.url()).searchParams.get('session')!;
    expect((await (await app.fixture.as('adminA')).post(`${T}/sessions/${sessionId}/close`)).status).toBe(200);

    // a session's 结果 opens that village's report, not the campaign
    await page.getByRole('link', { name: '结果' }).first().click();
    await shown(page.getByRole('heading', { name: /评定报告/, level: 1 }));
    await shown(page.getByText('逐题平均分 · 群评'));
    await shown(page.getByText('希望多为群众办实事'));
    await shown(page.getByText('尚有评价群体没有投票，结果未完成。'));
    await docsScreenshot(page, 'evaluation-report.png', { fullPage: true });
    // printed on A4 without the app's navigation
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.mainnav').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '打印 / 保存为 PDF' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });

  it('edits a campaign: with ballots only the name, the rest locked with the reason; an unused one fully, then deletes it', async () => {
    await page.goto('/t/alpha/evaluation?tab=campaigns');
    await page.getByRole('link', { name: '2026年度村党支部星级评定' }).click();
    await shown(page.getByText('已开始测评的活动不能删除。'));
    expect(await page.getByRole('button', { name: '删除', exact: true }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '修改', exact: true }).click();
    const form = page.getByRole('dialog', { name: '修改测评活动' });
    await shown(form.getByText(/已有选票，只能修改活动名称/));
    expect(await form.getByLabel('群评').isDisabled()).toBe(true);
    expect(await form.getByLabel('5 星').isDisabled()).toBe(true);
    expect(await form.getByLabel('问卷版本').isDisabled()).toBe(true);
    expect(await form.getByLabel('年度').isDisabled()).toBe(true);
    await docsScreenshot(page, 'evaluation-campaign-edit.png');
    await form.getByLabel('活动名称').fill('2026年度村党支部星级评定(修订)');
    await form.getByRole('button', { name: '保存' }).click();
    await form.waitFor({ state: 'hidden' });
    await shown(page.getByRole('heading', { name: '2026年度村党支部星级评定(修订)' }));

    // a campaign nothing uses yet: weights change, then it goes after a confirmation with its booking
    const admin = await app.fixture.as('adminA');
    const spare = await admin.post(`${T}/campaigns`, { name: '多余的测评活动', subjectKind: 'branch' });
    await page.goto(`/t/alpha/evaluation?campaign=${spare.body.id}`);
    await page.getByRole('button', { name: '修改', exact: true }).click();
    const edit = page.getByRole('dialog', { name: '修改测评活动' });
    expect(await edit.getByRole('note').count()).toBe(0);
    await edit.getByLabel('自评').fill('10');
    await edit.getByLabel('群评').fill('50');
    await shown(edit.getByText('合计 100 ✓'));
    await edit.getByRole('button', { name: '保存' }).click();
    await edit.waitFor({ state: 'hidden' });
    await shown(page.getByText('群评 50'));
    page.once('dialog', (d) => {
      expect(d.message()).toContain('删除测评活动“多余的测评活动”');
      void d.accept();
    });
    await page.getByRole('button', { name: '删除', exact: true }).click();
    await page.waitForURL(/tab=campaigns/);
    await shown(page.getByRole('link', { name: '2026年度村党支部星级评定(修订)' }));
    expect(await page.getByRole('link', { name: '多余的测评活动' }).count()).toBe(0);
  });

  it("shows a screen's big-screen link to copy, and replaces it after a confirmation", async () => {
    await page.goto('/t/alpha/evaluation?tab=booking');
    await page.getByRole('button', { name: '大屏链接' }).click();
    const sheet = page.getByRole('dialog', { name: '大屏链接' });
    const field = sheet.getByLabel('“星级评定中心一号厅”的大屏链接');
    await expect.poll(() => field.inputValue()).toMatch(/\/screen\?t=alpha&screen=.+&key=/);
    const before = await field.inputValue();
    const item = sheet.locator('.ev-display-link', { hasText: '星级评定中心一号厅' });
    await item.getByRole('button', { name: '复制链接' }).click();
    await shown(item.getByRole('status'));
    // declining the confirmation keeps the link
    page.once('dialog', (d) => void d.dismiss());
    await item.getByRole('button', { name: '更换链接' }).click();
    expect(await field.inputValue()).toBe(before);
    page.once('dialog', (d) => {
      expect(d.message()).toContain('旧链接将立即失效');
      void d.accept();
    });
    await item.getByRole('button', { name: '更换链接' }).click();
    await shown(item.getByText('已更换链接，旧链接已失效'));
    const after = await field.inputValue();
    expect(after).not.toBe(before);
    expect((await app.fixture.anonymous().get(before.replace('/screen?t=alpha&screen=', `${T}/screens/`).replace('&key=', '/display?key=').replace(app.origin, ''))).status).toBe(403);
    await sheet.getByRole('button', { name: '关闭' }).click();
  });

  it('saves a change to a questionnaire in use as its next version', async () => {
    await page.goto('/t/alpha/evaluation?tab=questionnaires');
    await shown(page.getByText('修改已被测评活动使用的问卷时，系统会保存为新版本', { exact: false }).first());
    await page.getByRole('button', { name: '修改问卷' }).first().click();
    const form = page.getByRole('dialog', { name: '修改问卷' });
    await form.getByLabel('题目').first().fill('政治建设:坚决贯彻落实党的路线方针政策');
    await form.getByRole('button', { name: '保存' }).click();
    await shown(page.getByText('已保存为第 2 版。旧版本仍用于已有的测评活动。'));
    await shown(page.getByText('历史版本（1）'));
  });

  it('takes a problem through rectification, public notice and an answered objection', async () => {
    const yesterday = shanghai(Date.now() - 86_400_000).date;
    await page.goto('/t/alpha/problems');
    await page.getByRole('button', { name: '新增问题' }).click();
    const form = page.getByRole('dialog', { name: '新增问题' });
    await form.getByLabel('村庄').selectOption({ label: '靖庄' });
    await form.getByLabel('问题内容').fill('村东头路灯不亮');
    await form.getByLabel('整改措施').fill('本月内更换路灯');
    await form.getByLabel('整改时间（截止日期）').fill(yesterday);
    await form.getByLabel('责任人').fill('张书记');
    await form.getByRole('button', { name: '保存' }).click();
    await form.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /村东头路灯不亮/ });
    await shown(row.getByText('已逾期'));

    await row.getByRole('button', { name: '村东头路灯不亮' }).click();
    const sheet = page.getByRole('dialog', { name: '问题详情' });
    await sheet.getByRole('button', { name: '开始整改' }).click();
    await shown(sheet.getByText('整改中'));
    await sheet.getByRole('button', { name: '公示' }).click();
    await shown(sheet.getByText(/公示至/));

    // a villager objects on the public page while the notice runs
    const problemId = (await (await app.fixture.as('adminA')).get('/t/alpha/api/problems')).body.items.find(
      (p: { content: string }) => p.content === '村东头路灯不亮',
    ).id;
    const objection = await app.fixture.anonymous().post(`/t/alpha/api/problems/${problemId}/objections`, { content: '路灯换了还是不亮' });
    expect(objection.status).toBe(201);
    await sheet.getByRole('button', { name: '关闭' }).click();
    await row.getByRole('button', { name: '村东头路灯不亮' }).click();
    await shown(sheet.getByText('路灯换了还是不亮'));
    await sheet.getByRole('button', { name: '标记为已整改' }).click();
    await shown(sheet.getByText('已整改', { exact: true }));
    await sheet.getByRole('button', { name: '验收通过' }).click();
    await shown(sheet.getByText('还有群众异议没有答复，不能验收'));
    await sheet.getByLabel('答复').fill('已重新检修线路,现已正常照明');
    await sheet.getByRole('button', { name: '答复', exact: true }).click();
    await shown(sheet.getByText('已重新检修线路,现已正常照明'));
    await sheet.getByRole('button', { name: '验收通过' }).click();
    await shown(sheet.getByText('已验收', { exact: true }));
  });

  it('shows a party member their own report', async () => {
    const villageA = app.fixture.a.rows.villages[0].id!;
    const member = app.fixture.a.rows.members.find((m) => m.villageId === villageA)!;
    const admin = await app.fixture.as('adminA');
    const campaign = await admin.post(`${T}/campaigns`, { name: '2026年度党员星级评定', subjectKind: 'member', villageIds: [villageA] });
    expect(campaign.status).toBe(201);
    const context = await app.newContext({ width: 360, height: 740 });
    const phone = context.pages()[0] ?? (await context.newPage());
    await app.openAs(phone, 'memberA', '/t/alpha/evaluation');
    await shown(phone.getByRole('heading', { name: '我的评定报告' }));
    await phone.getByRole('link', { name: /2026年度党员星级评定/ }).click();
    await shown(phone.getByRole('heading', { name: `${member.name} · 评定报告` }));
    await shown(phone.getByRole('button', { name: '打印 / 保存为 PDF' }));
    await context.close();
  });

  it('gives a county viewer the evaluation to read, without write buttons', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const viewer = context.pages()[0] ?? (await context.newPage());
    await app.openAs(viewer, 'countyViewer', '/t/alpha/evaluation');
    await shown(viewer.getByRole('link', { name: '2026年度村党支部星级评定' }));
    expect(await viewer.getByRole('button', { name: '新建测评活动' }).count()).toBe(0);
    await viewer.goto('/t/alpha/problems');
    await shown(viewer.getByRole('heading', { name: '问题清单' }));
    expect(await viewer.getByRole('button', { name: '新增问题' }).count()).toBe(0);
  });
});
