import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleNode } from '../../scripts/node-bundle';

/**
 * What the tests run that must be built first: the Worker bundle (workerd), the pages (Chromium, the asset
 * servers) and the Node entries (the production-entry test). Built once per `npm test` by the global setup
 * (build-global-setup.ts) into a folder named by a hash of their sources, so every test process shares one
 * build and a second run with no change builds nothing.
 */
export interface TestBuild {
  /** the Worker bundle for workerd */
  worker: string;
  /** the built pages (what `vite build` writes to dist/web) */
  web: string;
  /** the bundled Node entries (what `npm run build` writes to dist/) */
  node: string;
}

const ROOT = '.build/test-builds';
/** Everything the three builds read: sources, pages, build scripts and configs, and the installed versions. */
const INPUTS = ['src', 'web', 'scripts', 'migrations', 'vite.config.ts', 'tsconfig.json', 'package-lock.json', 'test/support/builds.ts'];
/** Builds kept beside the current one (another clone state a developer switches back to). */
const KEEP = 3;

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

/** A hash of the path and content of every input file: any change to what is built gives a new folder. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder)) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export const testBuildAt = (folder: string): TestBuild => ({ worker: join(folder, 'worker/index.js'), web: join(folder, 'web'), node: join(folder, 'node') });

/** Bundles src/index.ts for workerd the way wrangler does (ESM, worker conditions), in ~100 ms. */
async function buildWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: ['src/index.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
}

async function buildPages(outDir: string): Promise<void> {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: join(process.cwd(), outDir), emptyOutDir: true } });
}

/**
 * Builds into a scratch folder and renames it into place, so a test process never sees half a build (and two
 * runs at once in one clone each build whole); older builds beyond KEEP are removed.
 */
export async function ensureTestBuild(): Promise<{ folder: string; built: boolean }> {
  const folder = join(ROOT, sourceHash());
  if (existsSync(folder)) return { folder, built: false };
  const scratch = `${folder}.${process.pid}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  const target = testBuildAt(scratch);
  await Promise.all([buildWorker(target.worker), bundleNode(target.node)]);
  await buildPages(target.web);
  mkdirSync(ROOT, { recursive: true });
  try {
    renameSync(scratch, folder);
  } catch (error) {
    // another run finished the same build first: use theirs
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(folder)) throw error;
  }
  const older = readdirSync(ROOT)
    .filter((name) => /^[0-9a-f]{16}$/.test(name) && join(ROOT, name) !== folder)
    .map((name) => ({ name, at: statSync(join(ROOT, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of older.slice(KEEP)) rmSync(join(ROOT, name), { recursive: true, force: true });
  return { folder, built: true };
}
