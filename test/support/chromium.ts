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
