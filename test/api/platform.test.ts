import { describe, expect, it } from 'vitest';
import { ApiClient, sentAgainOnReset } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

describe.each(DRIVERS)('platform registry and plumbing on %s', (driver) => {
  const ctx = withFixture(driver);

  it('creates a city, a county and a township whose first admin can log in', async () => {
    const platform = await ctx.fixture.as('platformAdmin');
    const city = await platform.post('/api/platform/cities', { name: '济南市' });
    expect(city.status).toBe(201);
    const county = await platform.post('/api/platform/counties', { cityId: city.body.id, name: '商河县' });
    expect(county.status).toBe(201);
    const tenant = await platform.post('/api/platform/tenants', {
      slug: 'yulin',
      name: '玉皇庙镇',
      countyId: county.body.id,
      hostnames: ['xingping.yulin.example.cn'],
      admin: { phone: '13700000001', name: '玉皇庙镇党委', password: 'first-admin-1' },
    });
    expect(tenant.status).toBe(201);
    const admin = await new ApiClient(ctx.server).login('13700000001', 'first-admin-1');
    const me = await admin.get('/t/yulin/api');
    expect(me.body).toMatchObject({ name: '玉皇庙镇', role: 'township_admin' });
    const settings = await admin.get('/t/yulin/api/settings');
    expect(settings.body.weights).toEqual({ self: 20, peer: 20, villager: 40, leader: 20 });
    const byHost = await admin.get('http://xingping.yulin.example.cn/api');
    expect(byHost.body.name).toBe('玉皇庙镇');
  });

  it('refuses a taken slug and an unknown county', async () => {
    const platform = await ctx.fixture.as('platformAdmin');
    const admin = { phone: '13700000002', name: 'x', password: 'password-2' };
    const taken = await platform.post('/api/platform/tenants', { slug: 'alpha', name: '重复', countyId: ctx.fixture.countyId, admin });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('tenancy.slug_taken');
    const unknown = await platform.post('/api/platform/tenants', { slug: 'gamma', name: '丙镇', countyId: 'nope', admin });
    expect(unknown.status).toBe(404);
  });

  it('creates a county viewer who reads every township of the county and writes nothing', async () => {
    const platform = await ctx.fixture.as('platformAdmin');
    const created = await platform.post(`/api/platform/counties/${ctx.fixture.countyId}/viewers`, {
      phone: '13700000003',
      name: '县委组织部',
      password: 'viewer-pass-1',
    });
    expect(created.status).toBe(201);
    const viewer = await new ApiClient(ctx.server).login('13700000003', 'viewer-pass-1');
    const me = await viewer.get('/api/auth/me');
    expect(me.body.countyTownships.map((t: { slug: string }) => t.slug)).toEqual(expect.arrayContaining(['alpha', 'beta']));
    expect((await viewer.get('/t/alpha/api/villages')).status).toBe(200);
    expect((await viewer.get('/t/beta/api/villages')).status).toBe(200);
    expect((await viewer.put('/t/alpha/api/settings', {})).status).toBe(403);
  });

  it('creates the county’s and the city’s organisation departments for the star rating', async () => {
    const platform = await ctx.fixture.as('platformAdmin');
    const cityId = (await platform.get('/api/platform/counties')).body.find((c: { id: string }) => c.id === ctx.fixture.countyId).cityId;
    const body = { phone: '13700000004', name: '县委组织部（复核）', password: 'organiser-pass-1' };
    expect((await platform.post('/api/platform/counties/nope/organisers', body)).body.code).toBe('tenancy.county_not_found');
    expect((await platform.post('/api/platform/cities/nope/organisers', body)).body.code).toBe('tenancy.city_not_found');
    expect((await (await ctx.fixture.as('adminA')).post(`/api/platform/counties/${ctx.fixture.countyId}/organisers`, body)).status).toBe(403);
    expect((await platform.post(`/api/platform/counties/${ctx.fixture.countyId}/organisers`, body)).status).toBe(201);
    expect((await platform.post(`/api/platform/cities/${cityId}/organisers`, { ...body, phone: '13700000005', name: '市委组织部' })).status).toBe(201);
    const county = await new ApiClient(ctx.server).login('13700000004', 'organiser-pass-1');
    expect((await county.get('/api/auth/me')).body.roles).toEqual([expect.objectContaining({ role: 'county_organiser', countyId: ctx.fixture.countyId })]);
    const city = await new ApiClient(ctx.server).login('13700000005', 'organiser-pass-1');
    expect((await city.get('/api/auth/me')).body.roles).toEqual([expect.objectContaining({ role: 'city_organiser', cityId })]);
    expect((await city.get(`/api/city/${cityId}/rating`)).status).toBe(200);
  });

  it('validates township settings: weights must sum to 100', async () => {
    const admin = await ctx.fixture.as('adminA');
    const bad = await admin.put('/t/alpha/api/settings', { weights: { self: 20, peer: 20, villager: 50, leader: 20 } });
    expect(bad.status).toBe(400);
    const good = await admin.put('/t/alpha/api/settings', { weights: { self: 10, peer: 20, villager: 50, leader: 20 } });
    expect(good.status).toBe(200);
    expect((await admin.get('/t/alpha/api/settings')).body.weights.villager).toBe(50);
  });

  it('lets the township admin create a secretary account for a village of the township only', async () => {
    const admin = await ctx.fixture.as('adminA');
    const village = ctx.fixture.a.rows.villages[1].id;
    const made = await admin.post('/t/alpha/api/accounts', { role: 'village_secretary', phone: '13700000014', name: '刘洼书记', password: 'secretary-1', villageId: village });
    expect(made.status).toBe(201);
    const foreign = await admin.post('/t/alpha/api/accounts', {
      role: 'village_secretary',
      phone: '13700000015',
      name: 'x',
      password: 'secretary-1',
      villageId: ctx.fixture.b.rows.villages[0].id,
    });
    expect(foreign.status).toBe(404);
  });

  it('answers unknown routes, oversized bodies and bad JSON with the problem shape', async () => {
    const client = new ApiClient(ctx.server);
    const missing = await client.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
    const admin = await ctx.fixture.as('adminA');
    const huge = await sentAgainOnReset(() => admin.post('/t/alpha/api/villages', { name: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('error.body_too_large');
    const villages = await admin.get('/t/alpha/api/villages');
    expect(villages.body).toHaveLength(3);
  });

  it('answers 404 to a path with a trailing slash, whoever asks, before any middleware reads it (app.ts; the router is strict)', async () => {
    const admin = await ctx.fixture.as('adminA');
    expect((await admin.get('/t/alpha/api/villages')).status).toBe(200);
    for (const client of [new ApiClient(ctx.server), admin]) {
      expect((await client.get('/t/alpha/api/villages/')).status).toBe(404);
      expect((await client.post('/t/alpha/api/villages/', { name: '新村' })).body.code).toBe('error.route_not_found');
      // the vote pass's cookie path is cut from the request's: with a slash it would be another cookie, a second pass
      expect((await client.post('/t/alpha/api/evaluation/vote/ABC123/pass/', {})).status).toBe(404);
      expect((await client.post('/t/alpha/api/evaluation/vote/ABC123/pass/release/', {})).status).toBe(404);
    }
    // the short addresses' folders keep their redirect
    const folder = await ctx.server.fetch('/t/alpha/v/', { redirect: 'manual' });
    expect(folder.status).toBe(302);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await new ApiClient(ctx.server).get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/t/{tenant}/api/villages'].post;
    expect(post['x-roles']).toEqual(['township_admin']);
    expect(post.requestBody.content['application/json'].schema.properties.name).toBeTruthy();
  });
});
