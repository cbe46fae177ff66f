/**
 * Deterministic generator for benchmark-scale data: one county of N townships.
 *   npm run seed -- --townships 15 --villages 95 --members 20-40 --households 150-400 --seed 1 --db file:data/county.db
 * Without --db it writes to DATABASE_URL or data/xingping.db (migrating it first).
 */
import { parseArgs } from 'node:util';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { seededRandom } from '../src/seed/random';
import { ensureCounty, writeTownship } from '../src/seed/write';

const { values } = parseArgs({
  options: {
    townships: { type: 'string', default: '15' },
    villages: { type: 'string', default: '95' },
    members: { type: 'string', default: '20-40' },
    households: { type: 'string', default: '150-400' },
    seed: { type: 'string', default: '1' },
    county: { type: 'string', default: '基准县' },
    db: { type: 'string' },
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
const random = seededRandom(Number(values.seed));
const countyId = await ensureCounty(db, '基准市', values.county!);
const townships = Number(values.townships);
let counts = { villages: 0, members: 0, households: 0 };
for (let i = 1; i <= townships; i++) {
  const { rows } = await writeTownship(db, random, { slug: `bench-${values.seed}-${i}`, name: `基准${i}镇`, countyId }, {
    villages: Number(values.villages),
    membersPerVillage: range(values.members!),
    householdsPerVillage: range(values.households!),
  });
  counts = {
    villages: counts.villages + rows.villages.length,
    members: counts.members + rows.members.length,
    households: counts.households + rows.households.length,
  };
}
client.close();
console.log(
  `Seeded ${townships} townships: ${counts.villages} villages, ${counts.members} members, ${counts.households} households in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
