import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

/**
 * The browser baseline of the API: security headers on every answer, and CSRF. A write that carries
 * cookies (a session, a ballot pass) must show it comes from one of our own pages; a foreign page is
 * refused whatever its content type.
 */
describe.each(DRIVERS)('browser baseline of the API on %s', (driver) => {
  const ctx = withFixture(driver);
  const SCREENS = '/t/alpha/api/evaluation/screens';
  let n = 0;
  /** A cookie-authenticated write of the township admin, with exactly the headers given (no Origin unless named). */
  const write = async (admin: ApiClient, headers: Record<string, string>, { path = SCREENS, method = 'POST', body = JSON.stringify({ name: `厅${++n}` }) } = {}) => {
    const response = await ctx.server.fetch(path, { method, headers: { cookie: admin.cookieHeader(), 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, code: ((await response.json()) as { code?: string }).code };
  };
  const screens = async (admin: ApiClient) => ((await admin.get(SCREENS)).body as { items: unknown[] }).items.length;

  it.each([
    ['an answer', 'GET', '/t/alpha/api/public/villages'],
    ['a 404', 'GET', '/api/nothing-here'],
    ['a 401', 'GET', SCREENS],
    ['a 400', 'POST', '/api/auth/login'],
  ])('puts the security headers on %s', async (_, method, path) => {
    const response = await ctx.server.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
    // plain HTTP: no HSTS
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends HSTS on HTTPS', async () => {
    const response = await ctx.server.fetch('https://127.0.0.1/api/openapi.json');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it.each([
    ['a foreign page, JSON', { origin: 'https://evil.example' }, 'error.cross_origin'],
    ['a foreign page, a form type', { origin: 'https://evil.example', 'content-type': 'text/plain' }, 'error.cross_origin'],
    ['a look-alike of the base domain', { origin: 'http://xingping.test.evil.example' }, 'error.cross_origin'],
    ['a host ending like the base domain', { origin: 'http://evilxingping.test' }, 'error.cross_origin'],
    ['a sub-domain two labels deep', { origin: 'http://a.alpha.xingping.test' }, 'error.cross_origin'],
    ['an opaque origin (sandboxed frame)', { origin: 'null' }, 'error.cross_origin'],
    ['an origin that is not a web page', { origin: 'file:///etc/passwd' }, 'error.cross_origin'],
    ['no Origin, Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }, 'error.cross_origin'],
    ['no Origin, Sec-Fetch-Site same-site (another tenant could be it)', { 'sec-fetch-site': 'same-site' }, 'error.cross_origin'],
    ['neither Origin nor Sec-Fetch-Site', {}, 'error.origin_required'],
  ])('refuses a cookie-authenticated write from %s with 403, and writes nothing', async (_, headers, code) => {
    const admin = await ctx.fixture.as('adminA');
    const before = await screens(admin);
    expect(await write(admin, headers)).toEqual({ status: 403, code });
    expect(await screens(admin)).toBe(before);
  });

  it.each([
    ['the request’s own host (the path-prefixed install)', { origin: 'http://127.0.0.1' }],
    ['the same host on another port or scheme', { origin: 'https://127.0.0.1:8443' }],
    ['the base domain', { origin: 'https://xingping.test' }],
    ['a tenant sub-domain', { origin: 'https://alpha.xingping.test' }],
    ['no Origin but Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }],
  ])('takes a write from %s', async (_, headers) => {
    const admin = await ctx.fixture.as('adminA');
    expect((await write(admin, headers)).status).toBe(201);
  });

  it('takes a write from a host name registered for a township, and no longer once it is removed', async () => {
    const platform = await ctx.fixture.as('platformAdmin');
    const admin = await ctx.fixture.as('adminA');
    const origin = { origin: 'https://pingjia.alpha-town.example' };
    expect((await write(admin, origin)).status).toBe(403);
    expect((await platform.patch(`/api/platform/tenants/${ctx.fixture.a.tenantId}`, { hostnames: ['pingjia.alpha-town.example'] })).status).toBe(200);
    expect((await write(admin, origin)).status).toBe(201);
    expect((await platform.patch(`/api/platform/tenants/${ctx.fixture.a.tenantId}`, { hostnames: [] })).status).toBe(200);
    // the tenant cache of another instance may hold it a few seconds; this instance forgets at once
    expect((await write(admin, origin)).status).toBe(403);
  });

  it('checks PATCH and DELETE as POST', async () => {
    const admin = await ctx.fixture.as('adminA');
    const created = await admin.post<{ id: string }>('/t/alpha/api/evaluation/campaigns', { name: '待删', subjectKind: 'branch' });
    expect(created.status).toBe(201);
    const path = `/t/alpha/api/evaluation/campaigns/${created.body.id}`;
    const evil = { origin: 'https://evil.example' };
    expect(await write(admin, evil, { method: 'PATCH', path, body: JSON.stringify({ name: '改' }) })).toMatchObject({ status: 403 });
    expect(await write(admin, evil, { method: 'DELETE', path, body: '' })).toMatchObject({ status: 403 });
    expect(await write(admin, {}, { method: 'DELETE', path, body: '' })).toMatchObject({ status: 403, code: 'error.origin_required' });
    expect((await admin.get(path)).body).toMatchObject({ name: '待删' });
  });

  it('refuses a login and a ballot from a foreign page even without cookies (login CSRF, ballot stuffing through visitors)', async () => {
    const evil = { origin: 'https://evil.example', 'content-type': 'application/json' };
    const login = await ctx.server.fetch('/api/auth/login', { method: 'POST', headers: evil, body: JSON.stringify({ phone: '13900000002', password: 'x' }) });
    expect(login.status).toBe(403);
    const ballot = await ctx.server.fetch('/t/alpha/api/evaluation/vote/ABCDEF/ballots', { method: 'POST', headers: evil, body: '{}' });
    expect(ballot.status).toBe(403);
  });

  it('lets a script without cookies write without Origin (it proves who it is in its body)', async () => {
    const response = await ctx.server.fetch('/t/alpha/api/evaluation/vote/ABCDEF/pass', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x' }) });
    expect(((await response.json()) as { code: string }).code).toBe('evaluation.session_not_found');
  });

  it('reads need no Origin: GET with cookies from anywhere is answered (reads change nothing)', async () => {
    const admin = await ctx.fixture.as('adminA');
    const response = await ctx.server.fetch(SCREENS, { headers: { cookie: admin.cookieHeader(), origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
  });
});
