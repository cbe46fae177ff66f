import { databasesOf, type Databases } from '../src/db/databases';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { inlineDispatch, startRun } from '../src/jobs/runner';
import { shanghaiYear } from '../src/platform/time';
import { seedCounty, type CountyShape } from '../src/seed/county';

const CACHE = '.build/bench-county';

/** Sources whose change makes a cached database stale: the generator and the migrations. */
const INPUTS = ['bench/county-data.ts', 'src/seed/ballots.ts', 'src/seed/county.ts', 'src/seed/generate.ts', 'src/seed/names.ts', 'src/seed/write.ts', 'migrations/meta/_journal.json'];

/**
 * Last year final, as January's cron leaves every township for the rest of the year: the nightly job then
 * recomputes only this year, as it does from February to December.
 */
export const finaliseLastYear = (databases: Databases, year: number) =>
  startRun(databases.registry, { job: 'finalise', trigger: 'manual', year: year - 1, startedBy: null }, inlineDispatch(databases));

export interface CountyData {
  /** file: URL of the database */
  url: string;
  year: number;
  /** seconds spent generating it in this run; 0 when it came from the cache */
  generatedIn: number;
  ballots: number;
}

/**
 * A generated county database, cached under .build/bench-county/ by its parameters and the code that
 * writes it, so re-runs skip the generation. Written under a temporary name and renamed when complete.
 */
export async function countyDatabase(name: string, shape: Omit<CountyShape, 'year' | 'ballots'> & { ballotsPer: number[] }): Promise<CountyData> {
  const year = shanghaiYear();
  const params = createHash('sha256').update(JSON.stringify({ ...shape, year })).digest('hex').slice(0, 8);
  const code = createHash('sha256');
  for (const file of INPUTS) code.update(readFileSync(file));
  const prefix = `${name}-${params}-`;
  const file = join(CACHE, `${prefix}${code.digest('hex').slice(0, 8)}.db`);
  const ballots = shape.ballotsPer.reduce((a, b) => a + b, 0);
  if (existsSync(file)) return { url: `file:${file}`, year, generatedIn: 0, ballots };

  mkdirSync(CACHE, { recursive: true });
  for (const old of readdirSync(CACHE)) if (old.startsWith(prefix)) rmSync(join(CACHE, old), { force: true }); // written by older code
  const partial = `${file}.partial`;
  const started = performance.now();
  const { db, client } = await openLibsql(`file:${partial}`);
  await migrateLibsql(db);
  await seedCounty(db, { ...shape, year, ballots: (i) => shape.ballotsPer[i - 1] ?? 0 });
  await finaliseLastYear(databasesOf(db), year);
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  client.close();
  for (const suffix of ['-wal', '-shm']) rmSync(partial + suffix, { force: true });
  renameSync(partial, file);
  return { url: `file:${file}`, year, generatedIn: (performance.now() - started) / 1000, ballots };
}
