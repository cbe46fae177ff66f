import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { prepareLocalD1 } from '../scripts/local-d1';
import { OFFLINE_ENV } from '../scripts/wrangler';
import { BENCH_ENV, Caller, percentile, runLoad } from './load';
import { cpuSeconds, peakRssMiB } from './proc';
import type { BenchResult } from './report';

export const CONCURRENCY = 50;
/** Phones (and floor inserts) sent first and not counted: the figures are the steady state, not the JIT's first minutes. */
export const WARMUP = 100;
const WRANGLER = 'node_modules/wrangler/bin/wrangler.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Server {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Process groups of the servers still running: ended when the bench exits, even when it fails half way. */
const running = new Set<number>();
const endGroup = (pid: number) => {
  running.delete(pid);
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
};
process.on('exit', () => [...running].forEach(endGroup));

/** Starts a command in its own process group and waits until it answers HTTP on its port. */
async function startServer(command: string[], env: Record<string, string | undefined>, port: number, probe = '/api/openapi.json'): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, command, { env: { ...OFFLINE_ENV, ...env }, detached: true, stdio: ['ignore', 'ignore', 'inherit'] });
  running.add(child.pid!);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${command.join(' ')} did not start`);
    try {
      const reply = await fetch(base + probe, { method: probe === '/floor' ? 'OPTIONS' : 'GET' });
      if (reply.status < 500) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    pid: child.pid!,
    stop: async () => {
      endGroup(child.pid!);
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

/** A township the phones vote in: its API's base path and its admin's login. */
export interface Township {
  api: string;
  admin: { phone: string; password: string };
}

/** The demo's 潘店镇, seeded by DEMO_MODE. */
const PANDIAN: Township = { api: '/t/pandian/api', admin: { phone: '13800000002', password: 'xingping2026' } };

/** As the township admin: a campaign, a screen, a booking and an open session for one village. */
export async function openSession(base: string, township: Township = PANDIAN) {
  const { api } = township;
  const admin = new Caller(base);
  await admin.call('POST', '/api/auth/login', township.admin);
  const villages = await admin.call<{ id: string; name: string }[]>('GET', `${api}/villages`);
  const village = villages.find((v) => v.name === '西赵') ?? villages[0];
  const campaign = await admin.call('POST', `${api}/evaluation/campaigns`, { name: `基准测试 ${Date.now()}`, subjectKind: 'branch' });
  const screen = await admin.call('POST', `${api}/evaluation/screens`, { name: `基准厅 ${Date.now()}` });
  const now = Date.now();
  const booking = await admin.call('POST', `${api}/evaluation/bookings`, {
    campaignId: campaign.id,
    villageId: village.id,
    screenId: screen.id,
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3 * 3600_000).toISOString(),
  });
  const session = await admin.call('POST', `${api}/evaluation/sessions`, { bookingId: booking.id });
  const tenant = await admin.call<{ id: string }>('GET', api);
  return { admin, session, campaign, villageId: village.id, tenantId: tenant.id, api };
}

export type OpenedSession = Awaited<ReturnType<typeof openSession>>;

/** A phone after scanning the QR: its own pass (the server's nonce) and the questions it answers. */
interface ScannedPhone {
  caller: Caller;
  voter: { kind: 'villager' };
  pass: string;
  items: { key: string }[];
  n: number;
}

/** Scanning, as web/vote does it: the QR token → this phone's own pass, questions and what it has voted on. */
async function scanPhone(base: string, api: string, token: string, code: string, n: number): Promise<ScannedPhone> {
  const caller = new Caller(base);
  const voter = { kind: 'villager' as const };
  const scanned = await caller.call('POST', `${api}/evaluation/vote/${code}/pass`, { token, voter });
  if (scanned.identified?.subjects?.[0]?.voted !== false) throw new Error('the pass did not identify the phone');
  return { caller, voter, pass: scanned.pass, items: scanned.questionnaire.items.villager, n };
}

/** Voting, a minute later: the branch ballot, answered with its receipt. */
async function castBallot(api: string, code: string, villageId: string, phone: ScannedPhone): Promise<void> {
  const result = await phone.caller.call('POST', `${api}/evaluation/vote/${code}/ballots`, {
    pass: phone.pass,
    clientId: `bench${phone.n}${crypto.randomUUID().replace(/-/g, '')}`,
    voter: phone.voter,
    ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: Object.fromEntries(phone.items.map((item, i) => [item.key, (phone.n + i) % 4])) }],
  });
  if (!JSON.stringify(result).match(/receipt/i)) throw new Error('no receipt');
}

/** Every phone scans, then every phone votes: in a session people scan, read the questions, and submit later. */
async function runSession(server: Server, api: string, token: () => string, code: string, villageId: string, phones: number) {
  const scanned: ScannedPhone[] = [];
  const scans = await measure(server, phones, async (n) => {
    scanned[n] = await scanPhone(server.base, api, token(), code, n);
  });
  const votes = await measure(server, phones, (n) => (scanned[n] ? castBallot(api, code, villageId, scanned[n]) : Promise.reject(new Error('phone did not scan'))));
  return { scans, votes };
}

/**
 * A session's phones through the real flow while its screen rotates the QR, as in the hall; then the ballots the
 * session's live count holds. `session` is the one to vote in (default: the one `opened` made).
 */
export async function runBigScreen(server: Server, opened: OpenedSession, phones: number, session: { id: string; code: string } = opened.session) {
  const { admin, api, villageId } = opened;
  const qr = async () => (await admin.call('GET', `${api}/evaluation/sessions/${session.id}/qr`)).token as string;
  let token = await qr();
  const refresh = setInterval(async () => (token = await qr()), 10_000); // the screen's rotating QR
  const { scans, votes } = await runSession(server, api, () => token, session.code, villageId, phones).finally(() => clearInterval(refresh));
  const live = await admin.call('GET', `${api}/evaluation/sessions/${session.id}/live`);
  const stored: number = live.groups.villager.ballots;
  return { scans, votes, stored, failures: [...scans.failures, ...votes.failures] };
}

async function measure(server: Server, phones: number, job: (n: number) => Promise<void>) {
  const cpuBefore = cpuSeconds(server.pid);
  const load = await runLoad(phones, CONCURRENCY, job);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  return { ...load, cpuMsPerItem: (cpu * 1000) / Math.max(1, load.latencies.length), rss: peakRssMiB(server.pid) };
}

export type Target = 'node' | 'wrangler';

/**
 * The Node server runs as `npm run start:node` runs it (a larger young generation: fewer GC pauses under a burst of phones); the floor too.
 * BENCH_NODE_OPTIONS replaces these, e.g. to profile the servers (see docs/performance.md).
 */
const NODE_SERVER_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? '--max-semi-space-size=64';

/**
 * A deployment other than the default one database: `env` adds to the Node server's settings (e.g. DATABASE_URL
 * and SHARDS), `wranglerConfig` replaces wrangler.toml (e.g. with SHARD_<NAME> bindings).
 */
export interface Deployment {
  env?: Record<string, string>;
  wranglerConfig?: string;
}

export async function startApp(target: Target, dataDir: string, port: number, deployment: Deployment = {}): Promise<Server> {
  if (target === 'node')
    return startServer(['node_modules/tsx/dist/cli.mjs', 'src/node.ts'], { ...BENCH_ENV, DATABASE_URL: `file:${dataDir}/bench.db`, PORT: String(port), NO_SCHEDULER: '1', NODE_OPTIONS: NODE_SERVER_OPTIONS, ...deployment.env }, port);
  const vars = Object.entries(BENCH_ENV).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const config = deployment.wranglerConfig ? ['--config', deployment.wranglerConfig] : [];
  return startServer([WRANGLER, 'dev', ...config, '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', dataDir, ...vars], {}, port);
}

async function startFloor(target: Target, dataDir: string, port: number): Promise<Server> {
  if (target === 'node')
    return startServer(['node_modules/tsx/dist/cli.mjs', 'bench/floor/node.ts'], { DATABASE_URL: `file:${dataDir}/bench.db`, PORT: String(port), NODE_OPTIONS: NODE_SERVER_OPTIONS }, port, '/floor');
  return startServer(
    [WRANGLER, 'dev', '--config', 'bench/floor/wrangler.toml', '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', dataDir],
    {},
    port,
    '/floor',
  );
}

/** First failure of a run, kept for the notes: a failing flow must say why. */
const failureNotes: string[] = [];

async function benchTarget(target: Target, phones: number): Promise<BenchResult['rows']> {
  const dataDir = `.build/bench-${target}`;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (target === 'wrangler') await prepareLocalD1(dataDir);

  // the real flow
  const app = await startApp(target, dataDir, await freePort());
  const opened = await openSession(app.base);
  const { campaign, villageId, tenantId } = opened;
  const floorSession = (await openSession(app.base)).session;
  await runBigScreen(app, opened, WARMUP, (await openSession(app.base)).session);
  const { scans, votes, stored, failures } = await runBigScreen(app, opened, phones);
  if (failures.length) failureNotes.push(`${target}: ${failures.length} failed, first: ${failures[0].slice(0, 300)}`);
  await app.stop();

  // the floor: a bare INSERT of the same row into the same database
  const floorServer = await startFloor(target, dataDir, await freePort());
  const caller = new Caller(floorServer.base);
  const insert = (n: number) => caller.call('POST', '/floor', { tenantId, sessionId: floorSession.id, campaignId: campaign.id, subjectId: villageId, n });
  await runLoad(WARMUP, CONCURRENCY, (n) => insert(phones + n));
  const floor = await measure(floorServer, phones, insert);
  await floorServer.stop();

  const label = target === 'node' ? 'Node + libSQL file' : 'wrangler dev + local D1';
  const ratio = votes.perSecond / floor.perSecond;
  const p99 = percentile(votes.latencies, 99);
  const ms = (values: number[]) => `${percentile(values, 50).toFixed(1)} / ${percentile(values, 99).toFixed(1)} ms`;
  return [
    { figure: `${label}: ballots/s`, value: votes.perSecond.toFixed(0), floor: `${floor.perSecond.toFixed(0)} inserts/s`, ratio: `${(ratio * 100).toFixed(0)}%`, target: '≥ 60% of floor', ok: ratio >= 0.6 },
    { figure: `${label}: ballot POST latency p50 / p99`, value: ms(votes.latencies), floor: ms(floor.latencies), target: target === 'node' ? 'p99 < 100 ms at 50 concurrent' : '', ok: target === 'node' ? p99 < 100 : undefined },
    // wrangler dev's process tree carries the simulator (its Node proxy, workerd's I/O) at the floor's cost too: the app's own share is the difference
    target === 'node'
      ? { figure: `${label}: server CPU per ballot`, value: `${votes.cpuMsPerItem.toFixed(2)} ms`, floor: `${floor.cpuMsPerItem.toFixed(2)} ms per insert`, ratio: `${(votes.cpuMsPerItem / floor.cpuMsPerItem).toFixed(1)}×`, target: '≤ 2 ms', ok: votes.cpuMsPerItem <= 2 }
      : { figure: `${label}: server CPU per ballot (above the floor's simulator overhead)`, value: `${votes.cpuMsPerItem.toFixed(2)} ms (+${(votes.cpuMsPerItem - floor.cpuMsPerItem).toFixed(2)} ms)`, floor: `${floor.cpuMsPerItem.toFixed(2)} ms per insert`, ratio: `${(votes.cpuMsPerItem / floor.cpuMsPerItem).toFixed(1)}×`, target: '≤ 2 ms above the floor', ok: votes.cpuMsPerItem - floor.cpuMsPerItem <= 2 },
    { figure: `${label}: scans/s (QR token → pass) · latency p50 / p99 · CPU per scan`, value: `${scans.perSecond.toFixed(0)} · ${ms(scans.latencies)} · ${scans.cpuMsPerItem.toFixed(2)} ms` },
    { figure: `${label}: server CPU per phone (scan + ballot)`, value: `${(scans.cpuMsPerItem + votes.cpuMsPerItem).toFixed(2)} ms` },
    { figure: `${label}: peak RSS of the server`, value: `${votes.rss.toFixed(0)} MiB`, floor: `${floor.rss.toFixed(0)} MiB` },
    { figure: `${label}: ballots lost`, value: `${phones - stored} of ${phones} (failed requests: ${failures.length})`, target: '0', ok: stored === phones },
  ];
}

export async function ballotIngestion(quick: boolean): Promise<BenchResult> {
  const phones = quick ? 300 : 1000;
  const rows = [...(await benchTarget('node', phones)), ...(await benchTarget('wrangler', phones))];
  return {
    name: 'Ballot ingestion: one big-screen session',
    method: `${phones} phones, ${CONCURRENCY} at a time, going through the real flow against the running server (after ${WARMUP} uncounted phones of another session, as the floor after ${WARMUP} uncounted inserts), in the order of a real session: every phone scans (the QR token → a pass of its own, drawn by the server and counted, with the questions and what it has voted on), then every phone submits its branch ballot and receives the receipt. Ballots/s, ballot latency and CPU per ballot are measured over the submissions; scans are reported apart. Floor: a bare Hono route doing one INSERT of the same ballot row (same table and indexes) into the same database, ${phones} times at the same concurrency. Server CPU is user+system time of the server's whole process tree (wrangler dev: wrangler's Node and workerd) read from /proc, divided by phones.`,
    rows,
    notes: [
      'A phone makes two requests (the scan, and the ballot a minute later); the floor makes one. The ratio compares ballot submissions with floor inserts, one request each; the scan is listed on its own line.',
      'wrangler dev is the local simulator (workerd + SQLite behind Miniflare), not the edge: its figures are for comparison with its own floor only.',
      ...failureNotes,
    ],
  };
}
