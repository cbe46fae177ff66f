import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiYear } from '../../src/platform/time';
import { browserAvailable, docsScreenshot, startBrowserApp, type BrowserApp } from '../support/browser';
import { PASSWORD, PHONES } from '../support/fixture';
import type { TestServer } from '../support/servers';
import { branchCampaign, daysPass, evaluate, organisers, redLinesOff } from '../api/rating-support';

const Y = shanghaiYear();
const R = `/t/alpha/api/rating/years/${Y}`;

/** The county organisation department's re-check page on a desktop: every township's step, then confirm or return each proposal. */
describe.skipIf(!browserAvailable())('the county re-check page in the browser', () => {
  let app: BrowserApp;
  let page: Page;

  beforeAll(async () => {
    app = await startBrowserApp();
    const server = { db: app.db, fetch: (path: string, init?: RequestInit) => fetch(app.origin + path, init) } as unknown as TestServer;
    const { fixture } = app;
    const v = fixture.a.rows.villages.map((x) => x.id!);
    const admin = await fixture.as('adminA');
    await organisers(server, fixture);
    await redLinesOff(admin);
    const campaign = await branchCampaign(admin, Y, `${Y}年度村党支部星级评定`);
    await evaluate(fixture, admin, campaign, v[0], '80.00');
    await evaluate(fixture, admin, campaign, v[1], '70.00');
    await admin.post('/t/alpha/api/rating/years', { year: Y, nominationDeadline: shanghaiDate() });
    await daysPass(server, fixture.a.tenantId, Y, { nominationDeadline: true });
    expect((await admin.post(`${R}/score`, {})).status).toBe(200);
    const context = await app.newContext({ width: 1280, height: 900 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);
  afterAll(() => app?.close());

  it('shows where each township stands and records a confirmation and a returned proposal', async () => {
    const path = `/county/${app.fixture.countyId}/rating`;
    await page.goto('/login');
    await page.getByLabel('手机号').fill('13900000010');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // the organiser has no township of their own: the top bar leads to the re-check
    await page.getByRole('link', { name: '星级复核' }).click();
    await page.waitForURL(`**${path}`);
    await page.getByRole('heading', { name: `${Y}年度星级复核` }).waitFor();
    const alpha = page.getByRole('row', { name: /甲镇/ }).first();
    await alpha.getByText('县级复核').waitFor();
    await page.getByRole('row', { name: /乙镇/ }).getByText('未开始').waitFor();
    const [first, second] = app.fixture.a.rows.villages;
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) }).filter({ has: page.getByRole('button', { name: '确认' }) });
    await row(first.name).getByRole('button', { name: '确认' }).click();
    await row(first.name).waitFor({ state: 'detached' });
    await row(second.name).getByLabel('退回理由').fill('村务公开不及时，请核实');
    await row(second.name).getByRole('button', { name: '退回' }).click();
    await row(second.name).waitFor({ state: 'detached' });
    await page.getByText(`${second.name}：村务公开不及时，请核实`).waitFor();
    await docsScreenshot(page, 'county-recheck.png', { fullPage: true });
    const entries = new Map(((await (await app.fixture.as('adminA')).get(R)).body.entries as { villageId: string; status: string }[]).map((e) => [e.villageId, e.status]));
    expect(entries.get(first.id!)).toBe('confirmed');
    expect(entries.get(second.id!)).toBe('returned');
  });

  it('shows the returned branch’s steps as a timeline on its rating page', async () => {
    const context = await app.newContext({ width: 1280, height: 900 });
    const admin = context.pages()[0] ?? (await context.newPage());
    const second = app.fixture.a.rows.villages[1];
    await admin.goto(`/login?next=${encodeURIComponent(`/t/alpha/rating/branch?villageId=${second.id}&year=${Y}`)}`);
    await admin.getByLabel('手机号').fill(PHONES.adminA);
    await admin.getByLabel('密码').fill(PASSWORD);
    await admin.getByRole('button', { name: '登录' }).click();
    await admin.getByRole('heading', { name: `${second.name}：${Y}年度评星定级` }).waitFor();
    const steps = admin.getByRole('list', { name: '办理过程' });
    await steps.getByText('乡镇开启自评申报').waitFor();
    await steps.getByText('乡镇评定，拟定星级').waitFor();
    const returned = steps.getByRole('listitem').filter({ hasText: '县委组织部复核退回' });
    await returned.getByText('齐河县委组织部复核 · 县委组织部（复核）').waitFor();
    await returned.getByText('理由：村务公开不及时，请核实').waitFor();
    await docsScreenshot(admin, 'rating-branch-timeline.png', { fullPage: true });
  });
});
