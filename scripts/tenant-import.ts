/**
 * Loads a township's export file into a libSQL database that does not hold that township yet
 * (docs/tenant-export.md), all or nothing:
 *   npm run tenant:import -- --file <export> [--passphrase …] [--db file:…]    (default: DATABASE_URL)
 *   node dist/tenant-import.js …                                              (a production install)
 * The passphrase may come from XINGPING_PASSPHRASE instead. APP_SECRET must be this server's: PINs kept
 * under another server's secret are marked for re-issue, and the report says so.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { importTenant } from '../src/features/transfer';
import { configOf, parseNodeConfig } from '../src/platform/config';
import { dirPhotoStore } from '../src/platform/photo-dir-store';
import { AppError } from '../src/platform/errors';
import { problemLine } from './problem';
import { openDatabases } from './databases';

const { values } = parseArgs({ options: { file: { type: 'string' }, passphrase: { type: 'string' }, db: { type: 'string' } } });
if (!values.file) {
  console.error('usage: npm run tenant:import -- --file <export> [--passphrase …] [--db file:…]');
  process.exit(2);
}
const config = configOf(process.env);
// the meeting photos' files, where this install's server keeps them (PHOTO_DIR)
const { photoDir } = parseNodeConfig(process.env);
// the registry and SHARDS: the township's rows go to its county's shard (docs/scaling.md)
const { databases, close } = await openDatabases({ db: values.db });
const started = performance.now();
try {
  const report = await importTenant(databases, Readable.toWeb(createReadStream(values.file)) as unknown as ReadableStream<Uint8Array>, {
    passphrase: values.passphrase ?? process.env.XINGPING_PASSPHRASE,
    secrets: config.secrets,
    newCountyShard: config.newCountyShard,
    photoStore: dirPhotoStore(photoDir),
  });
  const rows = Object.values(report.tables).reduce((sum, n) => sum + n, 0);
  console.log(`${report.tenant.name} (${report.tenant.slug}) imported: ${rows} rows in ${Object.keys(report.tables).length} tables, ${Math.round(performance.now() - started)} ms`);
  console.log(`accounts: ${report.accounts.created} new (no password: the platform admin sets one), ${report.accounts.merged.length} already here (grants added, password kept)${report.accounts.merged.length ? `: ${report.accounts.merged.join(', ')}` : ''}`);
  if (report.photos.stored || report.photos.missing) console.log(`meeting photos: ${report.photos.stored} stored in ${photoDir}${report.photos.missing ? `, ${report.photos.missing} came without their file` : ''}`);
  if (report.replacedStaleImport) console.log('an earlier import of this township had been cut off: its staged rows were removed first');
  if (!report.secret.same)
    console.log(
      `written under another APP_SECRET: ${report.secret.memberPinsToReissue} member PINs to re-issue (党员凭证 → 重置), ` +
        `${report.secret.sessionsEnded} sessions ended for phones, ${report.secret.displayLinksChanged} screens' display links changed (copy them again)`,
    );
  console.log(JSON.stringify(report, null, 2));
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(problemLine(error));
  process.exitCode = 1;
} finally {
  await close();
}
