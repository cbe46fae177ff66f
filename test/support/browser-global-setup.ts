import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { TEST_CHROMIUM, TEST_CHROMIUM_FLAGS } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** where the browser lane's files connect to its one Chromium; '' without Chromium (the files skip, browserAvailable) */
    chromiumEndpoint: string;
  }
}

/**
 * The browser lane's global setup: one Chromium for the run, launched here and closed when the run ends;
 * each test file connects to it and opens fresh contexts of its own (startBrowserApp). A launch was ~0.4 s
 * of CPU, once per file.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(TEST_CHROMIUM)) {
    project.provide('chromiumEndpoint', '');
    return;
  }
  const server = await chromium.launchServer({ executablePath: TEST_CHROMIUM, headless: true, args: TEST_CHROMIUM_FLAGS });
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return () => server.close();
}
