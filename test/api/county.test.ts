import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiYear } from '../../src/platform/time';
import { generateBallots } from '../../src/seed/ballots';
import { startWithFixture, PASSWORD, type Fixture } from '../support/fixture';
import { unzipSync } from 'fflate';
import { parseCsv } from '../../src/platform/tables/csv';
import { readXlsx } from '../../src/platform/tables/xlsx';
import { ApiClient } from '../support/client';
import { DRIVERS, type TestServer } from '../support/servers';

const YEAR = shanghaiYear();
type Item = {
  rank: number;
  townshipId: string;
  township: string;
  villageId: string;
  village: string;
  stage: string | null;
  stars: number | null;
  composite: number | null;
  redLines: number;
  incomeFen: number | null;
  incomeTier: string | null;
};
type Summary = {
  townshipId: string;
  township: string;
  stage: string | null;
  villages: number;
  stars: Record<string, number>;
  unrated: number;
  incomeAtLeastLow: number;
  incomeAtLeastHigh: number;
  incomeTiersFen: number[];
};
const HEADER = '排名,乡镇,村,结果,星级,综合得分,触碰红线（项）,集体经济收入（元）,收入档次';

const cookieOf = (client: ApiClient) =>
  [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** A file download as raw bytes (the JSON client would read it as text). */
async function download(server: TestServer, client: ApiClient, path: string) {
  const response = await server.fetch(path, { headers: { cookie: cookieOf(client) } });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** yuan with two decimals from fen, as the files write it */
const yuanText = (fen: number | null) => (fen === null ? '' : `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);

type TownshipResult = { subjectId: string; finalStars: number | null; composite: number | null; redLines: unknown[]; incomeFen: number; incomeTier: string };

describe.each(DRIVERS)('county comparison on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let path: string;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    path = `/api/county/${fixture.countyId}/comparison`;
    // generated evaluations in both townships; alpha's year is then finalised, beta's stays provisional
    await generateBallots(server.db, fixture.a.tenantId, { ballots: 90, year: YEAR, seed: 1 });
    await generateBallots(server.db, fixture.b.tenantId, { ballots: 60, year: YEAR, seed: 2 });
    const adminA = await fixture.as('adminA');
    expect((await adminA.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
    expect((await adminA.post('/t/alpha/api/job-runs', { job: 'finalise', year: YEAR })).status).toBe(201);
    expect((await (await fixture.as('adminB')).post('/t/beta/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
  });
  afterAll(() => server?.close());

  it("ranks every village of the county's townships by stars, then composite, with each township's own figures", async () => {
    const viewer = await fixture.as('countyViewer');
    const reply = await viewer.get(path);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ county: { id: fixture.countyId, name: '齐河县' }, year: YEAR, sort: 'stars', page: 1, total: 6 });
    const items: Item[] = reply.body.items;
    expect(items).toHaveLength(6);
    expect(new Set(items.map((i) => i.township))).toEqual(new Set(['甲镇', '乙镇']));
    // ordered by standing; equal stars and composite share a rank
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1], items[i]];
      expect((a.stars ?? 0) > (b.stars ?? 0) || ((a.stars ?? 0) === (b.stars ?? 0) && (a.composite ?? -1) >= (b.composite ?? -1))).toBe(true);
      expect(b.rank).toBe(a.stars === b.stars && a.composite === b.composite ? a.rank : i + 1);
    }
    // the same figures as each township's own results page (which the county viewer may read)
    for (const [slug, stage, tenantId] of [['alpha', 'final', fixture.a.tenantId], ['beta', 'provisional', fixture.b.tenantId]] as const) {
      const own = await viewer.get(`/t/${slug}/api/stars/results?year=${YEAR}`);
      expect(own.body.stage).toBe(stage);
      const mine = items.filter((i) => i.townshipId === tenantId);
      expect(mine).toHaveLength(3);
      for (const item of mine) {
        const result = own.body.items.find((r: TownshipResult) => r.subjectId === item.villageId) as TownshipResult;
        expect(item).toMatchObject({
          stage,
          stars: result.finalStars,
          composite: result.composite,
          redLines: result.redLines.length,
          incomeFen: result.incomeFen,
          incomeTier: result.incomeTier,
        });
        expect(item.composite).toEqual(expect.any(Number));
      }
    }
  });

  it('sorts by composite, income, red lines or name, filters one township and pages', async () => {
    const viewer = await fixture.as('countyViewer');
    const all: Item[] = (await viewer.get(path)).body.items;
    const byComposite: Item[] = (await viewer.get(`${path}?sort=composite`)).body.items;
    expect(byComposite.map((i) => i.composite)).toEqual([...all.map((i) => i.composite)].sort((a, b) => b! - a!));
    const byIncome: Item[] = (await viewer.get(`${path}?sort=income`)).body.items;
    expect(byIncome.map((i) => i.incomeFen)).toEqual([...all.map((i) => i.incomeFen)].sort((a, b) => b! - a!));
    const byRedLines: Item[] = (await viewer.get(`${path}?sort=red_lines`)).body.items;
    expect(byRedLines.map((i) => i.redLines)).toEqual([...all.map((i) => i.redLines)].sort((a, b) => b - a));
    const byName: Item[] = (await viewer.get(`${path}?sort=name`)).body.items;
    expect(byName.map((i) => `${i.township}${i.village}`)).toEqual(all.map((i) => `${i.township}${i.village}`).sort());
    // the rank stays the county standing whatever the order
    expect(new Map(byName.map((i) => [i.villageId, i.rank]))).toEqual(new Map(all.map((i) => [i.villageId, i.rank])));

    const beta = await viewer.get(`${path}?township=${fixture.b.tenantId}`);
    expect(beta.body.total).toBe(3);
    expect(beta.body.items.every((i: Item) => i.township === '乙镇')).toBe(true);
    expect(beta.body.items.map((i: Item) => i.rank)[0]).toBe(1);

    const page2 = await viewer.get(`${path}?pageSize=4&page=2`);
    expect(page2.body).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(page2.body.items.map((i: Item) => i.villageId)).toEqual(all.slice(4).map((i) => i.villageId));
    const past = await viewer.get(`${path}?pageSize=4&page=3`);
    expect(past.body).toMatchObject({ total: 6, items: [] });
  });

  it('shows villages without results for a year not evaluated, and refuses bad parameters', async () => {
    const viewer = await fixture.as('countyViewer');
    const empty = await viewer.get(`${path}?year=2001`);
    expect(empty.body.total).toBe(6);
    expect(empty.body.items.every((i: Item) => i.stage === null && i.stars === null && i.rank === 1)).toBe(true);
    for (const query of ['sort=best', 'pageSize=501', 'page=0', 'year=1999']) {
      const reply = await viewer.get(`${path}?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.code).toBe('error.validation');
    }
  });

  it('sums up each township in SQL: villages, star levels, unrated and income tiers equal the comparison rows', async () => {
    const viewer = await fixture.as('countyViewer');
    const items: Item[] = (await viewer.get(`${path}?pageSize=500`)).body.items;
    const reply = await viewer.get(`/api/county/${fixture.countyId}/summary?year=${YEAR}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ county: { id: fixture.countyId, name: '齐河县' }, year: YEAR });
    const townships: Summary[] = reply.body.townships;
    expect(townships.map((t) => t.township).sort()).toEqual(['乙镇', '甲镇']);
    for (const tw of townships) {
      const mine = items.filter((i) => i.townshipId === tw.townshipId);
      expect(tw.villages).toBe(mine.length);
      expect(tw.stage).toBe(tw.townshipId === fixture.a.tenantId ? 'final' : 'provisional');
      for (const n of [1, 2, 3, 4, 5]) expect(tw.stars[n], `${tw.township} ${n}★`).toBe(mine.filter((i) => i.stars === n).length);
      expect(tw.unrated).toBe(mine.filter((i) => i.stars === null).length);
      expect(tw.incomeAtLeastLow).toBe(mine.filter((i) => i.incomeTier === 'low' || i.incomeTier === 'high').length);
      expect(tw.incomeAtLeastHigh).toBe(mine.filter((i) => i.incomeTier === 'high').length);
      expect(tw.incomeTiersFen).toEqual([5_000_000, 10_000_000]);
    }
    expect(reply.body.total).toMatchObject({ villages: 6, unrated: items.filter((i) => i.stars === null).length });
    expect(Object.values(reply.body.total.stars as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(items.filter((i) => i.stars !== null).length);
    // a year without results: every village unrated, no stage
    const empty = await viewer.get(`/api/county/${fixture.countyId}/summary?year=2001`);
    expect(empty.body.total).toMatchObject({ villages: 6, unrated: 6, incomeAtLeastLow: 0, stars: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
    expect(empty.body.townships.every((t: Summary) => t.stage === null)).toBe(true);
    expect((await viewer.get(`/api/county/${fixture.countyId}/summary?year=1999`)).status).toBe(400);
  });

  it('exports every village of the filter as CSV in the comparison’s order: BOM, Chinese headers, yuan with two decimals, a named file', async () => {
    const viewer = await fixture.as('countyViewer');
    for (const query of ['', 'sort=income', `sort=name&township=${fixture.b.tenantId}`, 'sort=red_lines&year=2001']) {
      const items: Item[] = (await viewer.get(`${path}?pageSize=500&${query}`)).body.items;
      const file = await download(server, viewer, `${path}.csv?${query}`);
      expect(file.status, query).toBe(200);
      expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect([...file.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const table = parseCsv(new TextDecoder().decode(file.bytes));
      expect(table[0].join(',')).toBe(HEADER);
      const rows = table.slice(1);
      expect(rows.map((r) => `${r[1]}${r[2]}`), query).toEqual(items.map((i) => `${i.township}${i.village}`));
      rows.forEach((r, k) => {
        const item = items[k];
        expect(r[0]).toBe(item.stars === null ? '' : String(item.rank)); // as the page: no rank without a result
        expect(r[3]).toBe({ final: '已定稿', provisional: '暂定' }[item.stage as string] ?? '暂无结果');
        expect(r[4]).toBe(item.stars === null ? '' : String(item.stars));
        expect(r[5]).toBe(yuanText(item.composite));
        expect(r[6]).toBe(String(item.redLines));
        expect(r[7]).toBe(yuanText(item.incomeFen));
        if (item.incomeFen !== null) expect(r[7]).toMatch(/^\d+\.\d{2}$/);
        expect(r[8]).toBe(item.incomeTier === 'high' ? '≥ ¥100,000.00' : item.incomeTier === 'low' ? '≥ ¥50,000.00' : item.incomeTier === 'below' ? '不足 ¥50,000.00' : '');
      });
    }
    const all = await download(server, viewer, `${path}.csv`);
    const disposition = all.headers.get('content-disposition')!;
    expect(disposition).toContain(`filename="county-comparison-${YEAR}.csv"`);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`齐河县-${YEAR}年村党支部星级比较.csv`)}`);
    const beta = await download(server, viewer, `${path}.csv?township=${fixture.b.tenantId}&year=2025`);
    expect(beta.headers.get('content-disposition')).toContain(encodeURIComponent('齐河县-乙镇-2025年村党支部星级比较.csv'));
    // English on request; the same rows
    const english = await download(server, viewer, `${path}.csv?lang=en`);
    expect(new TextDecoder().decode(english.bytes).split('\r\n')[0]).toBe('Rank,Township,Village,Result,Stars,Composite score,Red lines,Collective income (yuan),Income tier');
    for (const query of ['sort=best', 'year=1999', `township=${'x'.repeat(41)}`]) expect((await viewer.get(`${path}.csv?${query}`)).status, query).toBe(400);
  });

  it('exports the same rows as XLSX: money and scores as numbers shown with two decimals', async () => {
    const viewer = await fixture.as('countyViewer');
    const items: Item[] = (await viewer.get(`${path}?sort=composite&pageSize=500`)).body.items;
    const file = await download(server, viewer, `${path}.xlsx?sort=composite`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`齐河县-${YEAR}年村党支部星级比较.xlsx`)}`);
    const table = readXlsx(file.bytes);
    expect(table[0].join(',')).toBe(HEADER);
    expect(table.slice(1).map((r) => r[2])).toEqual(items.map((i) => i.village));
    table.slice(1).forEach((r, k) => {
      expect(r[7] === '' ? null : Math.round(Number(r[7]) * 100)).toBe(items[k].incomeFen);
      expect(r[5] === '' ? null : Math.round(Number(r[5]) * 100)).toBe(items[k].composite);
    });
    // the money cells carry the "0.00" number format
    const files = unzipSync(file.bytes);
    const sheet = new TextDecoder().decode(files['xl/worksheets/sheet1.xml']);
    const styles = new TextDecoder().decode(files['xl/styles.xml']);
    expect(sheet).toMatch(/<c r="H2" s="2"><v>[\d.]+<\/v><\/c>/);
    expect(styles).toContain('numFmtId="2"');
  });

  it('opens the summary and the exports to the county’s viewers and the platform admin only', async () => {
    const paths = [`/api/county/${fixture.countyId}/summary`, `${path}.csv`, `${path}.xlsx`];
    for (const p of paths) {
      expect((await fixture.anonymous().get(p)).status, p).toBe(401);
      for (const login of ['adminA', 'secretaryA', 'memberA', 'adminB'] as const) expect((await (await fixture.as(login)).get(p)).status, `${login} ${p}`).toBe(403);
      expect((await (await fixture.as('otherCountyViewer')).get(p)).status, p).toBe(404);
      expect((await (await fixture.as('countyViewer')).get(p)).status, p).toBe(200);
      expect((await (await fixture.as('platformAdmin')).get(p)).status, p).toBe(200);
      expect((await (await fixture.as('platformAdmin')).get(p.replace(fixture.countyId, 'no-such-county'))).status, p).toBe(404);
    }
  });

  it('crosses only into the townships of the caller’s county, for its viewers and the platform admin', async () => {
    const platform = await fixture.as('platformAdmin');
    const counties: { id: string; name: string }[] = (await platform.get('/api/platform/counties')).body;
    const other = counties.find((c) => c.name === '禹城市')!;
    const created = await platform.post('/api/platform/tenants', {
      slug: 'gamma',
      name: '丙镇',
      countyId: other.id,
      admin: { phone: '13900000099', name: '丙镇管理员', password: PASSWORD },
    });
    expect(created.status).toBe(201);
    const adminC = await new ApiClient(server).login('13900000099', PASSWORD);
    expect((await adminC.post('/t/gamma/api/villages', { name: '东村' })).status).toBe(201);

    const mine = await (await fixture.as('countyViewer')).get(path);
    expect(mine.body.items.some((i: Item) => i.township === '丙镇')).toBe(false);
    const theirs = await (await fixture.as('otherCountyViewer')).get(`/api/county/${other.id}/comparison`);
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ total: 1, items: [{ township: '丙镇', village: '东村', stars: null }] });
    const theirSummary = await (await fixture.as('otherCountyViewer')).get(`/api/county/${other.id}/summary`);
    expect(theirSummary.body.townships).toEqual([expect.objectContaining({ township: '丙镇', villages: 1, unrated: 1 })]);
    // a township id of another county names nothing here
    expect((await (await fixture.as('countyViewer')).get(`${path}?township=${created.body.id}`)).body.total).toBe(0);
    // the platform admin may look at any county
    expect((await platform.get(path)).body.total).toBe(6);
    expect((await platform.get(`/api/county/${other.id}/comparison`)).body.total).toBe(1);
    // read-only: no writes on county paths
    expect((await (await fixture.as('countyViewer')).post(path, {})).status).toBe(404);
  });

  it("follows a township's re-opened year: its retired final rows leave the comparison and the summary; a recompute, then a finalisation show", async () => {
    const adminA = await fixture.as('adminA');
    const viewer = await fixture.as('countyViewer');
    /** alpha's villages in the comparison, and alpha in the summary, as the township's own results page has them */
    const sameAsTownship = async (stage: 'none' | 'provisional' | 'final') => {
      const own = await viewer.get(`/t/alpha/api/stars/results?year=${YEAR}`);
      expect(own.body.stage).toBe(stage);
      const items: Item[] = (await viewer.get(`${path}?township=${fixture.a.tenantId}`)).body.items;
      expect(items).toHaveLength(3);
      for (const item of items) {
        const result = own.body.items.find((r: TownshipResult) => r.subjectId === item.villageId) as TownshipResult | undefined;
        expect(Boolean(result)).toBe(stage !== 'none');
        expect(item).toMatchObject({ stage: result ? stage : null, stars: result?.finalStars ?? null, composite: result?.composite ?? null });
      }
      const summary: Summary[] = (await viewer.get(`/api/county/${fixture.countyId}/summary?year=${YEAR}`)).body.townships;
      expect(summary.find((t) => t.townshipId === fixture.a.tenantId)?.stage).toBe(stage === 'none' ? null : stage);
    };
    await sameAsTownship('final');
    expect((await adminA.post(`/t/alpha/api/stars/result-years/${YEAR}/reopen`, { reason: '补录集体收入' })).status).toBe(201);
    await sameAsTownship('none');
    expect((await adminA.post('/t/alpha/api/job-runs', { job: 'recompute', year: YEAR })).status).toBe(201);
    await sameAsTownship('provisional');
    expect((await adminA.post('/t/alpha/api/job-runs', { job: 'finalise', year: YEAR })).status).toBe(201);
    await sameAsTownship('final');
  });
});
