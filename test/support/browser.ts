import { databasesOf } from '../../src/db/databases';
import { serve, type ServerType } from '@hono/node-server';
import { dirStore } from '../../src/audit/dir-store';
import { dirPhotoStore } from '../../src/platform/photo-dir-store';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Db } from '../../src/db/client';
import { createNodeServer } from '../../src/node-server';
import { backgroundWork } from '../../src/platform/background';
import { TEST_BUILD } from './build';
import { migratedMemoryDb } from './memory-db';
import { scratchDir } from './scratch';
import { createFixture, PASSWORD, PHONES, type Fixture, type Login } from './fixture';
import { ApiClient } from './client';
import { TEST_ENV, type TestServer } from './servers';

import { TEST_CHROMIUM, TEST_CHROMIUM_FLAGS } from './chromium';

/**
 * playwright-core by require, not import: imported, Node's ESM loader checks whether its CommonJS files are modules and
 * lexes them for their exports, following every re-export (~0.9 s of CPU to load it against ~0.5 s, in each test process).
 */
const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');

/**
 * Content-Security-Policy violations seen by any page of this test file's browsers since the last test
 * ended: each browser test fails if its pages hit one (an inline script or style, a foreign request),
 * so every page runs under the CSP the servers send and must keep working with it.
 */
const cspViolations: string[] = [];

/**
 * Fails the test that just ended if its pages hit a CSP violation. Registered for each test file by the lane's
 * setup file (browser-setup.ts): this module is imported once per worker, so a hook registered here would
 * reach only the first file.
 */
export function failOnCspViolations(): void {
  const seen = cspViolations.splice(0);
  if (seen.length) throw new Error(`Content-Security-Policy violation(s) in the browser:\n${seen.join('\n')}`);
}

/** Takes the violations seen so far (a test that provokes one on purpose checks it was seen, and the test passes). */
export const takeCspViolations = (): string[] => cspViolations.splice(0);

/** Makes every page of the context report its CSP violations (the DOM event, and Chromium's console error as a second net). */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.exposeBinding('__xpCspViolation', ({ page }, text: string) => void cspViolations.push(`${page?.url() ?? '?'}: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __xpCspViolation(text: string): void }).__xpCspViolation(
        `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`,
      );
    });
  });
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(`${message.page()?.url() ?? '?'}: ${message.text()}`);
  });
}

/** Signs one of the fixture's logins in through the login page, and waits for the page it was sent on to (if any). */
export async function signIn(page: Page, login: Login, next?: string): Promise<void> {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await page.getByLabel('手机号').fill(PHONES[login]);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  if (next) await page.waitForURL(`**${next}`);
}

/**
 * A picture for docs/screenshots, taken only when refreshing them (UPDATE_SCREENSHOTS=1 npm test): a test run
 * otherwise asserts what the page shows and leaves the pictures alone, without the ~0.1 s of Chromium CPU that
 * painting and encoding each of the 38 took (3–4 s a run, for files nobody looked at in .build).
 */
export async function docsScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync('docs/screenshots', { recursive: true });
  await page.screenshot({ path: join('docs/screenshots', name), ...options });
}

/**
 * Whether browser tests run here. Without Chromium they are skipped with a notice, unless REQUIRE_BROWSER=1
 * (CI), where a missing browser is a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(TEST_CHROMIUM)) return true;
  const install = 'apt-get install chromium-headless-shell chromium fonts-wqy-microhei';
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${TEST_CHROMIUM} is missing (${install})`);
  console.warn(`[browser tests skipped] ${TEST_CHROMIUM} not found; ${install} to run them`);
  return false;
}

/** The pages this run's global setup built (shared by every test process; read-only). */
export const WEB_OUT = TEST_BUILD.web;

export interface BrowserApp {
  /** http://127.0.0.1:<random port> */
  origin: string;
  fixture: Fixture;
  /** the app's database, for seeding what no API writes in one call */
  db: Db;
  /** the path of every request the server was sent, in order (what a browser took from its cache never arrives) */
  served: string[];
  /** a fresh browser profile (no cookies, no storage), with one blank page open */
  newContext(options?: { width?: number; height?: number; locale?: string }): Promise<BrowserContext>;
  /**
   * Opens `path` signed in as `login`, for a test whose subject is not the sign-in: the session comes from the
   * API's login (its cookie set in the page's profile, as the login page's answer sets it) and the page loads
   * once, not the login page first with its form (~0.2 s of CPU each). The login page is signIn's.
   */
  openAs(page: Page, login: Login, path: string): Promise<void>;
  close(): Promise<void>;
}


/**
 * This test process's Chromium, launched at its first browser file and used by every next one (`isolate: false`
 * keeps this module for the worker's files); Playwright closes it when the process ends. Driven in process, the
 * protocol's messages pass as objects: one Chromium for the run behind `launchServer`, each file connecting over
 * its WebSocket, cost the run's main process ~10 s of CPU encoding, sending and dispatching them.
 */
let chromiumOfWorker: Promise<Browser> | undefined;
function workerChromium(): Promise<Browser> {
  chromiumOfWorker ??= chromium.launch({ executablePath: TEST_CHROMIUM, headless: true, args: TEST_CHROMIUM_FLAGS }).then((browser) => {
    // one that crashed or failed to start is not handed to the worker's next file
    browser.on('disconnected', () => (chromiumOfWorker = undefined));
    return browser;
  });
  chromiumOfWorker.catch(() => (chromiumOfWorker = undefined));
  return chromiumOfWorker;
}

/** The built app served in-process by the Node server on libSQL in memory, with the test fixture, and Chromium to drive it. */
export async function startBrowserApp(): Promise<BrowserApp> {
  const { db, client } = await migratedMemoryDb();
  const auditDir = scratchDir('xingping-audit-');
  const photoDir = scratchDir('xingping-photos-');
  const auditStore = dirStore(auditDir.path);
  const photoStore = dirPhotoStore(photoDir.path);
  const databases = databasesOf(db);
  const background = backgroundWork();
  const app = createNodeServer(databases, { webRoot: WEB_OUT, env: TEST_ENV, auditStore, photoStore, background });
  const served: string[] = [];
  const server: ServerType = await new Promise((resolve) => {
    const fetch: typeof app.fetch = (request, ...rest) => {
      served.push(new URL(request.url).pathname);
      return app.fetch(request, ...rest);
    };
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const testServer: TestServer = {
    driver: 'libsql',
    db,
    databases,
    auditStore,
    photoStore,
    fetch: (path, init) => fetch(path.startsWith('http') ? path : origin + path, init),
    close: async () => undefined,
  };
  const fixture = await createFixture(testServer);

  const contexts = new Set<BrowserContext>();
  return {
    origin,
    fixture,
    db,
    served,
    async newContext({ width = 360, height = 740, locale = 'zh-CN' } = {}) {
      const context = await (await workerChromium()).newContext({ viewport: { width, height }, locale, timezoneId: 'Asia/Shanghai', baseURL: origin });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      context.setDefaultTimeout(15_000); // generous: two cores shared by parallel test files
      await watchCsp(context);
      await context.newPage();
      return context;
    },
    async openAs(page, login, path) {
      const client = await new ApiClient(testServer).login(PHONES[login], PASSWORD);
      const cookies = client.cookieHeader().split('; ').map((pair) => pair.split('='));
      await page.context().addCookies(cookies.map(([name, value]) => ({ name, value, url: origin, httpOnly: true, sameSite: 'Lax' as const })));
      await page.goto(path);
    },
    async close() {
      // the file's profiles go with it; the worker's Chromium serves its next file
      await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // what requests left running (audit seals) finishes before its database closes
      await background.settled();
      client.close();
      auditDir.remove();
      photoDir.remove();
    },
  };
}

/**
 * The grouped navigation (菜单, in either language): the sidebar on a desktop; on a phone the drawer, opened
 * here with the bottom bar's 更多 button. Choosing an entry in the drawer closes it: call again for the next.
 */
export async function menu(page: Page): Promise<Locator> {
  await page.locator('nav.mainnav:visible, .bottombar .nav-more:visible').first().waitFor();
  const more = page.locator('.bottombar .nav-more');
  if ((await more.isVisible()) && (await more.getAttribute('aria-expanded')) !== 'true') await more.click();
  const nav = page.locator('nav.mainnav:visible, [role=dialog] nav.drawernav');
  await shown(nav);
  return nav;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The accessibility violations of impact serious or critical on the page as it is (axe-core, injected past the CSP
 * as DevTools does, once per document: a page reached in-app keeps it). Every rule runs that can report such a
 * violation: those enabled by default whose own impact, or else one of whose checks' impact, is serious or critical
 * (a violation's impact is the rule's, or the highest of its failed checks'); the other 28 (`region`, `heading-order`,
 * the landmark rules…) can report only minor or moderate ones, which were filtered out after running them. Only the
 * violations' nodes are collected (`resultTypes`), not those of the rules passed, which nothing reads.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  type Impact = 'minor' | 'moderate' | 'serious' | 'critical' | undefined;
  type AxeRule = { id: string; enabled: boolean; impact?: Impact; any: (string | { id: string })[]; all: (string | { id: string })[]; none: (string | { id: string })[] };
  type Axe = {
    _audit: { rules: AxeRule[]; data: { checks: Record<string, { impact?: Impact }> } };
    run(options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
  };
  const result = await page.evaluate(() => {
    const axe = (window as unknown as { axe: Axe }).axe;
    const serious = (impact: Impact) => impact === 'serious' || impact === 'critical';
    const checkImpact = (check: string | { id: string }) => axe._audit.data.checks[typeof check === 'string' ? check : check.id]?.impact;
    const canBeSerious = (rule: AxeRule) => (rule.impact ? serious(rule.impact) : [...rule.any, ...rule.all, ...rule.none].some((check) => serious(checkImpact(check))));
    const rules = axe._audit.rules.filter((rule) => rule.enabled && canBeSerious(rule)).map((rule) => rule.id);
    return axe.run({ runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Waits until the element is on screen (playwright-core has no web-first assertions; vitest's expect.poll covers the rest). */
export async function shown(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible' });
}
