/**
 * Deterministic generator for benchmark-scale data: one county of N townships.
 *   npm run seed -- --townships 15 --villages 95 --members 20-40 --households 150-400 --seed 1 --db file:data/county.db
 * With --ballots-per-township N each township also gets a branch campaign of --year (default: this
 * Shanghai year), one closed session per village, N ballots over them and a year's income entries.
 * Without --db it writes to DATABASE_URL or data/xingping.db (migrating it first).
 * With --county-per-shard it writes one such county on every shard (shard main and those of SHARDS,
 * docs/scaling.md), named <county>1, <county>2, … each from its own seed.
 */
import { parseArgs } from 'node:util';
import { MAIN_SHARD } from '../src/db/databases';
import { shanghaiYear } from '../src/platform/time';
import { seedCounty } from '../src/seed/county';
import { openDatabases } from './databases';

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
    'county-per-shard': { type: 'boolean', default: false },
  },
});

const range = (text: string): [number, number] => {
  const [low, high = low] = text.split('-').map(Number);
  if (!Number.isInteger(low) || !Number.isInteger(high) || low > high) throw new Error(`bad range: ${text}`);
  return [low, high];
};

const started = performance.now();
const { databases, close } = await openDatabases({ db: values.db });
const ballots = Number(values['ballots-per-township']);
const shards = values['county-per-shard'] ? databases.shardNames : [MAIN_SHARD];
const totals = { villages: 0, members: 0, households: 0, ballots: 0 };
for (const [i, shard] of shards.entries()) {
  const { counts } = await seedCounty(
    { registry: databases.registry, shard: databases.shard(shard) },
    {
      townships: Number(values.townships),
      villages: Number(values.villages),
      membersPerVillage: range(values.members!),
      householdsPerVillage: range(values.households!),
      seed: Number(values.seed) + i,
      countyName: shards.length > 1 ? `${values.county}${i + 1}` : values.county,
      shard,
      ballots: () => ballots,
      year: values.year ? Number(values.year) : shanghaiYear(),
    },
  );
  for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
}
await close();
console.log(
  `Seeded ${shards.length} × ${values.townships} townships (${shards.join(', ')}): ${totals.villages} villages, ${totals.members} members, ${totals.households} households, ${totals.ballots} ballots in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
