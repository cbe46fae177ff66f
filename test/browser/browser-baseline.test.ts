import { databasesOf } from '../../src/db/databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBranchSession } from '../api/evaluation-support';
import { browserAvailable, startBrowserApp, takeCspViolations, type BrowserApp } from '../support/browser';
import { builtScriptSources } from '../support/build';

/**
 * Every page is served with the security headers and runs under its CSP (the shared helper fails any
 * browser test whose pages hit a violation); here: the headers themselves (every inline script of the pages
 * named by its hash), the phone ballot's inline prefetch script allowed by its hash, and that a violation is
 * indeed caught.
 */
describe.skipIf(!browserAvailable())('pages under the security headers', () => {
  let app: BrowserApp;
  let voteUrl: string;
  let session: { id: string; code: string };

  beforeAll(async () => {
    app = await startBrowserApp();
    const admin = await app.fixture.as('adminA');
    ({ session } = await openBranchSession(admin, app.fixture.a.rows.villages[0].id!));
    const qr = await admin.get(`/t/alpha/api/evaluation/sessions/${session.id}/qr`);
    voteUrl = new URL(qr.body.url).pathname + new URL(qr.body.url).search;
  }, 90_000);
  afterAll(() => app?.close());

  it.each(['/', '/login', '/vote', '/screen', '/village', '/assets/does-not-exist.js'])('%s carries the headers', async (path) => {
    const response = await fetch(app.origin + path);
    const csp = response.headers.get('content-security-policy') ?? '';
    // exactly the pages' inline scripts: the ballot's prefetch and the load-failed notice
    expect(csp.split('; ')).toContain(builtScriptSources());
    expect(builtScriptSources().match(/'sha256-/g)).toHaveLength(2);
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
    expect(response.headers.get('strict-transport-security')).toBeNull(); // plain HTTP here
  });

  it('HSTS behind a trusted TLS proxy', async () => {
    const { createNodeServer } = await import('../../src/node-server');
    const { WEB_OUT } = await import('../support/browser');
    const { TEST_ENV } = await import('../support/servers');
    const proxied = createNodeServer(databasesOf(app.db), { webRoot: WEB_OUT, trustProxy: true, env: TEST_ENV });
    for (const path of ['/vote', '/api/openapi.json']) {
      const response = await proxied.request(`http://127.0.0.1${path}`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    }
    // not trusted: the header is the caller's word
    const direct = createNodeServer(databasesOf(app.db), { webRoot: WEB_OUT, env: TEST_ENV });
    expect((await direct.request('http://127.0.0.1/vote', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toBeNull();
  });

  it('runs the phone ballot’s inline prefetch under the CSP (allowed by its hash) and shows the questions', async () => {
    const context = await app.newContext();
    const page = context.pages()[0] ?? (await context.newPage());
    const response = await page.goto(voteUrl);
    expect(response!.headers()['content-security-policy']).toContain("'sha256-");
    await page.locator('body[data-ready="1"]').waitFor({ state: 'attached' });
    // the early requests were made by the inline script, before the bundle ran
    expect(await page.evaluate(() => typeof (window as { __xpVote?: { pass: unknown } }).__xpVote?.pass)).toBe('object');
    await context.close();
  });

  it('catches a violation: an inline script and a style attribute put in by markup are refused and reported', async () => {
    const context = await app.newContext();
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/login');
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = 1';
      document.body.appendChild(script);
      document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>');
    });
    await expect.poll(() => takeCspViolations().join('\n'), { timeout: 5000 }).toMatch(/script-src|style-src/);
    expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBeUndefined();
    await page.waitForTimeout(200);
    takeCspViolations();
    await context.close();
  });

  it('shows the reason when a ballot queued in the outbox is refused for a field the server does not know (never lost in silence)', async () => {
    const admin = await app.fixture.as('adminA');
    const phone = app.fixture.anonymous();
    const { scan } = await import('../api/evaluation-support');
    const pass = await scan(admin, phone, session.id, session.code);
    const villageId = app.fixture.a.rows.villages[0].id!;
    const key = `alpha|${session.code}`;
    const queued = {
      session: key,
      url: `/t/alpha/api/evaluation/vote/${session.code}/ballots`,
      // as a page of another version might have queued it: one field this server does not know
      body: { pass: pass.pass, clientId: 'vqueued0000000001', voter: { kind: 'villager', deviceId: 'dqueuedphone0001' }, ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: {}, raterGroup: 'villager' }] },
      savedAt: new Date().toISOString(),
    };
    const context = await app.newContext();
    await context.addInitScript(
      ([passKey, passData, outbox]) => {
        if (sessionStorage.getItem('seeded')) return;
        sessionStorage.setItem('seeded', '1');
        localStorage.setItem(passKey, passData);
        localStorage.setItem('xp_vote_outbox', outbox);
      },
      [`xp_pass|${key}`, JSON.stringify(pass), JSON.stringify([queued])] as const,
    );
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`/vote?t=alpha&c=${session.code}`);
    const alert = page.locator('p.error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^提交没有成功：.*raterGroup.*请刷新后重新提交/);
    await context.close();
  });
});
