/**
 * Removes the demo townships (潘店镇 pandian, 刘桥镇 liuqiao, with everything they own) and the demo accounts
 * (13800000000–05 while they still have the demo password), and nothing else, from the registry and shards a
 * server runs on (DATABASE_URL and SHARDS, as the Node server opens them; or D1 with --d1):
 *   npm run purge-demo -- [--db file:/var/lib/xingping/xingping.db] [--dry-run]      (default: DATABASE_URL)
 *   node dist/purge-demo.js [--db …] [--dry-run]                                      (a production install)
 *   npm run purge-demo -- --d1 [--env production] [--dry-run]                        (wrangler.toml's D1 bindings)
 */
import { parseArgs } from 'node:util';
import { purgeDemo } from '../src/seed/purge-demo';
import { AppError } from '../src/platform/errors';
import { openDatabases } from './databases';
import { problemLine } from './problem';

const { values } = parseArgs({ options: { db: { type: 'string' }, d1: { type: 'boolean', default: false }, env: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
const { databases, close } = await openDatabases({ db: values.db, d1: values.d1, environment: values.env });
const dryRun = values['dry-run'] === true;
const purged = await purgeDemo(databases, { dryRun })
  .catch((error) => {
    if (!(error instanceof AppError)) throw error;
    console.error(problemLine(error));
    process.exit(1);
  })
  .finally(close);

const verb = dryRun ? 'to remove (dry run, nothing changed)' : 'removed';
const list = (items: string[]) => (items.length ? items.join(', ') : 'none');
console.log(`demo townships ${verb}: ${list(purged.townships)}`);
console.log(`demo accounts ${verb}: ${list(purged.accounts)}`);
if (purged.keptAccounts.length)
  console.log(`kept (their password is no longer the demo's, so they may be someone's): ${purged.keptAccounts.join(', ')}`);
console.log('the city and county the demo created (德州市 齐河县) are kept: a real township may belong to them.');
