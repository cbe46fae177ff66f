import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, CHROMIUM_FLAGS } from '../test/support/chromium';
import { freePort, openSession, startApp } from './ballot-ingestion';
import type { BenchResult } from './report';

/** The network of the issue: 400 kbit/s both ways, 400 ms round trip. */
const SLOW_RURAL = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };
const TARGET_MS = 3000;

/** The floor: one 1 KB HTML document that marks itself ready, over the same throttled network. */
function floorPage(): Promise<{ url: string; close(): void }> {
  const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>floor</title><body><p>${'星评'.repeat(200)}</p><script>document.body.dataset.ready='1'</script>`;
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => server.close() });
    }),
  );
}

/**
 * Milliseconds from navigation until body[data-ready="1"] on the slow network, in a fresh profile: with a cold cache,
 * or (`again`) on the phone's second visit, after a first load filled its cache as a villager's phone keeps it.
 */
async function timeToUsable(url: string, again = false): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'xp-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 360, height: 740 },
    locale: 'zh-CN',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: !again });
    await cdp.send('Network.emulateNetworkConditions', SLOW_RURAL);
    if (again) {
      await page.goto(url, { timeout: 30_000 });
      await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000, state: 'attached' });
      await page.goto('about:blank');
    }
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000, state: 'attached' });
    return performance.now() - started;
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function phoneLoad(quick: boolean): Promise<BenchResult> {
  const runs = quick ? 3 : 5;
  await build({ configFile: 'vite.config.ts', logLevel: 'silent' });
  const dataDir = '.build/bench-phone';
  rmSync(dataDir, { recursive: true, force: true });
  const app = await startApp('node', dataDir, await freePort());
  const floor = await floorPage();
  try {
    const { admin, session } = await openSession(app.base);
    const ballotTimes: number[] = [];
    const againTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const qr = await admin.call('GET', `/t/pandian/api/evaluation/sessions/${session.id}/qr`);
      const ballotUrl = qr.url.replace(/^https?:\/\/[^/]+/, app.base);
      ballotTimes.push(await timeToUsable(ballotUrl));
      againTimes.push(await timeToUsable(ballotUrl, true));
      floorTimes.push(await timeToUsable(floor.url));
    }
    const floorMs = median(floorTimes);
    /** A time until usable (the median of `times`) beside the floor, against the 3 s target. */
    const row = (figure: string, times: number[]) => {
      const ms = median(times);
      return { figure, value: `${(ms / 1000).toFixed(2)} s`, floor: `${(floorMs / 1000).toFixed(2)} s`, ratio: `${(ms / floorMs).toFixed(1)}×`, target: `≤ ${TARGET_MS / 1000} s`, ok: ms <= TARGET_MS };
    };
    return {
      name: 'Phone ballot page on a slow rural network',
      method: `Headless Chromium, 360×740, cold cache, network throttled through DevTools to 400 kbit/s down and up with 400 ms round trips. Time from navigation to the QR link until the page marks itself usable (session loaded, first question on screen: body[data-ready="1"]); median of ${runs}. Second visit: the same, in a profile whose cache a first load of the page filled (cache on). Served by the Node server (npm run start:node). Floor: a 1 KB HTML page that marks itself ready, same throttle.`,
      rows: [
        row('phone ballot page: time until usable', ballotTimes),
        row('the same page on the phone’s second visit (its scripts and styles kept by name)', againTimes),
      ],
      notes: [
        `runs (ms): ${ballotTimes.map((t) => t.toFixed(0)).join(', ')}; second visits: ${againTimes.map((t) => t.toFixed(0)).join(', ')}; floor: ${floorTimes.map((t) => t.toFixed(0)).join(', ')}`,
      ],
    };
  } finally {
    floor.close();
    await app.stop();
  }
}
