import { describe, expect, it } from 'vitest';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

describe.each(DRIVERS)('rosters on %s', (driver) => {
  const ctx = withFixture(driver);

  it('lists villages with member and household counts', async () => {
    const admin = await ctx.fixture.as('adminA');
    const reply = await admin.get('/t/alpha/api/villages');
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(3);
    expect(reply.body.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['靖庄', '刘洼']));
    const total = reply.body.reduce((n: number, v: { memberCount: number }) => n + v.memberCount, 0);
    expect(total).toBe(ctx.fixture.a.rows.members.length);
  });

  it('creates, renames and deletes a village; refuses a duplicate name', async () => {
    const admin = await ctx.fixture.as('adminA');
    const created = await admin.post('/t/alpha/api/villages', { name: '西腰' });
    expect(created.status).toBe(201);
    expect(created.body.branchName).toBe('西腰党支部');
    const duplicate = await admin.post('/t/alpha/api/villages', { name: '西腰' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toContain('西腰');
    const renamed = await admin.put(`/t/alpha/api/villages/${created.body.id}`, { name: '岳刘' });
    expect(renamed.body.name).toBe('岳刘');
    expect((await admin.delete(`/t/alpha/api/villages/${created.body.id}`)).status).toBe(204);
  });

  it('will not delete a village that still has people', async () => {
    const admin = await ctx.fixture.as('adminA');
    const reply = await admin.delete(`/t/alpha/api/villages/${ctx.fixture.a.rows.villages[0].id}`);
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('rosters.village_in_use');
  });

  it('keeps member names distinct from their village name in lists', async () => {
    const admin = await ctx.fixture.as('adminA');
    const reply = await admin.get('/t/alpha/api/members?limit=500');
    expect(reply.body.total).toBe(ctx.fixture.a.rows.members.length);
    const first = reply.body.items[0];
    const original = ctx.fixture.a.rows.members.find((m) => m.id === first.id)!;
    expect(first.name).toBe(original.name);
    expect(first.villageName).toBeTruthy();
  });

  it('lets a village secretary manage only their own village', async () => {
    const secretary = await ctx.fixture.as('secretaryA');
    const own = ctx.fixture.a.rows.villages[0].id!;
    const other = ctx.fixture.a.rows.villages[1].id!;
    const list = await secretary.get('/t/alpha/api/households');
    expect(list.body.items.every((h: { villageId: string }) => h.villageId === own)).toBe(true);
    const created = await secretary.post('/t/alpha/api/households', { villageId: own, headName: '张建国', address: '前街1号', isEmptyNest: true });
    expect(created.status).toBe(201);
    expect(created.body.isEmptyNest).toBe(true);
    const elsewhere = await secretary.post('/t/alpha/api/households', { villageId: other, headName: '李四' });
    expect(elsewhere.status).toBe(404);
    const otherHousehold = ctx.fixture.a.rows.households.find((h) => h.villageId === other)!;
    expect((await secretary.get(`/t/alpha/api/households/${otherHousehold.id}`)).status).toBe(404);
  });

  it('lets a county viewer read but not write', async () => {
    const viewer = await ctx.fixture.as('countyViewer');
    expect((await viewer.get('/t/beta/api/members')).status).toBe(200);
    expect((await viewer.post('/t/beta/api/villages', { name: '新村' })).status).toBe(403);
  });

  it('validates a member in Chinese', async () => {
    const admin = await ctx.fixture.as('adminA');
    const reply = await admin.post('/t/alpha/api/members', { villageId: ctx.fixture.a.rows.villages[0].id, name: '', phone: '123' });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe('提交的内容有误，请检查后重试');
    expect(reply.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['name', 'phone']));
  });

  it('resolves the tenant from a sub-domain of the base domain as well as from the path', async () => {
    const admin = await ctx.fixture.as('adminA');
    const reply = await admin.get('http://alpha.xingping.test/api/villages');
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(3);
    const unknown = await admin.get('http://nowhere.xingping.test/api/villages');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('error.tenant_not_found');
  });
});
