import { describe, expect, it } from 'vitest';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

const P = '/t/alpha/api/problems';

describe.each(DRIVERS)('problem list edges on %s', (driver) => {
  const ctx = withFixture(driver);

  it('answers a patch that changes nothing with the problem as it is', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[0].id!;
    const created = await admin.post(P, { villageId, content: '账目公开不及时' });
    expect(created.status).toBe(201);
    for (const body of [{}, { status: 'open' }, undefined]) {
      const reply = await admin.patch(`${P}/${created.body.id}`, body);
      expect(reply.status, JSON.stringify(body)).toBe(200);
      expect(reply.body).toMatchObject({ id: created.body.id, status: 'open', content: '账目公开不及时' });
    }
  });

  // a text cut at a character count can end in half an emoji: kept as U+FFFD (as the drivers' binding stores it),
  // never stored as bytes that are not UTF-8, on which libSQL aborts the whole process reading the row back
  it('stores half an emoji in a problem as U+FFFD, and the list still reads', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[0].id!;
    const created = await admin.post(P, { villageId, content: `路灯坏了${'🧧'.slice(0, 1)}` });
    expect(created.status).toBe(201);
    expect(created.body.content).toBe('路灯坏了\uFFFD');
    const list = await admin.get(`${P}?villageId=${villageId}`);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain('路灯坏了\uFFFD');
  });
});
