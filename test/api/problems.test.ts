import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertMany } from '../../src/db/batch';
import { auditEvents, problems } from '../../src/db/schema';
import { newId } from '../../src/platform/ids';
import { shanghaiYear } from '../../src/platform/time';
import { ApiClient } from '../support/client';
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

  it('publishes a problem once when 公示 is clicked several times at once: one notice window, one audit row', async () => {
    const admin = await ctx.fixture.as('adminA');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await admin.post(P, { villageId: ctx.fixture.a.rows.villages[0].id!, content: `集体资产台账不全 ${i}` })).body.id);
    // four clicks on each of five problems, all at once
    const bursts = await Promise.all(ids.map((id) => Promise.all(Array.from({ length: 4 }, () => admin.post(`${P}/${id}/publish`)))));
    const rows = await ctx.server.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, ctx.fixture.a.tenantId), eq(auditEvents.action, 'problem.publish'), inArray(auditEvents.entityId, ids)));
    for (const [i, burst] of bursts.entries()) {
      expect(burst.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      expect(burst.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(3).fill('problems.already_published'));
      const published = burst.find((r) => r.status === 200)!.body;
      expect((await admin.get(`${P}/${ids[i]}`)).body).toMatchObject({ noticeStartsAt: published.noticeStartsAt, noticeEndsAt: published.noticeEndsAt });
      expect(rows.filter((r) => r.entityId === ids[i])).toHaveLength(1);
    }
  });

  it('never verifies (验收) a problem over an objection filed before the verification went in, however close the two', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[1].id!;
    // problems rectified and in their notice (written straight in: the race is what is tested)
    const now = Date.now();
    // twenty pairs at once: fewer rarely fall in the window on either driver
    const ids = Array.from({ length: 20 }, () => newId());
    await insertMany(
      ctx.server.db,
      problems,
      ids.map((id, i) => ({
        id,
        tenantId: ctx.fixture.a.tenantId,
        villageId,
        subjectKind: 'branch' as const,
        subjectId: villageId,
        source: 'admin' as const,
        year: shanghaiYear(),
        content: `整改问题 ${i}`,
        status: 'rectified' as const,
        rectifiedAt: new Date(now - 60_000).toISOString(),
        noticeStartsAt: new Date(now - 60_000).toISOString(),
        noticeEndsAt: new Date(now + 86_400_000).toISOString(),
      })),
    );
    // each problem: a villager objects while the township verifies, the objection sent a few microtasks later each
    // time, so that some pair falls between the verification's check and its write
    const ticks = async (n: number) => {
      for (let t = 0; t < n; t++) await Promise.resolve();
    };
    const pairs = await Promise.all(
      ids.map(async (id, i) => {
        const villager = new ApiClient(ctx.server, { 'x-test-ip': `10.40.0.${i + 1}` });
        const [objection, verify] = await Promise.all([
          ticks(i).then(() => villager.post(`${P}/${id}/objections`, { content: '整改没有到位' })),
          admin.patch(`${P}/${id}`, { status: 'verified' }),
        ]);
        return { id, objection, verify };
      }),
    );
    for (const { objection, verify } of pairs) {
      expect(objection.status).toBe(201);
      expect([200, 409], JSON.stringify(verify.body)).toContain(verify.status);
      if (verify.status === 409) expect(verify.body.code).toBe('problems.objections_unanswered');
    }
    // the audit chain's order is the order the writes went in: a verification that went in after an objection did not see it answered
    const rows = await ctx.server.db
      .select({ seq: auditEvents.seq, action: auditEvents.action, entityId: auditEvents.entityId })
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, ctx.fixture.a.tenantId), inArray(auditEvents.action, ['objection.create', 'problem.update'])));
    for (const { id, objection, verify } of pairs) {
      if (verify.status !== 200) continue;
      const verifiedAt = rows.find((r) => r.action === 'problem.update' && r.entityId === id)!.seq;
      const objectedAt = rows.find((r) => r.action === 'objection.create' && r.entityId === objection.body.id)!.seq;
      expect(objectedAt, `problem ${id}`).toBeGreaterThan(verifiedAt);
    }
  });
});
