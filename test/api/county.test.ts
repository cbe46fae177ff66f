import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiYear } from '../../src/platform/time';
import { generateBallots } from '../../src/seed/ballots';
import { createFixture, PASSWORD, type Fixture } from '../support/fixture';
import { ApiClient } from '../support/client';
import { DRIVERS, startServer, type TestServer } from '../support/servers';

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
type TownshipResult = { subjectId: string; finalStars: number | null; composite: number | null; redLines: unknown[]; incomeFen: number; incomeTier: string };

describe.each(DRIVERS)('county comparison on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let path: string;
  beforeAll(async () => {
    server = await startServer(driver);
    fixture = await createFixture(server);
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
    // a township id of another county names nothing here
    expect((await (await fixture.as('countyViewer')).get(`${path}?township=${created.body.id}`)).body.total).toBe(0);
    // the platform admin may look at any county
    expect((await platform.get(path)).body.total).toBe(6);
    expect((await platform.get(`/api/county/${other.id}/comparison`)).body.total).toBe(1);
    // read-only: no writes on county paths
    expect((await (await fixture.as('countyViewer')).post(path, {})).status).toBe(404);
  });
});
