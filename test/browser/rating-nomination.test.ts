import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, shanghaiYear } from '../../src/domain/calendar';
import { browserAvailable, docsScreenshot, startBrowserApp, type BrowserApp } from '../support/browser';

const Y = shanghaiYear();

/** The secretary's self-nomination (自评申报) on a 360 px phone. */
describe.skipIf(!browserAvailable())('the secretary’s nomination in the browser', () => {
  let app: BrowserApp;
  let page: Page;

  beforeAll(async () => {
    app = await startBrowserApp();
    const admin = await app.fixture.as('adminA');
    expect((await admin.post('/t/alpha/api/rating/years', { year: Y, nominationDeadline: addDays(shanghaiDate(), 3) })).status).toBe(201);
    const context = await app.newContext({ width: 360, height: 740 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 90_000);
  afterAll(() => app?.close());

  it('submits the level applied for, the statement and the 述职述廉 report at 360 px', async () => {
    await app.openAs(page, 'secretaryA', '/t/alpha/rating');
    await page.getByRole('heading', { name: `${Y}年度评星定级` }).waitFor();
    await page.getByText('当前环节：自评申报').waitFor();
    await page.getByLabel('申报星级').selectOption('4');
    await page.getByLabel('申报理由').fill('班子团结，集体经济稳步增长');
    await page.getByLabel('书记述职述廉报告').fill('一年来，带头落实“三会一课”，按月公开村务……');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: '提交申报' }).click();
    await page.getByText('申报已提交').waitFor();
    await page.getByRole('row', { name: /已申报/ }).waitFor();
    await docsScreenshot(page, 'rating-nomination.png', { fullPage: true });
    const entries = (await (await app.fixture.as('adminA')).get(`/t/alpha/api/rating/years/${Y}`)).body.entries;
    expect(entries).toEqual([expect.objectContaining({ villageId: app.fixture.a.rows.villages[0].id, appliedStars: 4, status: 'nominated', statement: '班子团结，集体经济稳步增长' })]);
  });
});
