import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemReviews } from '../../src/db/schema';
import { TenantScope } from '../../src/db/tenant-scope';
import { shanghaiYear } from '../../src/domain/calendar';
import { generateBallots } from '../../src/seed/ballots';
import { browserAvailable, menu, docsScreenshot, seriousViolations, shown, signIn, startBrowserApp, type BrowserApp } from '../support/browser';

const YEAR = shanghaiYear();

/**
 * axe-core on every kind of admin page, as each role sees it (one sign-in per role): lists, a form sheet,
 * the dashboard's chart, a report, the homes, settings, the review queue, the phone's bar and drawer, and
 * the county page. None may have a violation of impact serious or critical. The homes are photographed
 * for docs/screenshots on the way.
 */
describe.skipIf(!browserAvailable())('the admin pages under axe-core', () => {
  let app: BrowserApp;
  let campaignId: string;
  let villageId: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    const { fixture, db } = app;
    villageId = fixture.a.rows.villages[0].id!;
    // a year of results (and income, so the county page shows its tier badges), in both townships of the county
    ({ campaignId } = await generateBallots(db, fixture.a.tenantId, { ballots: 90, year: YEAR, seed: 1 }));
    await generateBallots(db, fixture.b.tenantId, { ballots: 60, year: YEAR, seed: 2 });
    expect((await (await fixture.as('adminA')).post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
    expect((await (await fixture.as('adminB')).post('/t/beta/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
    // a villager's problem waiting in the review queue
    await new TenantScope(db, fixture.a.tenantId).insert(problemReviews, [
      { villageId, subjectKind: 'branch', subjectId: villageId, year: YEAR, content: '村西水渠堵塞', raisedAt: new Date().toISOString() },
    ]);
    // households for the party member to visit this month
    const memberId = fixture.a.rows.members.find((m) => m.villageId === villageId)!.id!;
    const secretary = await fixture.as('secretaryA');
    for (const h of fixture.a.rows.households.filter((row) => row.villageId === villageId).slice(0, 2)) {
      expect((await secretary.post('/t/alpha/api/contact/household-links', { memberId, householdId: h.id })).status).toBe(201);
    }
  }, 120_000);
  afterAll(() => app?.close());

  /**
   * Opens a page by its address and waits for `ready` (default its heading) and for its lists to load. Another
   * page of the app is reached in-app, as its menu's links do (the history entry, then the router's popstate),
   * not by loading the app again: the same page, rendered by the same code (with axe kept, the two a11y files took
   * 29 CPU-s against 39). It is waited for by a heading the page before did not have (a route reusing the
   * heading's node would time out, not pass).
   */
  async function visit(page: Page, path: string, ready?: Locator): Promise<void> {
    const target = new URL(path, app.origin);
    const current = new URL(page.url());
    if (current.origin !== target.origin || current.pathname === target.pathname) await page.goto(path);
    else {
      await page.evaluate((to) => {
        for (const heading of document.querySelectorAll('main h1')) (heading as HTMLElement & { stale?: true }).stale = true;
        history.pushState(null, '', to);
        dispatchEvent(new PopStateEvent('popstate'));
        // where a link's click takes the page (the router leaves a popstate's scroll alone)
        scrollTo(0, 0);
      }, target.pathname + target.search);
      await page.waitForFunction(() => {
        const heading = document.querySelector('main h1') as (HTMLElement & { stale?: true }) | null;
        return heading !== null && !heading.stale;
      });
    }
    await shown(ready ?? page.locator('main h1').first());
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
  }

  /** The page as it is now has no serious or critical violation (named, so a failure says which page). */
  async function clean(page: Page, what: string): Promise<void> {
    expect(await seriousViolations(page), what).toEqual([]);
  }

  const open = async (login: 'adminA' | 'secretaryA' | 'memberA' | 'countyViewer', width: number, height: number, next: string) => {
    const context = await app.newContext({ width, height });
    const page = context.pages()[0] ?? (await context.newPage());
    await app.openAs(page, login, next);
    return { context, page };
  };

  it('township admin on a 1366 px desktop: home, lists, a form sheet, the dashboard chart, a report, settings, the review queue, audit', async () => {
    const { context, page } = await open('adminA', 1366, 800, '/t/alpha/home');
    await shown(page.getByRole('heading', { name: '今日测评场次' }));
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
    await clean(page, 'home');
    await docsScreenshot(page, 'home-admin-desktop.png', { fullPage: true });

    await visit(page, '/t/alpha/villages', page.getByRole('rowheader').first());
    await clean(page, 'villages');
    await visit(page, '/t/alpha/households', page.locator('table.list tbody tr').first());
    await page.getByRole('button', { name: '新增农户' }).click();
    await shown(page.getByRole('dialog', { name: '新增农户' }));
    await clean(page, 'households with the new-household sheet open');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: '新增农户' }).waitFor({ state: 'hidden' });

    await visit(page, `/t/alpha/dashboard?year=${YEAR}`, page.locator('figure.chart').first());
    await clean(page, 'dashboard');
    await visit(page, `/t/alpha/results?year=${YEAR}`, page.getByRole('rowheader').first());
    await clean(page, 'results');
    await visit(page, `/t/alpha/evaluation?view=report&campaign=${campaignId}&kind=branch&subject=${villageId}`);
    await clean(page, 'branch report');
    await visit(page, '/t/alpha/evaluation?tab=sessions');
    await clean(page, 'sessions');
    await visit(page, '/t/alpha/problem-reviews', page.getByRole('row', { name: /村西水渠堵塞/ }));
    await clean(page, 'review queue');
    await visit(page, '/t/alpha/settings', page.getByLabel('群评'));
    await clean(page, 'settings');
    await visit(page, '/t/alpha/accounts');
    await clean(page, 'accounts');
    await visit(page, '/t/alpha/audit');
    await clean(page, 'audit log');
    await visit(page, `/t/alpha/income?year=${YEAR}`);
    await clean(page, 'income');
    await visit(page, '/t/alpha/red-lines');
    await clean(page, 'red lines');
    await visit(page, '/t/alpha/contact');
    await clean(page, 'contact network');
    await visit(page, '/t/alpha/decisions');
    await clean(page, 'decisions');
    await context.close();
  }, 120_000);

  it('village secretary on a 360 px phone: home, the bottom bar and the open drawer, a list, the import page', async () => {
    const { context, page } = await open('secretaryA', 360, 740, '/t/alpha/home');
    await shown(page.getByRole('heading', { name: '本村测评场次' }));
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
    await clean(page, 'secretary home');
    await docsScreenshot(page, 'home-secretary-phone.png', { fullPage: true });
    await menu(page);
    await clean(page, 'the drawer open');
    await page.keyboard.press('Escape');
    // the drawer closes on the popstate of its own history entry: a page reached before that back is over would be
    // taken back with it
    await page.getByRole('dialog', { name: '菜单' }).waitFor({ state: 'hidden' });
    await visit(page, '/t/alpha/members', page.locator('table.list tbody tr').first());
    await clean(page, 'members on a phone');
    await visit(page, '/t/alpha/problems');
    await clean(page, 'problems on a phone');
    await visit(page, '/t/alpha/import');
    await clean(page, 'import');
    await context.close();
  }, 120_000);

  it('party member on a 360 px phone: home, the visit form', async () => {
    const { context, page } = await open('memberA', 360, 740, '/t/alpha/home');
    await shown(page.getByRole('heading', { name: '本月待走访的联系户' }));
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
    await clean(page, 'member home');
    await docsScreenshot(page, 'home-member-phone.png', { fullPage: true });
    await visit(page, '/t/alpha/visit');
    await clean(page, 'visit form');
    await visit(page, '/t/alpha/evaluation');
    await clean(page, 'own reports');
    await context.close();
  }, 120_000);

  it('county viewer: lands on the county page (desktop), reads a township on a phone', async () => {
    const context = await app.newContext({ width: 1366, height: 800 });
    const page = context.pages()[0] ?? (await context.newPage());
    await signIn(page, 'countyViewer');
    await page.waitForURL(`**/county/${app.fixture.countyId}`);
    await shown(page.locator('table.county-ranking .tier').first());
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
    await clean(page, 'county page');
    await docsScreenshot(page, 'home-county-viewer.png', { fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await clean(page, 'county page on a phone');
    await visit(page, `/t/alpha/dashboard?year=${YEAR}`, page.locator('figure.chart').first());
    await clean(page, 'a township dashboard, read only, on a phone');
    await context.close();
  }, 120_000);
});
