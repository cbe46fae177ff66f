import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBranchSession } from '../api/evaluation-support';
import { browserAvailable, docsScreenshot, seriousViolations, startBrowserApp, WEB_OUT, type BrowserApp } from '../support/browser';

const T = '/t/alpha/api/evaluation';
/** The budget of the issue: the ballot and the village page, 长辈版 and speech included, gzipped. */
const PHONE_BUDGET = 30 * 1024;

/** Computed sizes of what a 长辈版 page shows: the smallest text, the smallest main action's text, the smallest tap target. */
function measure(page: Page) {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const texts = [...document.querySelectorAll('#app *')].filter(
      (el) => visible(el) && [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() && !/^[★☆·\s]+$/.test(n.textContent!)),
    );
    const smallestText = Math.min(...texts.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    const actions = [...document.querySelectorAll('.submit, .opt, .unknown, button.block')].filter(visible);
    const smallestAction = Math.min(...actions.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    const targets = [...document.querySelectorAll('#app button, #app .opt, #app a, #app summary, #app input:not([type=radio]), #app textarea')].filter(visible);
    const small = targets
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 60 || box.height < 60)
      .map(({ el, box }) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.width)}×${Math.round(box.height)} “${el.textContent?.trim().slice(0, 12)}”`);
    return { smallestText, smallestAction, small, actions: actions.length };
  });
}

describe.skipIf(!browserAvailable())('the phone pages: 长辈版, speech, accessibility and weight', () => {
  let app: BrowserApp;
  let ballotPath: string;
  let villagePath: string;
  beforeAll(async () => {
    app = await startBrowserApp();
    const admin = await app.fixture.as('adminA');
    const villageId = app.fixture.a.rows.villages[0].id!;
    const { session } = await openBranchSession(admin, villageId);
    const qr = new URL((await admin.get(`${T}/sessions/${session.id}/qr`)).body.url);
    ballotPath = qr.pathname + qr.search;
    villagePath = `/village?t=alpha&v=${villageId}`;
  }, 90_000);
  afterAll(() => app?.close());

  const phone = async () => {
    const context = await app.newContext({ width: 360, height: 740 });
    return { context, page: context.pages()[0] ?? (await context.newPage()) };
  };

  it('switches the ballot to 长辈版, remembers it, and meets the MIIT sizes measured from computed styles', async () => {
    const { page } = await phone();
    await page.goto(ballotPath);
    await page.waitForSelector('body[data-ready="1"]');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '长辈版' }).click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true);
    // remembered: a reload comes back in 长辈版
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true);
    await page.getByRole('button', { name: '标准版' }).waitFor();
    const sizes = await measure(page);
    expect(sizes.smallestText).toBeGreaterThanOrEqual(18);
    expect(sizes.actions).toBeGreaterThan(0);
    expect(sizes.smallestAction).toBeGreaterThanOrEqual(30);
    expect(sizes.small).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // contrast ≥ 4.5:1 and the rest of axe's serious rules, in 长辈版 too
    expect(await seriousViolations(page)).toEqual([]);
    await docsScreenshot(page, 'phone-ballot-elder.png');
    // back to the standard page, remembered as well
    await page.getByRole('button', { name: '标准版' }).click();
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(false);
  });

  it('honours the phone’s font size: a larger default font makes the ballot’s text larger', async () => {
    const { context, page } = await phone();
    await page.goto(ballotPath);
    await page.waitForSelector('body[data-ready="1"]');
    const legend = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.question legend')!).fontSize));
    const before = await legend();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24 } });
    await expect.poll(legend).toBeCloseTo((before * 24) / 16, 0);
  });

  it('reads a question and its options aloud where a Chinese voice exists, and shows no 🔊 where none does', async () => {
    const { context, page } = await phone();
    await context.addInitScript(() => {
      const spoken: string[] = [];
      (window as unknown as { __spoken: string[] }).__spoken = spoken;
      const voices = location.search.includes('novoice') ? [] : [{ lang: 'zh-CN', name: '婷婷', default: true, localService: true, voiceURI: 'zh' }];
      Object.defineProperty(window, 'speechSynthesis', {
        value: { getVoices: () => voices, speak: (u: { text: string }) => spoken.push(u.text), cancel: () => undefined, addEventListener: () => undefined, removeEventListener: () => undefined },
      });
      (window as unknown as { SpeechSynthesisUtterance: unknown }).SpeechSynthesisUtterance = class {
        text: string;
        constructor(text: string) {
          this.text = text;
        }
      };
    });
    await page.goto(ballotPath);
    await page.waitForSelector('body[data-ready="1"]');
    await page.getByRole('button', { name: '朗读本题和选项' }).first().click();
    const spoken = await page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
    expect(spoken).toHaveLength(1);
    expect(spoken[0]).toMatch(/^第 1 题。.+。可选：好、较好、一般、差。$/);
    await page.goto(`${ballotPath}&novoice=1`);
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.getByRole('button', { name: '朗读本题和选项' }).count()).toBe(0);
  });

  it('the village page: 长辈版 switch, sizes, axe, and the QR sheet with heading, stars and the address', async () => {
    const { page } = await phone();
    await page.goto(villagePath);
    await page.locator('.hero h1').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '长辈版' }).click();
    const sizes = await measure(page);
    expect(sizes.smallestText).toBeGreaterThanOrEqual(18);
    expect(sizes.small).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${villagePath}&print=1`);
    await page.locator('.print-sheet h1').waitFor();
    expect(await page.locator('.sheet-township').textContent()).toMatch(/党委 · 村务公开$/);
    // the short address by the village's name (/t/<slug>/c/<村名>), readable, not percent-encoded
    expect(await page.locator('.sheet-address code').textContent()).toBe(`${new URL(app.origin).host}/t/alpha/c/${app.fixture.a.rows.villages[0].name}`);
  });

  it('the axe check reports every serious and critical violation a run of all of axe’s rules finds, and nothing less grave', async () => {
    const { page } = await phone();
    // violations of each impact: an image without alt and a nameless button (critical), grey on white (serious),
    // a skipped heading level, text outside any landmark and no main (moderate), an empty heading (minor)
    await page.setContent(`<html lang="zh-CN"><head><title>t</title></head><body><h1>标题</h1><h4>跳级</h4><h2></h2>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button><p style="color:#bbb;background:#fff">浅灰字</p></body></html>`);
    const serious = await seriousViolations(page); // injects axe-core
    type Axe = { run(): Promise<{ violations: { id: string; impact: string }[] }> };
    const all = await page.evaluate(async () => (await (window as unknown as { axe: Axe }).axe.run()).violations.map((v) => `${v.id} (${v.impact})`));
    expect(all).toEqual(expect.arrayContaining(['heading-order (moderate)', 'region (moderate)', 'empty-heading (minor)']));
    expect(serious.map((v) => v.slice(0, v.indexOf(':')))).toEqual(all.filter((v) => /\((serious|critical)\)$/.test(v)));
    expect(serious.map((v) => v.slice(0, v.indexOf(' ')))).toEqual(expect.arrayContaining(['button-name', 'color-contrast', 'image-alt']));
  });

  it('the error page at the short address has no serious accessibility violation', async () => {
    const { page } = await phone();
    await page.goto('/t/alpha/v/ZZZZZZ');
    await page.getByText(/没有找到场次码/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens the ballot again without asking for any of its scripts or styles: the page is asked again, its files are kept by name', async () => {
    const { context, page } = await phone();
    // how the server told the browser to keep each file (the build's files may be old enough for a browser to keep
    // them a while on their date alone: this says it was told)
    const kept = new Map<string, string | undefined>();
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/assets/')) kept.set(path, response.headers()['cache-control']);
    });
    const open = async () => {
      const from = app.served.length;
      await page.goto(ballotPath);
      await page.waitForSelector('body[data-ready="1"]');
      return app.served.slice(from).filter((path) => path === '/vote' || path.startsWith('/assets/'));
    };
    const first = await open();
    expect(first).toContain('/vote');
    const files = first.filter((path) => path.startsWith('/assets/'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((path) => [path, kept.get(path)])).toEqual(files.map((path) => [path, 'public, max-age=31536000, immutable']));
    // a deployment reaches the phone at its next load (the page), and nothing the page names is fetched twice
    expect(await open()).toEqual(['/vote']);
    await context.close();
  });
});

describe('the phone pages’ weight', () => {
  it('keeps the ballot and the village page within 30 KB gzipped, 长辈版 and speech included (production build)', async () => {
    // the run's build is a production build (builds.ts), as `npm run build:web` makes it
    const out = WEB_OUT;
    for (const page of ['vote', 'village']) {
      const html = readFileSync(join(out, `${page}.html`), 'utf8');
      const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]))];
      expect(assets.some((a) => a.includes('elder')), `${page} loads 长辈版 and speech`).toBe(true);
      const bytes = assets.reduce((n, asset) => n + gzipSync(readFileSync(join(out, asset)), { level: 9 }).length, 0);
      expect(bytes, `${page}: ${(bytes / 1024).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(PHONE_BUDGET);
    }
  });
});
