import type { TestProject } from 'vitest/node';
import { ensureTestBuild } from './builds';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the folder of this run's build (builds.ts): the Worker bundle, the pages, the Node entries */
    testBuild: string;
  }
}

/** The API and browser lanes' global setup: builds what the tests run, once per run (skipped when the sources are unchanged). */
export default async function setup(project: TestProject) {
  const started = performance.now();
  const { folder, built } = await ensureTestBuild();
  if (built) console.log(`[test build] ${folder} built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide('testBuild', folder);
}
