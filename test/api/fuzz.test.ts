import { databasesOf } from '../../src/db/databases';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDocument } from '../../src/api-document';
import { createApp } from '../../src/app';
import { ApiClient } from '../support/client';
import { openBranchSession } from './evaluation-support';
import { PASSWORD, PHONES, type Login } from '../support/fixture';
import { asciiText, beyondSchema, bodyText, changedTables, fromSchema, nastyText, snapshotter, type JsonSchema, type Known } from '../support/fuzz';
import { withFixture } from '../support/suite';
import { TEST_ENV } from '../support/servers';

/**
 * Property-based fuzzing of every operation of /api/openapi.json: path params, queries, bodies and headers
 * drawn from the operation's own schemas and beyond them (wrong types, unknown keys, missing fields, text
 * that is not JSON, odd encodings and headers), as each role and as nobody. Two properties, per request:
 *   - no answer is a 5xx;
 *   - a refused request (4xx) changes no row: every table's row count and content are the same before and
 *     after, except the failure counters of throttling (a refused login or typed code is what they count).
 * Half the requests are what a correct client of the right role sends (schema-valid, real ids), so they reach
 * the handlers; the other half is anything. (Checked: a handler planted to write a row and then answer 409
 * was caught by the default run.)
 *
 * FUZZ_RUNS sets the requests per operation (default 5: 800 requests, ~9 s for the file); FUZZ_RUNS=200 is a
 * long run (32,000 requests, 4 min). FUZZ_SEED replays a failure (fast-check prints the seed and path of the shrunk case).
 *
 * On libSQL only: what is fuzzed here is validation, the guards and the handlers, which are the same code
 * on both drivers; the drivers' differences (D1 batches, errors) are covered request by request by the
 * describe.each(DRIVERS) suites. In workerd every request and every snapshot goes through Miniflare and
 * local D1: the default run took 167 s there against 9 s here (December 2026). FUZZ_DRIVER=workerd runs
 * it there (it passed).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const DRIVER = process.env.FUZZ_DRIVER === 'workerd' ? 'workerd' : 'libsql';
/** Tables a refused request may write: the keyed failure counters of auth/throttle.ts. */
// audit_events: failed logins and second factors are recorded as refusals (docs/audit.md), and an earlier
// write's rows are sealed after its answer, which may land during a later request; sessions: any signed-in
// request, refused or not, touches its session's last use once the touch interval has passed (a long run crosses it)
const MAY_CHANGE_ON_REFUSAL = ['login_failures', 'audit_events', 'sessions'];

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonSchema;
}
interface OperationDoc {
  'x-roles': string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface Operation {
  method: string;
  path: string;
  doc: OperationDoc;
}

/** The document the server serves (checked against the fixture server's below), read once to name the tests. */
async function documentedOperations(): Promise<Operation[]> {
  const app = createApp({ databases: () => databasesOf(undefined as never), clientIp: () => '127.0.0.1', apiDocument });
  const doc = (await (await app.request('http://127.0.0.1/api/openapi.json', {}, TEST_ENV)).json()) as { paths: Record<string, Record<string, OperationDoc>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, doc: op })));
}
const operations = await documentedOperations();

const ROLE_LOGINS: Record<string, Login> = {
  platform_admin: 'platformAdmin',
  county_viewer: 'countyViewer',
  township_admin: 'adminA',
  village_secretary: 'secretaryA',
  party_member: 'memberA',
};
const LOGINS = Object.values(ROLE_LOGINS);
/** Operations that end sessions: fuzzed without the shared logins' cookies, which the other operations need. */
const ENDS_SESSIONS = /\/auth\/logout/;
const OWN_PHONES = new Set<string>(Object.values(PHONES));
/**
 * The accounts the fuzzer signs in with are kept out of the ids it draws: an accepted request that removes
 * one's grants (a township admin deleting the secretary's account) would leave every later operation at 404.
 */
const isOwnLogin = (row: object) => OWN_PHONES.has((row as { phone?: unknown }).phone as string);
/** A small roster file, as a township uploads one. */
const CSV = '村名,党支部名称\n靖庄村,靖庄村党支部\n';
/** Lone surrogates (which no URL can carry) as U+FFFD. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

describe(`fuzzing every operation of /api/openapi.json on ${DRIVER}`, () => {
  const ctx = withFixture(DRIVER);
  const clients = {} as Record<Login, ApiClient>;
  const known: Known = { ids: [], byPath: new Map(), codes: [], years: [] };
  let snapshot: () => Promise<Map<string, string>>;
  /** set by an accepted write: it may have ended a session or disabled an account the next operations use */
  let mayHaveLoggedOut = false;
  /** FUZZ_STATS=1 prints how far requests got (status counts per operation): a fuzzer that only meets 400s tests little */
  const stats = new Map<string, Record<string, number>>();
  afterAll(() => {
    if (process.env.FUZZ_STATS !== '1') return;
    for (const [op, counts] of stats) console.log(op.padEnd(70), JSON.stringify(counts));
  });

  beforeAll(async () => {
    const served = (await ctx.fixture.anonymous().get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.entries(served.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))).toEqual(
      operations.map((op) => `${op.method} ${op.path}`),
    );
    for (const login of LOGINS) clients[login] = await new ApiClient(ctx.server).login(PHONES[login], PASSWORD);
    // real ids and codes, so that requests reach past the 404s: the fixture's, and whatever the reads list
    const { a, b, countyId } = ctx.fixture;
    for (const t of [a, b]) known.ids.push(t.tenantId, ...[...t.rows.villages, ...t.rows.members, ...t.rows.households].map((r) => r.id!).slice(0, 12));
    known.ids.push(countyId);
    // an evaluation under way, so that campaigns, screens, bookings, sessions and a code exist
    await openBranchSession(clients.adminA, a.rows.villages[0].id!);
    for (const op of operations)
      if (op.method === 'GET' && !/\{(?!tenant\})/.test(op.path) && !op.doc.parameters?.some((p) => p.in === 'query' && p.required)) {
        const login = ROLE_LOGINS[op.doc['x-roles'].find((r) => r in ROLE_LOGINS) ?? 'township_admin'];
        learn(op.path, (await clients[login].get(op.path.replace('{tenant}', 'alpha'))).body);
      }
    known.codes = [...new Set(known.codes)];
    const year = new Date().getFullYear();
    known.years = [year - 1, year, year + 1];
    snapshot = await snapshotter(ctx.server.db, MAY_CHANGE_ON_REFUSAL);
  }, 120_000);

  /** Keeps the ids and codes of an answer: every one in the pool, the items' own under the path that listed or created them. */
  function learn(path: string, body: unknown) {
    const collect = (value: unknown, key?: string): void => {
      if (Array.isArray(value)) value.forEach((v) => collect(v, key));
      else if (value && typeof value === 'object') {
        if (isOwnLogin(value)) return;
        for (const [k, v] of Object.entries(value)) collect(v, k);
      } else if (typeof value === 'string' && key && /(^id$|Id$)/.test(key)) known.ids.push(value);
      else if (typeof value === 'string' && key === 'code' && /^[0-9A-Z]{4,12}$/.test(value)) known.codes.push(value);
    };
    collect(body);
    known.ids = [...new Set(known.ids)].slice(-500);
    const items = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items) ? (body as { items: unknown[] }).items : [body];
    const own = items.flatMap((item) =>
      item && typeof item === 'object' && !isOwnLogin(item) && typeof (item as { id?: unknown }).id === 'string' ? [(item as { id: string }).id] : [],
    );
    if (own.length) known.byPath.set(path, [...new Set([...(known.byPath.get(path) ?? []), ...own])].slice(-40));
  }

  /** After an accepted write, the shared logins are checked and signed in again if a session or an account was touched. */
  async function keepLoggedIn() {
    if (!mayHaveLoggedOut) return;
    mayHaveLoggedOut = false;
    for (const login of LOGINS)
      if ((await clients[login].get('/api/auth/me')).status === 401)
        clients[login] = await new ApiClient(ctx.server).login(PHONES[login], PASSWORD).catch(() => clients[login]);
  }

  function requestOf(op: Operation) {
    const roles = op.doc['x-roles'];
    const allowed = roles.includes('public') ? LOGINS : roles.map((r) => ROLE_LOGINS[r]).filter(Boolean);
    const who: fc.Arbitrary<Login | 'anonymous'> = ENDS_SESSIONS.test(op.path)
      ? fc.constant('anonymous')
      : fc.noBias(fc.oneof(
          { arbitrary: allowed.length ? fc.constantFrom(...allowed) : fc.constant('adminA' as Login), weight: 6 },
          { arbitrary: fc.constantFrom<Login | 'anonymous'>('anonymous', ...LOGINS), weight: 1 },
        ));
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
    const realParam = (name: string): fc.Arbitrary<string> => {
      // the ids listed by the path before this parameter (/villages for /villages/{id}), else any id we know
      const listed = known.byPath.get(op.path.slice(0, op.path.indexOf(`/{${name}}`)));
      return (
        name === 'tenant'
          ? fc.oneof({ arbitrary: fc.constant('alpha'), weight: 10 }, { arbitrary: fc.constantFrom('beta', 'nope'), weight: 1 })
          : name === 'year'
            ? fc.constantFrom(...known.years.map(String))
            : name === 'code'
              ? known.codes.length ? fc.constantFrom(...known.codes) : fc.constant('ABCDEF')
              : listed?.length
                ? fc.oneof({ arbitrary: fc.constantFrom(...listed), weight: 4 }, { arbitrary: fc.constantFrom(...known.ids), weight: 1 })
                : fc.constantFrom(...known.ids)
      ).map(encodeURIComponent);
    };
    const paramValue = (name: string): fc.Arbitrary<string> => {
      // the township is nearly always a real one (its resolution is one middleware); the ids are where handlers differ
      // (noBias: fast-check's small-value bias would otherwise pick the rare branches far more often than their weights say)
      return fc.noBias(fc.oneof(
        { arbitrary: realParam(name), weight: name === 'tenant' ? 30 : 6 },
        { arbitrary: nastyText.map((s) => encodeURIComponent(wellFormed(s.slice(0, 300)))), weight: 2 },
        { arbitrary: fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', '%2F', ' ', '%00', '%uD800'), weight: 1 },
      ));
    };
    const queryParams = (op.doc.parameters ?? []).filter((p) => p.in === 'query');
    const queryValue = (p: Parameter) =>
      fc.oneof(
        { arbitrary: fromSchema(p.schema, known, p.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')), weight: 4 },
        { arbitrary: nastyText.map((s) => s.slice(0, 500)), weight: 1 },
      );
    const query = fc.tuple(
      fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p)])), { requiredKeys: [] }),
      fc.oneof(
        { arbitrary: fc.constant<[string, string][]>([]), weight: 4 },
        { arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryParams.map((p) => p.name), 'lang', 'limit'), asciiText(8)), asciiText(20)), { maxLength: 3 }), weight: 1 },
      ),
    );
    const json = op.doc.requestBody?.content['application/json']?.schema;
    const multipart = op.doc.requestBody?.content['multipart/form-data'];
    const body: fc.Arbitrary<string | FormData | undefined> =
      op.method === 'GET'
        ? fc.constant(undefined)
        : json
          ? bodyText(beyondSchema(json, known))
          : multipart
            ? fc
                .tuple(
                  fc.oneof(fc.constant(CSV), fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b))),
                  fc.constantFrom('villages.csv', 'x.xlsx', 'a', ''),
                  fc.dictionary(fc.constantFrom('year', 'file', 'villageId', 'extra'), asciiText(12), { maxKeys: 2 }),
                  fc.boolean(),
                )
                .map(([content, name, fields, withFile]) => {
                  const form = new FormData();
                  for (const [k, v] of Object.entries(fields)) form.append(k, v);
                  if (withFile) form.append('file', new File([content], name));
                  return form;
                })
            : fc.oneof(fc.constant(undefined), bodyText(fc.jsonValue({ maxDepth: 1 })));
    const headers = fc.record(
      {
        'content-type': fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 8 },
          { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', ''), weight: 1 },
        ),
        origin: fc.noBias(fc.oneof({ arbitrary: fc.constant('http://127.0.0.1'), weight: 12 }, { arbitrary: fc.constantFrom('https://evil.example', 'null', 'http://alpha.xingping.test'), weight: 1 })),
        'accept-language': fc.oneof(fc.constantFrom('zh-CN', 'en', 'en-US,en;q=0.9', '*'), asciiText(20)),
        'x-test-ip': fc.oneof(fc.ipV4(), fc.ipV6(), asciiText(40)),
        'x-forwarded-for': asciiText(30),
        cookie: fc.constantFrom('', 'lang=en', 'xp_session=forged', 'lang=%'),
      },
      { requiredKeys: ['origin'] },
    );
    const dirty = fc.record({
      who,
      params: fc.tuple(...pathParams.map(paramValue)),
      query,
      body,
      headers,
    });
    // half the requests are what a correct client of the right role sends (valid by the schema, real ids): they
    // reach the handlers, where a refusal after a write or an unexpected throw would be; the other half is the above
    const clean = fc.record({
      who: allowed.length && !ENDS_SESSIONS.test(op.path) ? fc.constantFrom<Login | 'anonymous'>(...allowed) : fc.constant<Login | 'anonymous'>('anonymous'),
      params: fc.tuple(...pathParams.map((name) => (name === 'tenant' ? fc.constant('alpha') : realParam(name)))),
      query: fc.tuple(
        fc.record(Object.fromEntries(queryParams.map((p) => [p.name, fromSchema(p.schema, known, p.name).map((v) => (typeof v === 'string' ? v : String(v)))])), {
          requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name),
        }),
        fc.constant<[string, string][]>([]),
      ),
      body: (op.method === 'GET'
        ? fc.constant(undefined)
        : json
          ? fromSchema(json, known).map((v) => JSON.stringify(v))
          : multipart
            ? fc.constant(CSV).map((content) => {
                const form = new FormData();
                form.append('file', new File([content], 'villages.csv'));
                return form;
              })
            : fc.constant(undefined)) as fc.Arbitrary<string | FormData | undefined>,
      headers: fc.constant({ 'content-type': 'application/json', origin: 'http://127.0.0.1' } as Record<string, string>),
    });
    return fc.noBias(fc.oneof(clean, dirty));
  }

  it.each(operations)('$method $path: no 5xx, and a refused request changes no row', async (op) => {
    await keepLoggedIn();
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(requestOf(op), async ({ who, params, query: [documented, extra], body, headers }) => {
        let i = 0;
        const path = op.path.replace(/\{\w+\}/g, () => params[i++] ?? '');
        const search = new URLSearchParams();
        for (const [k, v] of Object.entries(documented)) if (v !== undefined) search.append(k, v);
        for (const [k, v] of extra) search.append(k, v);
        const url = `http://127.0.0.1${path}${search.size ? `?${search}` : ''}`;
        const sent = new Headers();
        for (const [k, v] of Object.entries(headers)) if (v) sent.set(k, v);
        if (body instanceof FormData) sent.delete('content-type'); // fetch writes the multipart boundary
        const session = who === 'anonymous' ? '' : clients[who].cookieHeader();
        const cookie = [session, (headers as { cookie?: string }).cookie].filter(Boolean).join('; ');
        if (cookie) sent.set('cookie', cookie);
        else sent.delete('cookie');

        const response = await ctx.server.fetch(url, { method: op.method, headers: sent, body });
        const text = await response.text();
        const counts = stats.get(`${op.method} ${op.path}`) ?? {};
        const outcome = response.status >= 400 ? `${response.status} ${/"code":"([^"]+)"/.exec(text)?.[1] ?? ''}` : String(response.status);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        stats.set(`${op.method} ${op.path}`, counts);
        const label = `${op.method} ${url} as ${who} (${response.status}) ${typeof body === 'string' ? body.slice(0, 300) : body ? '[form]' : ''}`;
        expect(response.status, `${label}\n→ ${text.slice(0, 500)}`).toBeLessThan(500);
        const after = await snapshot();
        if (response.status >= 400) expect(changedTables(before, after), `${label}\n→ ${text.slice(0, 300)}`).toEqual([]);
        else if (op.method !== 'GET') {
          mayHaveLoggedOut = true;
          try {
            learn(op.path, JSON.parse(text));
          } catch {
            /* not JSON */
          }
        }
        before = after;
        if (mayHaveLoggedOut) {
          await keepLoggedIn();
          before = await snapshot();
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
