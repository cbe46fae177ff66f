import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiYear } from '../../src/platform/time';
import { generateBallots } from '../../src/seed/ballots';
import { browserAvailable, docsScreenshot, shown, startBrowserApp, type BrowserApp } from '../support/browser';

const YEAR = shanghaiYear();


/** The ranking's rows as text cells (village is the row header). */
const rankingRows = (page: Page) =>
  page.locator('table.county-ranking tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c as HTMLElement).innerText.trim())));

/** The county department's page in Chromium: reached from the chooser and the shell, sorted, filtered, exported; on a desktop and a phone. */
describe.skipIf(!browserAvailable())('the county comparison page in the browser', () => {
  let app: BrowserApp;
  let countyPage: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    const { fixture, db } = app;
    countyPage = `/county/${fixture.countyId}`;
    await generateBallots(db, fixture.a.tenantId, { ballots: 90, year: YEAR, seed: 1 });
    await generateBallots(db, fixture.b.tenantId, { ballots: 60, year: YEAR, seed: 2 });
    expect((await (await fixture.as('adminA')).post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
    expect((await (await fixture.as('adminB')).post('/t/beta/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
  }, 90_000);
  afterAll(() => app?.close());

  it('takes a county viewer from the chooser to the comparison: summary, sort by a column, filter a township, export files', async () => {
    const context = await app.newContext({ width: 1280, height: 900 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'countyViewer', '/choose');
    await page.getByRole('link', { name: '全县比较' }).first().click();
    await page.waitForURL(`**${countyPage}`);
    await shown(page.getByRole('heading', { name: '齐河县 村党支部比较', level: 1 }));

    // the summary per township, with the county's total
    const summary = page.locator('table.county-summary');
    await shown(summary.getByRole('rowheader', { name: '甲镇' }));
    await shown(summary.getByRole('rowheader', { name: '乙镇' }));
    await shown(summary.getByRole('rowheader', { name: '全县合计' }));
    await shown(summary.getByRole('columnheader', { name: '≥ 5万元' }));
    expect(await summary.getByRole('row', { name: /全县合计/ }).locator('td').first().innerText()).toBe('6');

    // ranked by stars: rank numbers and star marks
    await expect.poll(async () => (await rankingRows(page)).length).toBe(6);
    await shown(page.locator('table.county-ranking .stars').first());
    expect(await page.getByRole('columnheader', { name: /排名/ }).getAttribute('aria-sort')).toBe('descending');

    // sort by composite score
    await page.getByRole('button', { name: /综合得分/ }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: /综合得分/ }).getAttribute('aria-sort')).toBe('descending');
    const scores = (await rankingRows(page)).map((cells) => Number(cells[4]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // by name
    const ranking = page.locator('table.county-ranking');
    await ranking.getByRole('button', { name: '村', exact: true }).click();
    await expect.poll(() => ranking.getByRole('columnheader', { name: '村', exact: true }).getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(() => ranking.getByRole('columnheader', { name: '综合得分' }).getAttribute('aria-sort')).toBe(null);

    // one township
    await page.getByLabel('乡镇').selectOption({ label: '乙镇' });
    await expect.poll(async () => (await rankingRows(page)).map((cells) => cells[1])).toEqual(['乙镇', '乙镇', '乙镇']);
    await docsScreenshot(page, 'county-desktop.png', { fullPage: true });
    // the view is in the address: reloaded (or sent to a colleague) it shows the same ranking
    expect(new URL(page.url()).searchParams.get('sort')).toBe('name');
    expect(new URL(page.url()).searchParams.get('township')).toBe(app.fixture.b.tenantId);
    await page.reload();
    await expect.poll(async () => (await rankingRows(page)).map((cells) => cells[1])).toEqual(['乙镇', '乙镇', '乙镇']);
    await expect.poll(() => ranking.getByRole('columnheader', { name: '村', exact: true }).getAttribute('aria-sort')).toBe('ascending');

    // the export buttons carry the filter and order, and answer files
    const csvHref = (await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href'))!;
    expect(csvHref).toContain(`township=${app.fixture.b.tenantId}`);
    expect(csvHref).toContain('sort=name');
    const csv = await page.request.get(csvHref);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`齐河县-乙镇-${YEAR}年村党支部星级比较.csv`)}`);
    const body = await csv.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('排名,乡镇,村,结果,星级,综合得分,触碰红线（项）,集体经济收入（元）,收入档次');
    expect(lines).toHaveLength(4);
    const xlsx = await page.request.get((await page.getByRole('link', { name: '导出 Excel' }).getAttribute('href'))!);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect([...(await xlsx.body()).subarray(0, 2)]).toEqual([0x50, 0x4b]); // a zip
  });

  it('fits a 360 px phone (the tables scroll sideways) and is reached from the shell of a township page', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'countyViewer', '/t/alpha/villages');
    await page.getByRole('link', { name: '全县比较' }).click();
    await page.waitForURL(`**${countyPage}`);
    await expect.poll(async () => (await rankingRows(page)).length).toBe(6);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await docsScreenshot(page, 'county-phone.png', { fullPage: true });
  });

  it('offers the platform admin the comparison of each county', async () => {
    const context = await app.newContext({ width: 1024, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'platformAdmin', '/choose');
    await page.getByRole('link', { name: '齐河县 全县比较' }).click();
    await page.waitForURL(`**${countyPage}`);
    await expect.poll(async () => (await rankingRows(page)).length).toBe(6);
    await shown(page.getByRole('heading', { name: '齐河县 村党支部比较', level: 1 }));
  });
});
