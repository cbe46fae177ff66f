import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBranchSession } from '../api/evaluation-support';
import { browserAvailable, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';
import type { ApiClient } from '../support/client';
import { PASSWORD, PHONES } from '../support/fixture';

const T = '/t/alpha/api/evaluation';

/** The evaluation as people see it: the big screen on a TV, villagers' phones at 360 px, the report. */
describe.skipIf(!browserAvailable())('evaluation in the browser: big screen and phone ballot', () => {
  let app: BrowserApp;
  let admin: ApiClient;
  let screen: Page;
  let session: { id: string; code: string };
  let campaignId: string;
  let villageId: string;
  let screenId: string;

  const phone = async (context?: BrowserContext) => {
    const c = context ?? (await app.newContext({ width: 360, height: 740 }));
    return { context: c, page: c.pages()[0] ?? (await c.newPage()) };
  };
  const villagerCount = () => screen.locator('[data-group="villager"] .count').textContent();
  /** The big screen asks for its counts every 3 s: its clock, which runs on by itself too, moved on to its next ask. */
  const nextAsk = () => screen.clock.fastForward(3_000);
  const qrUrl = async () => {
    await screen.locator('.qr svg').waitFor();
    return new URL((await screen.locator('.qr').getAttribute('data-url'))!).pathname + new URL((await screen.locator('.qr').getAttribute('data-url'))!).search;
  };
  /** Answers every question with its first option (好). */
  const answerAll = async (page: Page) => {
    for (const option of await page.locator('.question .opt:first-child').all()) await option.click();
  };

  beforeAll(async () => {
    app = await startBrowserApp();
    villageId = app.fixture.a.rows.villages[0].id!;
    admin = await app.fixture.as('adminA');
    const opened = await openBranchSession(admin, villageId, { screen: '星级评定中心一号厅' });
    session = opened.session;
    screenId = opened.screen.id;
    campaignId = opened.campaign.id;
    const context = await app.newContext({ width: 1280, height: 720 });
    screen = context.pages()[0] ?? (await context.newPage());
    await screen.clock.install();
  }, 90_000);
  afterAll(() => app?.close());

  it('shows the QR, the codes and zero counts on the big screen after sign-in', async () => {
    await screen.goto(`/screen?t=alpha&s=${session.id}`);
    await screen.getByLabel('手机号').fill(PHONES.adminA);
    await screen.getByLabel('登录密码').fill(PASSWORD);
    await screen.getByRole('button', { name: '登录' }).click();
    await screen.locator('.qr svg').waitFor();
    expect(await screen.locator('h1.village').textContent()).toBe('靖庄村党支部');
    expect(await screen.locator('.codes .code').first().textContent()).toBe(session.code);
    expect(await screen.locator('.codes .pin').textContent()).toMatch(/^\d{6}$/);
    expect(await qrUrl()).toMatch(new RegExp(`^/vote\\?t=alpha&c=${session.code}&k=\\d+\\.`));
    await expect.poll(villagerCount).toBe('0');
    // everything fits the TV without scrolling
    expect(await screen.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  });

  it('lets a villager on a 360 px phone answer in large type and submit; the big screen counts it', async () => {
    const { page } = await phone();
    await page.goto(await qrUrl());
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.locator('.subject h2').textContent()).toContain('靖庄村党支部');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const size = (selector: string) => page.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(s)!).fontSize), selector);
    expect(await size('.question legend')).toBeGreaterThanOrEqual(20);
    expect(await size('.opt')).toBeGreaterThanOrEqual(20);
    expect((await page.locator('.opt').first().boundingBox())!.height).toBeGreaterThanOrEqual(48);

    // submitting with questions left shows how many, and stores nothing
    await page.locator('.question .opt:first-child').first().click();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText(/还有 \d+ 道题没有作答/).waitFor();
    await answerAll(page);
    await page.getByText('写意见建议 / 反映问题（选填）').click();
    await page.getByLabel('意见建议').fill('村里路修得好');
    await page.getByLabel('反映问题（会转交镇党委跟踪整改）').fill('村西头路灯不亮');
    await page.evaluate(() => scrollTo(0, 0));
    await docsScreenshot(page, 'phone-ballot.png');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('提交成功，感谢您的参与！').waitFor();
    const receipt = (await page.locator('.receipt').first().textContent())!;
    expect(receipt).toMatch(/^[0-9A-Z]{10}$/);

    await nextAsk();
    await expect.poll(villagerCount).toBe('1');
    await docsScreenshot(screen, 'big-screen.png');

    // the public tally while the session runs: the count, no root (two roots a ballot apart would narrow it down)
    await page.getByRole('link', { name: '查看本场公开计票' }).click();
    await page.getByText('已收到 1 张选票').waitFor();
    await page.getByText(/本场结束后才能核对回执码/).waitFor();
    await page.getByText('本场结束后公布').waitFor();

    // the report: all 好 → 100 points from the villagers; the raised problem waits apart from its ballot until the end
    const report = await admin.get(`${T}/campaigns/${campaignId}/report?subjectKind=branch&subjectId=${villageId}`);
    // nothing of a running session is counted yet (a result moving ballot by ballot would show each voter's score)
    expect(report.body.groups.find((g: { group: string }) => g.group === 'villager')).toMatchObject({ count: 0, score: null });
    expect(report.body.composite).toBeNull();
    expect(report.body.problems.map((p: { content: string }) => p.content)).not.toContain('村西头路灯不亮');

    // opened again, the phone shows its receipt; 另一人投票 forgets the pass and asks the next voter to scan
    await page.goto(`/vote?t=alpha&c=${session.code}`);
    await page.getByText(receipt).waitFor();
    await page.getByRole('button', { name: '另一人投票' }).click();
    await page.getByText('请下一位投票人扫码').waitFor();
    await expect.poll(async () => (await admin.get(`${T}/sessions/${session.id}/live`)).body.handovers).toBe(1);
    // the next villager scans the screen: a pass of their own, and the whole ballot again
    await page.goto(await qrUrl());
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.locator('.question').count()).toBeGreaterThan(0);
    expect((await admin.get(`${T}/sessions/${session.id}/live`)).body.passes).toBeGreaterThanOrEqual(2);
  });

  it('keeps a ballot made offline and sends it once the network is back', async () => {
    const { context, page } = await phone();
    await page.goto(await qrUrl());
    await page.waitForSelector('body[data-ready="1"]');
    await answerAll(page);
    await context.setOffline(true);
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText(/您的评价已保存在这部手机上/).waitFor();
    // still there after the page is opened again (from the cache of the stored pass and outbox)
    await context.setOffline(false);
    await page.getByText('提交成功，感谢您的参与！').waitFor({ timeout: 15_000 });
    await nextAsk();
    await expect.poll(villagerCount).toBe('2');
    await page.reload();
    await page.getByText('提交成功，感谢您的参与！').waitFor();
  });

  it("shows the screen's display link on a TV with no login, and says so once the link is replaced", async () => {
    const link = (await admin.get(`${T}/screens/${screenId}/display-link`)).body as { url: string };
    const tv = await app.newContext({ width: 1280, height: 720 });
    const page = tv.pages()[0] ?? (await tv.newPage());
    await page.clock.install();
    await page.goto(link.url);
    await page.locator('.qr svg').waitFor();
    expect(await page.getByLabel('手机号').count()).toBe(0);
    expect(await page.locator('h1.village').textContent()).toBe('靖庄村党支部');
    expect(await page.locator('.screen-name').textContent()).toBe('星级评定中心一号厅');
    expect(await page.locator('.codes .code').first().textContent()).toBe(session.code);
    expect(await page.locator('.codes .pin').textContent()).toMatch(/^\d{6}$/);
    expect(await page.locator('.qr').getAttribute('data-url')).toMatch(new RegExp(`/vote\\?t=alpha&c=${session.code}&k=\\d+\\.`));
    // the typed fallback is the short address, without ?&=; and a TV shows no staff buttons at all
    expect(await page.locator('.type-url strong').textContent()).toBe(`${new URL(app.origin).host}/t/alpha/v/${session.code}`);
    expect(await page.locator('button, a.button').count()).toBe(0);
    // the same counts as the signed-in screen
    const counted = await villagerCount();
    await expect.poll(() => page.locator('[data-group="villager"] .count').textContent()).toBe(counted);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
    await docsScreenshot(page, 'big-screen-display-link.png');

    // the admin replaces the link: the TV says so on its next poll, in Chinese
    expect((await admin.post(`${T}/screens/${screenId}/display-link/rotate`, {})).status).toBe(200);
    await page.clock.fastForward(3_000);
    await page.getByText('大屏链接无效或已更换').waitFor();
    expect(await page.locator('.qr svg').count()).toBe(0);
    await tv.close();
  });

  it('waits on the next slot booked today and switches to its session by itself once it opens', async () => {
    const room = await admin.post(`${T}/screens`, { name: '星级评定中心二号厅' });
    const link = (await admin.get(`${T}/screens/${room.body.id}/display-link`)).body as { url: string };
    const booking = await admin.post(`${T}/bookings`, {
      campaignId,
      villageId: app.fixture.a.rows.villages[1].id,
      screenId: room.body.id,
      startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      endsAt: new Date(Date.now() + 60 * 60_000).toISOString(),
    });
    expect(booking.status).toBe(201);
    const tv = await app.newContext({ width: 1280, height: 720 });
    const page = tv.pages()[0] ?? (await tv.newPage());
    await page.clock.install();
    await page.goto(link.url);
    await page.locator('.next[data-next="刘洼"]').waitFor();
    expect(await page.locator('.idle-card .screen-name').textContent()).toBe('星级评定中心二号厅');
    await docsScreenshot(page, 'big-screen-display-waiting.png');
    const opened = await admin.post(`${T}/sessions`, { bookingId: booking.body.id });
    expect(opened.status).toBe(201);
    // the slot's time has come, so the waiting screen asks every few seconds (3 s)
    await page.clock.fastForward(3_000);
    await page.locator('.qr svg').waitFor();
    expect(await page.locator('h1.village').textContent()).toBe('刘洼村党支部');
    expect(await page.locator('.codes .code').first().textContent()).toBe(opened.body.code);
    await tv.close();
  });

  it('takes the typed check code when the link has no token, and explains a forged one in Chinese', async () => {
    const { page } = await phone();
    await page.goto(`/vote?t=alpha&c=${session.code}&k=${Math.floor(Date.now() / 30_000)}.forgedforgedforged`);
    await page.getByText('二维码已过期：请扫描大屏幕上正在显示的二维码').waitFor();
    const pin = (await screen.locator('.codes .pin').textContent())!;
    await page.getByLabel('验证码（大屏幕上的 6 位数字）').fill(pin);
    await page.getByRole('button', { name: '进入测评' }).click();
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.locator('.question').count()).toBeGreaterThan(0);
  });

  it('puts the secretary (code + PIN) in 自评 and a signed-in township leader in 点评', async () => {
    const creds = await admin.post(`${T}/member-credentials`, { villageId });
    const secretary = app.fixture.a.rows.members.find((m) => m.villageId === villageId && m.isSecretary)!;
    const cred = creds.body.items.find((c: { memberId: string }) => c.memberId === secretary.id);
    const { page } = await phone();
    await page.goto(await qrUrl());
    await page.waitForSelector('body[data-ready="1"]');
    await page.getByRole('tab', { name: '党员' }).click();
    expect(await page.locator('.question').count()).toBe(0);
    await page.getByLabel('党员编号').fill(cred.code);
    await page.getByLabel('密码').fill(cred.pin === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: '确认身份' }).click();
    await page.getByText('党员编号或密码不正确').waitFor();
    await page.getByLabel('密码').fill(cred.pin);
    await page.getByRole('button', { name: '确认身份' }).click();
    await page.getByText(`${secretary.name}，您好`).waitFor();
    expect(await page.locator('.subject .group').textContent()).toBe('自评');
    await answerAll(page);
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('提交成功，感谢您的参与！').waitFor();

    // the phone is handed on: 另一人投票 forgets the secretary's pass, the leader scans afresh
    await page.getByRole('button', { name: '另一人投票' }).click();
    await page.getByText('请下一位投票人扫码').waitFor();
    await page.goto(await qrUrl());
    await page.waitForSelector('body[data-ready="1"]');
    await page.getByRole('tab', { name: '镇领导' }).click();
    await page.getByLabel('手机号').fill(PHONES.adminA);
    await page.getByLabel('登录密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.subject .group', { hasText: '领导点评' }).waitFor();
    await answerAll(page);
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('提交成功，感谢您的参与！').waitFor();
    await nextAsk();
    await expect.poll(() => screen.locator('[data-group="self"] .count').textContent()).toBe('1');
    await expect.poll(() => screen.locator('[data-group="leader"] .count').textContent()).toBe('1');
  });

  it('prints a poster QR valid for the whole session', async () => {
    await screen.goto(`/screen?t=alpha&s=${session.id}&poster=1`);
    await screen.locator('.poster .qr svg').waitFor();
    expect(await screen.locator('.poster .qr').getAttribute('data-url')).toMatch(/&k=p\./);
  });

  it('prints one-time ballot tickets to cut, a QR and a code each, once per request', async () => {
    await screen.goto(`/screen?t=alpha&s=${session.id}&tickets=3`);
    await expect.poll(() => screen.locator('.ticket .qr svg').count()).toBe(3);
    const codes = await screen.locator('.ticket-code').allTextContents();
    expect(new Set(codes).size).toBe(3);
    expect(await screen.locator('.ticket .qr').first().getAttribute('data-url')).toMatch(/&ticket=[0-9A-Z]{10}$/);
    // the address no longer asks for tickets: a reload prints no second batch
    expect(new URL(screen.url()).searchParams.get('tickets')).toBeNull();
    await docsScreenshot(screen, 'ballot-tickets.png');
    // back to the big screen for the tests after this one
    await screen.goto(`/screen?t=alpha&s=${session.id}`);
    await screen.locator('.qr svg').waitFor();
  });

  it('asks for the household code where the township requires one', async () => {
    const codes = await admin.post(`${T}/household-codes`, { villageId });
    const householdCode = codes.body.items[0].code as string;
    expect((await admin.put('/t/alpha/api/settings', { requireHouseholdCode: true })).status).toBe(200);
    const { page } = await phone();
    await page.goto(await qrUrl());
    await page.waitForSelector('body[data-ready="1"]');
    await answerAll(page);
    await page.getByLabel('户码（村里发放的户码）').fill('WRONG1');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('提交没有成功：户码不正确，请核对后重新输入').waitFor();
    await page.getByLabel('户码（村里发放的户码）').fill(householdCode.toLowerCase());
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('提交成功，感谢您的参与！').waitFor();
    await admin.put('/t/alpha/api/settings', { requireHouseholdCode: false });
  });
});
