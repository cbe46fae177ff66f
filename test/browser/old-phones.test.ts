import { parse, type Node } from 'acorn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineScripts } from '../../src/platform/security-headers';
import { openBranchSession } from '../api/evaluation-support';
import { browserAvailable, startBrowserApp, WEB_OUT, type BrowserApp } from '../support/browser';

/** The pages villagers' phones and the halls' TV boxes load; the admin app may use newer syntax. */
const PHONE_PAGES = ['vote', 'village', 'screen'];

/** The files a module imports (static and re-exports; a dynamic import() is ES2020 and fails the parse itself). */
function importsOf(program: Node): string[] {
  const found: string[] = [];
  for (const node of (program as unknown as { body: { type: string; source?: { value: string } | null }[] }).body)
    if ((node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source) found.push(node.source.value);
  return found;
}

/** Every script a built page runs, by path under the build folder: its inline scripts, its module graph, its nomodule fallback. */
function scriptsOf(page: string): { name: string; code: string; kind: 'script' | 'module' }[] {
  const html = readFileSync(join(WEB_OUT, `${page}.html`), 'utf8');
  const scripts: { name: string; code: string; kind: 'script' | 'module' }[] = inlineScripts(html).map((code, i) => ({ name: `${page}.html inline #${i + 1}`, code, kind: 'script' }));
  for (const [, src] of html.matchAll(/<script nomodule src="([^"]+)"/g)) scripts.push({ name: src, code: readFileSync(join(WEB_OUT, src), 'utf8'), kind: 'script' });
  const queue = [...html.matchAll(/<script type="module"[^>]*src="([^"]+)"|<link rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  const seen = new Set<string>();
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const code = readFileSync(join(WEB_OUT, path), 'utf8');
    scripts.push({ name: path, code, kind: 'module' });
    try {
      for (const spec of importsOf(parse(code, { ecmaVersion: 2019, sourceType: 'module' }))) queue.push(new URL(spec, `http://x${path}`).pathname);
    } catch {
      /* reported by the parse test below */
    }
  }
  return scripts;
}

describe('old phones: the phone pages parse as ES2019', () => {
  it.each(PHONE_PAGES)('%s: every script it runs is ES2019', (page) => {
    const scripts = scriptsOf(page);
    expect(scripts.filter((s) => s.kind === 'module').length).toBeGreaterThanOrEqual(2);
    const failures = scripts.flatMap((s) => {
      try {
        parse(s.code, { ecmaVersion: 2019, sourceType: s.kind });
        return [];
      } catch (error) {
        const at = (error as { pos?: number }).pos ?? 0;
        return [`${s.name}: ${(error as Error).message} near ${JSON.stringify(s.code.slice(Math.max(0, at - 40), at + 40))}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it('the check has teeth: ES2020 syntax fails the same parser', () => {
    for (const newer of ['a?.b', 'a ?? b', 'import("./x.js")', 'class A { #x = 1 }', 'a ||= b'])
      expect(() => parse(newer, { ecmaVersion: 2019, sourceType: 'module' }), newer).toThrow();
  });
});

/**
 * The runtime half: the ballot on a browser without the APIs iOS 12.0 Safari and Chrome 61–72 WebViews lack
 * (web/shared/legacy.ts and the outbox's fallback must cover them), and on a network that drops its script.
 */
describe.skipIf(!browserAvailable())('old phones and bad networks: the ballot without newer runtime APIs, or without its script', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  }, 90_000);
  afterAll(() => app?.close());

  it('opens, answers and submits the branch ballot with queueMicrotask, Object.fromEntries, flat/flatMap, Promise#finally and AbortController removed', async () => {
    const admin = await app.fixture.as('adminA');
    const { session } = await openBranchSession(admin, app.fixture.a.rows.villages[0].id!);
    const url = new URL((await admin.get(`/t/alpha/api/evaluation/sessions/${session.id}/qr`)).body.url);
    const context = await app.newContext({ width: 360, height: 740 });
    await context.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      delete w.queueMicrotask;
      delete w.AbortController;
      delete (Object as unknown as Record<string, unknown>).fromEntries;
      delete (Array.prototype as unknown as Record<string, unknown>).flat;
      delete (Array.prototype as unknown as Record<string, unknown>).flatMap;
      delete (Promise.prototype as unknown as Record<string, unknown>).finally;
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url.pathname + url.search);
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.evaluate(() => typeof (window as unknown as { AbortController?: unknown }).AbortController)).toBe('undefined');
    for (const option of await page.locator('.question .opt:first-child').all()) await option.click();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('提交成功，感谢您的参与！').waitFor();
    await page.goto('/village?t=alpha');
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });

  it("says so in large type when the ballot's code does not arrive, and its button loads the ballot", async () => {
    const admin = await app.fixture.as('adminA');
    const { session } = await openBranchSession(admin, app.fixture.a.rows.villages[1].id!);
    const url = new URL((await admin.get(`/t/alpha/api/evaluation/sessions/${session.id}/qr`)).body.url);
    const context = await app.newContext({ width: 360, height: 740 });
    const page = context.pages()[0] ?? (await context.newPage());
    const voteChunk = /\/assets\/vote-[\w-]{8}\.js$/;
    const notice = page.getByRole('alert');

    // the network drops the page's script
    await page.route(voteChunk, (route) => route.abort('internetdisconnected'));
    await page.goto(url.pathname + url.search);
    await notice.getByText('页面没有完全打开，可能是网络不好。').waitFor();
    expect(await notice.evaluate((box) => parseFloat(getComputedStyle(box).fontSize))).toBeGreaterThanOrEqual(20);
    const again = notice.getByRole('button', { name: '重新打开' });
    expect((await again.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    // back on line, the button brings the ballot
    await page.unroute(voteChunk);
    await again.click();
    await page.waitForSelector('body[data-ready="1"]');
    expect(await notice.count()).toBe(0);

    // a deployment replaced the script while the page loaded (the old name answers a page), in English
    await page.route(voteChunk, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><p>星评</p>' }));
    await page.goto(`${url.pathname}${url.search}&lang=en`);
    await notice.getByText('The page did not load completely').waitFor();
    expect(await notice.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await context.close();
  });
});
