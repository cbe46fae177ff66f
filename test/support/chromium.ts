import { existsSync } from 'node:fs';

/** The system Chromium and its flags, for the browser tests and the page benchmark (no test hooks here). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * The browser tests' Chromium: Debian's chromium-headless-shell where it is installed (.ci/run installs it), the
 * same Blink and V8 as the full browser without its UI, and the build Playwright itself tests with. Measured on
 * the browser lane: 38 s of Chromium CPU against 90 s for the full browser in headless mode, whose browser
 * process alone was 12.8 of 23.3 s on the two heaviest files. Without it the full browser runs the same tests.
 */
export const TEST_CHROMIUM = ['/usr/bin/chromium-headless-shell', CHROMIUM].find((path) => existsSync(path)) ?? CHROMIUM;

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The browser tests' flags: the same browser, with fewer processes to start and talk to. Measured on the browser lane
 * in paired runs (two lanes at once, CPU by `perf stat -e task-clock`):
 * - `--renderer-process-limit=1`: a context's pages and navigations reuse its renderer where Chromium would start
 *   another (contexts still never share one): 91.0 against 95.2 and 95.9 against 99.9 CPU-s; a new context and its
 *   first page ~240 ms of CPU against ~320, a new page in a context ~170 against ~260.
 * - `--in-process-gpu`: the compositor (software, --disable-gpu) runs in the browser process, not a process of its
 *   own: 95.6 against 98.8 and 93.4 against 95.7 CPU-s.
 * Tried and not kept: --num-raster-threads=1, the network service in process, --js-flags=--no-opt (no change).
 */
export const TEST_CHROMIUM_FLAGS = [...CHROMIUM_FLAGS, '--renderer-process-limit=1', '--in-process-gpu'];
