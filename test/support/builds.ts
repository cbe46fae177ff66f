import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { bundleNode } from '../../scripts/node-bundle';
import { bundleWorker } from '../../scripts/worker-bundle';

/**
 * What the tests run that must be built first: the Worker bundle (workerd), the pages (Chromium, the asset
 * servers), the Node entries (the production-entry test) and a migrated local D1 database that each workerd
 * test server starts from as a copy. Built once per `npm test` by the global setup
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
  /** a local D1 database (Miniflare's SQLite file) with every migration applied */
  d1Template: string;
  /** the same for a shard: migrations/shard applied (docs/scaling.md) */
  d1ShardTemplate: string;
}

const ROOT = '.build/test-builds';
/** Everything the three builds read: sources, pages, build scripts and configs, and the installed versions. */
const INPUTS = ['src', 'web', 'scripts', 'migrations', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'test/support/builds.ts'];
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

export const testBuildAt = (folder: string): TestBuild => ({
  worker: join(folder, 'worker/index.js'),
  web: join(folder, 'web'),
  node: join(folder, 'node'),
  d1Template: join(folder, 'd1-template.sqlite'),
  d1ShardTemplate: join(folder, 'd1-shard-template.sqlite'),
});

/**
 * Migrations split the way drizzle-kit writes them, applied statement by statement as wrangler does, and
 * recorded by file name in wrangler's d1_migrations table (what /api/health compares with the journal).
 */
export function migrationStatements(folder = 'migrations'): string[] {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return [
    ...files.flatMap((f) => readFileSync(`${folder}/${f}`, 'utf8').split('--> statement-breakpoint')),
    'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)',
    ...files.map((f) => `INSERT INTO d1_migrations (name) VALUES ('${f.replace(/'/g, "''")}')`),
  ]
    .map((s) => s.trim())
    .filter(Boolean);
}


export const MIGRATION_COUNT = readdirSync('migrations').filter((f) => f.endsWith('.sql')).length;
export const SHARD_MIGRATION_COUNT = readdirSync('migrations/shard').filter((f) => f.endsWith('.sql')).length;

/**
 * Where Miniflare keeps the local D1 database `databaseId` under `d1Persist: folder`: a Durable Object's
 * SQLite file named by the object's id, which Miniflare derives from the database id as below
 * (durableObjectNamespaceIdFromName in miniflare). The servers check the copy arrived (servers.ts).
 */
export function d1File(folder: string, databaseId: string): string {
  const uniqueKey = 'miniflare-D1DatabaseObject';
  const key = createHash('sha256').update(uniqueKey).digest();
  const name = createHmac('sha256', key).update(databaseId).digest().subarray(0, 16);
  const check = createHmac('sha256', key).update(name).digest().subarray(0, 16);
  return join(folder, uniqueKey, `${Buffer.concat([name, check]).toString('hex')}.sqlite`);
}

/**
 * Applies each set of migrations to a fresh local D1 of one Miniflare, and keeps each database's file at its
 * path, with the WAL workerd leaves checkpointed into it. The statements go to workerd's D1 in one request
 * to a Worker that batches them: through Miniflare's proxy of the binding each prepare was a round trip of
 * its own (~1.2 s for the two sets).
 */
async function buildD1Templates(templates: { file: string; migrations: string }[]): Promise<void> {
  const folder = `${templates[0].file}.d1`;
  const id = (index: number) => `template-${index}`;
  // imported here, by the global setup alone: the test processes read this module for the build's paths
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    modules: true,
    script: `export default {
      async fetch(request, env) {
        const { binding, statements } = await request.json();
        await env[binding].batch(statements.map((sql) => env[binding].prepare(sql)));
        return new Response('applied');
      },
    };`,
    d1Databases: Object.fromEntries(templates.map((_, index) => [`DB${index}`, id(index)])),
    d1Persist: folder,
  });
  try {
    for (const [index, { migrations }] of templates.entries()) {
      const response = await mf.dispatchFetch('http://template/', { method: 'POST', body: JSON.stringify({ binding: `DB${index}`, statements: migrationStatements(migrations) }) });
      if (!response.ok) throw new Error(`the migrations of ${migrations} failed in workerd's D1: ${await response.text()}`);
      await response.text();
    }
  } finally {
    await mf.dispose();
  }
  for (const [index, { file }] of templates.entries()) {
    const sqlite = createClient({ url: `file:${d1File(folder, id(index))}` });
    await sqlite.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    sqlite.close();
    renameSync(d1File(folder, id(index)), file);
  }
  rmSync(folder, { recursive: true, force: true });
}

/**
 * The pages as `npm run build:web` makes them: a production build, although vitest sets NODE_ENV to "test" (under
 * which Preact's preset puts preact/debug into the pages). The browser lane then drives what ships, and weighs it.
 */
async function buildPages(outDir: string): Promise<void> {
  const { build: viteBuild } = await import('vite');
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn', mode: 'production', build: { outDir: join(process.cwd(), outDir), emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = before;
  }
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
  mkdirSync(scratch, { recursive: true });
  const target = testBuildAt(scratch);
  await Promise.all([
    bundleWorker(target.worker),
    bundleNode(target.node),
    buildD1Templates([
      { file: target.d1Template, migrations: 'migrations' },
      { file: target.d1ShardTemplate, migrations: 'migrations/shard' },
    ]),
  ]);
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
