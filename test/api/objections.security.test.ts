import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertMany } from '../../src/db/batch';
import { objections } from '../../src/db/schema';
import { ApiClient } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

/**
 * A villager objects, without login, to a problem in public notice and may leave a contact for the
 * township's answer. The cadre whose village the problem is (the secretary), and the county's viewers,
 * read the problem and its objections, never who objected.
 */
describe.each(DRIVERS)('objections on %s (a cadre who wants to know who objected)', (driver) => {
  const ctx = withFixture(driver);

  it("keeps an objector's contact from the village's secretary and the county viewer; the township admin who answers reads it", async () => {
    const { fixture } = ctx;
    const villageId = fixture.a.rows.villages[0].id!;
    const admin = await fixture.as('adminA');
    const created = await admin.post('/t/alpha/api/problems', { villageId, content: '村务公开不及时', measure: '每月5日前公开' });
    expect(created.status).toBe(201);
    expect((await admin.post(`/t/alpha/api/problems/${created.body.id}/publish`)).status).toBe(200);
    const filed = await fixture.anonymous().post(`/t/alpha/api/problems/${created.body.id}/objections`, { content: '整改措施不具体', contact: '13712345678' });
    expect(filed.status).toBe(201);

    for (const login of ['secretaryA', 'countyViewer'] as const) {
      const read = await (await fixture.as(login)).get(`/t/alpha/api/problems/${created.body.id}`);
      expect(read.status, login).toBe(200);
      expect(read.body.objections, login).toHaveLength(1);
      expect(read.body.objections[0].content).toBe('整改措施不具体');
      expect(read.body.objections[0], login).not.toHaveProperty('contact');
      expect(JSON.stringify(read.body), login).not.toContain('13712345678');
    }
    const own = await admin.get(`/t/alpha/api/problems/${created.body.id}`);
    expect(own.body.objections[0].contact).toBe('13712345678');
  });

  it('holds a burst of filings from one address to the ten its window allows (a flood sent all at once)', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const created = await admin.post('/t/alpha/api/problems', { villageId: fixture.a.rows.villages[1].id!, content: '道路未硬化', measure: '年内完成' });
    expect((await admin.post(`/t/alpha/api/problems/${created.body.id}/publish`)).status).toBe(200);
    const flooder = new ApiClient(ctx.server, { 'x-test-ip': '10.30.0.1' });
    const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => flooder.post(`/t/alpha/api/problems/${created.body.id}/objections`, { content: `刷屏 ${i}` })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 429)).toBe(true);
    const read = await admin.get(`/t/alpha/api/problems/${created.body.id}`);
    expect(read.body.objections.length).toBe(statuses.filter((s) => s === 201).length);
    // another address is not held by this one's flood
    expect((await new ApiClient(ctx.server, { 'x-test-ip': '10.30.0.2' }).post(`/t/alpha/api/problems/${created.body.id}/objections`, { content: '确有问题' })).status).toBe(201);
  });

  it('holds a problem to its 200 objections when the last few arrive all at once (the cap counted in the insert)', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const created = await admin.post('/t/alpha/api/problems', { villageId: fixture.a.rows.villages[2].id!, content: '垃圾清运不及时', measure: '每周两次' });
    expect((await admin.post(`/t/alpha/api/problems/${created.body.id}/publish`)).status).toBe(200);
    // 195 filed over the notice from many addresses (written straight in: the burst is what is tested)
    const earlier = Array.from({ length: 195 }, (_, i) => ({ tenantId: fixture.a.tenantId, target: 'problem' as const, problemId: created.body.id as string, content: `早先的异议 ${i}` }));
    await insertMany(ctx.server.db, objections, earlier);
    const stored = async () => (await ctx.server.db.select({ n: count() }).from(objections).where(and(eq(objections.tenantId, fixture.a.tenantId), eq(objections.problemId, created.body.id))))[0].n;
    expect(await stored()).toBe(195);
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => new ApiClient(ctx.server, { 'x-test-ip': '10.30.1.1' }).post(`/t/alpha/api/problems/${created.body.id}/objections`, { content: `最后一批 ${i}` })),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(5).fill(429)]);
    expect(await stored()).toBe(200);
    // a refused filing does not count against the address: its hour still has the five it did not use
    const other = await admin.post('/t/alpha/api/problems', { villageId: fixture.a.rows.villages[2].id!, content: '路灯不亮', measure: '月底前修好' });
    expect((await admin.post(`/t/alpha/api/problems/${other.body.id}/publish`)).status).toBe(200);
    const more = await Promise.all(Array.from({ length: 6 }, () => new ApiClient(ctx.server, { 'x-test-ip': '10.30.1.1' }).post(`/t/alpha/api/problems/${other.body.id}/objections`, { content: '再来' })));
    expect(more.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 429]);
  });
});
