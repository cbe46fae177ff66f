/**
 * `npm run build` (after `vite build`): the self-hosted server and its operator commands as plain
 * JavaScript, so production runs `node dist/node.js` with `npm ci --omit=dev` (no tsx, no TypeScript).
 * Packages are bundled but @libsql/client (native), which comes from `dependencies` at run time, and wrangler
 * (only for --d1, never in production).
 *   dist/node.js          the server (src/node.ts)
 *   dist/create-admin.js  the first platform admin (scripts/create-platform-admin.ts)
 *   dist/purge-demo.js    removes the demo townships and accounts (scripts/purge-demo.ts)
 *   dist/tenant-export.js, dist/tenant-import.js   one township's file out and in (docs/tenant-export.md)
 *   dist/backup.js, dist/restore.js               the embedded database's backups (docs/operations.md)
 */
import { bundleNode, NODE_ENTRIES } from './node-bundle';

await bundleNode('dist');
console.log(`built ${Object.keys(NODE_ENTRIES).map((name) => `dist/${name}.js`).join(', ')}`);
