import { build } from 'esbuild';

/** What the self-hosted install runs, by output name. */
export const NODE_ENTRIES = {
  node: 'src/node.ts',
  'create-admin': 'scripts/create-platform-admin.ts',
  'purge-demo': 'scripts/purge-demo.ts',
  'tenant-export': 'scripts/tenant-export.ts',
  'tenant-import': 'scripts/tenant-import.ts',
  backup: 'scripts/backup.ts',
  restore: 'scripts/restore.ts',
  'shard-move': 'scripts/shard-move.ts',
  'shard-check': 'scripts/shard-check.ts',
};

/** Bundles the Node entries into `outdir` (npm run build: dist; the production-entry test: .build/). */
export async function bundleNode(outdir: string): Promise<void> {
  await build({
    entryPoints: NODE_ENTRIES,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // every package bundled but three: the database client and libsql under it (which src/db/statement-cache.ts
    // extends), which load a native binary built for the machine, and wrangler, a development tool the scripts load
    // only for --d1 (scripts/databases.ts). An entry is then one file to load, not Node resolving each of drizzle's
    // hundreds of modules through its 180 KB package.json: a command starts on 0.2 s of CPU instead of 0.7 s
    external: ['@libsql/client', 'libsql', 'wrangler'],
    // the migration journal (/api/health) is bundled; the .sql files are read from ./migrations at start
    loader: { '.json': 'json' },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
