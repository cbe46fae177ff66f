/**
 * Replaces the embedded libSQL file with a backup (stop the server first: a running one's mark refuses it, db/in-use.ts):
 *   npm run restore -- --from backups/xingping-….db[.enc] [--db file:…] [--passphrase …]    (default: DATABASE_URL)
 *   node dist/restore.js …
 * The replaced file is kept beside it as <file>.before-restore-<time>. See docs/operations.md (backups).
 */
import { parseArgs } from 'node:util';
import { restoreDatabase } from '../src/db/backup';
import { parseDatabaseConfig } from '../src/platform/config';

const { values } = parseArgs({ options: { db: { type: 'string' }, from: { type: 'string' }, passphrase: { type: 'string' } } });
if (!values.from) {
  console.error('usage: npm run restore -- --from <backup> [--db file:…] [--passphrase …]');
  process.exit(2);
}
const url = values.db ?? parseDatabaseConfig(process.env).url;
try {
  const { replaced } = await restoreDatabase({ url, from: values.from, passphrase: values.passphrase ?? process.env.XINGPING_PASSPHRASE });
  console.log(`restored ${values.from} into ${url}${replaced ? `; the database it replaced is kept as ${replaced}` : ''}`);
} catch (error) {
  // a refusal (a server still running, a damaged backup, a wrong passphrase) is one line, not a stack trace
  console.error(`restore refused, nothing changed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
