import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'vite';
import { wranglerDone } from '../scripts/wrangler';
import { bundleWorker } from '../scripts/worker-bundle';
import type { BenchResult } from './report';

const DIST = 'dist/web';
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** JS and CSS an HTML page loads before it runs: its module script, modulepreloads and stylesheets. */
export function initialAssets(htmlFile: string): string[] {
  const html = readFileSync(htmlFile, 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  return [...new Set(refs)].map((ref) => join(DIST, ref));
}

/** the Worker as uploaded: the target of issue 13, far below the free plan's 3 MB limit */
const WORKER_BUDGET = 150 * 1024;

const BUDGETS: Record<string, { label: string; budget: number }> = {
  vote: { label: 'phone ballot page (vote.html)', budget: 30 * 1024 },
  village: { label: 'public village page (village.html)', budget: 30 * 1024 },
  screen: { label: 'big-screen page (screen.html)', budget: 60 * 1024 },
  index: { label: 'admin app (index.html)', budget: Infinity },
};

export async function pageWeight(): Promise<BenchResult> {
  await build({ configFile: 'vite.config.ts', logLevel: 'silent' });
  const rows: BenchResult['rows'] = [];
  for (const page of Object.keys(BUDGETS)) {
    const assets = initialAssets(join(DIST, `${page}.html`));
    const bytes = assets.reduce((sum, file) => sum + gz(file), 0);
    const { label, budget } = BUDGETS[page];
    rows.push({
      figure: `${label}: JS + CSS, gzipped`,
      value: kb(bytes),
      floor: page === 'index' ? undefined : 'Preact alone ≈ 4.5 KB',
      target: Number.isFinite(budget) ? `≤ ${kb(budget)}` : '',
      ok: Number.isFinite(budget) ? bytes <= budget : undefined,
    });
  }
  // the Worker exactly as wrangler would upload it
  const out = '.build/bench-worker';
  rmSync(out, { recursive: true, force: true });
  await wranglerDone(['deploy', '--dry-run', '--outdir', out]);
  const bundle = readdirSync(out).filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gz(join(out, f)), 0);
  const floor = join(out, 'floor/index.js');
  await bundleWorker(floor, 'bench/floor/worker-libraries.ts');
  rows.push({
    figure: 'Worker bundle, minified + gzipped',
    value: kb(bundle),
    floor: `one route on hono + drizzle + zod/mini ${kb(gz(floor))}`,
    target: `≤ ${kb(WORKER_BUDGET)} (Workers limit 3 MB free)`,
    ok: bundle <= WORKER_BUDGET,
  });
  return {
    name: 'Weight of the pages phones load',
    method:
      'Built with `vite build`; for each page, the JS and CSS its HTML loads up front (module script, modulepreloads, stylesheets), gzip level 9. Worker bundle from `wrangler deploy --dry-run` (its [build] command, scripts/worker-bundle.ts: esbuild, then oxc), its .js files; its floor built the same way.',
    rows,
  };
}
