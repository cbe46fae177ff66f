import { describe, expect, it } from 'vitest';
import type { Fixture } from '../support/fixture';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

/**
 * Odd input on every route of the OpenAPI document never makes a 500: odd path ids, odd query values,
 * bodies that are not objects, and a valid-looking body with one field at a time set to a wrong type,
 * a huge or fractional number, an unknown enum value, an impossible date, an oversized string or array.
 * Whatever it is, the answer is a 4xx problem (or a success), from validation or from the handler.
 *
 * The walk runs whole on libSQL first. A request refused there by the route's role gate, the body parser or
 * the zod validator (`REFUSED_BEFORE_STORAGE`) is refused by the same code on workerd before the handler runs
 * a query, and changes nothing, so workerd is sent the rest, in the same order: every request that reached a
 * handler and its storage (odd ids looked up, odd values written and read back). Run alone (`-t workerd`),
 * workerd sends the whole walk.
 */

type Schema = { type?: string; anyOf?: Schema[]; enum?: unknown[]; default?: unknown; properties?: Record<string, Schema>; items?: Schema; minimum?: number; minLength?: number; format?: string };

const ODD_PATH = ['no-such-id', 'x'.repeat(300), '2026-02-30', '99999999999', '-1', '%25'];
const ODD_QUERY = ['', 'x'.repeat(2000), '2026-02-30', '-1', '1e309', '99999999999999999999', 'bogus'];
const ODD_BODY: unknown[] = [undefined, null, [], 'text', 42];
const ODD_FIELD: unknown[] = [null, true, -1, 1.5, 1e308, 9007199254740993, 'bogus', '', 'x'.repeat(5000), '2026-02-30', {}, Array(1000).fill('a')];

/** A body that passes validation where it can: enums' first value, real ids of the fixture, plausible dates. */
function sample(schema: Schema | undefined, fixture: Fixture, name = ''): unknown {
  if (!schema) return 'x';
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0], fixture, name);
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const rows = fixture.a.rows;
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sample(v, fixture, k)]));
    case 'array':
      return [sample(schema.items, fixture, name)];
    case 'integer':
    case 'number':
      return /year/i.test(name) ? 2025 : Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    case 'string':
      if (/On$|date/i.test(name)) return '2025-06-01';
      if (/At$/.test(name)) return new Date().toISOString();
      if (/phone/i.test(name)) return '13911112222';
      if (/^villageIds?$/.test(name)) return rows.villages[0].id;
      if (/memberId/i.test(name)) return rows.members[0].id;
      if (/householdId/.test(name)) return rows.households[0].id;
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    default:
      return 'x';
  }
}

/**
 * Answers (status and problem code) given before the handler: auth/guard.ts's `allow()` refusing the route to the
 * admin's role (a platform or county route: ~860 of the walk's requests; the one handler that throws
 * error.forbidden itself, the township's own profile, decides from the session as allow() does), the body parser,
 * and platform/validate.ts's `input()` (the two handlers that raise error.validation themselves, contact's missing
 * member or village, do so before their queries).
 */
const REFUSED_BEFORE_STORAGE = new Set(['403 error.forbidden', '400 error.validation', '400 error.unknown_fields', '400 error.bad_json', '413 error.body_too_large']);
/** The probes libSQL's walk saw refused before storage, by route and probe (not by value: ids differ per driver). */
const refusedOnLibsql = new Set<string>();

describe.each(DRIVERS)('odd input on every route on %s', (driver) => {
  const ctx = withFixture(driver);

  it('never answers 500', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const doc = (await fixture.anonymous().get('/api/openapi.json')).body;
    const failures: string[] = [];
    let sent = 0;
    let refusedBeforeStorage = 0;
    const known = driver === 'workerd' ? refusedOnLibsql : new Set<string>();
    const send = async (probe: string, method: string, path: string, body?: unknown) => {
      if (known.has(probe)) return void refusedBeforeStorage++;
      sent++;
      const reply = await admin.request(method, path, body);
      if (reply.status >= 500) failures.push(`${reply.status} ${method} ${path} ${JSON.stringify(body)?.slice(0, 120)}`);
      if (driver === 'libsql' && REFUSED_BEFORE_STORAGE.has(`${reply.status} ${reply.body?.code}`)) refusedOnLibsql.add(probe);
    };
    for (const [rawPath, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      // signing out would end the admin's session for the rest of the walk
      if (rawPath.startsWith('/api/auth/')) continue;
      for (const [lower, op] of Object.entries<any>(methods)) {
        const method = lower.toUpperCase();
        const hasBody = method !== 'GET' && method !== 'DELETE';
        const base = rawPath.replace('{tenant}', 'alpha').replace('{countyId}', fixture.countyId);
        const probe = (...what: unknown[]) => [method, rawPath, ...what].join(' ');
        for (const [i, odd] of ODD_PATH.entries()) if (base.includes('{')) await send(probe('path', i), method, base.replace(/\{\w+\}/g, odd), hasBody ? {} : undefined);
        // a real id where one exists (the first of the collection), so handlers past the lookup are reached
        let path = base.replace(/\{(\w+)\}/g, (_, name: string) => (/year/i.test(name) ? '2025' : 'no-such-id'));
        const at = path.indexOf('/no-such-id');
        if (at > 0) {
          const list = await admin.get(path.slice(0, at));
          const id = (Array.isArray(list.body) ? list.body : list.body?.items)?.[0]?.id;
          if (id) path = `${path.slice(0, at)}/${id}${path.slice(at + '/no-such-id'.length)}`;
        }
        for (const param of (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query'))
          for (const [i, odd] of ODD_QUERY.entries()) await send(probe('query', param.name, i), method, `${path}?${param.name}=${encodeURIComponent(odd)}`);
        if (!hasBody) continue;
        for (const [i, odd] of ODD_BODY.entries()) await send(probe('body', i), method, path, odd);
        const schema: Schema | undefined = op.requestBody?.content?.['application/json']?.schema;
        if (!schema?.properties) continue;
        const valid = sample(schema, fixture) as Record<string, unknown>;
        for (const key of Object.keys(schema.properties))
          for (const [i, odd] of ODD_FIELD.entries()) await send(probe('field', key, i), method, path, { ...valid, [key]: odd });
      }
    }
    expect(sent + refusedBeforeStorage).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 180_000);

  it('words a refused refinement in the caller’s language', async () => {
    const admin = await ctx.fixture.as('adminA');
    const weights = { weights: { self: 30, peer: 30, villager: 30, leader: 30 } };
    const zh = await admin.put('/t/alpha/api/settings', weights);
    expect(zh.status).toBe(400);
    expect(zh.body.details).toContainEqual({ path: 'weights', message: '权重之和必须为 100' });
    const en = await admin.put('/t/alpha/api/settings?lang=en', weights);
    expect(en.body.details).toContainEqual({ path: 'weights', message: 'The weights must sum to 100' });
  });
});
