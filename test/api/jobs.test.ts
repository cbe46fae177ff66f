import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, loginFailures, sessions, tenants } from '../../src/db/schema';
import { startNodeScheduler } from '../../src/jobs/node-scheduler';
import { shanghaiYear, startOfShanghaiDay } from '../../src/platform/time';
import { seededRandom } from '../../src/seed/random';
import { writeTownship } from '../../src/seed/write';
import type { ApiClient } from '../support/client';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const YEAR = shanghaiYear();
const NIGHTLY = '0 18 * * *';
const JANUARY = '30 18 1-30 1 *';
/** an instant given in Asia/Shanghai wall-clock time */
const shanghai = (year: number, month: number, day: number, hour: number, minute: number) =>
  new Date(startOfShanghaiDay(year, month, day).getTime() + (hour * 60 + minute) * 60_000);

interface Run {
  id: string;
  job: string;
  trigger: string;
  status: string;
  tenantsTotal: number;
  tenantsDone: number;
  tenantsFailed: number;
  durationMs: number | null;
  errors: { slug: string; error: string }[];
}

/** Waits for the newest cron run of a job to finish (on workerd its tenants arrive through the queue). */
async function finishedCronRun(platform: ApiClient, job: string, after: Set<string>): Promise<Run> {
  for (let i = 0; i < 100; i++) {
    const runs = (await platform.get('/api/platform/job-runs')).body.items as Run[];
    const run = runs.find((r) => r.job === job && r.trigger === 'cron' && !after.has(r.id));
    if (run && run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no finished ${job} run`);
}

describe.each(DRIVERS)('scheduled jobs on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let platform: ApiClient;
  const seen = new Set<string>();
  const cron = async (expr: string, at: Date, job: string) => {
    await server.scheduled!(expr, at);
    const run = await finishedCronRun(platform, job, seen);
    seen.add(run.id);
    return run;
  };

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    platform = await fixture.as('platformAdmin');
  });
  afterAll(() => server?.close());

  it('the nightly cron recomputes every township, one tenant per message, and records the run', async () => {
    const admin = await fixture.as('adminA');
    await admin.post('/t/alpha/api/income/entries', { villageId: fixture.a.rows.villages[0].id, year: YEAR, category: 'produce', amountFen: 10_000_000 });
    const run = await cron(NIGHTLY, new Date(), 'recompute');
    expect(run).toMatchObject({ tenantsTotal: 2, tenantsDone: 2, tenantsFailed: 0, status: 'finished', errors: [] });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    for (const [client, slug] of [[admin, 'alpha'], [await fixture.as('adminB'), 'beta']] as const) {
      const results = await client.get(`/t/${slug}/api/stars/results?year=${YEAR}`);
      expect(results.body.stage, slug).toBe('provisional');
      expect(results.body.items).toHaveLength(3);
    }
    // villages with no income entered have no tier (未录入), not the lowest one
    const tiers = (await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body.items.map((r: { incomeTier: string | null }) => r.incomeTier ?? 'none');
    expect(tiers.sort()).toEqual(['high', 'none', 'none']);
    const own = await admin.get('/t/alpha/api/job-runs');
    expect(own.body.items[0]).toMatchObject({ id: run.id, job: 'recompute', status: 'done' });
  });

  it('the nightly cron forgets expired login sessions and spent failure counters, and keeps the live ones', async () => {
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    const [account] = await server.db.select({ id: accounts.id }).from(accounts).limit(1);
    await server.db.insert(sessions).values([
      { id: 'purge-expired', accountId: account.id, expiresAt: ago(60) },
      { id: 'purge-live', accountId: account.id, expiresAt: ago(-3600) },
    ]);
    await server.db.insert(loginFailures).values([
      { key: 'purge:spent', failures: 3, windowStart: ago(3600), lockedUntil: null },
      { key: 'purge:still-locked', failures: 40, windowStart: ago(3600), lockedUntil: ago(-600) },
      { key: 'purge:counting', failures: 2, windowStart: ago(60), lockedUntil: null },
    ]);
    await cron(NIGHTLY, new Date(), 'recompute');
    const sessionIds = (await server.db.select({ id: sessions.id }).from(sessions).where(like(sessions.id, 'purge-%'))).map((r) => r.id);
    expect(sessionIds).toEqual(['purge-live']);
    const keys = (await server.db.select({ key: loginFailures.key }).from(loginFailures).where(like(loginFailures.key, 'purge:%'))).map((r) => r.key);
    expect(keys.sort()).toEqual(['purge:counting', 'purge:still-locked']);
  });

  it('one failing township does not stop the others, and the failure is listed', async () => {
    const broken = await writeTownship(server.db, seededRandom(99), { slug: 'broken', name: '坏镇', countyId: fixture.countyId }, {
      villages: 1,
      membersPerVillage: [1, 1],
      householdsPerVillage: [1, 1],
    });
    await server.db.update(tenants).set({ settings: '{"starThresholds": "nonsense"}' }).where(eq(tenants.id, broken.tenantId));
    const run = await cron(NIGHTLY, new Date(), 'recompute');
    expect(run).toMatchObject({ tenantsTotal: 3, tenantsDone: 2, tenantsFailed: 1, status: 'finished_with_errors' });
    expect(run.errors).toEqual([expect.objectContaining({ slug: 'broken' })]);
    await server.db.update(tenants).set({ settings: '{}' }).where(eq(tenants.id, broken.tenantId));
  });

  it('the January cron finalises last year from the township day on, and a second run changes nothing', async () => {
    const admin = await fixture.as('adminA');
    // Shanghai 5 January of next year: before the default day (10 January) nothing is due
    const early = await cron(JANUARY, shanghai(YEAR + 1, 1, 5, 2, 30), 'finalise');
    expect(early).toMatchObject({ tenantsDone: 3, tenantsFailed: 0 });
    expect((await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body.stage).toBe('provisional');

    const due = await cron(JANUARY, shanghai(YEAR + 1, 1, 10, 2, 30), 'finalise');
    expect(due).toMatchObject({ tenantsDone: 3, tenantsFailed: 0 });
    const final = await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`);
    expect(final.body.stage).toBe('final');
    expect(final.body.items).toHaveLength(3);

    await cron(JANUARY, shanghai(YEAR + 1, 1, 11, 2, 30), 'finalise');
    expect((await admin.get(`/t/alpha/api/stars/results?year=${YEAR}`)).body).toEqual(final.body);
    const outcomes = (await admin.get('/t/alpha/api/job-runs')).body.items.map((o: { detail: string }) => o.detail);
    expect(outcomes.slice(0, 3)).toEqual([`${YEAR}: already final`, `${YEAR}: finalised 3 branches, 0 members`, `${YEAR}: not due`]);
  });

  it('lets the platform admin start a job by hand for every township', async () => {
    const started = await platform.post('/api/platform/job-runs', { job: 'recompute' });
    expect([201, 202]).toContain(started.status);
    expect(started.body).toMatchObject({ job: 'recompute', trigger: 'manual', tenantsTotal: 3 });
    const future = await platform.post('/api/platform/job-runs', { job: 'finalise', year: YEAR + 1 });
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('jobs.year_in_future');
    expect((await (await fixture.as('adminA')).get('/api/platform/job-runs')).status).toBe(403);
  });
});

describe('the Node scheduler', () => {
  let server: TestServer;
  beforeAll(async () => {
    ({ server } = await startWithFixture('libsql'));
  });
  afterAll(() => server?.close());

  it('fires the nightly job at 02:00 Asia/Shanghai', async () => {
    // a clock one second before 18:00 UTC: the nightly timer is due in a second
    const offset = shanghai(YEAR, 6, 2, 2, 0).getTime() - 1000 - Date.now();
    const lines: string[] = [];
    const stop = startNodeScheduler(server.databases, { now: () => new Date(Date.now() + offset), log: (line) => lines.push(line) });
    try {
      // due in a second, then the run itself: under a full run on two cores that took more than the 4 s once waited here
      await expect.poll(() => lines.length).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect(lines).toEqual([expect.stringMatching(/^\[jobs\] 0 18 \* \* \*: run \w+ finished$/)]);
  });
});
