import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiYear } from '../../src/platform/time';
import { browserAvailable, docsScreenshot, startBrowserApp, type BrowserApp } from '../support/browser';
import { PASSWORD } from '../support/fixture';
import type { TestServer } from '../support/servers';
import { branchCampaign, daysPass, evaluate, organisers, redLinesOff } from '../api/rating-support';

const Y = shanghaiYear();
const R = `/t/alpha/api/rating/years/${Y}`;

/** The city organisation department's page: the five-star proposals its counties confirmed, confirmed or returned with a reason. */
describe.skipIf(!browserAvailable())('the city’s five-star confirmation page in the browser', () => {
  let app: BrowserApp;
  let page: Page;

  beforeAll(async () => {
    app = await startBrowserApp();
    const server = { db: app.db, fetch: (path: string, init?: RequestInit) => fetch(app.origin + path, init) } as unknown as TestServer;
    const { fixture } = app;
    const v = fixture.a.rows.villages.map((x) => x.id!);
    const admin = await fixture.as('adminA');
    const { county } = await organisers(server, fixture);
    await redLinesOff(admin);
    const campaign = await branchCampaign(admin, Y, `${Y}年度村党支部星级评定`);
    await evaluate(fixture, admin, campaign, v[0], '100.00');
    await evaluate(fixture, admin, campaign, v[1], '95.00');
    await admin.post('/t/alpha/api/rating/years', { year: Y, nominationDeadline: shanghaiDate() });
    await daysPass(server, fixture.a.tenantId, Y, { nominationDeadline: true });
    expect((await admin.post(`${R}/score`, {})).status).toBe(200);
    // the county confirms both five-star proposals: they go on to the city
    for (const entry of (await county.get(R)).body.entries as { villageId: string; version: number; proposedStars: number }[])
      if (entry.proposedStars === 5) expect((await county.post(`${R}/entries/${entry.villageId}/recheck`, { decision: 'confirm', version: entry.version })).body.status).toBe('county_confirmed');
    const context = await app.newContext({ width: 1280, height: 900 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);
  afterAll(() => app?.close());

  it('lists the proposals awaiting the city and records a confirmation and a return', async () => {
    await page.goto('/login');
    await page.getByLabel('手机号').fill('13900000011');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // no township of its own: the top bar leads to the confirmation page
    await page.getByRole('link', { name: '五星级确认' }).click();
    await page.waitForURL('**/city/*/rating');
    await page.getByRole('heading', { name: `${Y}年度五星级党支部确认` }).waitFor();
    const [first, second] = app.fixture.a.rows.villages;
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) }).filter({ has: page.getByRole('button', { name: '确认' }) });
    await row(first.name).getByText('齐河县 · 甲镇').waitFor();
    await row(first.name).getByText('五星级').waitFor();
    await docsScreenshot(page, 'city-confirm.png', { fullPage: true });
    await row(first.name).getByRole('button', { name: '确认' }).click();
    await row(first.name).waitFor({ state: 'detached' });
    // a return without a reason is refused, in words
    await row(second.name).getByRole('button', { name: '退回' }).click();
    await row(second.name).getByRole('alert').waitFor();
    await row(second.name).getByLabel('退回理由').fill('五星级比例已满，请县里再核');
    await row(second.name).getByRole('button', { name: '退回' }).click();
    await page.getByText('没有待确认的五星级党支部').waitFor();
    const entries = new Map(((await (await app.fixture.as('adminA')).get(R)).body.entries as { villageId: string; status: string; cityReason: string | null }[]).map((e) => [e.villageId, e]));
    expect(entries.get(first.id!)).toMatchObject({ status: 'confirmed' });
    expect(entries.get(second.id!)).toMatchObject({ status: 'returned', cityReason: '五星级比例已满，请县里再核' });
  });
});
