import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { build } from 'vite';
import { hashPassword } from '../src/auth/passwords';
import { d1Databases } from '../src/db/d1';
import { databasesOf, MAIN_SHARD, type Databases } from '../src/db/databases';
import { migrateLibsql, migrateShard, openLibsql, openShards } from '../src/db/libsql';
import { accounts, roleGrants } from '../src/db/schema';
import { entries } from '../src/features/transfer/format';
import { moveCounty } from '../src/features/transfer';
import { processMessage, type Dispatch } from '../src/jobs/runner';
import { runCron } from '../src/jobs/worker';
import { newId } from '../src/platform/ids';
import { shanghaiYear } from '../src/platform/time';
import { seedCounty } from '../src/seed/county';
import { wranglerDone } from '../scripts/wrangler';
import { CONCURRENCY, freePort, openSession, runBigScreen, startApp, WARMUP, type Server, type Target, type Township } from './ballot-ingestion';
import { finaliseLastYear } from './county-data';
import { floorQuery } from './yearly-recompute';
import { percentile } from './load';
import type { BenchResult } from './report';

const SHARDS = ['sd1', 'sd2'] as const;
const PASSWORD = 'xingping-bench-2026';
const NIGHTLY = '0 18 * * *';
const ROSTER = { membersPerVillage: [20, 40] as [number, number], householdsPerVillage: [150, 400] as [number, number] };

/** A deployment's files under `dir`: a registry (also shard `main`) and the two shards, as DATABASE_URL and SHARDS name them. */
function deploymentFiles(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const shards = Object.fromEntries(SHARDS.map((name) => [name, `file:${dir}/${name}.db`]));
  return {
    dir,
    registry: `file:${dir}/registry.db`,
    shards,
    env: { DATABASE_URL: `file:${dir}/registry.db`, SHARDS: Object.entries(shards).map(([name, url]) => `${name}=${url}`).join(',') },
  };
}

/** The deployment's databases opened and migrated, as the Node server opens them. */
async function openDeployment(files: ReturnType<typeof deploymentFiles>) {
  const { db, client } = await openLibsql(files.registry);
  await migrateLibsql(db);
  const shards = await openShards(Object.fromEntries(Object.entries(files.shards).map(([name, url]) => [name, { url }])));
  return {
    databases: databasesOf(db, shards.dbs),
    close: async () => [client, ...shards.clients].forEach((each) => each.close()),
  };
}

/** County i+1 of generated townships on the shard `placement[i]` (npm run seed -- --county-per-shard writes the same). */
async function seedCounties(databases: Databases, placement: readonly string[], shape: { townships: number; villages: number; ballots: number }) {
  const year = shanghaiYear();
  const seeded = [];
  for (const [i, shard] of placement.entries())
    seeded.push(
      await seedCounty(
        { registry: databases.registry, shard: databases.shard(shard) },
        { ...ROSTER, ...shape, seed: i + 1, countyName: `基准县${i + 1}`, shard, ballots: () => shape.ballots, year },
      ),
    );
  if (shape.ballots) await finaliseLastYear(databases, year);
  return seeded;
}

const ms = (x: number) => (x >= 120_000 ? `${(x / 60_000).toFixed(1)} min` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const latency = (values: number[]) => `${percentile(values, 50).toFixed(1)} / ${percentile(values, 99).toFixed(1)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const placementLabel = (placement: readonly string[]) => (new Set(placement).size > 1 ? `two shards (${placement.join(', ')})` : 'one database (both on main)');

/**
 * wrangler.toml with a D1 binding SHARD_<NAME> for each shard (migrated by migrations/shard), written into `dir`;
 * its paths made absolute, as wrangler reads them from the config's folder.
 */
function shardedWranglerConfig(dir: string): string {
  const absolute = (key: string) => (text: string) => text.replace(new RegExp(`^${key} = "(.+)"$`, 'gm'), (_, path: string) => `${key} = "${resolve(path)}"`);
  const text = [absolute('main'), absolute('directory'), absolute('migrations_dir')].reduce((t, f) => f(t), readFileSync('wrangler.toml', 'utf8'));
  const shards = SHARDS.map(
    (name, i) => `\n[[d1_databases]]\nbinding = "SHARD_${name.toUpperCase()}"\ndatabase_name = "xingping-${name}"\ndatabase_id = "00000000-0000-0000-0000-00000000000${i + 1}"\nmigrations_dir = "${resolve('migrations/shard')}"\n`,
  );
  const path = `${dir}/wrangler.toml`;
  writeFileSync(path, text + shards.join(''));
  return path;
}

/** The registry and two shards of a target, empty and migrated: how to open them here, and how to serve them. */
async function deploymentOf(target: Target, dir: string) {
  if (target === 'node') {
    const files = deploymentFiles(dir);
    return { open: () => openDeployment(files), serve: (port: number) => startApp('node', dir, port, { env: files.env }) };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = shardedWranglerConfig(dir);
  for (const binding of ['DB', ...SHARDS.map((name) => `SHARD_${name.toUpperCase()}`)]) await wranglerDone(['d1', 'migrations', 'apply', binding, '--local', '--persist-to', dir, '--config', config]);
  return {
    async open() {
      const { getPlatformProxy } = await import('wrangler');
      const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: config, persist: { path: `${dir}/v3` } });
      return { databases: d1Databases(proxy.env), close: () => proxy.dispose() };
    },
    serve: (port: number) => startApp('wrangler', dir, port, { wranglerConfig: config }),
  };
}

/**
 * (a) Two big-screen sessions, one in each county's township, their phones going at once through the server:
 * every phone of both sessions scans, then submits, CONCURRENCY at a time per session.
 */
async function ingestion(target: Target, placement: readonly string[], phones: number) {
  const deployment = await deploymentOf(target, `.build/bench-shards-${target}-${placement.join('-')}`);
  const { databases, close } = await deployment.open();
  const seeded = await seedCounties(databases, placement, { townships: 1, villages: 5, ballots: 0 });
  const passwordHash = await hashPassword(PASSWORD);
  const townships: Township[] = [];
  for (const [i, { tenantIds }] of seeded.entries()) {
    const id = newId();
    const phone = `1390000020${i}`;
    await databases.registry.insert(accounts).values({ id, phone, name: `基准管理员${i + 1}`, passwordHash });
    await databases.registry.insert(roleGrants).values({ accountId: id, role: 'township_admin', tenantId: tenantIds[0] });
    townships.push({ api: `/t/bench-${i + 1}-1/api`, admin: { phone, password: PASSWORD } });
  }
  await close();

  const app: Server = await deployment.serve(await freePort());
  try {
    const opened = await Promise.all(townships.map((township) => openSession(app.base, township)));
    await Promise.all(opened.map(async (each, i) => runBigScreen(app, each, WARMUP, (await openSession(app.base, townships[i])).session)));
    const sessions = await Promise.all(opened.map((each) => runBigScreen(app, each, phones)));
    const votes = sessions.map((s) => s.votes);
    // the span in which any phone of either session was submitting
    const seconds = (Math.max(...votes.map((v) => v.ended)) - Math.min(...votes.map((v) => v.started))) / 1000;
    const ballots = votes.reduce((n, v) => n + v.latencies.length, 0);
    return {
      sessions,
      combined: { perSecond: ballots / seconds, latencies: votes.flatMap((v) => v.latencies) },
      lost: sessions.reduce((n, s) => n + phones - s.stored, 0),
      failures: sessions.flatMap((s) => s.failures),
    };
  } finally {
    await app.stop();
  }
}

const TARGET_LABEL: Record<Target, string> = { node: 'Node + libSQL files', wrangler: 'wrangler dev + local D1' };

/** (a) on one target: both sessions on two shards, beside both on one database (the floor). */
async function ingestionRows(target: Target, phones: number, notes: string[]): Promise<BenchResult['rows']> {
  const label = TARGET_LABEL[target];
  const sharded = await ingestion(target, SHARDS, phones);
  const single = await ingestion(target, [MAIN_SHARD, MAIN_SHARD], phones);
  for (const [layout, run] of [['two shards', sharded], ['one database', single]] as const)
    if (run.failures.length) notes.push(`${label}, ${layout}: ${run.failures.length} requests failed, first: ${run.failures[0].slice(0, 300)}`);
  const figures = (run: typeof sharded, i: number) => `${run.sessions[i].votes.perSecond.toFixed(0)} · ${latency(run.sessions[i].votes.latencies)}`;
  return [
    ...SHARDS.map((shard, i) => ({
      figure: `${label}: county ${i + 1}'s session on ${shard}: ballots/s · POST latency p50 / p99`,
      value: figures(sharded, i),
      floor: `${figures(single, i)} (on main)`,
      ratio: `${((sharded.sessions[i].votes.perSecond / single.sessions[i].votes.perSecond) * 100).toFixed(0)}%`,
    })),
    {
      figure: `${label}: both sessions at once (${2 * phones} ballots): ballots/s · POST latency p50 / p99`,
      value: `${sharded.combined.perSecond.toFixed(0)} · ${latency(sharded.combined.latencies)}`,
      floor: `${single.combined.perSecond.toFixed(0)} · ${latency(single.combined.latencies)} (one database)`,
      ratio: `${((sharded.combined.perSecond / single.combined.perSecond) * 100).toFixed(0)}%`,
    },
    { figure: `${label}: ballots lost, two shards · one database`, value: `${sharded.lost} · ${single.lost} of ${2 * phones} each`, target: '0', ok: sharded.lost + single.lost === 0 },
  ];
}

/** A dispatch that runs the messages in this process, as the Node server does, timing each county's townships. */
function timedDispatch(databases: Databases, countyOf: Map<string, number>, perCounty: number[]): Dispatch {
  return async (messages) => {
    for (const message of messages) {
      const t0 = performance.now();
      await processMessage(databases, message);
      const county = countyOf.get(message.tenantId)!;
      perCounty[county] = (perCounty[county] ?? 0) + performance.now() - t0;
    }
  };
}

/** (b) The nightly cron over the counties of `placement`, in-process: after one warm-up, medians of `runs`. */
async function nightly(placement: readonly string[], shape: { townships: number; villages: number; ballots: number }, runs: number) {
  const { databases, close } = await openDeployment(deploymentFiles(`.build/bench-shards-nightly-${placement.join('-')}`));
  try {
    const seeded = await seedCounties(databases, placement, shape);
    const countyOf = new Map(seeded.flatMap(({ tenantIds }, county) => tenantIds.map((id) => [id, county] as const)));
    const totals: number[] = [];
    const counties: number[][] = placement.map(() => []);
    for (let run = 0; run <= runs; run++) {
      const perCounty: number[] = [];
      const t0 = performance.now();
      await runCron(databases, NIGHTLY, new Date(), timedDispatch(databases, countyOf, perCounty));
      if (run === 0) continue; // the warm-up: the databases' pages into the cache
      totals.push(performance.now() - t0);
      perCounty.forEach((time, county) => counties[county].push(time));
    }
    // the GROUP BY of the ballots alone, per county: what the storage costs in this layout
    const floors: number[] = [];
    for (const [county, { tenantIds }] of seeded.entries()) {
      const t0 = performance.now();
      for (const id of tenantIds) await floorQuery(databases.shard(placement[county]), id);
      floors.push(performance.now() - t0);
    }
    return { total: median(totals), perCounty: counties.map(median), floors };
  } finally {
    await close();
  }
}

/**
 * The floor of a move: SQLite alone copying the same rows (same tables, same filter as the move) into a fresh
 * shard file attached to the source, one INSERT … SELECT per table, without the triggers and with nothing verified.
 */
async function bareCopy(source: Databases, dir: string, tenantIds: string[]): Promise<number> {
  const { db, client } = await openLibsql(`file:${dir}/floor.db`);
  await migrateShard(db);
  for (const { name } of await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'trigger'`)) await db.run(sql.raw(`DROP TRIGGER "${name}"`));
  client.close();
  const from = source.shard(MAIN_SHARD);
  await from.run(sql.raw(`ATTACH '${dir}/floor.db' AS floor`));
  const t0 = performance.now();
  for (const tenantId of tenantIds)
    for (const entry of entries().filter((each) => each.home === 'shard')) {
      const columns = sql.raw(entry.columns.map((column) => `"${column}"`).join(', '));
      await from.run(sql`INSERT INTO floor.${sql.identifier(entry.name)} (${columns}) SELECT ${columns} FROM main.${sql.identifier(entry.name)} WHERE ${entry.filter(tenantId)}`);
    }
  const elapsed = performance.now() - t0;
  await from.run(sql.raw('DETACH floor'));
  return elapsed;
}

/** (c) One generated county moved from main to sd1 with moveCounty, its grace and settle waits at 0; beside the bare copy. */
async function move(shape: { townships: number; villages: number; ballots: number }) {
  const dir = `.build/bench-shards-move`;
  const files = deploymentFiles(dir);
  const { databases, close } = await openDeployment(files);
  try {
    const [{ countyId, tenantIds }] = await seedCounties(databases, [MAIN_SHARD], shape);
    const floor = await bareCopy(databases, dir, tenantIds);
    const marks: { at: number; line: string }[] = [];
    const report = await moveCounty(databases, countyId, SHARDS[0], { graceMs: 0, settleMs: 0, log: (line) => marks.push({ at: performance.now(), line }) });
    // each township's time: from the line before its "copied and verified" (the freeze, or the township before)
    const perTownship = marks.flatMap(({ at, line }, i) => (i > 0 && line.includes('copied and verified') ? [at - marks[i - 1].at] : []));
    return { report, floor, perTownship };
  } finally {
    await close();
  }
}

/**
 * A village-year as kept (docs/scaling.md): 1,000 ballots, each a ballot-box row, its answers (100 branch
 * ballots × 8, 900 member ballots × 6) and a poll-book row; 820 meeting and attendance rows; ~120 audit and
 * other rows. Generated ballots carry no answers, so the measured rate is extrapolated by rows.
 */
const ROWS_PER_VILLAGE_YEAR = 1000 * 2 + 100 * 8 + 900 * 6 + 820 + 120;
const ROSTER_ROWS_PER_VILLAGE = 300;

export async function shardsBench(quick: boolean): Promise<BenchResult> {
  const phones = quick ? 200 : 1000;
  const nightlyShape = { townships: quick ? 2 : 3, villages: 95, ballots: quick ? 25_000 : 100_000 };
  const moveShape = { townships: quick ? 4 : 20, villages: 30, ballots: 10_000 };
  const runs = quick ? 2 : 3;
  const rows: BenchResult['rows'] = [];
  const notes: string[] = [];

  // (a) ingestion: two shards beside one database, the same two sessions at once; wrangler dev serves the built pages
  await build({ configFile: 'vite.config.ts', logLevel: 'silent' });
  for (const target of ['node', 'wrangler'] as const)
    rows.push(
      ...(await ingestionRows(target, phones, notes).catch((error: unknown) => {
        notes.push(`${TARGET_LABEL[target]}: the ingestion stopped: ${String(error).slice(0, 300)}`);
        return [];
      })),
    );

  // (b) the nightly cron over a county per shard, and over the same counties in one database
  const nightlySharded = await nightly(SHARDS, nightlyShape, runs);
  const nightlySingle = await nightly([MAIN_SHARD, MAIN_SHARD], nightlyShape, runs);
  rows.push({
    figure: `nightly cron, 2 counties × ${nightlyShape.townships} townships × ${nightlyShape.ballots.toLocaleString('en')} ballots: total, ${placementLabel(SHARDS)}`,
    value: ms(nightlySharded.total),
    floor: `${ms(nightlySingle.total)} (one database)`,
    ratio: `${(nightlySharded.total / nightlySingle.total).toFixed(2)}×`,
  });
  for (const [i, shard] of SHARDS.entries())
    rows.push({
      figure: `nightly cron: county ${i + 1}'s townships, on ${shard} · the same on main · their ballots' GROUP BY on ${shard} · on main`,
      value: `${ms(nightlySharded.perCounty[i])} · ${ms(nightlySingle.perCounty[i])}`,
      floor: `${ms(nightlySharded.floors[i])} · ${ms(nightlySingle.floors[i])}`,
      ratio: `${(nightlySharded.perCounty[i] / nightlySingle.perCounty[i]).toFixed(2)}× · ${(nightlySharded.floors[i] / nightlySingle.floors[i]).toFixed(2)}×`,
    });

  // (c) a county moved
  const moved = await move(moveShape);
  const rowsPerSecond = moved.report.rows / (moved.report.frozenMs / 1000);
  const floorPerSecond = moved.report.rows / (moved.floor / 1000);
  const perTownship = median(moved.perTownship);
  const realistic = { townships: 20, villages: 600 };
  const realisticRows = (years: number) => realistic.villages * (years * ROWS_PER_VILLAGE_YEAR + ROSTER_ROWS_PER_VILLAGE);
  rows.push(
    {
      figure: `move, ${moveShape.townships} townships × ${moveShape.villages} villages × ${moveShape.ballots.toLocaleString('en')} generated ballots (${moved.report.rows.toLocaleString('en')} rows): rows/s copied and verified`,
      value: rowsPerSecond.toFixed(0),
      floor: `${floorPerSecond.toFixed(0)} rows/s (bare INSERT … SELECT)`,
      ratio: `${((rowsPerSecond / floorPerSecond) * 100).toFixed(0)}%`,
    },
    { figure: 'move: frozen per township (median) · whole county frozen · move in all (old rows removed)', value: `${ms(perTownship)} · ${ms(moved.report.frozenMs)} · ${ms(moved.report.totalMs)}`, floor: `${ms(moved.floor)} (bare copy of the county)` },
    ...[1, 5].map((years) => ({
      figure: `move, extrapolated: a county of ${realistic.townships} townships × ${realistic.villages / realistic.townships} villages after ${years} year${years > 1 ? 's' : ''} (${(realisticRows(years) / 1e6).toFixed(1)} M rows): frozen`,
      value: ms((realisticRows(years) / rowsPerSecond) * 1000),
      floor: ms((realisticRows(years) / floorPerSecond) * 1000),
    })),
  );
  notes.push(
    `Per shard and combined figures of the ingestion come from one run each; the ${CONCURRENCY} phones at a time are per session, so ${2 * CONCURRENCY} requests are in flight in both layouts. The server is one process (wrangler dev: its Node and workerd) on this machine's cores: two shards take the SQLite write lock apart, not the CPU. wrangler dev is the local simulator, not the edge.`,
    'The GROUP BY floor (the yearly recompute bench\'s, once per township after the runs) shows how much of the difference between layouts is the storage itself: a county alone in its file reads fewer, closer pages. The nightly cron runs in one process here, as the Node server runs it: townships one after another, so the total is about the sum of the shards. On Workers each shard\'s townships are queue messages consumed in parallel; the night then takes about the longest shard.',
    `The move ran with graceMs 0 and settleMs 0; production waits 10 s after freezing (graceMs) and 10 s after the switch before removing the old rows (settleMs: TENANT_TTL_MS + 5 s, for a replica's lag), so a county is frozen 10 s longer than measured and the whole move takes 20 s longer.`,
    `Extrapolated linearly in rows at the measured rows/s, assuming a kept village-year of ${ROWS_PER_VILLAGE_YEAR.toLocaleString('en')} rows (1,000 ballots with their answers and poll-book rows, a year's meetings, audit and other records: docs/scaling.md) and ${ROSTER_ROWS_PER_VILLAGE} roster rows a village; real rows are wider than generated ones (answers, audit JSON), which this does not count.`,
  );
  return {
    name: 'Shards: ingestion into two shards, the nightly cron across shards, a county moved',
    method: `libSQL files: a registry (also shard main) and two shards sd1, sd2 (DATABASE_URL and SHARDS), counties generated as \`npm run seed -- --county-per-shard\` writes them. Ingestion: the Node server (npm run start:node, DATABASE_URL and SHARDS), then wrangler dev with three local D1 databases (DB and bindings SHARD_SD1, SHARD_SD2 added to wrangler.toml), with county 1 on sd1 and county 2 on sd2, a big-screen session in each county's township, both sessions' ${phones} phones at once (after ${WARMUP} uncounted phones per township), each phone scanning then submitting its ballot as in the ingestion bench; the floor is the same run with both counties on main. Nightly: \`runCron('${NIGHTLY}')\` in-process over a county per shard, ${nightlyShape.villages} villages a township, last year final; the floor is the same counties in one database; medians of ${runs} runs after a warm-up, per-shard time summed over the messages of the shard's county's townships. Move: \`moveCounty\` of one generated county from main to sd1 (copy, verify by counts and SHA-256, switch, remove); the floor is SQLite copying the same rows (same tables and filter) into an attached shard file with one INSERT … SELECT per table.`,
    rows,
    notes,
  };
}
