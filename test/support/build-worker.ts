import { build } from 'esbuild';

export const WORKER_BUNDLE = '.build/test-worker/index.js';

/** Bundles src/index.ts for workerd the way wrangler does (ESM, worker conditions), but in ~100 ms. */
export async function buildWorker(): Promise<void> {
  await build({
    entryPoints: ['src/index.ts'],
    outfile: WORKER_BUNDLE,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
}
