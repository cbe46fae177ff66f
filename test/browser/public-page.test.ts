import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/platform/time';
import { browserAvailable, startBrowserApp, type BrowserApp, docsScreenshot } from '../support/browser';

const today = shanghaiDate();
const meeting = { heldOn: today, eligible: 9, present: 9, votesFor: 9 };

/** The villagers' public page in Chromium on a 360 px phone, without a login. */
describe.skipIf(!browserAvailable())('village public page in the browser', () => {
  let app: BrowserApp;
  let page: Page;
  let villageId: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    const { fixture } = app;
    villageId = fixture.a.rows.villages[0].id!;
    const admin = await fixture.as('adminA');
    const matter = await admin.post('/t/alpha/api/decisions/matters', { villageId, title: '村内主街硬化', category: 'construction', amountFen: 36_000_000 });
    for (const step of [
      { stage: 'proposal', ...meeting },
      { stage: 'discussion', ...meeting },
      { stage: 'member_review', ...meeting },
      { stage: 'resolution', ...meeting },
      { stage: 'resolution_public', heldOn: today, publicText: '主街硬化 1.2 公里,预算 36 万元' },
    ])
      await admin.post(`/t/alpha/api/decisions/matters/${matter.body.id}/stages`, step);
    await admin.post('/t/alpha/api/ledgers/disputes', { villageId, title: '宅基地纠纷', parties: '当事人甲乙丙', occurredOn: today });
    const context = await app.newContext({ width: 360, height: 740 });
    page = context.pages()[0] ?? (await context.newPage());
  }, 90_000);
  afterAll(() => app?.close());

  it('shows the village in large Chinese type at 360 px, with no personal data on the page', async () => {
    await page.goto(`/village?t=alpha&v=${villageId}`);
    await page.getByText('主街硬化 1.2 公里,预算 36 万元').waitFor();
    expect(await page.title()).toBe(`${app.fixture.a.rows.villages[0].name}村务公开`);
    await page.getByRole('heading', { name: '2026年村级事项（四议三审两公开）'.replace('2026', today.slice(0, 4)) }).waitFor();
    await page.getByText('村内主街硬化').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.matter h3')!).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(20);
    await docsScreenshot(page, 'village.png', { fullPage: true });

    const html = await page.content();
    const { a } = app.fixture;
    const memberNames = new Set(a.rows.members.map((m) => m.name));
    for (const phone of [...a.rows.members, ...a.rows.households].map((r) => r.phone).filter((p): p is string => !!p))
      expect(html, phone).not.toContain(phone);
    for (const name of a.rows.households.map((h) => h.headName).filter((n) => !memberNames.has(n))) expect(html, name).not.toContain(name);
    expect(html).not.toContain('当事人甲乙丙');
  });

  it('prints a QR code sheet for the village office wall', async () => {
    await page.goto(`/village?t=alpha&v=${villageId}&print=1`);
    const img = page.locator('.print-sheet img');
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('.print-sheet img') as HTMLImageElement | null)?.naturalWidth);
    expect(await img.getAttribute('src')).toBe(`/t/alpha/api/public/villages/${villageId}/qr.svg`);
    // the address to type when the code cannot be scanned: short, by the village's name, readable (not percent-encoded)
    const address = `${new URL(page.url()).host}/t/alpha/c/${app.fixture.a.rows.villages[0].name}`;
    expect(await page.locator('.print-sheet .sheet-address code').textContent()).toBe(address);
    await docsScreenshot(page, 'village-qr.png');
    // and typed, it opens this village's page
    await page.goto(`/t/alpha/c/${encodeURIComponent(app.fixture.a.rows.villages[0].name)}`);
    await page.waitForURL(`**/village?t=alpha&v=${villageId}`);
  });

  it('says so when the short address names no village of the township, above the list', async () => {
    await page.goto(`/t/alpha/c/${encodeURIComponent('没有这个村')}`);
    await page.getByText('没有找到“没有这个村”，请在下面选择村。').waitFor();
    await page.getByRole('link', { name: app.fixture.a.rows.villages[1].name }).waitFor();
  });

  it('lists the villages when none is named, and switches to English', async () => {
    await page.goto('/village?t=alpha');
    await page.getByRole('link', { name: app.fixture.a.rows.villages[1].name }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Plaques' }).waitFor();
  });
});
