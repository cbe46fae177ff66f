import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationBookings, evaluationSessions, tenants } from '../../src/db/schema';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/seed/demo';
import { shanghaiYear } from '../../src/platform/time';
import { ApiClient } from '../support/client';
import { DRIVERS, startServer, type TestServer } from '../support/servers';

/** A smaller 潘店镇 than `npm start` seeds (95 villages), with the same story. */
const SMALL = { villages: 20, liuqiaoVillages: 3, membersPerVillage: [8, 12] as [number, number], householdsPerVillage: [20, 40] as [number, number] };

describe.each(DRIVERS)('the demo township on %s', (driver) => {
  const ctx = {} as { server: TestServer; admin: ApiClient; seeded: string | undefined };
  const year = shanghaiYear();

  beforeAll(async () => {
    ctx.server = await startServer(driver);
    ctx.seeded = await seedDemoIfEmpty(ctx.server.db, SMALL);
    ctx.admin = await new ApiClient(ctx.server).login('13800000002', DEMO_PASSWORD);
  }, 60_000);
  afterAll(() => ctx.server?.close());

  it('seeds once: a second call finds the townships and does nothing', async () => {
    expect(ctx.seeded).toMatch(/潘店镇/);
    expect(await seedDemoIfEmpty(ctx.server.db, SMALL)).toBeUndefined();
  });

  it('shows this year\'s stars against last year\'s final ones, with red lines, consequences and movements', async () => {
    const reply = await ctx.admin.get(`/t/pandian/api/stars/dashboard?year=${year}`);
    expect(reply.status).toBe(200);
    const d = reply.body;
    expect(d).toMatchObject({ stage: 'provisional', lastYearStage: 'final' });
    const levels = d.branchStars.levels as { stars: number; thisYear: number; lastYear: number }[];
    expect(levels.reduce((n, l) => n + l.thisYear, 0)).toBe(SMALL.villages);
    expect(levels.reduce((n, l) => n + l.lastYear, 0)).toBe(SMALL.villages);
    expect(d.branchStars.unratedThisYear).toBe(0);
    expect(levels.filter((l) => l.thisYear > 0).length).toBeGreaterThanOrEqual(3);
    expect(levels.find((l) => l.stars === 5)!.thisYear).toBeGreaterThanOrEqual(1);
    expect(levels.find((l) => l.stars === 2)!.thisYear).toBeGreaterThanOrEqual(2);

    // the disciplined cadre's branch: raw five stars capped at four by the hand-recorded red line
    expect(d.redLines.branches).toContainEqual(expect.objectContaining({ rawStars: 5, finalStars: 4 }));
    const codes = d.redLines.byRule.map((r: { title: string }) => r.title);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    const consequences = Object.fromEntries(d.consequences.byKind.map((k: { kind: string; villages: number }) => [k.kind, k.villages]));
    expect(consequences).toMatchObject({ city_plaque: expect.any(Number), replace_secretary: 1 });
    expect(consequences.city_plaque).toBeGreaterThanOrEqual(1);
    expect(consequences.rectification).toBeGreaterThanOrEqual(2);
    expect(d.movement.up.length).toBeGreaterThan(0);
    expect(d.movement.down.length).toBeGreaterThan(0);

    // members of a few villages (靖庄 and 西腰 among them) are rated in both years
    const memberLevels = d.memberStars.levels as { thisYear: number; lastYear: number }[];
    expect(memberLevels.reduce((n, l) => n + l.thisYear, 0)).toBeGreaterThan(10);
    expect(memberLevels.reduce((n, l) => n + l.lastYear, 0)).toBeGreaterThan(10);
  });

  it('counts income tiers as the brief does: every village at ¥50,000, two in five at ¥100,000, against the target', async () => {
    const { income } = (await ctx.admin.get(`/t/pandian/api/stars/dashboard?year=${year}`)).body;
    expect(income.tierCounts).toEqual({ below: 0, low: 12, high: 8 });
    expect(income.progress).toMatchObject({ atLeastLow: SMALL.villages, lowMet: true });
    expect(income.target.villagesAtLeastHigh).toBeGreaterThan(8);
    for (const category of ['produce', 'leasing', 'land_contracting', 'cooperative', 'pasture_land']) expect(income.categoryTotals[category]).toBeGreaterThan(0);
    const last = (await ctx.admin.get(`/t/pandian/api/income/summary?year=${year - 1}`)).body;
    expect(last.totalFen).toBeLessThan(income.totalFen);
  });

  it('gives 靖庄\'s public page its stars, a fully public road matter and published problems', async () => {
    const anonymous = new ApiClient(ctx.server);
    const list = await anonymous.get('/t/pandian/api/public/villages');
    const jingzhuang = list.body.items.find((v: { name: string }) => v.name === '靖庄');
    const page = (await anonymous.get(`/t/pandian/api/public/villages/${jingzhuang.id}`)).body;
    expect(page.branch).toMatchObject({ year, stage: 'provisional', stars: expect.any(Number) });
    expect(page.incomeTier).toMatchObject({ year });
    const road = page.decisions.find((m: { title: string }) => m.title.includes('道路硬化'));
    expect(road).toMatchObject({ status: 'completed' });
    expect(road.stages.filter((s: { publicText?: string }) => s.publicText)).toHaveLength(2);
    expect(page.problems.length).toBeGreaterThan(0);
    expect(page.members.length).toBeGreaterThan(0);
  });

  it('keeps the ledgers: disputes 24/6/7, eight weak villages all turned around, visits and sign-offs this month, one problem overdue', async () => {
    const disputes = (await ctx.admin.get(`/t/pandian/api/ledgers/disputes/summary?year=${year}`)).body;
    expect(disputes.township).toEqual({ settled: 24, guided_to_court: 6, in_mediation: 7, total: 37 });
    const weak = (await ctx.admin.get('/t/pandian/api/ledgers/weak-villages')).body;
    expect(weak).toMatchObject({ total: 8, turnedAround: 8 });

    const secretary = await new ApiClient(ctx.server).login('13800000003', DEMO_PASSWORD);
    const coverage = (await secretary.get('/t/pandian/api/contact/coverage')).body;
    expect(coverage.linkedHouseholds).toBeGreaterThan(0);
    expect(coverage.visits).toBeGreaterThan(0);
    expect(coverage.signedHouseholds).toBeGreaterThan(0);
    const visits = (await secretary.get('/t/pandian/api/contact/visits')).body.items;
    expect(visits.filter((v: { problemId: string | null }) => v.problemId)).toHaveLength(1);

    const member = await new ApiClient(ctx.server).login('13800000004', DEMO_PASSWORD);
    expect((await member.get('/t/pandian/api/contact/household-links')).body.items.length).toBeGreaterThan(0);

    const overdue = (await ctx.admin.get('/t/pandian/api/problems?overdue=1')).body.items;
    expect(overdue).toHaveLength(1);
    const matters = (await ctx.admin.get(`/t/pandian/api/decisions/matters?year=${year}`)).body.items;
    expect(new Set(matters.map((m: { status: string }) => m.status))).toEqual(new Set(['open', 'completed', 'rejected']));
  });

  it('runs the rating workflow: last year named with its plaques, this year’s nominations closed and ready for 评定', async () => {
    const last = (await ctx.admin.get(`/t/pandian/api/rating/years/${year - 1}`)).body;
    expect(last.step).toBe('named');
    expect(last.entries).toHaveLength(SMALL.villages);
    expect(new Set(last.entries.map((e: { status: string }) => e.status))).toEqual(new Set(['named']));
    const results = new Map(((await ctx.admin.get(`/t/pandian/api/stars/results?year=${year - 1}`)).body.items as { subjectId: string; finalStars: number }[]).map((r) => [r.subjectId, r.finalStars]));
    for (const e of last.entries as { villageId: string; proposedStars: number }[]) expect(e.proposedStars).toBe(results.get(e.villageId));
    const plaques = (await ctx.admin.get(`/t/pandian/api/rating/years/${year - 1}/plaques`)).body.items as { kind: string; awardedBy: string }[];
    expect(plaques.length).toBe([...results.values()].filter((s) => s >= 4).length);
    expect(plaques.length).toBeGreaterThan(0);
    for (const p of plaques) expect(p.awardedBy).toBe(p.kind === 'city_five_star' ? '德州市委组织部' : '齐河县委组织部（复核）');
    const current = (await ctx.admin.get(`/t/pandian/api/rating/years/${year}`)).body;
    expect(current.step).toBe('nomination');
    expect(current.entries.length).toBeGreaterThan(SMALL.villages / 2);
    // the deadline has passed: the township scores, the county organiser sees it on the overview
    expect((await ctx.admin.post(`/t/pandian/api/rating/years/${year}/score`, {})).status).toBe(200);
    const county = await new ApiClient(ctx.server).login('13800000006', DEMO_PASSWORD);
    const [{ countyId }] = await ctx.server.db.select({ countyId: tenants.countyId }).from(tenants).where(eq(tenants.slug, 'pandian'));
    const overview = (await county.get(`/api/county/${countyId}/rating?year=${year}`)).body;
    expect(overview.townships.find((t: { slug: string }) => t.slug === 'pandian')).toMatchObject({ step: 'recheck', awaiting: SMALL.villages });
    expect((await new ApiClient(ctx.server).login('13800000007', DEMO_PASSWORD)).cookieHeader()).toBeTruthy();
  });

  it("writes each demo session with its own booking's tenant, closed at the end of its booked window", async () => {
    const db = ctx.server.db;
    const rows = await db
      .select({ tenant: tenants.slug, closesAt: evaluationSessions.closesAt, closedAt: evaluationSessions.closedAt, bookedEnd: evaluationBookings.endsAt, bookingTenant: evaluationBookings.tenantId, sessionTenant: evaluationSessions.tenantId })
      .from(evaluationSessions)
      .innerJoin(evaluationBookings, eq(evaluationBookings.id, evaluationSessions.bookingId))
      .innerJoin(tenants, eq(tenants.id, evaluationSessions.tenantId));
    expect(rows.filter((r) => r.tenant === 'pandian').length).toBeGreaterThanOrEqual(2); // 靖庄 and 西腰 yesterday, and earlier years
    for (const row of rows) {
      expect(row.bookingTenant).toBe(row.sessionTenant);
      // the booking's window was stretched to cast into a past slot, then put back; the session closed at its end
      expect(row.closesAt).toBe(row.bookedEnd);
      expect(row.closedAt).toBe(row.bookedEnd);
      expect(row.bookedEnd < new Date().toISOString()).toBe(true);
    }
  });
});
