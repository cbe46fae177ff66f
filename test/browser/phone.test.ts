import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFailures } from '../../src/db/schema';
import { openBranchSession } from '../api/evaluation-support';
import { browserAvailable, docsScreenshot, startBrowserApp, type BrowserApp } from '../support/browser';
import type { ApiClient } from '../support/client';

const T = '/t/alpha/api/evaluation';

/** The villager's phone at 360 × 740: the member ballot one member per screen, its draft, the outbox and the error pages. */
describe.skipIf(!browserAvailable())('the villager’s phone', () => {
  let app: BrowserApp;
  let admin: ApiClient;
  let villageId: string;
  beforeAll(async () => {
    app = await startBrowserApp();
    villageId = app.fixture.a.rows.villages[0].id!;
    admin = await app.fixture.as('adminA');
  }, 90_000);
  afterAll(() => app?.close());

  const phone = async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    return { context, page: context.pages()[0] ?? (await context.newPage()) };
  };
  const qrPath = async (sessionId: string) => {
    const url = new URL((await admin.get(`${T}/sessions/${sessionId}/qr`)).body.url);
    return url.pathname + url.search;
  };
  const memberSession = () => openBranchSession(admin, villageId, { campaignBody: { name: '2026年度党员评议', subjectKind: 'member', villageIds: [villageId] } });
  /** Answers every question on screen with the same option. */
  const answer = async (page: Page, option = 0) => {
    for (const question of await page.locator('.question').all()) await question.locator('.opt').nth(option).click();
  };
  const position = (page: Page) => page.locator('.position').textContent();

  it('asks one member per screen, keeps the answers through a reload and the outbox, takes 不了解, and counts it in the report', async () => {
    const { session, campaign } = await memberSession();
    const members = app.fixture.a.rows.members.filter((m) => m.villageId === villageId);
    const n = members.length;
    const { context, page } = await phone();
    await page.goto(await qrPath(session.id));
    await page.waitForSelector('body[data-ready="1"]');
    expect(await position(page)).toBe(`第 1/${n} 位`);
    await page.getByText('不记名：任何人都看不到你打了多少分').waitFor();
    // one member's questions only, and nothing wider than the phone
    expect(await page.locator('.subject').count()).toBe(1);
    expect(await page.locator('.question').count()).toBeLessThanOrEqual(8);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await docsScreenshot(page, 'phone-member-ballot.png');

    // submitting a half-answered member says what is missing and sends nothing
    await page.locator('.question').first().locator('.opt').first().click();
    await page.getByRole('button', { name: '提交，下一位' }).click();
    await page.getByText(/这一位还有 \d+ 道题没有作答/).waitFor();
    await answer(page, 0);
    await page.getByRole('button', { name: '提交，下一位' }).click();
    await expect.poll(() => position(page)).toBe(`第 2/${n} 位`);
    // the second: 不了解
    await page.getByRole('button', { name: '不了解' }).click();
    await expect.poll(() => position(page)).toBe(`第 3/${n} 位`);

    // half the third member's answers, then a reload: they are still there
    await page.locator('.question').nth(0).locator('.opt').nth(2).click();
    await page.locator('.question').nth(1).locator('.opt').nth(1).click();
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => position(page)).toBe(`第 3/${n} 位`);
    expect(await page.locator('.question').nth(0).locator('.opt.on').textContent()).toBe(await page.locator('.question').nth(0).locator('.opt').nth(2).textContent());
    expect(await page.locator('.question').nth(1).locator('.opt.on').count()).toBe(1);

    // offline: the third is saved on the phone; the notice and its retry are in view, not under the bar
    await answer(page, 1);
    await context.setOffline(true);
    await page.getByRole('button', { name: '提交，下一位' }).click();
    const notice = page.getByText(/网络不通：已评的保存在这部手机上/);
    await notice.waitFor();
    const retry = page.getByRole('button', { name: '立即重试' });
    const box = (await retry.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(740);
    // the element at the retry button's centre is the button itself: nothing covers it
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.textContent, [box.x + box.width / 2, box.y + box.height / 2])).toBe('立即重试');
    expect(await page.textContent('.saved')).toContain('请保持本页打开，或联网后重新打开本页');
    // the villager goes on with the next member while the third waits in the outbox
    await expect.poll(() => position(page)).toBe(`第 4/${n} 位`);
    // back online, the outbox sends it by itself
    await context.setOffline(false);
    await expect.poll(() => page.locator('.saved').count(), { timeout: 15_000 }).toBe(0);

    // the rest, then the receipts of every member scored (not of the 不了解)
    for (let i = 4; i <= n; i++) {
      await answer(page, 0);
      await page.getByRole('button', { name: i < n ? '提交，下一位' : '提交，完成' }).click();
    }
    await page.getByText('提交成功，感谢您的参与！').waitFor({ timeout: 15_000 });
    await page.getByText('其中 1 位您选了“不了解”，不计分。').waitFor();
    expect(await page.locator('.receipts li').count()).toBe(n - 1);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xp_draft')).length)).toBe(1);
    // 另一人投票: the draft leaves with the voter
    await page.getByRole('button', { name: '另一人投票' }).click();
    await page.getByText('请下一位投票人扫码').waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xp_draft')).length)).toBe(0);

    expect((await admin.post(`${T}/sessions/${session.id}/close`)).status).toBe(200);
    const counts = await Promise.all(
      members.map(async (m) => (await admin.get(`${T}/campaigns/${campaign.id}/report?subjectKind=member&subjectId=${m.id}`)).body.unknownCount as number),
    );
    // one member has one 不了解, the others none: a count, never who
    expect(counts.sort()).toEqual([...Array(n - 1).fill(0), 1]);
  });

  it('tells a mistyped code from an expired QR, and a bad session code leads to the page to type it again', async () => {
    const { session } = await memberSession();
    const { page } = await phone();
    // the short address, typed in lower case
    await page.goto(`/t/alpha/v/${session.code.toLowerCase()}`);
    await page.getByLabel('验证码（大屏幕上的 6 位数字）').waitFor();
    const pin = (await admin.get(`${T}/sessions/${session.id}/qr`)).body.pin as string;
    await page.getByLabel('验证码（大屏幕上的 6 位数字）').fill(String((Number(pin) + 500_000) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: '进入测评' }).click();
    await page.getByText(/验证码不对/).waitFor();
    expect(await page.getByText(/二维码已过期/).count()).toBe(0);


    // a session code that names nothing
    await page.goto('/t/alpha/v/ZZZZZZ');
    await page.getByText('没有找到场次码“ZZZZZZ”的测评：请核对大屏幕或海报上的场次码，重新输入。', { exact: false }).waitFor();
    await docsScreenshot(page, 'phone-short-address.png');
    await page.getByLabel('场次码（大屏幕上的 6 位字母数字）').fill(session.code);
    await page.getByRole('button', { name: '进入测评' }).click();
    await page.getByLabel('验证码（大屏幕上的 6 位数字）').waitFor();
    // the right code while every free try of the session is being checked (a full hall typing at the same moment):
    // answered "wait a second", the page asks again by itself and goes on, with nothing to read about it
    const key = `typed-code:${app.fixture.a.tenantId}:${session.id}`;
    const busy = { key, failures: 1, windowStart: new Date().toISOString(), lockedUntil: null, inFlight: 300 };
    await app.db.insert(loginFailures).values(busy).onConflictDoUpdate({ target: loginFailures.key, set: { inFlight: 300 } });
    const waited = page.waitForResponse((r) => r.url().endsWith('/pass') && r.status() === 429);
    await page.getByLabel('验证码（大屏幕上的 6 位数字）').fill((await admin.get(`${T}/sessions/${session.id}/qr`)).body.pin);
    await page.getByRole('button', { name: '进入测评' }).click();
    expect((await waited).headers()['retry-after']).toBe('1');
    await app.db.update(loginFailures).set({ inFlight: 0 }).where(eq(loginFailures.key, key));
    await expect.poll(() => position(page)).toMatch(/^第 1\//);
    expect(await page.getByText(/尝试次数过多/).count()).toBe(0);
  });
});
