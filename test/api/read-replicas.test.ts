import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { counties } from '../../src/db/schema';
import { readBookmarks } from '../../src/db/d1-session';
import { BOOKMARK_COOKIE, BOOKMARK_HEADER } from '../../src/platform/replica-reads';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

const T = '/t/alpha/api';
/** A bookmark as D1 (and Miniflare's local D1) writes it. */
const BOOKMARK = '[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}';
const GOOD = '00000000-0000000a-00000000-00000000000000000000000000000000';
const NEWER = '00000000-0000000b-00000000-00000000000000000000000000000000';
/** A well-formed bookmark far ahead of any database here. */
const AHEAD = '7fffffff-7fffffff-00000000-00000000000000000000000000000000';
/** Bookmarks travel signed: `<bookmarks>.<22 base64url characters>` (platform/replica-reads.ts). */
const SIGNATURE = '\\.[A-Za-z0-9_-]{22}';
const unsigned = (carried: string | null) => carried?.replace(/\.[A-Za-z0-9_-]{22}$/, '');

describe('bookmarks a client carries', () => {
  it.each([
    ['one shard', [`main:${GOOD}`], { main: GOOD }],
    ['two shards, spaces after commas', [`main:${GOOD}, second:${NEWER}`], { main: GOOD, second: NEWER }],
    ['the newest of a cookie and a header', [`main:${NEWER}`, `main:${GOOD}`], { main: NEWER }],
    ['nothing', [undefined, ''], {}],
    ['not a bookmark (D1 would keep "zzz" as the newest)', [`main:zzz`, `main:${GOOD.toUpperCase()}`], {}],
    ['a bare bookmark without its shard', [GOOD], {}],
    ['a shard name that cannot be one', [`Main:${GOOD}`, `__proto__:${GOOD}`, `a:b:${GOOD}`], {}],
    ['a good entry beside a bad one', [`main:zzz,second:${GOOD}`], { second: GOOD }],
    ['longer than any deployment writes', [`main:${GOOD},`.repeat(40)], {}],
  ])('%s', (_, carried, expected) => {
    expect(readBookmarks(...carried)).toEqual(expected);
  });
});

/**
 * Read replicas (docs/scaling.md, "Read replicas"): on Workers every request runs through D1 sessions and its
 * answer carries their bookmarks; the public pages, the county's pages and the big screen may read from a replica
 * no older than the browser's bookmark. Miniflare's local D1 has sessions and bookmarks but no replica, so what is
 * checked here is the wiring: which answers carry which bookmarks, that a write's bookmark comes back and is
 * read by the next request, and that a bad one is ignored. On libSQL nothing of this exists.
 */
describe.each(DRIVERS)('read replicas on %s', (driver) => {
  const ctx = withFixture(driver);
  const workerd = driver === 'workerd';
  const cookieOf = (headers: Headers) =>
    headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith(`${BOOKMARK_COOKIE}=`));
  /** The big screen's display of a new screen (no session on it), as the TV opens it. */
  const displayPath = async (name: string) => {
    const admin = await ctx.fixture.as('adminA');
    const screen = await admin.post(`${T}/evaluation/screens`, { name });
    expect(screen.status).toBe(201);
    const { key } = (await admin.get(`${T}/evaluation/screens/${screen.body.id}/display-link`)).body as { key: string };
    return `${T}/evaluation/screens/${screen.body.id}/display?key=${encodeURIComponent(key)}`;
  };

  it('answers the big screen and the county with the bookmarks of the databases they read', async () => {
    const { fixture, server } = ctx;
    const shown = await fixture.anonymous().get(await displayPath('书签一厅'));
    expect(shown.status).toBe(200);
    const county = await (await fixture.as('countyViewer')).get(`/api/county/${fixture.countyId}/comparison`);
    expect(county.status).toBe(200);
    // the other county is on the second shard: its viewer's session is that shard's
    const [other] = await server.db.select({ id: counties.id }).from(counties).where(eq(counties.name, '禹城市'));
    const otherCounty = await (await fixture.as('otherCountyViewer')).get(`/api/county/${other.id}/comparison`);
    expect(otherCounty.status).toBe(200);
    if (!workerd) {
      for (const reply of [shown, county, otherCounty]) {
        expect(reply.headers.get(BOOKMARK_HEADER)).toBeNull();
        expect(cookieOf(reply.headers)).toBeUndefined();
      }
      return;
    }
    expect(shown.headers.get(BOOKMARK_HEADER)).toMatch(new RegExp(`^main:${BOOKMARK}${SIGNATURE}$`));
    // a plain read is handed no cookie (a health check, a first visit); a write is (below)
    expect(cookieOf(shown.headers)).toBeUndefined();
    expect(county.headers.get(BOOKMARK_HEADER)).toMatch(new RegExp(`^main:${BOOKMARK}${SIGNATURE}$`));
    expect(otherCounty.headers.get(BOOKMARK_HEADER)).toMatch(new RegExp(`^main:${BOOKMARK},second:${BOOKMARK}${SIGNATURE}$`));
  });

  it("gives a write's bookmark back, and the public page read with it shows the write", async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[1].id!;
    const before = (await admin.get(`${T}/villages/${villageId}`)).headers.get(BOOKMARK_HEADER);
    const renamed = await admin.put(`${T}/villages/${villageId}`, { name: '书签新村' });
    expect(renamed.status).toBe(200);
    const bookmark = renamed.headers.get(BOOKMARK_HEADER);
    if (workerd) {
      expect(cookieOf(renamed.headers)).toMatch(/; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
      // the write moved the registry's database (shard main) on: its bookmark is newer than the read's
      expect(readBookmarks(unsigned(bookmark)).main > readBookmarks(unsigned(before)).main).toBe(true);
    } else expect(bookmark).toBeNull();
    // a villager's phone that carries it (the header; the admin's browser carries the cookie)
    const page = await fixture.anonymous().get(`${T}/public/villages/${villageId}`, bookmark ? { [BOOKMARK_HEADER]: bookmark } : {});
    expect(page.status).toBe(200);
    expect(page.body.village.name).toBe('书签新村');
    // a public answer a cache may keep carries no bookmark (the edge would not keep it with a cookie)
    expect(page.headers.get('cache-control')).toContain('public');
    expect(page.headers.get(BOOKMARK_HEADER)).toBeNull();
    expect(cookieOf(page.headers)).toBeUndefined();
    const ownPage = await admin.get(`${T}/public/villages/${villageId}`);
    expect(ownPage.body.village.name).toBe('书签新村');
  });

  it('ignores a malformed bookmark: 200, and a well-formed one answered', async () => {
    const { fixture } = ctx;
    const path = await displayPath('书签二厅');
    // unsigned, or signed by someone else: a well-formed bookmark this deployment did not hand out is ignored too
    const forged = [`main:${AHEAD}`, `main:${AHEAD}.${'A'.repeat(22)}`];
    for (const bad of ['zzz', `main:${'z'.repeat(64)}`, `main:${'f'.repeat(3000)}`, 'main:%%%', `second:${GOOD}:x,main:`, ...forged]) {
      for (const headers of [{ [BOOKMARK_HEADER]: bad }, { cookie: `${BOOKMARK_COOKIE}=${encodeURIComponent(bad)}` }] as Record<string, string>[]) {
        const shown = await fixture.anonymous().get(path, headers);
        expect(shown.status, `${JSON.stringify(headers)}`).toBe(200);
        if (workerd) {
          expect(shown.headers.get(BOOKMARK_HEADER)).toMatch(new RegExp(`^main:${BOOKMARK}${SIGNATURE}$`));
          // the session did not start there: it would hand the forged one (far ahead) back as the newest
          expect(unsigned(shown.headers.get(BOOKMARK_HEADER))).not.toContain(AHEAD);
        } else expect(shown.headers.get(BOOKMARK_HEADER)).toBeNull();
      }
    }
    // beside a login's own cookies
    const viewer = await fixture.as('countyViewer');
    const county = await ctx.server.fetch(`/api/county/${fixture.countyId}/summary`, { headers: { cookie: `${viewer.cookieHeader()}; ${BOOKMARK_COOKIE}=zzz` } });
    expect(county.status).toBe(200);
  });
});
