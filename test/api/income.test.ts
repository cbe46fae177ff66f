import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiYear } from '../../src/platform/time';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const YEAR = shanghaiYear();

describe.each(DRIVERS)('collective income on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageIds: string[];
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageIds = fixture.a.rows.villages.map((v) => v.id!);
  });
  afterAll(() => server?.close());

  it('records entries in integer fen, keeps every version, and soft-deletes on the record', async () => {
    const admin = await fixture.as('adminA');
    const created = await admin.post('/t/alpha/api/income/entries', {
      villageId: villageIds[0],
      year: YEAR,
      category: 'cooperative',
      amountFen: 4_000_000,
      note: '大蒜合作社分红',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ amountFen: 4_000_000, version: 1 });
    const id = created.body.id;

    const edited = await admin.put(`/t/alpha/api/income/entries/${id}`, {
      villageId: villageIds[0],
      year: YEAR,
      category: 'cooperative',
      amountFen: 6_500_000,
      note: '更正:含二次分红',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);

    const read = await admin.get(`/t/alpha/api/income/entries/${id}`);
    expect(read.body.revisions.map((r: { action: string; data: { amountFen: number } }) => [r.action, r.data.amountFen])).toEqual([
      ['create', 4_000_000],
      ['update', 6_500_000],
    ]);

    const extra = await admin.post('/t/alpha/api/income/entries', { villageId: villageIds[0], year: YEAR, category: 'other', amountFen: 100 });
    expect((await admin.delete(`/t/alpha/api/income/entries/${extra.body.id}`)).status).toBe(204);
    expect((await admin.get(`/t/alpha/api/income/entries/${extra.body.id}`)).status).toBe(404);
    const list = await admin.get(`/t/alpha/api/income/entries?year=${YEAR}&villageId=${villageIds[0]}`);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
  });

  it('refuses fractions of a fen, negative amounts, unknown categories and future years', async () => {
    const admin = await fixture.as('adminA');
    const base = { villageId: villageIds[1], year: YEAR, category: 'produce', amountFen: 100 };
    for (const bad of [{ amountFen: 10.5 }, { amountFen: -1 }, { category: 'lottery' }]) {
      const reply = await admin.post('/t/alpha/api/income/entries', { ...base, ...bad });
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.code).toBe('error.validation');
    }
    const future = await admin.post('/t/alpha/api/income/entries', { ...base, year: YEAR + 1 });
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('stars.year_in_future');
  });

  it('lets a secretary record only their own village', async () => {
    const secretary = await fixture.as('secretaryA');
    const own = await secretary.post('/t/alpha/api/income/entries', { villageId: villageIds[0], year: YEAR, category: 'produce', amountFen: 1_000_000 });
    expect(own.status).toBe(201);
    const other = await secretary.post('/t/alpha/api/income/entries', { villageId: villageIds[1], year: YEAR, category: 'produce', amountFen: 1 });
    expect(other.status).toBe(404);
    const list = await secretary.get(`/t/alpha/api/income/entries?year=${YEAR}`);
    expect(new Set(list.body.items.map((e: { villageId: string }) => e.villageId))).toEqual(new Set([villageIds[0]]));
  });

  it('counts villages per tier and measures them against the annual target', async () => {
    const admin = await fixture.as('adminA');
    // village 0: ¥65,000 + ¥10,000 = ¥75,000 (≥5万); village 1: ¥120,000 (≥10万); village 2: nothing
    await admin.post('/t/alpha/api/income/entries', { villageId: villageIds[1], year: YEAR, category: 'leasing', amountFen: 12_000_000 });
    expect((await admin.put(`/t/alpha/api/income/targets/${YEAR}`, { villagesAtLeastLow: 2, villagesAtLeastHigh: 2 })).status).toBe(200);
    const summary = await admin.get(`/t/alpha/api/income/summary?year=${YEAR}`);
    expect(summary.status).toBe(200);
    expect(summary.body.tierCounts).toEqual({ below: 1, low: 1, high: 1 });
    expect(summary.body.progress).toMatchObject({ atLeastLow: 2, atLeastHigh: 1, lowMet: true, highMet: false });
    const byVillage = Object.fromEntries(summary.body.villages.map((v: { villageId: string; totalFen: number; tier: string }) => [v.villageId, [v.totalFen, v.tier]]));
    expect(byVillage[villageIds[0]]).toEqual([7_500_000, 'low']);
    expect(byVillage[villageIds[1]]).toEqual([12_000_000, 'high']);
    expect(byVillage[villageIds[2]]).toEqual([0, 'below']);
    expect(summary.body.categoryTotals.cooperative).toBe(6_500_000);
  });

  it('imports a CSV ledger all or nothing, after a preview', async () => {
    const admin = await fixture.as('adminA');
    const [a, b] = fixture.a.rows.villages.map((v) => v.name);
    // the multipart body is serialised here: miniflare does not carry Node's FormData into workerd
    const cookie = [...(admin as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const upload = async (path: string, csv: string) => {
      const form = new FormData();
      form.set('file', new Blob([csv]), 'income.csv');
      form.set('year', String(YEAR - 1));
      const encoded = new Response(form);
      const response = await server.fetch(path, {
        method: 'POST',
        headers: { origin: 'http://127.0.0.1', cookie, 'content-type': encoded.headers.get('content-type')! },
        body: new Uint8Array(await encoded.arrayBuffer()),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const bad = `村名,收入类别,金额(元),备注\n${a},合作社,"12,000.50",分红\n不存在村,其他,100,\n${b},彩票,100,`;
    const preview = await upload('/t/alpha/api/income/imports/preview', bad);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows: 3, valid: 1, errorCount: 2 });
    expect(preview.body.errors.map((e: { message: string }) => e.message)).toEqual(['本镇没有名为“不存在村”的村', '“收入类别”不是已知的收入类别']);
    const refused = await upload('/t/alpha/api/income/imports/commit', bad);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('import.has_errors');
    expect((await admin.get(`/t/alpha/api/income/entries?year=${YEAR - 1}`)).body.total).toBe(0);

    const good = `村名,收入类别,金额(元),备注\n${a},合作社,"12,000.50",分红\n${b},土地租赁,3万,`;
    const committed = await upload('/t/alpha/api/income/imports/commit', good);
    expect(committed.status).toBe(201);
    expect(committed.body).toEqual({ inserted: 2, totalFen: 4_200_050 });
    const list = await admin.get(`/t/alpha/api/income/entries?year=${YEAR - 1}`);
    expect(list.body.items.map((e: { amountFen: number }) => e.amountFen).sort()).toEqual([1_200_050, 3_000_000]);
    const entry = await admin.get(`/t/alpha/api/income/entries/${list.body.items[0].id}`);
    expect(entry.body.revisions.map((r: { action: string }) => r.action)).toEqual(['import']);
  });

  it('keeps townships apart', async () => {
    const adminB = await fixture.as('adminB');
    const list = await adminB.get(`/t/beta/api/income/entries?year=${YEAR}`);
    expect(list.body.items).toEqual([]);
    const foreign = await adminB.post('/t/beta/api/income/entries', { villageId: villageIds[0], year: YEAR, category: 'other', amountFen: 1 });
    expect(foreign.status).toBe(404);
  });
});
