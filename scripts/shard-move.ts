/**
 * Moves a county's rows to another shard (docs/scaling.md, "How a county moves"):
 *   npm run shard:move -- --county <id> --to <shard> [--db file:…]       libSQL: DATABASE_URL and SHARDS
 *   npm run shard:move -- --county <id> --to <shard> --d1 [--env name]   D1: wrangler.toml's DB and SHARD_<NAME>
 * Refused while a session of the county is open. The county answers 503 维护中 to writes while it is copied.
 */
import { parseArgs } from 'node:util';
import { UnknownShardError } from '../src/db/databases';
import { moveCounty } from '../src/features/transfer';
import { AppError } from '../src/platform/errors';
import { problemLine } from './problem';
import { openDatabases } from './databases';

const { values } = parseArgs({
  options: {
    county: { type: 'string' },
    to: { type: 'string' },
    db: { type: 'string' },
    d1: { type: 'boolean', default: false },
    env: { type: 'string' },
    'grace-seconds': { type: 'string', default: '10' },
    // take over a county a cut-off move left frozen
    resume: { type: 'boolean', default: false },
    // only when no server runs on these databases (a trial, a test): nothing can hold an old placement
    'settle-seconds': { type: 'string' },
  },
});
if (!values.county || !values.to) {
  console.error('usage: npm run shard:move -- --county <id> --to <shard> [--db file:…] [--d1 [--env name]] [--grace-seconds 10] [--settle-seconds 10] [--resume]');
  process.exit(2);
}
const { databases, close } = await openDatabases({ db: values.db, d1: values.d1, environment: values.env });
try {
  const report = await moveCounty(databases, values.county, values.to, {
    graceMs: Number(values['grace-seconds']) * 1000,
    resume: values.resume,
    ...(values['settle-seconds'] !== undefined ? { settleMs: Number(values['settle-seconds']) * 1000 } : {}),
    log: (line) => console.log(line),
  });
  console.log(
    `moved county ${report.countyId} from ${report.from} to ${report.to}: ${report.townships.length} townships, ${report.rows} rows; writes refused for ${(report.frozenMs / 1000).toFixed(1)} s, ${(report.totalMs / 1000).toFixed(1)} s in all`,
  );
} catch (error) {
  if (error instanceof AppError) console.error(problemLine(error));
  else if (error instanceof UnknownShardError) console.error(error.message);
  else throw error;
  process.exitCode = 1;
} finally {
  await close();
}
