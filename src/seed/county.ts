import { MAIN_SHARD } from '../db/databases';
import { generateBallots } from './ballots';
import { seededRandom } from './random';
import { ensureCounty, placeCounty, seedDatabases, writeTownship, type SeedInto } from './write';

export interface CountyShape {
  townships: number;
  villages: number;
  membersPerVillage: [number, number];
  householdsPerVillage: [number, number];
  seed: number;
  cityName?: string;
  countyName?: string;
  /** ballots of township i (1-based); 0: rosters only */
  ballots?: (township: number) => number;
  /** the year of the generated campaigns */
  year?: number;
}

/** A deterministic county of generated townships (rosters, and ballots when asked): what `npm run seed` writes. */
export async function seedCounty(into: SeedInto, shape: CountyShape & { shard?: string }) {
  const { registry, shard: db } = seedDatabases(into);
  const random = seededRandom(shape.seed);
  const countyId = await ensureCounty(registry, shape.cityName ?? '基准市', shape.countyName ?? '基准县');
  if (shape.shard && shape.shard !== MAIN_SHARD) await placeCounty(registry, countyId, shape.shard);
  const tenantIds: string[] = [];
  const counts = { villages: 0, members: 0, households: 0, ballots: 0 };
  for (let i = 1; i <= shape.townships; i++) {
    const { rows, tenantId } = await writeTownship({ registry, shard: db }, random, { slug: `bench-${shape.seed}-${i}`, name: `基准${i}镇`, countyId }, {
      villages: shape.villages,
      membersPerVillage: shape.membersPerVillage,
      householdsPerVillage: shape.householdsPerVillage,
    });
    tenantIds.push(tenantId);
    const ballots = shape.ballots?.(i) ?? 0;
    if (ballots > 0 && shape.year) await generateBallots(db, tenantId, { ballots, year: shape.year, seed: shape.seed * 1000 + i });
    counts.villages += rows.villages.length;
    counts.members += rows.members.length;
    counts.households += rows.households.length;
    counts.ballots += ballots;
  }
  return { countyId, tenantIds, counts };
}
