import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemReviews } from '../../src/db/schema';
import { TenantScope } from '../../src/db/tenant-scope';
import { browserAvailable, shown, startBrowserApp, type BrowserApp } from '../support/browser';

/** 群众反映问题审核 in Chromium: a township admin accepts a villager's problem into the list on a 360 px phone. */
describe.skipIf(!browserAvailable())('problem review queue in the browser', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
    const village = app.fixture.a.rows.villages[0];
    // as a session's end leaves them in the queue
    await new TenantScope(app.db, app.fixture.a.tenantId).insert(problemReviews, [
      { villageId: village.id!, subjectKind: 'branch', subjectId: village.id!, year: 2026, content: '村西水渠堵塞', raisedAt: new Date().toISOString() },
    ]);
  }, 90_000);
  afterAll(() => app?.close());

  it('accepts a raised problem into the problem list', async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, 'adminA', '/t/alpha/problem-reviews');
    await shown(page.getByRole('heading', { name: '群众反映问题审核', level: 1 }));
    const row = page.getByRole('row', { name: /村西水渠堵塞/ });
    await row.getByRole('button', { name: '采纳', exact: true }).click();
    await shown(page.getByText('没有待处理的问题。'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByLabel('状态').selectOption('accepted');
    await page.getByRole('link', { name: '查看问题' }).click();
    await page.waitForURL('**/t/alpha/problems**');
    await shown(page.getByText('村西水渠堵塞').first());
  });
});
