/**
 * One township's data as one file (docs/tenant-export.md), from a libSQL database:
 *   npm run tenant:export -- --tenant <slug> [--out file] [--passphrase …] [--db file:…]    (default: DATABASE_URL)
 *   node dist/tenant-export.js …                                                           (a production install)
 * The passphrase may come from XINGPING_PASSPHRASE instead (a command line is visible to other users).
 * APP_SECRET must be the server's: the file records its fingerprint, so an import knows whether to re-issue PINs.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { readPlacement } from '../src/tenancy/placement';
import { openDatabases } from './databases';
import { assertExportFits, exportFileName, exportTenant, secretFingerprint } from '../src/features/transfer';
import { AppError } from '../src/platform/errors';
import { problemLine } from './problem';
import { configOf, parseNodeConfig } from '../src/platform/config';
import { dirPhotoStore } from '../src/platform/photo-dir-store';

const { values } = parseArgs({ options: { tenant: { type: 'string' }, out: { type: 'string' }, passphrase: { type: 'string' }, db: { type: 'string' } } });
if (!values.tenant) {
  console.error('usage: npm run tenant:export -- --tenant <slug> [--out file] [--passphrase …] [--db file:…]');
  process.exit(2);
}
const passphrase = values.passphrase ?? process.env.XINGPING_PASSPHRASE;
if (passphrase !== undefined && [...passphrase].length < 10) {
  console.error('the passphrase needs at least 10 characters');
  process.exit(2);
}
const config = configOf(process.env);
// the meeting photos' files, where this install's server keeps them (PHOTO_DIR)
const { photoDir } = parseNodeConfig(process.env);
const { databases, close } = await openDatabases({ db: values.db });
const [tenant] = await databases.registry.all<{ id: string; slug: string; name: string; countyId: string }>(
  sql`SELECT id, slug, name, county_id AS countyId FROM tenants WHERE slug = ${values.tenant} AND status = 'active'`,
);
if (!tenant) {
  console.error(`no township ${values.tenant} in this database`);
  await close();
  process.exit(1);
}
// the township's rows are in its county's shard (docs/scaling.md)
const shard = databases.shard((await readPlacement(databases.registry, tenant.countyId)).shard);
try {
  await assertExportFits(shard, tenant.id);
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(problemLine(error));
  await close();
  process.exit(1);
}
const now = new Date();
const out = values.out ?? exportFileName(tenant.slug, now, !!passphrase);
const started = performance.now();
await pipeline(Readable.fromWeb(exportTenant({ registry: databases.registry, shard }, tenant, { fingerprint: await secretFingerprint(config.secrets), passphrase, now, photoStore: dirPhotoStore(photoDir) }) as never), createWriteStream(out));
await close();
console.log(`${tenant.name} (${tenant.slug}) exported to ${out}${passphrase ? ' (encrypted)' : ''} in ${Math.round(performance.now() - started)} ms`);
