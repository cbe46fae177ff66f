import { readdirSync, readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { createApp } from '../../src/app';
import type { Bindings } from '../../src/app-env';
import type { Db } from '../../src/db/client';
import { d1Database } from '../../src/db/d1';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { inlineDispatch } from '../../src/jobs/runner';
import { runCron } from '../../src/jobs/worker';
import { WORKER_BUNDLE } from './build-worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dirStore } from '../../src/audit/dir-store';
import { r2Store, type AuditStore } from '../../src/audit/store';

/** A running app on a real database: libSQL in Node, or the built Worker in workerd with local D1. */
export interface TestServer {
  driver: Driver;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** direct access for fixtures and for checking what was (not) stored */
  db: Db;
  /** the store outside the database holding the audit trail's anchors and archives (a directory, or workerd's R2) */
  auditStore: AuditStore;
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

/** `env` replaces the test environment (the bindings or process environment a deployment would have). */
export async function startServer(driver: Driver, env: Record<string, string> = TEST_ENV): Promise<TestServer> {
  return driver === 'libsql' ? startLibsql(env) : startWorkerd(env);
}

async function startLibsql(bindings: Record<string, string>): Promise<TestServer> {
  const { db, client } = await openLibsql(':memory:');
  await migrateLibsql(db);
  const auditStore = dirStore(mkdtempSync(join(tmpdir(), 'xingping-audit-')));
  const app = createApp({ database: () => db, clientIp: (c) => c.req.header('x-test-ip') ?? '127.0.0.1', auditStore: () => auditStore });
  let env = { ...bindings } as unknown as Bindings;
  return {
    driver: 'libsql',
    db,
    auditStore,
    reconfigure: async (next) => void (env = { ...next } as unknown as Bindings),
    fetch: async (path, init) => app.fetch(new Request(absolute(path), init), env),
    scheduled: async (cron, scheduledTime) => void (await runCron(db, cron, scheduledTime, inlineDispatch(db), auditStore)),
    close: async () => client.close(),
  };
}

/**
 * Migrations split the way drizzle-kit writes them, applied statement by statement as wrangler does, and
 * recorded by file name in wrangler's d1_migrations table (what /api/health compares with the journal).
 */
function migrationStatements(): string[] {
  const files = readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return [
    ...files.flatMap((f) => readFileSync(`migrations/${f}`, 'utf8').split('--> statement-breakpoint')),
    'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)',
    ...files.map((f) => `INSERT INTO d1_migrations (name) VALUES ('${f.replace(/'/g, "''")}')`),
  ]
    .map((s) => s.trim())
    .filter(Boolean);
}

async function startWorkerd(bindings: Record<string, string>): Promise<TestServer> {
  const options = {
    modules: true,
    scriptPath: WORKER_BUNDLE,
    compatibilityDate: '2026-08-01',
    d1Databases: { DB: 'test-db' },
    r2Buckets: ['AUDIT_ARCHIVE'],
    bindings,
    queueProducers: { JOBS_QUEUE: { queueName: 'xingping-jobs' } },
    queueConsumers: { 'xingping-jobs': { maxBatchTimeout: 1, maxRetries: 2 } },
  };
  const mf = new Miniflare(options);
  const d1 = (await mf.getD1Database('DB')) as unknown as D1Database;
  await d1.batch(migrationStatements().map((sql) => d1.prepare(sql)));
  const bucket = (await mf.getR2Bucket('AUDIT_ARCHIVE')) as unknown as R2Bucket;
  return {
    driver: 'workerd',
    db: d1Database(d1),
    auditStore: r2Store(bucket),
    // a restart of workerd with new bindings; the local D1 (in this Miniflare's storage) keeps its rows
    reconfigure: async (next) => mf.setOptions({ ...options, bindings: next }),
    fetch: async (path, init) => {
      const headers = new Headers(init?.headers);
      // workerd reads the caller's address from this header, as Cloudflare's edge sets it
      headers.set('cf-connecting-ip', headers.get('x-test-ip') ?? '127.0.0.1');
      const response = await mf.dispatchFetch(absolute(path), { ...(init as object), headers } as never);
      return response as unknown as Response;
    },
    scheduled: async (cron, scheduledTime) => {
      const worker = await mf.getWorker();
      const { outcome } = await worker.scheduled({ cron, scheduledTime });
      if (outcome !== 'ok') throw new Error(`scheduled ${cron}: ${outcome}`);
    },
    close: () => mf.dispose(),
  };
}
