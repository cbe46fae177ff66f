/**
 * Deterministic generator for benchmark-scale data: one county of N townships.
 *   npm run seed -- --townships 15 --villages 95 --members 20-40 --households 150-400 --seed 1 --db file:data/county.db
 * With --ballots-per-township N each township also gets a branch campaign of --year (default: this
 * Shanghai year), one closed session per village, N ballots over them and a year's income entries.
 * Without --db it writes to DATABASE_URL or data/xingping.db (migrating it first).
 */
import { parseArgs } from 'node:util';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { shanghaiYear } from '../src/platform/time';
import { seedCounty } from '../src/seed/county';

const { values } = parseArgs({
  options: {
    townships: { type: 'string', default: '15' },
    villages: { type: 'string', default: '95' },
    members: { type: 'string', default: '20-40' },
    households: { type: 'string', default: '150-400' },
    seed: { type: 'string', default: '1' },
    county: { type: 'string', default: '基准县' },
    db: { type: 'string' },
    'ballots-per-township': { type: 'string', default: '0' },
    year: { type: 'string' },
  },
});

const range = (text: string): [number, number] => {
  const [low, high = low] = text.split('-').map(Number);
  if (!Number.isInteger(low) || !Number.isInteger(high) || low > high) throw new Error(`bad range: ${text}`);
  return [low, high];
};

const started = performance.now();
const { db, client } = await openLibsql(values.db);
await migrateLibsql(db);
const ballots = Number(values['ballots-per-township']);
const { counts } = await seedCounty(db, {
  townships: Number(values.townships),
  villages: Number(values.villages),
  membersPerVillage: range(values.members!),
  householdsPerVillage: range(values.households!),
  seed: Number(values.seed),
  countyName: values.county,
  ballots: () => ballots,
  year: values.year ? Number(values.year) : shanghaiYear(),
});
client.close();
console.log(
  `Seeded ${values.townships} townships: ${counts.villages} villages, ${counts.members} members, ${counts.households} households, ${counts.ballots} ballots in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
