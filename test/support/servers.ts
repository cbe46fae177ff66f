import { readdirSync, readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { createApp } from '../../src/app';
import type { Env } from '../../src/app-env';
import type { Db } from '../../src/db/client';
import { d1Database } from '../../src/db/d1';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { inlineDispatch } from '../../src/jobs/runner';
import { runCron } from '../../src/jobs/worker';
import { WORKER_BUNDLE } from './build-worker';

/** A running app on a real database: libSQL in Node, or the built Worker in workerd with local D1. */
export interface TestServer {
  driver: Driver;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** direct access for fixtures and for checking what was (not) stored */
  db: Db;
  /** fires a cron as the platform would: workerd's `scheduled` handler (jobs fan out through its queue), or the Node scheduler's run */
  scheduled?(cron: string, scheduledTime: Date): Promise<void>;
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

export async function startServer(driver: Driver): Promise<TestServer> {
  return driver === 'libsql' ? startLibsql() : startWorkerd();
}

async function startLibsql(): Promise<TestServer> {
  const { db, client } = await openLibsql(':memory:');
  await migrateLibsql(db);
  const app = createApp({ database: () => db, clientIp: (c) => c.req.header('x-test-ip') ?? '127.0.0.1' });
  const env = { ...TEST_ENV } as Env;
  return {
    driver: 'libsql',
    db,
    fetch: async (path, init) => app.fetch(new Request(absolute(path), init), env),
    scheduled: async (cron, scheduledTime) => void (await runCron(db, cron, scheduledTime, inlineDispatch(db))),
    close: async () => client.close(),
  };
}

/** Migrations split the way drizzle-kit writes them, applied statement by statement as wrangler does. */
function migrationStatements(): string[] {
  return readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(`migrations/${f}`, 'utf8').split('--> statement-breakpoint'))
    .map((s) => s.trim())
    .filter(Boolean);
}

async function startWorkerd(): Promise<TestServer> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: WORKER_BUNDLE,
    compatibilityDate: '2026-08-01',
    d1Databases: { DB: 'test-db' },
    bindings: TEST_ENV,
    queueProducers: { JOBS_QUEUE: { queueName: 'xingping-jobs' } },
    queueConsumers: { 'xingping-jobs': { maxBatchTimeout: 1, maxRetries: 2 } },
  });
  const d1 = (await mf.getD1Database('DB')) as unknown as D1Database;
  await d1.batch(migrationStatements().map((sql) => d1.prepare(sql)));
  return {
    driver: 'workerd',
    db: d1Database(d1),
    fetch: async (path, init) => {
      const headers = new Headers(init?.headers);
      // workerd reads the caller's address from this header, as Cloudflare's edge sets it
      headers.set('cf-connecting-ip', headers.get('x-test-ip') ?? '127.0.0.1');
      const response = await mf.dispatchFetch(absolute(path), { ...(init as object), headers } as never);
      return response as unknown as Response;
    },
    scheduled: async (cron, scheduledTime) => {
      const worker = await mf.getWorker();
      await worker.scheduled({ cron, scheduledTime });
    },
    close: () => mf.dispose(),
  };
}
