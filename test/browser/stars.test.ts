import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annualResults, finalisedYears } from '../../src/db/schema';
import { seedDemoEvaluation } from '../../src/seed/demo-evaluation-day';
import { shanghaiYear } from '../../src/platform/time';
import { seededRandom } from '../../src/seed/random';
import { browserAvailable, shown, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';

const YEAR = shanghaiYear();


/** The star-result and income pages in Chromium: the dashboard's chart, income entry on a phone, finalise and re-open, a read-only viewer. */
describe.skipIf(!browserAvailable())('annual stars and collective income in the browser', () => {
  let app: BrowserApp;

  beforeAll(async () => {
    app = await startBrowserApp();
    const { fixture, db } = app;
    const admin = await fixture.as('adminA');
    const [v0, v1] = fixture.a.rows.villages.map((v) => v.id!);
    // this year: villagers' ballots for two branches; last year: final stars of every branch, so moves show
    await seedDemoEvaluation(db, seededRandom(3), [fixture.a.tenantId], ['靖庄', '刘洼']);
    const lastYear = fixture.a.rows.villages.map((v, i) => ({
      tenantId: fixture.a.tenantId,
      year: YEAR - 1,
      stage: 'final' as const,
      subjectKind: 'branch' as const,
      subjectId: v.id!,
      villageId: v.id!,
      composite: 7000 + i * 1000,
      complete: true,
      rawStars: 2 + i,
      finalStars: 2 + i,
      computedAt: new Date().toISOString(),
    }));
    await db.insert(annualResults).values(lastYear);
    await db.insert(finalisedYears).values({ tenantId: fixture.a.tenantId, year: YEAR - 1, finalisedAt: new Date().toISOString(), branches: 3, members: 0 });
    for (const [villageId, category, amountFen] of [
      [v0, 'cooperative', 8_000_000],
      [v0, 'leasing', 3_500_000],
      [v1, 'produce', 6_200_000],
    ] as const) {
      expect((await admin.post('/t/alpha/api/income/entries', { villageId, year: YEAR, category, amountFen })).status).toBe(201);
    }
    expect((await admin.put(`/t/alpha/api/income/targets/${YEAR}`, { villagesAtLeastLow: 3, villagesAtLeastHigh: 1 })).status).toBe(200);
    expect((await admin.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
  }, 90_000);
  afterAll(() => app?.close());

  it('shows the township admin the dashboard with charts drawn as SVG', async () => {
    const context = await app.newContext({ width: 1200, height: 900 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'adminA', '/t/alpha/dashboard');
    await shown(page.getByRole('heading', { name: '全镇概览', level: 1 }));
    await shown(page.getByRole('heading', { name: '村党支部星级分布' }));
    await expect.poll(() => page.locator('.chart-box svg').count()).toBe(3);
    await expect.poll(() => page.locator('.chart-box svg .ct-bar').count()).toBeGreaterThan(10);
    await shown(page.getByText(/^暂定 · 计算于 (\d{4}年)?\d{1,2}月\d{1,2}日 \d{2}:\d{2}/).first());
    // income tiers against the target: 2 villages ≥5万 of 3 wanted, 1 ≥10万 of 1
    await shown(page.getByText('目标 3 个 · 未达标'));
    await shown(page.getByText('目标 1 个 · 已达标'));
    await shown(page.getByText('村集体经济年收入低于 5 万元 · 1 个村'));
    // the income chart's drawn bars read as its legend says: 实际 (first, red) 2 and 1, 目标 (second) 3 and 1,
    // top to bottom ≥5万 then ≥10万, each bar as long as its value
    const drawn = await page.locator('.chart-box.horizontal svg').evaluate((svg) =>
      ['a', 'b'].map((series) =>
        [...svg.querySelectorAll(`.ct-series-${series} .ct-bar`)]
          .map((bar) => ({ value: Number(bar.getAttribute('ct:value')), y: Number(bar.getAttribute('y1')), length: Number(bar.getAttribute('x2')) - Number(bar.getAttribute('x1')) }))
          .sort((p, q) => p.y - q.y),
      ),
    );
    const legend = await page.locator('.chart-legend').last().locator('.legend').allTextContents();
    expect(legend).toEqual(['实际', '目标']);
    expect(drawn.map((bars) => bars.map((b) => b.value))).toEqual([[2, 1], [3, 1]]);
    const [actual, target] = drawn;
    expect(actual[0].length).toBeLessThan(target[0].length);
    expect(actual[1].length).toBeCloseTo(target[1].length, 0);
    expect(actual[0].length).toBeCloseTo(actual[1].length * 2, 0);
    // no value label overlaps another in any chart
    const overlaps = await page.evaluate(() =>
      [...document.querySelectorAll('.chart-box svg')].flatMap((svg) => {
        const boxes = [...svg.querySelectorAll('.ct-bar-value')].map((label) => label.getBoundingClientRect());
        return boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
      }).length,
    );
    expect(overlaps).toBe(0);
    await docsScreenshot(page, 'stars-dashboard.png', { fullPage: true });

    // the same page fits a 360 px phone
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    await expect.poll(() => page.locator('.chart-box svg').count()).toBe(3);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('records an income entry in yuan on a 360 px phone and lists it, with its history', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'adminA', '/t/alpha/income');
    await shown(page.getByRole('heading', { name: '村集体经济收入', level: 1 }));
    await page.getByRole('button', { name: '登记收入' }).click();
    const form = page.getByRole('dialog', { name: '登记收入' });
    await form.getByLabel('村庄').selectOption({ label: '刘洼' });
    await form.getByLabel('收入来源').selectOption({ label: '依托牧场流转土地' });
    await form.getByLabel('金额（元）').fill('12.345');
    await shown(form.getByText('请输入以元计的金额，最多两位小数'));
    await form.getByLabel('金额（元）').fill('12,345.6');
    await form.getByLabel('备注').fill('牧场土地流转费');
    await form.getByRole('button', { name: '保存' }).click();
    await form.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /刘洼/ }).filter({ hasText: '牧场土地流转费' });
    await shown(row);
    await shown(row.getByText('¥12,345.60'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await docsScreenshot(page, 'income-phone.png', { fullPage: true });

    await row.getByRole('button', { name: '修改记录' }).click();
    const history = page.getByRole('dialog', { name: /修改记录/ });
    await shown(history.getByText('新增'));
    await shown(history.getByText(/adminA/));
    await shown(history.getByText('¥12,345.60'));
  });

  it('finalises the year and re-opens it with a reason', async () => {
    const context = await app.newContext({ width: 1024, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => dialog.accept());
    await app.openAs(page, 'adminA', '/t/alpha/results');
    await shown(page.getByRole('rowheader', { name: '靖庄' }));
    await shown(page.locator('.stage-note').getByText('暂定结果', { exact: true }));
    await page.getByRole('button', { name: '定稿本年度' }).click();
    await shown(page.locator('.stage-note').getByText('已定稿', { exact: true }));
    await shown(page.getByRole('status').getByText(/完成：.*finalised 3 branches/));
    await page.getByRole('button', { name: '重新开放' }).click();
    const sheet = page.getByRole('dialog', { name: `重新开放 ${YEAR} 年度` });
    await sheet.getByLabel('理由').fill('补录刘洼村集体收入');
    await sheet.getByRole('button', { name: '重新开放' }).click();
    await sheet.waitFor({ state: 'hidden' });
    await shown(page.locator('.stage-note').getByText('暂定结果', { exact: true }));
    await shown(page.getByText(/撤下 3 条结果。理由：补录刘洼村集体收入/));
  });

  it('lets the platform admin list job runs and start one over every township', async () => {
    const context = await app.newContext({ width: 1024, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'platformAdmin', '/platform');
    await page.getByRole('link', { name: '计划任务' }).click();
    await page.waitForURL('**/platform/jobs');
    await shown(page.getByRole('heading', { name: '计划任务', level: 1 }));
    await page.getByLabel('任务').selectOption('recompute');
    await page.getByRole('button', { name: '立即运行' }).click();
    await shown(page.getByRole('row').filter({ hasText: '重新计算' }).filter({ hasText: '2/2 完成，0 失败' }).first());
  });

  it('gives a county viewer the dashboard and results without write buttons', async () => {
    const context = await app.newContext({ width: 1024, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'countyViewer', '/t/alpha/results');
    await shown(page.getByRole('rowheader', { name: '靖庄' }));
    expect(await page.getByRole('button', { name: /定稿|重新计算|重新开放/ }).count()).toBe(0);
    await page.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '集体经济' }).click();
    await shown(page.getByRole('row', { name: /靖庄/ }).first());
    expect(await page.getByRole('button', { name: /登记收入|编辑|删除/ }).count()).toBe(0);
    await page.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '底线红线' }).click();
    await shown(page.getByRole('rowheader', { name: /在培养的后备力量少于 2 名/ }));
    expect(await page.getByRole('button', { name: /新增红线|编辑/ }).count()).toBe(0);
  });
});
