import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { minifySync } from 'rolldown/utils';
import { catalogues } from '../src/messages';
import { catalogueDigest, catalogueFile } from '../src/messages/asset-path';

/** Where wrangler.toml's [build] command writes the Worker, and wrangler uploads it from (`main`, no_bundle). */
export const WORKER_OUT = 'dist/worker/index.js';

/**
 * The Worker as it deploys: src/index.ts (or another entry: bench/page-weight.ts's floor) bundled as wrangler
 * bundles (ESM, the workerd conditions, workerd's own node:* modules left to it), minified by esbuild and then
 * once more by oxc, vite's minifier, which finds what esbuild's single pass leaves (~4.9 KB of ~154 KB gzipped:
 * the 150 KB target of bench/RESULTS.md). The tests run this same file (test/support/builds.ts), so what they
 * check is what is uploaded.
 */
export async function bundleWorker(outfile = WORKER_OUT, entry = 'src/index.ts'): Promise<void> {
  const bundled = await build({
    entryPoints: [entry],
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['node:*'],
    // nothing reads a bundled function's or class's .name (keepNames would wrap each in a naming call)
    minify: true,
    // the Worker refuses catalogue files of another build (src/messages/assets.ts)
    define: { CATALOGUE_DIGESTS: JSON.stringify(Object.fromEntries(await Promise.all(Object.entries(catalogues).map(async ([locale, messages]) => [locale, await catalogueDigest(catalogueFile(messages))])))) },
    logLevel: 'warning',
  });
  const minified = minifySync('index.js', bundled.outputFiles[0].text, { module: true });
  if (minified.errors.length) throw new Error(`oxc could not minify the Worker: ${minified.errors.map((e) => e.message).join('; ')}`);
  // with no_bundle, wrangler would upload any other module lying beside it
  const folder = dirname(outfile);
  mkdirSync(folder, { recursive: true });
  for (const stray of readdirSync(folder).filter((name) => /\.(m?js|cjs|wasm|map)$/.test(name))) rmSync(join(folder, stray));
  writeFileSync(outfile, minified.code);
}
