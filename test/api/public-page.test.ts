import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { annualResults, finalisedYears, problems } from '../../src/db/schema';
import { renderSVG } from 'uqr';
import { shanghaiDate } from '../../src/platform/time';
import { QR_OPTIONS, villagePageUrl } from '../../src/features/public/routes';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const today = shanghaiDate();
const year = Number(today.slice(0, 4));
const meeting = { heldOn: today, eligible: 9, present: 9, votesFor: 9, minutes: '会议记录(内部):张某某发言反对' };

describe.each(DRIVERS)('the village public page on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let villageA: string;
  const publicBase = '/t/alpha/api/public';

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageA = fixture.a.rows.villages[0].id!;
    const admin = await fixture.as('adminA');

    // this year's work: one matter made public, one still being deliberated (not shown)
    const matter = await admin.post('/t/alpha/api/decisions/matters', { villageId: villageA, title: '村内主街硬化', category: 'construction', amountFen: 36_000_000 });
    for (const step of [
      { stage: 'proposal', ...meeting },
      { stage: 'discussion', ...meeting },
      { stage: 'member_review', ...meeting },
      { stage: 'resolution', ...meeting, body: 'representatives' },
      { stage: 'resolution_public', heldOn: today, publicText: '主街硬化 1.2 公里,预算 36 万元' },
    ])
      expect((await admin.post(`/t/alpha/api/decisions/matters/${matter.body.id}/stages`, step)).status).toBe(201);
    await admin.post('/t/alpha/api/decisions/matters', { villageId: villageA, title: '尚在商议的事项', category: 'other' });

    // private ledgers that must never reach the page
    await admin.post('/t/alpha/api/ledgers/disputes', { villageId: villageA, title: '宅基地纠纷', parties: '当事人甲乙丙', occurredOn: today });
    const household = fixture.a.rows.households.find((h) => h.villageId === villageA)!;
    const member = await fixture.as('memberA');
    await member.post('/t/alpha/api/contact/visits', { householdId: household.id, visitedOn: today, category: 'sick', findings: '走访发现:患病住院' });

    // problem lists: one raised on a visit and made public (公示) by the township, one not yet public
    const secretary = await fixture.as('secretaryA');
    const drain = await member.post('/t/alpha/api/contact/visits', { householdId: household.id, visitedOn: today, category: 'opinion', findings: '排水沟堵塞' });
    const raised = await secretary.post(`/t/alpha/api/contact/visits/${drain.body.id}/problem`, { measure: '组织清淤', deadline: today });
    const noticeStartsAt = new Date().toISOString();
    await server.db.update(problems).set({ noticeStartsAt, noticeEndsAt: noticeStartsAt }).where(eq(problems.id, raised.body.problemId));
    const hidden = await member.post('/t/alpha/api/contact/visits', { householdId: household.id, visitedOn: today, category: 'opinion', findings: '尚未公示的问题' });
    await secretary.post(`/t/alpha/api/contact/visits/${hidden.body.id}/problem`, {});

    // last year's final stars, as the stars computation writes them
    const villageMembers = fixture.a.rows.members.filter((m) => m.villageId === villageA);
    const computedAt = new Date().toISOString();
    const tenantId = fixture.a.tenantId;
    await server.db.insert(finalisedYears).values({ tenantId, year: year - 1, finalisedAt: computedAt, branches: 1, members: villageMembers.length });
    await server.db.insert(annualResults).values([
      {
        tenantId,
        year: year - 1,
        stage: 'final',
        subjectKind: 'branch',
        subjectId: villageA,
        villageId: villageA,
        composite: 8550,
        complete: true,
        rawStars: 4,
        finalStars: 4,
        consequences: JSON.stringify([{ kind: 'county_plaque' }]),
        incomeFen: 6_000_000,
        incomeTier: 'low',
        computedAt,
      },
      ...villageMembers.map((m, i) => ({
        tenantId,
        year: year - 1,
        stage: 'final' as const,
        subjectKind: 'member' as const,
        subjectId: m.id!,
        villageId: villageA,
        composite: 9000 - i * 500,
        complete: true,
        rawStars: 5 - (i % 3),
        finalStars: 5 - (i % 3),
        computedAt,
      })),
    ]);
  });
  afterAll(() => server?.close());

  it('shows the stars, plaques, income tier and this year’s public decisions without a login', async () => {
    const page = await fixture.anonymous().get(`${publicBase}/villages/${villageA}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('public');
    expect(page.body.village).toMatchObject({ id: villageA, name: fixture.a.rows.villages[0].name });
    expect(page.body.township.name).toBe('甲镇');
    expect(page.body.branch).toEqual({ year: year - 1, stage: 'final', stars: 4, computedAt: expect.any(String) });
    expect(page.body.plaques).toEqual([{ year: year - 1, kind: 'county_plaque' }]);
    expect(page.body.incomeTier).toEqual({ year: year - 1, tier: 'low' });
    expect(page.body.members.length).toBe(fixture.a.rows.members.filter((m) => m.villageId === villageA).length);
    expect(page.body.members[0]).toEqual({ name: expect.any(String), stars: expect.any(Number), isSecretary: true, isCommittee: true });
    expect(page.body.decisions).toHaveLength(1);
    expect(page.body.decisions[0]).toMatchObject({ title: '村内主街硬化', category: 'construction', amountFen: 36_000_000, status: 'open' });
    const publicStage = page.body.decisions[0].stages.find((s: { stage: string }) => s.stage === 'resolution_public');
    expect(publicStage).toEqual({ stage: 'resolution_public', heldOn: today, publicText: '主街硬化 1.2 公里,预算 36 万元' });
    expect(page.body.problems).toEqual([
      {
        subjectKind: 'branch',
        memberName: null,
        content: '排水沟堵塞',
        measure: '组织清淤',
        deadline: today,
        status: 'open',
        publishedAt: expect.any(String),
        rectifiedAt: null,
      },
    ]);
  });

  it('contains no personal data: no phone numbers, household names, dispute parties, minutes or visit notes', async () => {
    const anonymous = fixture.anonymous();
    const texts = [
      JSON.stringify((await anonymous.get(`${publicBase}/villages`)).body),
      ...(await Promise.all(fixture.a.rows.villages.map(async (v) => JSON.stringify((await anonymous.get(`${publicBase}/villages/${v.id}`)).body)))),
    ].join('\n');
    const memberNames = new Set(fixture.a.rows.members.map((m) => m.name));
    const phones = [...fixture.a.rows.members, ...fixture.a.rows.households].map((r) => r.phone).filter((p): p is string => !!p);
    // a household head who is also a party member of that name may appear as the member
    const householdNames = fixture.a.rows.households.map((h) => h.headName).filter((n) => !memberNames.has(n));
    expect(phones.length).toBeGreaterThan(10);
    expect(householdNames.length).toBeGreaterThan(10);
    for (const phone of phones) expect(texts, phone).not.toContain(phone);
    for (const name of householdNames) expect(texts, name).not.toContain(name);
    for (const secret of ['当事人甲乙丙', '张某某', '患病住院', 'address', 'phone']) expect(texts).not.toContain(secret);
  });

  it('lists the villages, prints a QR code of the page, and answers 404 across townships', async () => {
    const anonymous = fixture.anonymous();
    const list = await anonymous.get(`${publicBase}/villages`);
    expect(list.body.items.map((v: { id: string }) => v.id)).toContain(villageA);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['id', 'name']);
    const qr = await anonymous.get(`${publicBase}/villages/${villageA}/qr.svg`);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    expect(String(qr.body)).toMatch(/^<svg/);
    // the code opens this village's public page
    expect(qr.body).toBe(renderSVG(villagePageUrl('http://127.0.0.1', 'alpha', villageA), QR_OPTIONS));
    expect(villagePageUrl('https://x.cn', 'alpha', villageA)).toBe(`https://x.cn/village?t=alpha&v=${villageA}`);
    expect((await anonymous.get(`/t/beta/api/public/villages/${villageA}`)).status).toBe(404);
    expect((await anonymous.get(`/t/beta/api/public/villages/${villageA}/qr.svg`)).status).toBe(404);
    const missing = await anonymous.get(`${publicBase}/villages/no-such-village`);
    expect(missing.body).toMatchObject({ code: 'public.village_not_found', message: '未找到该村的公开页' });
  });
});
