import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import LongestLaneFirst from './test/support/sequencer';

/** test/support/package-type-hook.ts, where this Node can load it (module.registerHooks, TypeScript without a flag: 22.18+) */
const packageTypeHook =
  'registerHooks' in nodeModule && process.features.typescript ? ['--import', fileURLToPath(new URL('./test/support/package-type-hook.ts', import.meta.url))] : [];

/**
 * Three lanes, chosen by where a test file lives so a new file lands in one without editing this:
 * - unit: pure rules (src/**\/*.test.ts beside the code, test/rules): no server, no build; seconds.
 * - api: the HTTP API on libSQL and on workerd + local D1 (test/api).
 * - browser: the built pages in headless Chromium (test/browser).
 * `npm test` runs all three; `npm run test:unit`, `test:api`, `test:browser` one each.
 * The api and browser lanes share one build per run (test/support/global-setup.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // a page polled for what it shows gets as long as a locator waits (15 s), not vitest's 1 s: under a full run
    // on two cores a page that loads in 0.3 s alone can take more than a second
    expect: { poll: { timeout: 15_000 } },
    // three files at a time on two cores, each with its own databases: a file often waits (on workerd, Chromium, a
    // job's settling), so a third keeps the cores busy (full run 134 s with 2, 115 s with 3, 113 s with 4; on December
    // 5th a fourth filled the browser lane's idle start but cost more CPU: 90–93 s against 86 s with three)
    maxWorkers: 3,
    // each test process resolves the ESM imports inside packages from one read of each package.json (see the file)
    execArgv: packageTypeHook,
    sequence: { sequencer: LongestLaneFirst },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/rules/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: { name: 'api', include: ['test/api/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/browser-setup.ts'],
          // playwright-core and the app are imported once per worker, not once per file (~1.3 s of CPU each time);
          // each file still starts its own app and database (startBrowserApp)
          isolate: false,
        },
      },
    ],
  },
});
