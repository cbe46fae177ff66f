import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

describe.each(DRIVERS)('dispute and weak-village ledgers on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageA: string;
  let villageB: string;
  const base = '/t/alpha/api/ledgers';

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageA = fixture.a.rows.villages[0].id!;
    villageB = fixture.a.rows.villages[1].id!;
  });
  afterAll(() => server?.close());

  it('keeps dispute cases with private parties, and counts them per township and village', async () => {
    const admin = await fixture.as('adminA');
    const secretary = await fixture.as('secretaryA');
    const cases = [
      { villageId: villageA, status: 'settled', closedOn: '2026-03-02' },
      { villageId: villageA, status: 'settled', closedOn: '2026-04-02' },
      { villageId: villageA, status: 'in_mediation', closedOn: null },
      { villageId: villageB, status: 'guided_to_court', closedOn: '2026-05-01', level: 'township' },
    ];
    for (const c of cases) {
      const reply = await admin.post(`${base}/disputes`, { title: '宅基地边界纠纷', parties: '张某某与李某某', occurredOn: '2026-03-01', ...c });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    }
    await admin.post(`${base}/disputes`, { villageId: villageA, title: '去年的案件', occurredOn: '2025-12-30', status: 'settled', closedOn: '2026-01-05' });
    const summary = await admin.get(`${base}/disputes/summary?year=2026`);
    expect(summary.body.township).toEqual({ settled: 2, guided_to_court: 1, in_mediation: 1, total: 4 });
    expect(summary.body.villages).toHaveLength(2);

    const inconsistent = await admin.post(`${base}/disputes`, { villageId: villageA, title: 'x', occurredOn: '2026-03-01', status: 'settled' });
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.code).toBe('ledgers.closed_on_required');

    const own = await secretary.get(`${base}/disputes?year=2026`);
    expect(own.body.total).toBe(3);
    expect(own.body.items[0].parties).toBe('张某某与李某某');
    const ownSummary = await secretary.get(`${base}/disputes/summary?year=2026`);
    expect(ownSummary.body.township.total).toBe(3);

    const county = await fixture.as('countyViewer');
    const countyList = await county.get(`${base}/disputes?year=2026`);
    expect(countyList.body.total).toBe(4);
    expect(JSON.stringify(countyList.body)).not.toContain('张某某');
    const one = await county.get(`${base}/disputes/${countyList.body.items[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body.parties).toBeUndefined();
    expect((await county.post(`${base}/disputes`, { villageId: villageA, title: 'x', occurredOn: '2026-03-01' })).status).toBe(403);
  });

  it('updates a case when it is settled, and keeps secretaries to their village', async () => {
    const admin = await fixture.as('adminA');
    const secretary = await fixture.as('secretaryA');
    const created = await secretary.post(`${base}/disputes`, { villageId: villageA, title: '邻里漏水纠纷', parties: '王某与赵某', occurredOn: '2026-06-01' });
    expect(created.body.status).toBe('in_mediation');
    const settled = await secretary.put(`${base}/disputes/${created.body.id}`, {
      villageId: villageA,
      title: '邻里漏水纠纷',
      parties: '王某与赵某',
      occurredOn: '2026-06-01',
      status: 'settled',
      closedOn: '2026-06-03',
      outcome: '双方达成协议,维修费各担一半',
    });
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('settled');
    expect((await secretary.post(`${base}/disputes`, { villageId: villageB, title: 'x', occurredOn: '2026-06-01' })).status).toBe(404);
    const foreign = await admin.post(`${base}/disputes`, { villageId: villageB, title: '刘洼案件', occurredOn: '2026-06-01' });
    expect((await secretary.get(`${base}/disputes/${foreign.body.id}`)).status).toBe(404);
    expect((await secretary.delete(`${base}/disputes/${created.body.id}`)).status).toBe(403);
    expect((await admin.delete(`${base}/disputes/${foreign.body.id}`)).status).toBe(204);
  });

  it('keeps the weak-and-lax villages ledger, one listing per village and year', async () => {
    const admin = await fixture.as('adminA');
    const listed = await admin.post(`${base}/weak-villages`, {
      villageId: villageB,
      yearListed: 2018,
      reasons: '班子不团结,集体经济空壳',
      measures: '选派第一书记;调整村党支部书记',
    });
    expect(listed.status).toBe(201);
    const twice = await admin.post(`${base}/weak-villages`, { villageId: villageB, yearListed: 2018, reasons: 'x' });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe('该村 2018 年已列入后进村整治台账');
    await admin.post(`${base}/weak-villages`, { villageId: villageA, yearListed: 2019, reasons: '党员队伍老化' });
    const turned = await admin.put(`${base}/weak-villages/${listed.body.id}`, {
      villageId: villageB,
      yearListed: 2018,
      reasons: '班子不团结,集体经济空壳',
      measures: '选派第一书记;调整村党支部书记',
      turnedAroundOn: '2020-12-01',
    });
    expect(turned.body.turnedAroundOn).toBe('2020-12-01');
    const list = await admin.get(`${base}/weak-villages`);
    expect(list.body).toMatchObject({ total: 2, turnedAround: 1 });
    const secretary = await fixture.as('secretaryA');
    expect((await secretary.get(`${base}/weak-villages`)).body.total).toBe(1);
    expect((await secretary.post(`${base}/weak-villages`, { villageId: villageA, yearListed: 2020, reasons: 'x' })).status).toBe(403);
  });
});
