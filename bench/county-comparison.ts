import { databasesOf } from '../src/db/databases';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { and, count, eq } from 'drizzle-orm';
import { createAccount } from '../src/auth/accounts';
import { openLibsql } from '../src/db/libsql';
import { accounts, annualResults, counties } from '../src/db/schema';
import { COMPARISON_SORTS, countyComparison } from '../src/features/county/comparison';
import { inlineDispatch } from '../src/jobs/runner';
import { runCron } from '../src/jobs/worker';
import { createNodeServer } from '../src/node-server';
import { countyDatabase } from './county-data';
import { countyTownships } from '../src/tenancy/county';
import { BENCH_ENV, percentile } from './load';
import type { BenchResult } from './report';
import { COUNTY_SHAPE } from './yearly-recompute';

const VIEWER = { phone: '13700000001', name: '县委组织部', password: 'xingping2026' };
const P95_TARGET_MS = 100;
const SIZE_TARGET = 200 * 1024;

/**
 * The county view over the generated county: a county viewer asks for the comparison with every sort,
 * a few pages and single townships, one request at a time, over HTTP to the Node server in this process.
 */
export async function countyComparisonBench(quick: boolean): Promise<BenchResult> {
  const shape = COUNTY_SHAPE(quick);
  const data = await countyDatabase('county', shape);
  const { db, client } = await openLibsql(data.url);
  const [county] = await db.select().from(counties).where(eq(counties.name, '基准县'));
  const [{ n }] = await db.select({ n: count() }).from(annualResults).where(and(eq(annualResults.year, data.year), eq(annualResults.subjectKind, 'branch')));
  if (!n) await runCron(databasesOf(db), '0 18 * * *', new Date(), inlineDispatch(databasesOf(db))); // results as the nightly job leaves them
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, VIEWER.phone));
  if (!existing) await createAccount(db, VIEWER, [{ role: 'county_viewer', countyId: county.id }], { demoPassword: true });

  const app = createNodeServer(databasesOf(db), { env: BENCH_ENV });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ phone: VIEWER.phone, password: VIEWER.password }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const viewer = { headers: () => ({ cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') }) };
    const path = `/api/county/${county.id}/comparison`;
    const first = (await (await fetch(`${base}${path}?year=${data.year}`, { headers: viewer.headers() })).json()) as { total: number; items: { townshipId: string }[] };
    const townships = [...new Set(first.items.map((i) => i.townshipId))];
    const pages = Math.ceil(first.total / 100);
    const queries: string[] = [];
    for (const sort of COMPARISON_SORTS) {
      for (let page = 1; page <= Math.min(pages, 3); page++) queries.push(`sort=${sort}&page=${page}`);
      queries.push(`sort=${sort}&page=${pages}`, `sort=${sort}&township=${townships[queries.length % townships.length]}`);
    }
    const rounds = quick ? 4 : 10;
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) await fetch(`${base}${path}?year=${data.year}`, { headers: viewer.headers() }); // warm-up
    for (let r = 0; r < rounds; r++)
      for (const q of queries) {
        const t0 = performance.now();
        const reply = await fetch(`${base}${path}?year=${data.year}&${q}`, { headers: viewer.headers() });
        await reply.arrayBuffer();
        if (reply.status !== 200) throw new Error(`${q}: ${reply.status}`);
        latencies.push(performance.now() - t0);
      }
    const size = async (q: string) => (await (await fetch(`${base}${path}?year=${data.year}&${q}`, { headers: viewer.headers() })).arrayBuffer()).byteLength;
    const defaultBytes = await size('');
    const largestBytes = await size('pageSize=500');
    // the floor: the same SQL statement, called directly (no HTTP, session or validation)
    const floor: number[] = [];
    const ofCounty = await countyTownships(db, county.id);
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await countyComparison(db, ofCounty, { year: data.year, sort: 'stars', page: 1, pageSize: 100 });
      floor.push(performance.now() - t0);
    }
    const p95 = percentile(latencies, 95);
    const floorP95 = percentile(floor, 95);
    return {
      name: 'County comparison: every village of the county',
      method: `The county database of the recompute bench (${first.total.toLocaleString('en')} villages in ${townships.length} townships, results as the nightly job leaves them). A county viewer signed in calls GET /api/county/{countyId}/comparison over HTTP on loopback to the Node server (libSQL file) in this process, one request at a time: ${queries.length} variants (every sort; pages 1–3 and the last; one township) × ${rounds} rounds after a warm-up. Floor: the comparison's SQL statement called directly, 30 times.`,
      rows: [
        { figure: 'latency p50 / p95', value: `${percentile(latencies, 50).toFixed(1)} / ${p95.toFixed(1)} ms`, floor: `${percentile(floor, 50).toFixed(1)} / ${floorP95.toFixed(1)} ms`, ratio: `${(p95 / floorP95).toFixed(1)}×`, target: `p95 ≤ ${P95_TARGET_MS} ms`, ok: p95 <= P95_TARGET_MS },
        { figure: 'response size, default page (100 villages)', value: `${(defaultBytes / 1024).toFixed(1)} KB`, target: `≤ ${SIZE_TARGET / 1024} KB`, ok: defaultBytes <= SIZE_TARGET },
        { figure: 'response size, largest page allowed (500 villages)', value: `${(largestBytes / 1024).toFixed(1)} KB`, target: `≤ ${SIZE_TARGET / 1024} KB`, ok: largestBytes <= SIZE_TARGET },
      ],
      notes: [`Sizes are uncompressed JSON; the whole county (${first.total.toLocaleString('en')} villages) takes ${Math.ceil(first.total / 500)} pages of 500.`],
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    client.close();
  }
}
