/**
 * `npm run bench` runs every benchmark (each bounded in time, loopback only) and rewrites bench/RESULTS.md.
 * `npm run bench -- --quick` runs smaller versions in a few minutes.
 * `npm run bench -- --only shards,ballot ingestion` runs the benches named and rewrites only their sections.
 */
import { ballotIngestion } from './ballot-ingestion';
import { countyComparisonBench } from './county-comparison';
import { dbSize } from './db-size';
import { pageWeight } from './page-weight';
import { phoneLoad } from './phone-load';
import { replaceSections, writeResults, type BenchResult } from './report';
import { shardsBench } from './shards';
import { testSuite } from './test-suite';
import { yearlyRecompute } from './yearly-recompute';

const quick = process.argv.includes('--quick');
const benches: [string, () => Promise<BenchResult>][] = [
  ['page weight', pageWeight],
  ['phone page on a slow network', () => phoneLoad(quick)],
  ['ballot ingestion', () => ballotIngestion(quick)],
  ['yearly recompute', () => yearlyRecompute(quick)],
  ['county comparison', () => countyComparisonBench(quick)],
  ['database size', () => dbSize(quick)],
  ['shards', () => shardsBench(quick)],
  ['test suite', testSuite],
];

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1]?.split(',') : undefined;
const unknown = only?.filter((name) => !benches.some(([known]) => known === name));
if (unknown?.length) throw new Error(`no bench named ${unknown.join(', ')}; the benches: ${benches.map(([name]) => name).join(', ')}`);

const results: BenchResult[] = [];
for (const [name, bench] of benches.filter(([name]) => !only || only.includes(name))) {
  const started = performance.now();
  console.log(`▶ ${name}`);
  results.push(await bench());
  console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
if (only) replaceSections('bench/RESULTS.md', results, quick);
else writeResults('bench/RESULTS.md', results, quick);
console.log('wrote bench/RESULTS.md');
