/**
 * An online, consistent copy of the embedded libSQL file (VACUUM INTO), kept with a rotation:
 *   npm run backup -- [--db file:…] [--dir backups] [--keep 14] [--passphrase …]    (default: DATABASE_URL)
 *   node dist/backup.js …                                                          (a production install, e.g. from a systemd timer)
 * The passphrase may come from XINGPING_PASSPHRASE instead. See docs/operations.md (backups).
 */
import { parseArgs } from 'node:util';
import { backupDatabase } from '../src/db/backup';
import { parseDatabaseConfig } from '../src/platform/config';

const { values } = parseArgs({ options: { db: { type: 'string' }, dir: { type: 'string' }, keep: { type: 'string' }, passphrase: { type: 'string' } } });
const url = values.db ?? parseDatabaseConfig(process.env).url;
const keep = Number(values.keep ?? 14);
if (!Number.isInteger(keep) || keep < 1) {
  console.error('--keep must be a whole number of backups, at least 1');
  process.exit(2);
}
const result = await backupDatabase({ url, dir: values.dir ?? 'backups', keep, passphrase: values.passphrase ?? process.env.XINGPING_PASSPHRASE });
console.log(`backup written: ${result.file} (${result.bytes} bytes)${result.removed.length ? `; rotated out: ${result.removed.join(', ')}` : ''}`);
