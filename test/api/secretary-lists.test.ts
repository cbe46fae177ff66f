import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/platform/time';
import { startWithFixture, type Fixture } from '../support/fixture';
import { documentedReads, type DocumentedRead } from '../support/openapi';
import { DRIVERS, type TestServer } from '../support/servers';

/**
 * A village secretary's lists are their own village's: naming another village in `villageId` answers 404
 * (as a row of another village does), never their own list in its place. Every GET route of the OpenAPI
 * document that a secretary may call and that takes a `villageId` query is walked.
 */

const today = shanghaiDate();
/** Evaluation's lists answer 404 with codes of their own (evaluation/routes.ts); the others say the village is not found. */
const OWN_CODES = /^\/t\/\{tenant\}\/api\/evaluation\//;

describe.each(DRIVERS)('secretary lists narrowed to their village on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let operations: DocumentedRead[];

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    operations = await documentedReads(fixture.anonymous());
  });
  afterAll(() => server?.close());

  it("answers 404 to a secretary naming another village in a list's villageId, and their own list for their own", async () => {
    const secretary = await fixture.as('secretaryA');
    const [own, other] = fixture.a.rows.villages.map((v) => v.id!);
    const values: Record<string, string> = { year: today.slice(0, 4), month: today.slice(0, 7) };
    const lists = operations.filter(
      (o) => o.roles.includes('village_secretary') && !/\{(?!tenant)\w+\}/.test(o.path) && o.query.some((q) => q.name === 'villageId'),
    );
    for (const op of lists) {
      const path = (villageId: string) => {
        const query = new URLSearchParams({ villageId });
        for (const q of op.query) if (q.required && values[q.name]) query.set(q.name, values[q.name]);
        return `${op.path.replace('{tenant}', 'alpha')}?${query}`;
      };
      const foreign = await secretary.get(path(other));
      expect(foreign.status, path(other)).toBe(404);
      if (!OWN_CODES.test(op.path)) expect(foreign.body.code, path(other)).toBe('rosters.village_not_found');
      expect((await secretary.get(path(own))).status, path(own)).toBe(200);
    }
    const covered = lists.map((o) => o.path.replace('/t/{tenant}/api', ''));
    expect(covered).toEqual(expect.arrayContaining(['/problems', '/members', '/households', '/income/entries', '/contact/visits', '/decisions/matters', '/ledgers/disputes', '/stars/results', '/evaluation/bookings']));
  });

  it('keeps the problem list to the secretary’s village, with or without a villageId', async () => {
    const admin = await fixture.as('adminA');
    const secretary = await fixture.as('secretaryA');
    const [own, other] = fixture.a.rows.villages.map((v) => v.id!);
    for (const villageId of [own, other]) expect((await admin.post('/t/alpha/api/problems', { villageId, content: `问题-${villageId}` })).status).toBe(201);
    const mine = await secretary.get('/t/alpha/api/problems');
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((p: { villageId: string }) => p.villageId === own)).toBe(true);
    expect((await secretary.get(`/t/alpha/api/problems?villageId=${own}`)).body.items).toEqual(mine.body.items);
    expect((await secretary.get(`/t/alpha/api/problems?villageId=${other}`)).status).toBe(404);
    const all = await admin.get(`/t/alpha/api/problems?villageId=${other}`);
    expect(all.body.items.map((p: { content: string }) => p.content)).toEqual([`问题-${other}`]);
  });
});
