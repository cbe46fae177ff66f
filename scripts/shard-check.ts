/**
 * The consistency check of the shards against the registry (docs/scaling.md): lists rows whose township the
 * registry does not know, or that lie on a shard their county is not placed on; exits 1 if there are any.
 *   npm run shard:check [-- --db file:…]        libSQL: DATABASE_URL and SHARDS
 *   npm run shard:check -- --d1 [--env name]    D1: wrangler.toml's DB and SHARD_<NAME>
 */
import { parseArgs } from 'node:util';
import { shardConsistency } from '../src/tenancy/consistency';
import { openDatabases } from './databases';

const { values } = parseArgs({ options: { db: { type: 'string' }, d1: { type: 'boolean', default: false }, env: { type: 'string' } } });
const { databases, close } = await openDatabases({ db: values.db, d1: values.d1, environment: values.env });
try {
  const stray = await shardConsistency(databases);
  for (const row of stray) console.log(`${row.shard}\t${row.table}\t${row.tenantId}\t${row.rows}\t${row.reason}`);
  console.log(stray.length ? `${stray.length} groups of stray rows` : `consistent: ${databases.shardNames.join(', ')}`);
  if (stray.length) process.exitCode = 1;
} finally {
  await close();
}
