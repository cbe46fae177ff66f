import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithFixture, type Fixture, type Login } from '../support/fixture';
import { guardWalk } from '../support/openapi';
import { DRIVERS, type TestServer } from '../support/servers';

/**
 * The shared tenant-isolation and role suite. It reads every operation from the OpenAPI document, so a
 * new route is covered by default: anonymous → 401, a role not listed → 403, another tenant → 404,
 * and an id from another tenant → 404 (existence does not leak).
 * The 401/403/404 walks are decided before storage is touched: all routes on libSQL, one per area on workerd
 * (`guardWalk`, test/support/openapi.ts, says why). Reading a county's own data (200) and using another tenant's
 * id (a lookup, a delete that must change nothing) run queries of the route itself: every route on both drivers.
 */

/** The role each login holds inside township "alpha" (undefined: none there). */
const ROLE_IN_ALPHA: Record<Login, string | undefined> = {
  adminA: 'township_admin',
  secretaryA: 'village_secretary',
  memberA: 'party_member',
  countyViewer: 'county_viewer',
  platformAdmin: undefined,
  adminB: undefined,
  otherCountyViewer: undefined,
};

interface Operation {
  method: string;
  path: string;
  roles: string[];
}

const PLACEHOLDER_ID = 'no-such-id-000000000';
/** the fixture's county (alpha and beta), set once the fixture exists: /api/county/{countyId}/… paths name it */
let countyId = PLACEHOLDER_ID;
const fill = (path: string, tenant = 'alpha', id = PLACEHOLDER_ID) =>
  path.replace('{tenant}', tenant).replace('{countyId}', countyId).replace(/\{[a-zA-Z]+\}/g, id);
/** County routes: only the county's viewers and the platform admin. */
const COUNTY_OUTSIDERS: Login[] = ['adminA', 'secretaryA', 'memberA', 'adminB'];

describe.each(DRIVERS)('tenant isolation and roles on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let operations: Operation[];

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    countyId = fixture.countyId;
    const doc = (await fixture.anonymous().get('/api/openapi.json')).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, { 'x-roles': string[] }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, roles: op['x-roles'] })),
    );
  });
  afterAll(() => server?.close());

  it('documents every route with its roles', () => {
    expect(operations.length).toBeGreaterThan(15);
    for (const op of operations) expect(op.roles, `${op.method} ${op.path}`).not.toEqual([]);
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    for (const op of guardWalk(driver, operations.filter((o) => !o.roles.includes('public')))) {
      const reply = await fixture.anonymous().request(op.method, fill(op.path), op.method === 'GET' ? undefined : {});
      expect(reply.status, `${op.method} ${op.path}`).toBe(401);
      expect(reply.body.code).toBe('error.unauthenticated');
    }
  });

  it('answers 403 to a role the route does not list', async () => {
    for (const op of guardWalk(driver, operations.filter((o) => !o.roles.includes('public') && !o.roles.includes('*')))) {
      const logins = op.path.startsWith('/t/')
        ? (Object.keys(ROLE_IN_ALPHA) as Login[]).filter((l) => ROLE_IN_ALPHA[l] && !op.roles.includes(ROLE_IN_ALPHA[l]!))
        : op.path.startsWith('/api/county/')
          ? COUNTY_OUTSIDERS
          : (['adminA', 'countyViewer'] as Login[]); // platform routes: only the platform admin
      for (const login of logins) {
        const client = await fixture.as(login);
        const reply = await client.request(op.method, fill(op.path), op.method === 'GET' ? undefined : {});
        expect(reply.status, `${login} ${op.method} ${op.path}`).toBe(403);
      }
    }
  });

  it('answers 404 to accounts of another tenant or county', async () => {
    for (const op of guardWalk(driver, operations.filter((o) => o.path.startsWith('/t/') && !o.roles.includes('public')))) {
      for (const login of ['adminB', 'otherCountyViewer', 'platformAdmin'] as Login[]) {
        const client = await fixture.as(login);
        const reply = await client.request(op.method, fill(op.path), op.method === 'GET' ? undefined : {});
        expect(reply.status, `${login} ${op.method} ${op.path}`).toBe(404);
      }
    }
  });

  it('answers 404 on county routes to viewers of another county and for a county that does not exist', async () => {
    const countyOps = operations.filter((o) => o.path.startsWith('/api/county/'));
    expect(countyOps.length).toBeGreaterThan(0);
    for (const op of countyOps) {
      const cases: [Login, string][] = [
        ['otherCountyViewer', fill(op.path)],
        ['countyViewer', op.path.replace('{countyId}', PLACEHOLDER_ID)],
        ['platformAdmin', op.path.replace('{countyId}', PLACEHOLDER_ID)],
      ];
      for (const [login, path] of cases) {
        const reply = await (await fixture.as(login)).request(op.method, path, op.method === 'GET' ? undefined : {});
        expect(reply.status, `${login} ${op.method} ${path}`).toBe(404);
      }
      for (const login of ['countyViewer', 'platformAdmin'] as Login[]) {
        if (op.method !== 'GET') continue;
        const reply = await (await fixture.as(login)).get(fill(op.path));
        expect(reply.status, `${login} ${op.method} ${op.path} in its own county`).toBe(200);
      }
    }
  });

  it('answers 404 when an id of another tenant is used, and changes nothing', async () => {
    const admin = await fixture.as('adminA');
    const adminB = await fixture.as('adminB');
    let checked = 0;
    for (const op of operations.filter((o) => /^\/t\/\{tenant\}\/api\/.+\/\{id\}$/.test(o.path) && o.roles.includes('township_admin'))) {
      if (op.method !== 'GET' && op.method !== 'DELETE') continue;
      const collection = op.path.replace(/\/\{id\}$/, '');
      const list = await adminB.get(fill(collection, 'beta'));
      const items = Array.isArray(list.body) ? list.body : list.body?.items;
      const foreignId = items?.[0]?.id;
      if (!foreignId) continue;
      const reply = await admin.request(op.method, fill(op.path, 'alpha', foreignId));
      expect(reply.status, `${op.method} ${op.path}`).toBe(404);
      const still = await adminB.get(fill(op.path, 'beta', foreignId));
      expect(still.status, `${op.path} still there for its own tenant`).toBe(200);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});
