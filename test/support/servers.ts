import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
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
  /** fires a cron as the platform would: the Worker's `scheduled` handler, as workerd calls it (jobs fan out through its queue), or the Node scheduler's run */
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
  // by require: imported, Node's ESM loader would check its 4 MB CommonJS bundle for module syntax and lex it for its
  // exports first (~0.7 s of CPU to load it against ~0.45 s)
  imported = Promise.resolve(createRequire(import.meta.url)('miniflare') as typeof import('miniflare'));
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
 * The test servers' workerd: one Worker (the test build's bundle) serving many servers ("slots") in one isolate,
 * each with an app of its own (the bundle's createWorkerApp and workerHandlers, so its own memos), its own
 * databases, buckets, queue and environment, reached through a socket of its own (a named entrypoint of
 * SLOT_SCRIPT); a reconfigure (a redeploy with other variables) starts its app again on them. Nothing of an
 * earlier server (its rows, its queued jobs, its app and the app's memos) reaches the next; what the bundle's
 * modules keep for every app are caches of pure functions (HMAC keys, the catalogues). No server waits on
 * workerd's restart (~0.3 s of CPU, once per server before: 66 a run) or starts on a cold isolate, whose code runs
 * in V8's interpreter until it warms. A runtime declares its servers' bindings at its start (SLOTS of them for the
 * usual shards, see takeSlot); workerd opens a database only when a Worker first uses it, so each is copied from
 * the migrated template the global setup made (builds.ts) when its server starts. A runtime serves one open server
 * at a time (a second one opened meanwhile gets a runtime of its own) and is restarted only for a server with
 * other shards or once its slots are used up. Miniflare stops its workerd when the process exits. Measured on
 * December 6th, two api lanes side by side: 140 s of CPU against 157 s with a restart per server, and 116 against
 * 127 once a server's variables reached its app by a request instead of by a restart. A Worker (an isolate) per
 * server in one runtime instead measured more CPU, not less: each Worker's start is most of a restart (~0.12 of
 * ~0.3 s), and a restart starts them all again.
 */
const SLOTS = 24;
const APP = 'app';
/** The host the slot script answers itself, for what a test asks of the platform rather than the app (a start, a cron, an end). */
const SLOT_CONTROL = 'http://xingping-test-slot';

/**
 * The Worker in front of the bundle: each slot's bindings are declared as S<serial>__<binding>, and its app sees
 * them under their own names beside the runtime's variables and ASSETS, as a deployment's Worker sees its own.
 * Its queue names the slot (xingping-jobs-<serial>). A cron runs on the slot's bindings as workerd runs one: the
 * answer waits for all the handler left running (waitUntil) and says whether any of it threw. A server's end
 * waits for what its requests left running (audit seals), as the end of a workerd did before, and a batch still
 * queued for an ended server is acknowledged, not retried into the next server's time.
 */
const SLOT_SCRIPT = (serials: number[]) => `import { createWorkerApp, workerHandlers } from './index.js';
const slots = new Map();
/** A server's app on its bindings (declared as S<serial>__<name>, seen as <name>) and its variables (/open's body). */
function open(serial, env, vars) {
  const own = { ...vars, ASSETS: env.ASSETS };
  for (const [key, value] of Object.entries(env)) {
    const prefixed = /^S(\\d+)__(.+)$/.exec(key);
    if (prefixed && Number(prefixed[1]) === serial) own[prefixed[2]] = value;
  }
  slots.set(serial, { handlers: workerHandlers(createWorkerApp()), env: own, running: new Set() });
}
/** The request's context, keeping what it leaves running until it settles. */
function kept(slot, ctx) {
  return {
    waitUntil(promise) {
      const settled = Promise.resolve(promise).catch(() => undefined).finally(() => slot.running.delete(settled));
      slot.running.add(settled);
      ctx.waitUntil(promise);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
  };
}
async function settle(waiting) {
  const failures = [];
  while (waiting.length) for (const outcome of await Promise.allSettled(waiting.splice(0))) if (outcome.status === 'rejected') failures.push(outcome.reason);
  if (failures.length) throw failures[0];
}
async function control(serial, request, env) {
  const url = new URL(request.url);
  if (url.pathname === '/open') return open(serial, env, await request.json()), new Response(null, { status: 204 });
  if (url.pathname === '/close') {
    const slot = slots.get(serial);
    slots.delete(serial);
    while (slot?.running.size) await Promise.allSettled([...slot.running]);
    return new Response(null, { status: 204 });
  }
  const waiting = [];
  const ctx = { waitUntil: (promise) => void waiting.push(promise), passThroughOnException() {} };
  const controller = { cron: url.searchParams.get('cron'), scheduledTime: Number(url.searchParams.get('time')), type: 'scheduled', noRetry() {} };
  try {
    const { handlers, env: own } = slots.get(serial);
    waiting.push(handlers.scheduled(controller, own, ctx));
    await settle(waiting);
    return new Response('ok');
  } catch (error) {
    return new Response('exception: ' + (error?.stack ?? error), { status: 500 });
  }
}
const entry = (serial) => ({
  fetch(request, env, ctx) {
    if (request.url.startsWith('${SLOT_CONTROL}/')) return control(serial, request, env);
    const slot = slots.get(serial);
    return slot.handlers.fetch(request, slot.env, kept(slot, ctx));
  },
});
export default {
  fetch: () => new Response('each server has a socket of its own', { status: 421 }),
  queue(batch, env, ctx) {
    const slot = slots.get(Number(batch.queue.slice('xingping-jobs-'.length)));
    if (!slot) return batch.ackAll();
    return slot.handlers.queue(batch, slot.env, kept(slot, ctx));
  },
};
${serials.map((serial) => `export const slot_${serial} = entry(${serial});`).join('\n')}
`;

interface Slot {
  serial: number;
  /** fresh: never handed out (no file yet); open: a server's; closed: its files removed */
  state: 'fresh' | 'open' | 'closed';
}

interface Runtime {
  mf: Miniflare;
  shards: readonly string[];
  slots: Slot[];
  /** an open server runs on it */
  busy: boolean;
}

const runtimes: Runtime[] = [];
let slotSerials = 0;
let d1Folder: string | undefined;
let workerBundle: string | undefined;

type RuntimeOptions = ConstructorParameters<typeof Miniflare>[0];

const COMPATIBILITY_DATE = '2026-08-01';
const entrypoint = (slot: Slot) => `slot_${slot.serial}`;
const queueName = (slot: Slot) => `xingping-jobs-${slot.serial}`;
/** A slot's D1 bindings (DB, each shard's SHARD_<NAME>) as the runtime declares them, by database id. */
const slotDatabases = (slot: Slot, shards: readonly string[]): Record<string, string> => ({
  [`S${slot.serial}__DB`]: `test-db-${slot.serial}`,
  ...Object.fromEntries(shards.map((name) => [`S${slot.serial}__SHARD_${name.toUpperCase()}`, `test-db-${slot.serial}-${name}`])),
});
const slotFiles = (slot: Slot, shards: readonly string[]) => Object.values(slotDatabases(slot, shards)).map((id) => d1File(d1Folder!, id));

function removeFiles(slot: Slot, shards: readonly string[]): void {
  if (slot.state === 'open')
    for (const each of slotFiles(slot, shards)) for (const suffix of ['', '-wal', '-shm']) rmSync(each + suffix, { force: true });
  slot.state = 'closed';
}

function runtimeOptions(runtime: Pick<Runtime, 'shards' | 'slots'>): RuntimeOptions {
  const declared = runtime.slots.filter((slot) => slot.state !== 'closed');
  const d1Databases = Object.assign({}, ...declared.map((slot) => slotDatabases(slot, runtime.shards)));
  const app = {
    name: APP,
    // the bundle as a module of its own beside the slot script (it imports only built-ins): given `scriptPath`,
    // Miniflare reads and parses its megabyte again on every setOptions to find the modules it imports
    modules: [
      { type: 'ESModule' as const, path: join(dirname(TEST_BUILD.worker), 'slots.js'), contents: SLOT_SCRIPT(declared.map((slot) => slot.serial)) },
      { type: 'ESModule' as const, path: TEST_BUILD.worker, contents: (workerBundle ??= readFileSync(TEST_BUILD.worker, 'utf8')) },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ['nodejs_compat'],
    d1Databases,
    // its own buckets per server, like its database: no anchor of an earlier server's chain reaches the next
    r2Buckets: Object.fromEntries(declared.flatMap((slot) => [[`S${slot.serial}__AUDIT_ARCHIVE`, `audit-${slot.serial}`], [`S${slot.serial}__MEETING_PHOTOS`, `photos-${slot.serial}`]])),
    queueProducers: Object.fromEntries(declared.map((slot) => [`S${slot.serial}__JOBS_QUEUE`, { queueName: queueName(slot) }])),
    // the built pages behind ASSETS, for what the Worker reads there (the catalogues, the API document)
    serviceBindings: { ASSETS: servePages },
    // each send delivered at once (a cron's fan-out, one sendBatch, is still one batch): a test waits on its jobs,
    // not on a batch window (1 s each time, ~10 s of a run's waiting); production's window is wrangler.toml's
    queueConsumers: Object.fromEntries(declared.map((slot) => [queueName(slot), { maxBatchTimeout: 0, maxRetries: 2 }])),
    unsafeDirectSockets: declared.map((slot) => ({ ...DIRECT_SOCKET, entrypoint: entrypoint(slot) })),
    // the app keeps nothing in the Cache API: without Miniflare's cache workers each restart is ~10 ms less CPU
    cache: false,
  };
  const door = { name: D1_DOOR, modules: true, script: D1_DOOR_SCRIPT, compatibilityDate: COMPATIBILITY_DATE, d1Databases, unsafeDirectSockets: [DIRECT_SOCKET], cache: false };
  return { d1Persist: d1Folder, workers: [app, door] };
}

/**
 * A runtime moved onto `options` (a restart), or a new one. Miniflare gives a restarted workerd the ports of the
 * one before (asked for as port 0, so its addresses stay the same), and a connection of another process may take
 * one of them in the moment between: that restart fails with ERR_ADDRESS_IN_USE (seen once in a full run), and a
 * new Miniflare, on ports of its own, is started instead (only an idle runtime is restarted: no server loses
 * anything).
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

/**
 * A slot for a server with these shards: the next fresh one of an idle runtime with the same, or the first of a
 * restarted idle runtime that has none left (or, if there is none, of a new one): SLOTS of them for the second
 * shard, which most servers run with, one for any other (its runtime is restarted for the next, and a restart
 * costs more the more slots it declares: ~0.57 s with 24 against ~0.25 s with 4). Taken before the first await,
 * so servers started together never share a runtime.
 */
async function takeSlot(shards: readonly string[]): Promise<{ runtime: Runtime; slot: Slot }> {
  d1Folder ??= scratchDir('xp-d1-').path;
  const open = (runtime: Runtime, slot: Slot) => {
    const [main, ...shardFiles] = slotFiles(slot, shards);
    mkdirSync(join(main, '..'), { recursive: true });
    copyFileSync(TEST_BUILD.d1Template, main);
    for (const shardFile of shardFiles) copyFileSync(TEST_BUILD.d1ShardTemplate, shardFile);
    runtime.busy = true;
    slot.state = 'open';
    return { runtime, slot };
  };
  const idle = runtimes.filter((runtime) => !runtime.busy);
  for (const runtime of idle) {
    const slot = runtime.shards.join() === shards.join() ? runtime.slots.find((each) => each.state === 'fresh') : undefined;
    if (slot) return open(runtime, slot);
  }
  const spent = idle.find((runtime) => !runtime.slots.some((each) => each.state === 'fresh'));
  const runtime: Runtime = spent ?? { mf: undefined as unknown as Miniflare, shards, slots: [], busy: true };
  const count = shards.join() === SECOND_SHARD ? SLOTS : 1;
  Object.assign(runtime, { shards, slots: Array.from({ length: count }, (): Slot => ({ serial: ++slotSerials, state: 'fresh' })), busy: true });
  let taken: { runtime: Runtime; slot: Slot } | undefined;
  try {
    taken = open(runtime, runtime.slots[0]);
    runtime.mf = await runtimeOn(spent?.mf, runtimeOptions(runtime));
  } catch (error) {
    if (taken) removeFiles(taken.slot, shards);
    if (spent) await discard(spent);
    throw error;
  }
  if (!spent) runtimes.push(runtime);
  return taken;
}

/** A runtime that failed (its start, a server's start or end on it): never handed on. */
async function discard(runtime: Runtime): Promise<void> {
  if (runtimes.includes(runtime)) runtimes.splice(runtimes.indexOf(runtime), 1);
  await runtime.mf?.dispose().catch(() => undefined);
}

/**
 * The server's slot is done with: its files removed, its runtime handed on, or disposed if it failed or another
 * idle runtime for the same shards is kept already (one opened beside a busy one, for servers open together).
 */
async function releaseSlot(runtime: Runtime, slot: Slot, failed: boolean): Promise<void> {
  removeFiles(slot, runtime.shards);
  runtime.busy = false;
  const twin = runtimes.some((other) => other !== runtime && !other.busy && other.shards.join() === runtime.shards.join());
  if (failed || twin) await discard(runtime);
}

/**
 * How many migrations the slot's D1 database has, as workerd first opens it. That first open can meet the file
 * still locked by the preload's libSQL connection, closed a moment before (seen once, under two full runs at once:
 * SQLITE_BUSY, which reaches this process as workerd's "internal error"): a failure is tried again for up to two
 * seconds, then counts as no migrations.
 */
async function migrationsSeen(binding: D1Database): Promise<number | undefined> {
  for (let attempt = 1; ; attempt++)
    try {
      return (await binding.prepare('SELECT count(*) AS n FROM d1_migrations').first<{ n: number }>())?.n;
    } catch {
      if (attempt === 20) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

async function startWorkerd(vars: Record<string, string>, preload: Preload | undefined, serverOptions: ServerOptions): Promise<TestServer> {
  const { runtime, slot } = await takeSlot(serverOptions.shards ?? []);
  const bindingOf = (name: string) => `S${slot.serial}__${name}`;
  const agent = new Agent({ keepAlive: true });
  const connect = async () => ({
    app: directTransport(await runtime.mf.unsafeGetDirectURL(APP, entrypoint(slot)), agent),
    door: directTransport(await runtime.mf.unsafeGetDirectURL(D1_DOOR), agent),
  });
  let transport: Awaited<ReturnType<typeof connect>>;
  const door: Door = () => transport.door;
  /** the server's app, made afresh on these variables (the environment a deployment's Worker would have) */
  const openApp = async (next: Record<string, string>) => {
    const answer = await transport.app(`${SLOT_CONTROL}/open`, { method: 'POST', body: JSON.stringify(next) }, new Headers({ 'content-type': 'application/json' }));
    if (answer.status !== 204) throw new Error(`the test server's app did not start: ${answer.status} ${await answer.text()}`);
  };
  try {
    if (preload) {
      // workerd has not opened the slot's database: the rows go straight into its file
      const { db, client } = await openLibsql(`file:${slotFiles(slot, runtime.shards)[0]}`);
      await preload(db);
      // everything into the file itself, as the template is (the -wal files are removed with it)
      await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      client.close();
    }
    transport = await connect();
    await openApp(vars);
    const migrated = await migrationsSeen(d1Door(door, bindingOf('DB')));
    if (migrated !== MIGRATION_COUNT) throw new Error(`the D1 template did not reach ${slotFiles(slot, runtime.shards)[0]} (Miniflare's storage layout changed? see builds.ts)`);
  } catch (error) {
    agent.destroy();
    await releaseSlot(runtime, slot, true);
    throw error;
  }
  const shardDbs = Object.fromEntries(runtime.shards.map((name) => [name, d1Database(d1Door(door, bindingOf(`SHARD_${name.toUpperCase()}`)))]));
  const databases = databasesOf(d1Database(d1Door(door, bindingOf('DB'))), shardDbs);
  let closed = false;
  // Miniflare's proxies of the buckets, opened at a test's first look (most never look: ~80 ms of waiting on
  // workerd each)
  const buckets = new Map<string, Promise<R2Bucket>>();
  const bucket = (name: string) => lazyBucket(() => buckets.get(name) ?? buckets.set(name, runtime.mf.getR2Bucket(bindingOf(name), APP) as unknown as Promise<R2Bucket>).get(name)!);
  return {
    driver: 'workerd',
    db: databases.registry,
    databases,
    auditStore: r2Store(bucket('AUDIT_ARCHIVE')),
    photoStore: r2PhotoStore(bucket('MEETING_PHOTOS')),
    // a redeploy with new variables: the server's app starts again on them; the databases and buckets stay
    reconfigure: openApp,
    fetch: async (path, init) => {
      const headers = new Headers(init?.headers);
      // workerd reads the caller's address from this header, as Cloudflare's edge sets it
      headers.set('cf-connecting-ip', headers.get('x-test-ip') ?? '127.0.0.1');
      return transport.app(absolute(path), init, headers);
    },
    scheduled: async (cron, scheduledTime) => {
      const query = new URLSearchParams({ cron, time: String(scheduledTime.getTime()) });
      const answer = await transport.app(`${SLOT_CONTROL}/scheduled?${query}`, { method: 'POST' }, new Headers());
      if (!answer.ok) throw new Error(`scheduled ${cron}: ${await answer.text()}`);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // the slot's app goes with its server, once what its requests left running has settled
      const ended = await transport.app(`${SLOT_CONTROL}/close`, { method: 'POST' }, new Headers()).then((answer) => answer.status === 204, () => false);
      agent.destroy();
      await releaseSlot(runtime, slot, !ended);
    },
  };
}
