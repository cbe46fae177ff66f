/**
 * `npm run build` (after `vite build`): the self-hosted server and its two operator commands as plain
 * JavaScript, so production runs `node dist/node.js` with `npm ci --omit=dev` (no tsx, no TypeScript).
 * Packages stay external: they come from `dependencies` at run time.
 *   dist/node.js          the server (src/node.ts)
 *   dist/create-admin.js  the first platform admin (scripts/create-platform-admin.ts)
 *   dist/purge-demo.js    removes the demo townships and accounts (scripts/purge-demo.ts)
 */
import { build } from 'esbuild';

const ENTRIES = {
  node: 'src/node.ts',
  'create-admin': 'scripts/create-platform-admin.ts',
  'purge-demo': 'scripts/purge-demo.ts',
};

await build({
  entryPoints: ENTRIES,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  // the migration journal (/api/health) is bundled; the .sql files are read from ./migrations at start
  loader: { '.json': 'json' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log(`built ${Object.keys(ENTRIES).map((name) => `dist/${name}.js`).join(', ')}`);
