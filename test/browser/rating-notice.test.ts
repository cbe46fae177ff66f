import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiYear } from '../../src/platform/time';
import { browserAvailable, docsScreenshot, startBrowserApp, type BrowserApp } from '../support/browser';
import type { TestServer } from '../support/servers';
import { branchCampaign, daysPass, evaluate, organisers, redLinesOff } from '../api/rating-support';

const Y = shanghaiYear();
const R = `/t/alpha/api/rating/years/${Y}`;

/** The 公示 on the village page, on a 360 px phone without a login: the level, the window, an objection sent. */
describe.skipIf(!browserAvailable())('the rating notice on the village page in the browser', () => {
  let app: BrowserApp;
  let page: Page;
  let villageId: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    const server = { db: app.db, fetch: (path: string, init?: RequestInit) => fetch(app.origin + path, init) } as unknown as TestServer;
    const { fixture } = app;
    const v = fixture.a.rows.villages.map((x) => x.id!);
    villageId = v[0];
    const admin = await fixture.as('adminA');
    const { county } = await organisers(server, fixture);
    await redLinesOff(admin);
    const campaign = await branchCampaign(admin, Y, `${Y}年度村党支部星级评定`);
    for (const id of v) await evaluate(fixture, admin, campaign, id, '80.00');
    await admin.post('/t/alpha/api/rating/years', { year: Y, nominationDeadline: shanghaiDate() });
    await daysPass(server, fixture.a.tenantId, Y, { nominationDeadline: true });
    await admin.post(`${R}/score`, {});
    for (const e of (await admin.get(R)).body.entries as { villageId: string; version: number }[])
      await county.post(`${R}/entries/${e.villageId}/recheck`, { decision: 'confirm', version: e.version });
    expect((await admin.post(`${R}/publish`, {})).status).toBe(200);
    const context = await app.newContext({ width: 360, height: 740 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);
  afterAll(() => app?.close());

  it('shows the notified level and lets a villager object without logging in', async () => {
    await page.goto(`/village?t=alpha&v=${villageId}`);
    await page.getByRole('heading', { name: `${Y}年度星级评定公示` }).waitFor();
    await page.getByText('拟评定为 4 星级党支部').waitFor();
    await page.getByText(/^公示期：\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日$/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const target = await page.getByRole('button', { name: '提交异议' }).boundingBox();
    expect(target!.height).toBeGreaterThanOrEqual(60);
    await page.getByLabel('异议内容').fill('村务公开栏半年没有更新');
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.getByText('已收到您的异议，乡镇党委会在命名前答复。').waitFor();
    await docsScreenshot(page, 'village-rating-notice.png', { fullPage: true });
    const objections = (await (await app.fixture.as('adminA')).get(`${R}/objections`)).body.items;
    expect(objections).toEqual([expect.objectContaining({ villageId, content: '村务公开栏半年没有更新', contact: null })]);
    // printed, the form is not on the A4 notice
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: '打印公示（A4）' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    // the township's notice page lists every branch
    await page.goto(`/village?t=alpha&notice=${Y}`);
    await page.getByRole('heading', { name: `甲镇${Y}年度村党支部星级评定结果公示` }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: '4星级' }).count()).toBe(3);
  });
});
