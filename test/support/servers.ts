import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Miniflare, Response as MiniflareResponse } from 'miniflare';
import { apiDocument } from '../../src/api-document';
import { backgroundWork } from '../../src/platform/background';
import { createApp } from '../../src/app';
import type { Bindings } from '../../src/app-env';
import type { Db } from '../../src/db/client';
import { d1Database } from '../../src/db/d1';
import { openLibsql } from '../../src/db/libsql';
import { migratedMemoryDb } from './memory-db';
import { scratchDir } from './scratch';
import { databasesOf, type Databases } from '../../src/db/databases';
import { inlineDispatch } from '../../src/jobs/runner';
import { runCron } from '../../src/jobs/worker';
import { TEST_BUILD } from './build';
import { d1File, MIGRATION_COUNT } from './builds';
import { dirStore } from '../../src/audit/dir-store';
import { dirPhotoStore } from '../../src/platform/photo-dir-store';
import { r2PhotoStore, type PhotoStore } from '../../src/platform/photo-store';
import { r2Store, type AuditStore } from '../../src/audit/store';

/** A running app on a real database: libSQL in Node, or the built Worker in workerd with local D1. */
export interface TestServer {
  driver: Driver;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** direct access for fixtures and for checking what was (not) stored: the registry, also shard `main` */
  db: Db;
  /** the registry and the shards (`main` alone unless the server was started with `shards`) */
  databases: Databases;
  /** the store outside the database holding the audit trail's anchors and archives (a directory, or workerd's R2) */
  auditStore: AuditStore;
  /** where the meeting photos' files are (a directory, or workerd's R2) */
  photoStore: PhotoStore;
  /** fires a cron as the platform would: workerd's `scheduled` handler (jobs fan out through its queue), or the Node scheduler's run */
  scheduled?(cron: string, scheduledTime: Date): Promise<void>;
  /** the same database under another environment (a redeploy with new settings, e.g. a rotated secret) */
  reconfigure?(env: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export const DRIVERS = ['libsql', 'workerd'] as const;
/** The HMAC key both drivers run with in tests: production-grade (43 base64url characters), so tests run outside demo mode. */
export const TEST_APP_SECRET = 'xingping-test-secret-Kq7vR2mW9pLx4TbN8cYh3J';
/** The environment both drivers run with in tests (plain HTTP, hence INSECURE_COOKIES). */
export const TEST_ENV = { BASE_DOMAIN: 'xingping.test', INSECURE_COOKIES: '1', APP_SECRET: TEST_APP_SECRET };
export type Driver = (typeof DRIVERS)[number];
const ORIGIN = 'http://127.0.0.1';
/** Paths go to 127.0.0.1; a full URL picks its own host (for host-based tenant resolution). */
const absolute = (path: string) => (path.startsWith('http') ? path : ORIGIN + path);

/** Rows a server's database holds before it starts (e.g. the demo an install seeded), written straight into it. */
export type Preload = (db: Db) => Promise<unknown>;

/**
 * `env` replaces the test environment (the bindings or process environment a deployment would have).
 * `preload` writes rows before the server starts: on workerd into its D1 file through libSQL in this process (D1
 * is SQLite), not row by row through workerd, where a demo township took ~7 s of round trips.
 */
export interface ServerOptions {
  /** shards besides `main` (docs/scaling.md): each its own database, migrated by migrations/shard */
  shards?: readonly string[];
}

/**
 * Every test server has a second shard, so every API suite runs with two shards configured: the fixture's
 * county of its townships on `main`, its other county on `second` (fixture.ts); shards.test.ts also runs a
 * registry that holds no township at all.
 */
export const SECOND_SHARD = 'second';

export async function startServer(driver: Driver, env: Record<string, string> = TEST_ENV, preload?: Preload, options: ServerOptions = { shards: [SECOND_SHARD] }): Promise<TestServer> {
  return driver === 'libsql' ? startLibsql(env, preload, options) : startWorkerd(env, preload, options);
}

async function startLibsql(bindings: Record<string, string>, preload: Preload | undefined, options: ServerOptions): Promise<TestServer> {
  const { db, client } = await migratedMemoryDb();
  const shards = await Promise.all((options.shards ?? []).map(async (name) => ({ name, ...(await migratedMemoryDb('shard')) })));
  const databases = databasesOf(db, Object.fromEntries(shards.map((shard) => [shard.name, shard.db])));
  await preload?.(db);
  const auditDir = scratchDir('xingping-audit-');
  const photoDir = scratchDir('xingping-photos-');
  const auditStore = dirStore(auditDir.path);
  const photoStore = dirPhotoStore(photoDir.path);
  const background = backgroundWork();
  const app = createApp({ databases: () => databases, clientIp: (c) => c.req.header('x-test-ip') ?? '127.0.0.1', auditStore: () => auditStore, photoStore: () => photoStore, apiDocument });
  let env = { ...bindings } as unknown as Bindings;
  return {
    driver: 'libsql',
    db,
    databases,
    auditStore,
    photoStore,
    reconfigure: async (next) => void (env = { ...next } as unknown as Bindings),
    fetch: async (path, init) => app.fetch(new Request(absolute(path), init), env, background.context),
    scheduled: async (cron, scheduledTime) => void (await runCron(databases, cron, scheduledTime, inlineDispatch(databases), auditStore)),
    close: async () => {
      // what requests left running (audit seals) finishes before its database closes
      await background.settled();
      client.close();
      for (const shard of shards) shard.client.close();
      auditDir.remove();
      photoDir.remove();
    },
  };
}

/**
 * Requests to workerd over a kept-alive socket straight into a Worker (Miniflare's `unsafeDirectSockets`, a
 * socket of workerd's own): the full URL in the request line (a proxy-style socket, so the Worker sees the scheme
 * and host the caller asked for), no Miniflare entry worker in between. Miniflare's own `dispatchFetch` opens a
 * connection per request (it sets undici's `reset`) and runs undici's fetch: ~3.2 ms of Node CPU a request
 * against ~0.5 ms here. Its entry worker only rebuilds the request for what these tests never use (its `cf`
 * object, pretty errors, response re-encoding); without it workerd spends 0.2–0.8 ms less on each (a 404:
 * 1.9 → 1.6 ms, /api/health: 3.8 → 3.0 ms), over the suite's thousands of requests. Like the libSQL driver's
 * `app.fetch`, it follows no redirect. A request whose socket the runtime had closed while idle in the pool (it
 * closes one after answering before a body was read whole, e.g. an early 413) is sent again: it never reached the
 * runtime. A failure of the transport itself is thrown as undici's `fetch failed`, which sentAgainOnReset
 * (client.ts) knows.
 */
type Transport = (url: string, init: RequestInit | undefined, headers: Headers) => Promise<Response>;

/** A socket of its own into the Worker it is given to, on a port workerd picks. */
const DIRECT_SOCKET = { host: '127.0.0.1', port: 0, proxy: true };

function directTransport(socket: URL, agent: Agent): Transport {
  return async (url, init, headers) => {
    const body = await bodyOf(init?.body, headers);
    for (let attempt = 1; ; attempt++)
      try {
        return await sendOnce(socket, agent, init?.method ?? 'GET', url, headers, body);
      } catch (error) {
        if (!(error as { staleSocket?: boolean }).staleSocket || attempt === 5) throw new Error('fetch failed', { cause: error });
      }
  };
}

/**
 * A body as bytes with its content type (FormData's boundary), or a stream's chunks, read first so that a request
 * sent again sends them all again, each its own chunk of a chunked body as the stream gave it.
 */
async function bodyOf(body: BodyInit | null | undefined, headers: Headers): Promise<Uint8Array | Uint8Array[] | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof ReadableStream) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    return chunks;
  }
  const request = new Request('http://body/', { method: 'POST', body });
  const type = request.headers.get('content-type');
  if (type && !headers.has('content-type')) headers.set('content-type', type);
  return new Uint8Array(await request.arrayBuffer());
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function sendOnce(socket: URL, agent: Agent, method: string, url: string, headers: Headers, body: Uint8Array | Uint8Array[] | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = { ...Object.fromEntries(headers), host: new URL(url).host };
    if (body instanceof Uint8Array) fields['content-length'] = String(body.byteLength);
    let answered = false;
    const request = httpRequest({ host: socket.hostname, port: socket.port, method, path: url, agent, headers: fields }, (incoming: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const answer = new Headers();
        for (let i = 0; i < incoming.rawHeaders.length; i += 2) answer.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1]);
        // answered before its body was sent whole (an early 413): the connection is not used again
        if (!request.writableFinished) request.destroy();
        const status = incoming.statusCode ?? 500;
        resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage, headers: answer }));
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // the runtime may close the connection under a body it refused early; its answer has come
      if (answered) return;
      reject(Object.assign(error, { staleSocket: request.reusedSocket && /ECONNRESET|EPIPE/.test(error.code ?? '') }));
    });
    if (Array.isArray(body)) {
      for (const chunk of body) request.write(chunk);
      request.end();
    } else request.end(body);
  });
}

/** The R2 methods the stores call (audit/store.ts, platform/photo-store.ts), each on the bucket `open` gives. */
function lazyBucket(open: () => Promise<R2Bucket>): R2Bucket {
  const call =
    <M extends 'head' | 'get' | 'put' | 'list' | 'delete'>(method: M) =>
    async (...args: Parameters<R2Bucket[M]>) =>
      ((await open())[method] as (...a: typeof args) => unknown)(...args);
  return { head: call('head'), get: call('get'), put: call('put'), list: call('list'), delete: call('delete') } as unknown as R2Bucket;
}

/**
 * The tests' own door to a server's D1 databases: a second Worker bound to the same databases (same ids, so
 * the same storage) that runs the statements it is sent, each call or batch one request. Miniflare's proxy of
 * the binding makes every prepare, bind and method lookup a synchronous round trip (about five per query),
 * which made the tests' direct reads and writes (a county's move, the demo seed) most of a workerd file's time.
 * The statements still run in workerd's D1; only the way there is shorter.
 */
const D1_DOOR = 'd1-door';
const D1_DOOR_SCRIPT = `export default {
  async fetch(request, env) {
    const { binding, method, statements } = await request.json();
    const db = env[binding];
    try {
      const bound = statements.map(([sql, params]) => db.prepare(sql).bind(...params));
      return Response.json({ result: method === 'batch' ? await db.batch(bound) : await bound[0][method]() });
    } catch (error) {
      return Response.json({ error: String(error?.message ?? error) });
    }
  },
};`;

type Statement = [sql: string, params: unknown[]];

/** The transport into the door's Worker, asked again after a setOptions (which restarts the runtime). */
type Door = () => Transport;

/** What drizzle's D1 driver calls of a binding (prepare, bind, all, raw, run, batch), sent through the door. */
function d1Door(door: Door, binding: string): D1Database {
  const send = async (method: string, statements: Statement[]) => {
    const response = await door()('http://d1-door/', { method: 'POST', body: JSON.stringify({ binding, method, statements }) }, new Headers());
    const { result, error } = (await response.json()) as { result?: unknown; error?: string };
    if (error !== undefined) throw new Error(error);
    return result;
  };
  class DoorStatement {
    constructor(
      readonly sql: string,
      readonly params: unknown[] = [],
    ) {}
    bind = (...params: unknown[]) => new DoorStatement(this.sql, params);
    all = () => send('all', [[this.sql, this.params]]);
    raw = () => send('raw', [[this.sql, this.params]]);
    run = () => send('run', [[this.sql, this.params]]);
    first = () => send('first', [[this.sql, this.params]]);
  }
  return {
    prepare: (sql: string) => new DoorStatement(sql),
    batch: (statements: DoorStatement[]) => send('batch', statements.map((each) => [each.sql, each.params])),
  } as unknown as D1Database;
}

/**
 * miniflare, imported by the first workerd server (~0.5 s of CPU): the browser lane's processes, which take this
 * module's settings and fixtures, never start one. Imported without NODE_EXTRA_CA_CERTS, which it reads once, as it
 * loads: it would copy those CAs into every workerd config for outbound TLS, which no test server makes (this
 * machine's 144, 220 KB: ~16 ms of CPU at each restart, in this process and in workerd).
 */
let imported: Promise<typeof import('miniflare')> | undefined;
function miniflare(): Promise<typeof import('miniflare')> {
  if (imported) return imported;
  const extraCas = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
  imported = import('miniflare');
  return imported.finally(() => {
    if (extraCas !== undefined) process.env.NODE_EXTRA_CA_CERTS = extraCas;
  });
}

/**
 * The ASSETS binding of the test servers: the built pages' files as Workers static assets answer them, a missing
 * one with the SPA's index.html (wrangler.toml's not_found_handling). A function in this process rather than
 * Miniflare's assets, whose four workers and manifest of every file cost ~0.04 s more CPU at each server's start;
 * every request reaches the Worker as with run_worker_first. The assets' own routing and headers are
 * worker-assets.test.ts's.
 */
const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.png': 'image/png' };
async function servePages(request: { url: string }): Promise<MiniflareResponse> {
  const { Response: MiniflareResponse } = await miniflare();
  const path = decodeURIComponent(new URL(request.url).pathname);
  const file = join(TEST_BUILD.web, normalize(path));
  if (file.startsWith(TEST_BUILD.web + sep) && existsSync(file) && statSync(file).isFile())
    return new MiniflareResponse(readFileSync(file), { headers: { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' } });
  return new MiniflareResponse(readFileSync(join(TEST_BUILD.web, 'index.html')), { headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * One workerd per test process, handed from server to server: a new Miniflare costs ~1.8 s of start-up, moving
 * a running one onto a new database and environment (setOptions restarts its isolate) ~0.5 s. Each server gets
 * its own database and queue by name, so nothing of an earlier server (its rows, its queued jobs, its isolate's
 * memory) reaches the next. Miniflare stops its workerd when the process exits.
 * Each database starts as a copy of the migrated template the global setup made (builds.ts), not by applying
 * the migrations again (~0.6 s each).
 * Not several servers' Workers started ahead in one runtime, for the next servers to take without a restart:
 * each Worker's start is most of a restart (~0.12 of ~0.3 s of CPU), every restart starts them all again and
 * the ones never taken are waste (December 6th, five spares: the api lane 138–142 s of CPU against 110–116).
 */
let idleWorkerd: Miniflare | undefined;
let workerdServers = 0;
let d1Folder: string | undefined;
let workerBundle: string | undefined;

type RuntimeOptions = ConstructorParameters<typeof Miniflare>[0];

/**
 * The process's workerd moved onto `options` (a restart), or a new one. Miniflare gives a restarted workerd the
 * ports of the one before (asked for as port 0, so its addresses stay the same), and a connection of another
 * process may take one of them in the moment between: that restart fails with ERR_ADDRESS_IN_USE (seen once in a
 * full run), and a new Miniflare, on ports of its own, is started instead (the D1 files stay; what the R2
 * buckets of the one before held does not).
 */
async function runtimeOn(previous: Miniflare | undefined, options: RuntimeOptions): Promise<Miniflare> {
  if (previous)
    try {
      await previous.setOptions(options);
      return previous;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_ADDRESS_IN_USE') throw error;
      await previous.dispose().catch(() => undefined);
    }
  const started = new (await miniflare()).Miniflare(options);
  try {
    await started.ready;
  } catch (error) {
    await started.dispose().catch(() => undefined);
    throw error;
  }
  return started;
}

async function startWorkerd(bindings: Record<string, string>, preload: Preload | undefined, serverOptions: ServerOptions): Promise<TestServer> {
  const serial = ++workerdServers;
  const queueName = `xingping-jobs-${serial}`;
  const databaseId = `test-db-${serial}`;
  d1Folder ??= scratchDir('xp-d1-').path;
  const file = d1File(d1Folder, databaseId);
  mkdirSync(join(file, '..'), { recursive: true });
  copyFileSync(TEST_BUILD.d1Template, file);
  // each shard a local D1 of its own, started from the shard set's template
  const shardBindings = Object.fromEntries((serverOptions.shards ?? []).map((name) => [`SHARD_${name.toUpperCase()}`, `${databaseId}-${name}`]));
  const shardFiles = Object.values(shardBindings).map((id) => d1File(d1Folder!, id));
  for (const shardFile of shardFiles) copyFileSync(TEST_BUILD.d1ShardTemplate, shardFile);
  if (preload) {
    const { db, client } = await openLibsql(`file:${file}`);
    await preload(db);
    // everything into the file itself, as the template is (the -wal files are removed with it)
    await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    client.close();
  }
  const app = {
    name: 'app',
    // the bundle named as its one module (it imports only built-ins): given `scriptPath` alone, Miniflare reads and
    // parses its megabyte again on every setOptions to find the modules it imports (~0.3 s of CPU per server)
    modules: [{ type: 'ESModule' as const, path: TEST_BUILD.worker, contents: (workerBundle ??= readFileSync(TEST_BUILD.worker, 'utf8')) }],
    compatibilityDate: '2026-08-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: databaseId, ...shardBindings },
    // its own bucket per server, like its database: no anchor of an earlier server's chain reaches the next
    r2Buckets: { AUDIT_ARCHIVE: `audit-${serial}`, MEETING_PHOTOS: `photos-${serial}` },
    bindings,
    queueProducers: { JOBS_QUEUE: { queueName } },
    // the built pages behind ASSETS, for what the Worker reads there (the catalogues, the API document)
    serviceBindings: { ASSETS: servePages },
    // each send delivered at once (a cron's fan-out, one sendBatch, is still one batch): a test waits on its jobs,
    // not on a batch window (1 s each time, ~10 s of a run's waiting); production's window is wrangler.toml's
    queueConsumers: { [queueName]: { maxBatchTimeout: 0, maxRetries: 2 } },
    unsafeDirectSockets: [DIRECT_SOCKET],
    // the app keeps nothing in the Cache API: without Miniflare's cache workers each restart is ~10 ms less CPU
    cache: false,
  };
  const doorOptions = { name: D1_DOOR, modules: true, script: D1_DOOR_SCRIPT, compatibilityDate: app.compatibilityDate, d1Databases: app.d1Databases, unsafeDirectSockets: [DIRECT_SOCKET], cache: false };
  const options = { d1Persist: d1Folder, workers: [app, doorOptions] };
  // taken before the restart: a runtime that failed to restart is not handed to the next server
  const previous = idleWorkerd;
  idleWorkerd = undefined;
  let mf = await runtimeOn(previous, options);
  // a pool of its own for each runtime: setOptions restarts workerd, closing every socket of the one before
  let agent = new Agent({ keepAlive: true });
  const connect = async () => ({ app: directTransport(await mf.unsafeGetDirectURL(app.name), agent), door: directTransport(await mf.unsafeGetDirectURL(D1_DOOR), agent) });
  let transport = await connect();
  const door: Door = () => transport.door;
  const d1 = d1Door(door, 'DB');
  const migrated = await d1.prepare('SELECT count(*) AS n FROM d1_migrations').first<{ n: number }>().catch(() => undefined);
  if (migrated?.n !== MIGRATION_COUNT) throw new Error(`the D1 template did not reach ${file} (Miniflare's storage layout changed? see builds.ts)`);
  const shardDbs: Record<string, Db> = {};
  for (const [binding] of Object.entries(shardBindings)) shardDbs[binding.slice('SHARD_'.length).toLowerCase()] = d1Database(d1Door(door, binding));
  const databases = databasesOf(d1Database(d1), shardDbs);
  let closed = false;
  /** a reconfigure whose restart failed: this runtime is not handed to the next server */
  let failed = false;
  // Miniflare's proxies of the buckets, opened at a test's first look (most never look: ~80 ms of waiting on
  // workerd each) and again after a restart, which ends the proxies of the runtime before it
  const buckets = new Map<string, Promise<R2Bucket>>();
  const bucket = (name: string) => lazyBucket(() => buckets.get(name) ?? buckets.set(name, mf.getR2Bucket(name) as unknown as Promise<R2Bucket>).get(name)!);
  return {
    driver: 'workerd',
    db: databases.registry,
    databases,
    auditStore: r2Store(bucket('AUDIT_ARCHIVE')),
    photoStore: r2PhotoStore(bucket('MEETING_PHOTOS')),
    // a restart of workerd with new bindings; the local D1 (in this Miniflare's storage) keeps its rows
    reconfigure: async (next) => {
      try {
        mf = await runtimeOn(mf, { ...options, workers: [{ ...app, bindings: next }, doorOptions] });
      } catch (error) {
        failed = true;
        throw error;
      }
      buckets.clear();
      agent.destroy();
      agent = new Agent({ keepAlive: true });
      transport = await connect();
    },
    fetch: async (path, init) => {
      const headers = new Headers(init?.headers);
      // workerd reads the caller's address from this header, as Cloudflare's edge sets it
      headers.set('cf-connecting-ip', headers.get('x-test-ip') ?? '127.0.0.1');
      return transport.app(absolute(path), init, headers);
    },
    scheduled: async (cron, scheduledTime) => {
      const worker = await mf.getWorker();
      const { outcome } = await worker.scheduled({ cron, scheduledTime });
      if (outcome !== 'ok') throw new Error(`scheduled ${cron}: ${outcome}`);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      agent.destroy();
      if (idleWorkerd || failed) await mf.dispose().catch(() => undefined);
      else idleWorkerd = mf;
      for (const each of [file, ...shardFiles]) for (const suffix of ['', '-wal', '-shm']) rmSync(each + suffix, { force: true });
    },
  };
}
