import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { sealAll } from '../../src/audit/chain';
import { verifyChain } from '../../src/audit/verify';
import { auditEvents, PLATFORM_CHAIN, problemReviews, ratingEntries, tenants } from '../../src/db/schema';
import { exportTenant, secretFingerprint } from '../../src/features/transfer';
import { seedDemoIfEmpty } from '../../src/seed/demo';
import { startServer, TEST_APP_SECRET } from '../support/servers';
import { TenantScope } from '../../src/db/tenant-scope';
import type { ApiClient, Reply } from '../support/client';
import { withFixture } from '../support/suite';
import { answerAll, clientId, minutesFromNow, openBranchSession, scan } from './evaluation-support';
import { daysPass, organisers } from './rating-support';

/**
 * Every write operation of /api/openapi.json leaves its audit row, written with the change (same request id).
 * The suite walks the document: an operation with neither a scenario below nor a place on the allow-list
 * fails it, so a new write route must be audited (and shown so here) before it can be merged. libSQL only:
 * the triggers and the chain are tested on both drivers in audit-trail.security.test.ts.
 */

const T = '/t/alpha/api';
const STRONG = 'Audit-pass-2026x';

/** Writes that do not write an audit row of their own, and why. */
const NOT_AUDITED: Record<string, string> = {
  // the voting path: counted per session (evaluation_session_counts), never audited per person (docs/audit.md)
  'POST /t/{tenant}/api/evaluation/vote/{code}/pass': 'voting path',
  'POST /t/{tenant}/api/evaluation/vote/{code}/pass/release': 'voting path',
  'POST /t/{tenant}/api/evaluation/vote/{code}/identify': 'voting path',
  'POST /t/{tenant}/api/evaluation/vote/{code}/ballots': 'voting path',
  // previews read the uploaded file and write nothing
  'POST /t/{tenant}/api/imports/villages/preview': 'writes nothing',
  'POST /t/{tenant}/api/imports/members/preview': 'writes nothing',
  'POST /t/{tenant}/api/imports/households/preview': 'writes nothing',
  'POST /t/{tenant}/api/income/imports/preview': 'writes nothing',
  'POST /t/{tenant}/api/orglife/imports/preview': 'writes nothing',
  // audited per account (auth.second_factor_*), but they need a live TOTP code: auth events are checked below
  'POST /api/auth/login/second-factor': 'account event, needs a TOTP code',
  'POST /api/auth/two-factor/confirm': 'account event, needs a TOTP code',
  'POST /api/auth/two-factor/recovery-codes': 'account event, needs the second factor on',
  'POST /api/auth/two-factor/disable': 'account event, needs the second factor on',
};

type Scenario = () => Promise<Reply>;

describe('every write operation leaves its audit row (libsql)', () => {
  const ctx = withFixture('libsql');
  let writes: string[];
  const s: Record<string, any> = {};

  beforeAll(async () => {
    const doc = (await ctx.fixture.anonymous().get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    writes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => m !== 'get')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  });

  /** A multipart upload serialised here, as a browser sends it. */
  async function upload(client: ApiClient, path: string, csv: string, fields: Record<string, string> = {}): Promise<Reply> {
    const form = new FormData();
    form.set('file', new Blob([`\uFEFF${csv}`]), 'file.csv');
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    const encoded = new Response(form);
    const response = await ctx.server.fetch(path, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1', cookie: client.cookieHeader(), 'content-type': encoded.headers.get('content-type')! },
      body: new Uint8Array(await encoded.arrayBuffer()),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  function scenarios(): [string, Scenario][] {
    const f = ctx.fixture;
    const admin = () => f.as('adminA');
    const platform = () => f.as('platformAdmin');
    const villageA = f.a.rows.villages[0];
    const villageB = f.a.rows.villages[1];
    const inA = f.a.rows.members.filter((m) => m.villageId === villageA.id);
    const householdA = f.a.rows.households.find((h) => h.villageId === villageA.id)!;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    return [
      // ——— the township ———
      ['PUT /t/{tenant}/api/settings', async () => (await admin()).put(`${T}/settings`, (await (await admin()).get(`${T}/settings`)).body)],
      ['POST /t/{tenant}/api/accounts', async () => {
        const r = await (await admin()).post(`${T}/accounts`, { role: 'village_secretary', phone: '13912340001', name: '新书记', password: STRONG, villageId: villageB.id });
        s.account = r.body.accountId;
        return r;
      }],
      ['POST /t/{tenant}/api/accounts/{accountId}/two-factor/reset', async () => (await admin()).post(`${T}/accounts/${s.account}/two-factor/reset`)],
      ['POST /t/{tenant}/api/accounts/{accountId}/password', async () => (await admin()).post(`${T}/accounts/${s.account}/password`, { password: STRONG + 'y' })],
      ['DELETE /t/{tenant}/api/accounts/{accountId}', async () => (await admin()).delete(`${T}/accounts/${s.account}`)],
      // ——— rosters ———
      ['POST /t/{tenant}/api/villages', async () => {
        const r = await (await admin()).post(`${T}/villages`, { name: '审计村' });
        s.village = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/villages/{id}', async () => (await admin()).put(`${T}/villages/${s.village}`, { name: '审计新村' })],
      ['DELETE /t/{tenant}/api/villages/{id}', async () => (await admin()).delete(`${T}/villages/${s.village}`)],
      ['POST /t/{tenant}/api/members', async () => {
        const r = await (await admin()).post(`${T}/members`, { villageId: villageA.id, name: '审计党员', phone: '13912340002' });
        s.member = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/members/{id}', async () => (await admin()).put(`${T}/members/${s.member}`, { villageId: villageA.id, name: '审计党员', phone: '13912340003' })],
      ['DELETE /t/{tenant}/api/members/{id}', async () => (await admin()).delete(`${T}/members/${s.member}`)],
      ['POST /t/{tenant}/api/households', async () => {
        const r = await (await admin()).post(`${T}/households`, { villageId: villageA.id, headName: '审计户', address: '东街9号' });
        s.household = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/households/{id}', async () => (await admin()).put(`${T}/households/${s.household}`, { villageId: villageA.id, headName: '审计户', address: '西街9号' })],
      ['DELETE /t/{tenant}/api/households/{id}', async () => (await admin()).delete(`${T}/households/${s.household}`)],
      ['POST /t/{tenant}/api/imports/villages/commit', async () => upload(await admin(), `${T}/imports/villages/commit`, '村名,支部名称\n导入村,\n')],
      ['POST /t/{tenant}/api/imports/members/commit', async () => upload(await admin(), `${T}/imports/members/commit`, `村名,姓名,性别,手机号,出生年份,入党年份,支部委员,书记,后备干部\n${villageA.name},导入党员,,,,,,,\n`)],
      ['POST /t/{tenant}/api/imports/households/commit', async () => upload(await admin(), `${T}/imports/households/commit`, `村名,户主,地址,手机号,人口,困难家庭,危重病人,空巢老人,留守儿童,信访户\n${villageA.name},导入户,南街1号,,3,,,,,\n`)],
      // ——— 初心三人行 ———
      ['POST /t/{tenant}/api/contact/member-links', async () => {
        const r = await (await admin()).post(`${T}/contact/member-links`, { committeeMemberId: inA[0].id, memberId: inA.at(-1)!.id });
        s.memberLink = r.body.id;
        return r;
      }],
      ['DELETE /t/{tenant}/api/contact/member-links/{id}', async () => (await admin()).delete(`${T}/contact/member-links/${s.memberLink}`)],
      ['POST /t/{tenant}/api/contact/household-links', async () => {
        const r = await (await admin()).post(`${T}/contact/household-links`, { memberId: inA.at(-1)!.id, householdId: householdA.id });
        s.householdLink = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/contact/visits', async () => {
        const r = await (await admin()).post(`${T}/contact/visits`, { memberId: inA.at(-1)!.id, householdId: householdA.id, visitedOn: today, category: 'opinion', findings: '路灯不亮' });
        s.visit = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/contact/visits/{id}/problem', async () => (await admin()).post(`${T}/contact/visits/${s.visit}/problem`, {})],
      ['POST /t/{tenant}/api/contact/signoffs', async () =>
        (await admin()).post(`${T}/contact/signoffs`, { memberId: inA.at(-1)!.id, householdId: householdA.id, month: today.slice(0, 7), method: 'signature', evidence: 'data:image/png;base64,iVBORw0KGgo=' }),
      ],
      ['DELETE /t/{tenant}/api/contact/household-links/{id}', async () => (await admin()).delete(`${T}/contact/household-links/${s.householdLink}`)],
      // ——— 四议三审两公开 ———
      ['POST /t/{tenant}/api/decisions/matters', async () => {
        const r = await (await admin()).post(`${T}/decisions/matters`, { villageId: villageA.id, title: '道路硬化', category: 'construction' });
        s.matter = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/decisions/matters/{id}/stages', async () =>
        (await admin()).post(`${T}/decisions/matters/${s.matter}/stages`, { stage: 'proposal', heldOn: today, eligible: 7, present: 6, votesFor: 5, votesAgainst: 1, minutes: '会议记录' }),
      ],
      ['POST /t/{tenant}/api/decisions/matters/{id}/irregular', async () => (await admin()).post(`${T}/decisions/matters/${s.matter}/irregular`, { implementedOn: today, note: '未经审议即实施' })],
      ['DELETE /t/{tenant}/api/decisions/matters/{id}', async () => {
        const other = await (await admin()).post(`${T}/decisions/matters`, { villageId: villageA.id, title: '删除事项', category: 'construction' });
        return (await admin()).delete(`${T}/decisions/matters/${other.body.id}`);
      }],
      // ——— ledgers ———
      ['POST /t/{tenant}/api/ledgers/disputes', async () => {
        const r = await (await admin()).post(`${T}/ledgers/disputes`, { villageId: villageA.id, title: '宅基地纠纷', occurredOn: '2025-03-01' });
        s.dispute = r.body;
        return r;
      }],
      ['PUT /t/{tenant}/api/ledgers/disputes/{id}', async () => (await admin()).put(`${T}/ledgers/disputes/${s.dispute.id}`, { villageId: villageA.id, title: '宅基地纠纷(调解)', occurredOn: '2025-03-01' })],
      ['DELETE /t/{tenant}/api/ledgers/disputes/{id}', async () => (await admin()).delete(`${T}/ledgers/disputes/${s.dispute.id}`)],
      ['POST /t/{tenant}/api/ledgers/weak-villages', async () => {
        const r = await (await admin()).post(`${T}/ledgers/weak-villages`, { villageId: villageA.id, yearListed: 2024, reasons: '班子不团结' });
        s.weak = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/ledgers/weak-villages/{id}', async () => (await admin()).put(`${T}/ledgers/weak-villages/${s.weak}`, { villageId: villageA.id, yearListed: 2024, reasons: '班子不团结,已调整' })],
      ['DELETE /t/{tenant}/api/ledgers/weak-villages/{id}', async () => (await admin()).delete(`${T}/ledgers/weak-villages/${s.weak}`)],
      // ——— stars and red lines ———
      ['POST /t/{tenant}/api/stars/red-line-rules', async () => {
        const r = await (await admin()).post(`${T}/stars/red-line-rules`, { title: '审计红线', mode: 'manual' });
        s.rule = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/stars/red-line-rules/{id}', async () => (await admin()).put(`${T}/stars/red-line-rules/${s.rule}`, { title: '审计红线(改)', mode: 'manual' })],
      ['POST /t/{tenant}/api/stars/red-line-records', async () => {
        const r = await (await admin()).post(`${T}/stars/red-line-records`, { ruleId: s.rule, villageId: villageA.id, year: 2025, note: '干部受处分' });
        s.record = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/stars/red-line-records/{id}/revoke', async () => (await admin()).post(`${T}/stars/red-line-records/${s.record}/revoke`, { note: '录入有误' })],
      ['POST /t/{tenant}/api/job-runs', async () => (await admin()).post(`${T}/job-runs`, { job: 'finalise', year: 2024 })],
      ['POST /t/{tenant}/api/stars/result-years/{year}/reopen', async () => (await admin()).post(`${T}/stars/result-years/2024/reopen`, { reason: '核对数据后重新评定' })],
      // ——— income ———
      ['POST /t/{tenant}/api/income/entries', async () => {
        const r = await (await admin()).post(`${T}/income/entries`, { villageId: villageA.id, year: 2025, category: 'produce', amountFen: 100 });
        s.entry = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/income/entries/{id}', async () => (await admin()).put(`${T}/income/entries/${s.entry}`, { villageId: villageA.id, year: 2025, category: 'produce', amountFen: 200 })],
      ['DELETE /t/{tenant}/api/income/entries/{id}', async () => (await admin()).delete(`${T}/income/entries/${s.entry}`)],
      ['PUT /t/{tenant}/api/income/targets/{year}', async () => (await admin()).put(`${T}/income/targets/2025`, { villagesAtLeastLow: 2, villagesAtLeastHigh: 1 })],
      ['POST /t/{tenant}/api/income/imports/commit', async () => upload(await admin(), `${T}/income/imports/commit`, `村名,收入类别,金额(元),备注\n${villageA.name},合作社,100,分红\n`, { year: '2025' })],
      // ——— problems ———
      ['POST /t/{tenant}/api/problems', async () => {
        const r = await (await admin()).post(`${T}/problems`, { villageId: villageA.id, content: '公开不及时' });
        s.problem = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/problems/reviews/{id}', async () => {
        // a problem a villager raised on a ballot, as a session's end leaves it in the queue
        const [{ id }] = await new TenantScope(ctx.server.db, f.a.tenantId).insert(problemReviews, [{ villageId: villageA.id!, subjectKind: 'branch', subjectId: villageA.id!, year: 2026, content: '路灯不亮', raisedAt: new Date().toISOString() }]).returning();
        return (await admin()).post(`${T}/problems/reviews/${id}`, { action: 'dismiss', reason: '已在问题清单中' });
      }],
      ['PATCH /t/{tenant}/api/problems/{id}', async () => (await admin()).patch(`${T}/problems/${s.problem}`, { measure: '每月公开' })],
      ['POST /t/{tenant}/api/problems/{id}/publish', async () => (await admin()).post(`${T}/problems/${s.problem}/publish`)],
      ['POST /t/{tenant}/api/problems/{id}/objections', async () => f.anonymous().post(`${T}/problems/${s.problem}/objections`, { content: '公开的内容不全' })],
      ['POST /t/{tenant}/api/problems/{id}/objections/{objectionId}/answer', async () => {
        const problem = await (await admin()).get(`${T}/problems/${s.problem}`);
        return (await admin()).post(`${T}/problems/${s.problem}/objections/${problem.body.objections[0].id}/answer`, { answer: '已补充公开' });
      }],
      // ——— 评星定级 (year 2025) ———
      ['POST /t/{tenant}/api/rating/years', async () => {
        Object.assign(s, await organisers(ctx.server, f));
        return (await admin()).post(`${T}/rating/years`, { year: 2025, nominationDeadline: today });
      }],
      ['PUT /t/{tenant}/api/rating/years/{year}/official-campaigns/{subjectKind}', async () => {
        const campaign = await (await admin()).post(`${T}/evaluation/campaigns`, { year: 2025, name: '2025年度星级评定', subjectKind: 'branch' });
        return (await admin()).put(`${T}/rating/years/2025/official-campaigns/branch`, { campaignId: campaign.body.id });
      }],
      ['PUT /t/{tenant}/api/rating/years/{year}/nomination', async () =>
        (await f.as('secretaryA')).put(`${T}/rating/years/2025/nomination`, { appliedStars: 4, statement: '班子团结', dutyReport: '述职述廉报告' })],
      ['POST /t/{tenant}/api/rating/years/{year}/score', async () => {
        await daysPass(ctx.server, f.a.tenantId, 2025, { nominationDeadline: true });
        return (await admin()).post(`${T}/rating/years/2025/score`, {});
      }],
      ['PUT /t/{tenant}/api/rating/years/{year}/entries/{villageId}/proposal', async () => {
        const entry = (await (await admin()).get(`${T}/rating/years/2025`)).body.entries.find((e: { villageId: string }) => e.villageId === villageA.id);
        return (await admin()).put(`${T}/rating/years/2025/entries/${villageA.id}/proposal`, { stars: null, reason: '未完成测评', version: entry.version });
      }],
      ['POST /t/{tenant}/api/rating/years/{year}/entries/{villageId}/recheck', async () => {
        const entry = (await (s.county as ApiClient).get(`${T}/rating/years/2025`)).body.entries.find((e: { villageId: string }) => e.villageId === villageA.id);
        return (s.county as ApiClient).post(`${T}/rating/years/2025/entries/${villageA.id}/recheck`, { decision: 'confirm', version: entry.version });
      }],
      ['PUT /api/county/{countyId}/rating/quotas', async () => (s.county as ApiClient).put(`/api/county/${f.countyId}/rating/quotas`, { quotas: { 5: 10 } })],
      ['POST /t/{tenant}/api/rating/years/{year}/entries/{villageId}/city-check', async () => {
        // no branch reached five stars in 2025: one proposal is set there as if the county had confirmed it
        await ctx.server.db.update(ratingEntries).set({ status: 'county_confirmed', proposedStars: 5 }).where(eq(ratingEntries.villageId, villageB.id!));
        const entry = (await (s.city as ApiClient).get(`${T}/rating/years/2025`)).body.entries.find((e: { villageId: string }) => e.villageId === villageB.id);
        return (s.city as ApiClient).post(`${T}/rating/years/2025/entries/${villageB.id}/city-check`, { decision: 'confirm', version: entry.version });
      }],
      ['POST /t/{tenant}/api/rating/years/{year}/publish', async () => {
        for (const entry of (await (s.county as ApiClient).get(`${T}/rating/years/2025`)).body.entries as { villageId: string; status: string; version: number }[])
          if (entry.status === 'proposed') await (s.county as ApiClient).post(`${T}/rating/years/2025/entries/${entry.villageId}/recheck`, { decision: 'confirm', version: entry.version });
        return (await admin()).post(`${T}/rating/years/2025/publish`, {});
      }],
      ['POST /t/{tenant}/api/rating/years/{year}/notice/{villageId}/objections', async () =>
        f.anonymous().post(`${T}/rating/years/2025/notice/${villageA.id}/objections`, { content: '公示的星级与实际不符' })],
      ['POST /t/{tenant}/api/rating/years/{year}/objections/{objectionId}/answer', async () => {
        const objection = (await (await admin()).get(`${T}/rating/years/2025/objections`)).body.items[0];
        return (await admin()).post(`${T}/rating/years/2025/objections/${objection.id}/answer`, { answer: '经核实，评定无误', upheld: false });
      }],
      ['POST /t/{tenant}/api/rating/years/{year}/name', async () => {
        await daysPass(ctx.server, f.a.tenantId, 2025, { noticeEndsOn: true });
        return (await admin()).post(`${T}/rating/years/2025/name`);
      }],
      ['PUT /t/{tenant}/api/rating/years/{year}/member-grades/{memberId}', async () => {
        const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
        const campaign = await (await admin()).post(`${T}/evaluation/campaigns`, { year, name: '党员评议', subjectKind: 'member', villageIds: [villageA.id], weights: { self: 0, peer: 0, villager: 100, leader: 0 } });
        const screen = await (await admin()).post(`${T}/evaluation/screens`, { name: '党员评议厅' });
        const booking = await (await admin()).post(`${T}/evaluation/bookings`, { campaignId: campaign.body.id, villageId: villageA.id, screenId: screen.body.id, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60) });
        const session = (await (await admin()).post(`${T}/evaluation/sessions`, { bookingId: booking.body.id })).body;
        const scanned = await scan(await admin(), f.anonymous(), session.id, session.code);
        await (await admin()).post(`${T}/evaluation/sessions/${session.id}/paper-ballots`, { clientId: clientId(), ballots: [{ subjectKind: 'member', subjectId: inA[0].id, answers: answerAll(scanned.questionnaire.items.villager, 1) }] });
        await (await admin()).post(`${T}/evaluation/sessions/${session.id}/close`);
        return (await admin()).put(`${T}/rating/years/${year}/member-grades/${inA[0].id}`, { grade: 'qualified', meetingOn: today, meetingNote: '支部党员大会' });
      }],
      // ——— online evaluation ———
      ['POST /t/{tenant}/api/evaluation/questionnaires', async () => {
        const list = await (await admin()).get(`${T}/evaluation/questionnaires`);
        const branch = await (await admin()).get(`${T}/evaluation/questionnaires/${list.body.items.find((q: { subjectKind: string }) => q.subjectKind === 'branch').id}`);
        s.items = branch.body.items;
        const r = await (await admin()).post(`${T}/evaluation/questionnaires`, { name: '审计问卷', subjectKind: 'branch', items: s.items });
        s.questionnaire = r.body.id;
        return r;
      }],
      ['PUT /t/{tenant}/api/evaluation/questionnaires/{id}', async () => (await admin()).put(`${T}/evaluation/questionnaires/${s.questionnaire}`, { name: '审计问卷(改)', items: s.items })],
      ['POST /t/{tenant}/api/evaluation/campaigns', async () => {
        const r = await (await admin()).post(`${T}/evaluation/campaigns`, { name: '审计测评', subjectKind: 'branch' });
        s.campaign = r.body.id;
        return r;
      }],
      ['PATCH /t/{tenant}/api/evaluation/campaigns/{id}', async () => (await admin()).patch(`${T}/evaluation/campaigns/${s.campaign}`, { name: '审计测评(改)' })],
      ['DELETE /t/{tenant}/api/evaluation/campaigns/{id}', async () => {
        const other = await (await admin()).post(`${T}/evaluation/campaigns`, { name: '待删测评', subjectKind: 'branch' });
        return (await admin()).delete(`${T}/evaluation/campaigns/${other.body.id}`);
      }],
      ['POST /t/{tenant}/api/evaluation/screens', async () => {
        const r = await (await admin()).post(`${T}/evaluation/screens`, { name: '审计厅' });
        s.screen = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/evaluation/screens/{id}/display-link/rotate', async () => (await admin()).post(`${T}/evaluation/screens/${s.screen}/display-link/rotate`)],
      ['POST /t/{tenant}/api/evaluation/bookings', async () => {
        const r = await (await admin()).post(`${T}/evaluation/bookings`, { campaignId: s.campaign, villageId: villageA.id, screenId: s.screen, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60) });
        s.booking = r.body.id;
        return r;
      }],
      ['DELETE /t/{tenant}/api/evaluation/bookings/{id}', async () => {
        const other = await (await admin()).post(`${T}/evaluation/bookings`, { campaignId: s.campaign, villageId: villageA.id, screenId: s.screen, startsAt: minutesFromNow(24 * 60), endsAt: minutesFromNow(25 * 60) });
        return (await admin()).delete(`${T}/evaluation/bookings/${other.body.id}`);
      }],
      ['POST /t/{tenant}/api/evaluation/sessions', async () => {
        const r = await (await admin()).post(`${T}/evaluation/sessions`, { bookingId: s.booking });
        s.session = r.body.id;
        return r;
      }],
      ['POST /t/{tenant}/api/evaluation/sessions/{id}/tickets', async () => (await admin()).post(`${T}/evaluation/sessions/${s.session}/tickets`, { count: 2 })],
      ['POST /t/{tenant}/api/evaluation/sessions/{id}/paper-ballots', async () => {
        const villager = s.items.filter((i: { groups?: string[] }) => !i.groups || i.groups.includes('villager'));
        return (await admin()).post(`${T}/evaluation/sessions/${s.session}/paper-ballots`, {
          clientId: clientId(),
          ballots: [{ subjectKind: 'branch', subjectId: villageA.id, answers: answerAll(villager, 1) }],
        });
      }],
      ['POST /t/{tenant}/api/evaluation/sessions/{id}/close', async () => (await admin()).post(`${T}/evaluation/sessions/${s.session}/close`)],
      ['POST /t/{tenant}/api/evaluation/member-credentials', async () => {
        const r = await (await admin()).post(`${T}/evaluation/member-credentials`, { villageId: villageA.id });
        s.credential = r.body.items[0];
        return r;
      }],
      // ——— organisation life (三会一课) ———
      ['POST /t/{tenant}/api/orglife/meetings', async () => {
        const r = await (await admin()).post(`${T}/orglife/meetings`, { villageId: villageA.id, kind: 'assembly', heldOn: today, startTime: '00:00', endTime: '23:59', topic: '党员大会' });
        s.meeting = r.body.id;
        return r;
      }],
      ['PATCH /t/{tenant}/api/orglife/meetings/{id}', async () => (await admin()).patch(`${T}/orglife/meetings/${s.meeting}`, { resolutions: '通过决议' })],
      ['PUT /t/{tenant}/api/orglife/meetings/{id}/attendance', async () =>
        (await admin()).put(`${T}/orglife/meetings/${s.meeting}/attendance`, { items: [{ memberId: inA[1].id, status: 'leave', reason: '外出' }] })],
      ['POST /t/{tenant}/api/orglife/checkin/{id}', async () => {
        const qr = await (await admin()).get(`${T}/orglife/meetings/${s.meeting}/checkin-qr`);
        return f.anonymous().post(`${T}/orglife/checkin/${s.meeting}`, { token: qr.body.token, memberCode: s.credential.code, pin: s.credential.pin });
      }],
      ['POST /t/{tenant}/api/orglife/meetings/{id}/photos', async () => {
        const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xda, 0, 4, 1, 2, 0xff, 0xd9]);
        const form = new FormData();
        form.set('file', new Blob([jpeg]), 'photo.jpg');
        const encoded = new Response(form);
        const response = await ctx.server.fetch(`${T}/orglife/meetings/${s.meeting}/photos`, {
          method: 'POST',
          headers: { origin: 'http://127.0.0.1', cookie: (await admin()).cookieHeader(), 'content-type': encoded.headers.get('content-type')! },
          body: new Uint8Array(await encoded.arrayBuffer()),
        });
        const body = (await response.json()) as { id: string };
        s.photo = body.id;
        return { status: response.status, headers: response.headers, body };
      }],
      ['DELETE /t/{tenant}/api/orglife/photos/{id}', async () => (await admin()).delete(`${T}/orglife/photos/${s.photo}`)],
      ['POST /t/{tenant}/api/orglife/imports/commit', async () =>
        upload(await admin(), `${T}/orglife/imports/commit`, `村名,会议类型,日期,主题\n${villageA.name},党课,${today},党课：初心使命\n`)],
      ['DELETE /t/{tenant}/api/orglife/meetings/{id}', async () => {
        const other = await (await admin()).post(`${T}/orglife/meetings`, { villageId: villageA.id, kind: 'lecture', heldOn: today, topic: '删除的党课' });
        return (await admin()).delete(`${T}/orglife/meetings/${other.body.id}`);
      }],
      ['POST /t/{tenant}/api/evaluation/household-codes', async () => (await admin()).post(`${T}/evaluation/household-codes`, { villageId: villageA.id })],
      // ——— the platform ———
      ['POST /api/platform/cities', async () => {
        const r = await (await platform()).post('/api/platform/cities', { name: '审计市' });
        s.city = r.body.id;
        return r;
      }],
      ['POST /api/platform/counties', async () => {
        const r = await (await platform()).post('/api/platform/counties', { cityId: s.city, name: '审计县' });
        s.county = r.body.id;
        return r;
      }],
      ['POST /api/platform/counties/{id}/viewers', async () => {
        const r = await (await platform()).post(`/api/platform/counties/${s.county}/viewers`, { phone: '13912340004', name: '审计县组织部', password: STRONG });
        s.viewer = r.body.accountId;
        return r;
      }],
      ['POST /api/platform/counties/{id}/organisers', async () => (await platform()).post(`/api/platform/counties/${s.county}/organisers`, { phone: '13912340006', name: '审计县委组织部', password: STRONG })],
      ['POST /api/platform/cities/{id}/organisers', async () => (await platform()).post(`/api/platform/cities/${s.city}/organisers`, { phone: '13912340007', name: '审计市委组织部', password: STRONG })],
      ['POST /api/platform/tenants', async () => {
        const r = await (await platform()).post('/api/platform/tenants', { slug: 'audit-town', name: '审计镇', countyId: s.county, admin: { phone: '13912340005', name: '审计镇党委', password: STRONG } });
        s.tenant = r.body.id;
        return r;
      }],
      // the county's viewer is also the new township's admin: a role a township admin could not give them
      ['POST /api/platform/tenants/{id}/accounts', async () =>
        (await platform()).post(`/api/platform/tenants/${s.tenant}/accounts`, { role: 'township_admin', phone: '13912340004', name: '审计县组织部', password: STRONG })],
      ['PATCH /api/platform/tenants/{id}', async () => (await platform()).patch(`/api/platform/tenants/${s.tenant}`, { name: '审计镇(改)' })],
      ['PUT /api/platform/settings', async () => (await platform()).put('/api/platform/settings', (await (await platform()).get('/api/platform/settings')).body)],
      ['POST /api/platform/accounts/{id}/two-factor/reset', async () => (await platform()).post(`/api/platform/accounts/${s.viewer}/two-factor/reset`)],
      ['POST /api/platform/accounts/{id}/password', async () => (await platform()).post(`/api/platform/accounts/${s.viewer}/password`, { password: STRONG + 'z' })],
      ['POST /api/platform/tenants/import', async () => {
        // a township exported by another instance (this one holds its own already)
        const other = await startServer('libsql');
        try {
          await seedDemoIfEmpty(other.db, { villages: 3, liuqiaoVillages: 2, membersPerVillage: [3, 4], householdsPerVillage: [4, 6] });
          const [liuqiao] = await other.db.select().from(tenants).where(eq(tenants.slug, 'liuqiao'));
          const file = await new Response(exportTenant({ registry: other.db, shard: other.db }, liuqiao, { fingerprint: await secretFingerprint({ current: TEST_APP_SECRET }) })).arrayBuffer();
          const response = await ctx.server.fetch('/api/platform/tenants/import', {
            method: 'POST',
            headers: { origin: 'http://127.0.0.1', cookie: (await platform()).cookieHeader(), 'content-type': 'application/zip' },
            body: file,
          });
          const body = (await response.json()) as { tenant: { id: string } };
          s.imported = body.tenant?.id;
          return { status: response.status, headers: response.headers, body };
        } finally {
          await other.close();
        }
      }],
      ['POST /api/platform/job-runs', async () => (await platform()).post('/api/platform/job-runs', { job: 'recompute' })],
      // ——— accounts' own events ———
      ['POST /api/auth/login', async () => {
        s.me = f.anonymous();
        return s.me.post('/api/auth/login', { phone: '13912340004', password: STRONG + 'z' });
      }],
      ['POST /api/auth/password', async () => s.me.post('/api/auth/password', { currentPassword: STRONG + 'z', newPassword: STRONG + 'w' })],
      ['POST /api/auth/two-factor/setup', async () => s.me.post('/api/auth/two-factor/setup', { password: STRONG + 'w' })],
      ['POST /api/auth/logout-all', async () => s.me.post('/api/auth/logout-all')],
      ['POST /api/auth/logout', async () => {
        const again = await f.anonymous().login('13912340004', STRONG + 'w');
        return again.post('/api/auth/logout');
      }],
    ];
  }

  it('has a scenario or a reason for every write operation of the OpenAPI document', () => {
    const covered = new Set([...scenarios().map(([op]) => op), ...Object.keys(NOT_AUDITED)]);
    expect(writes.filter((op) => !covered.has(op)), 'write operations without an audit scenario').toEqual([]);
    expect([...covered].filter((op) => !writes.includes(op)), 'scenarios of operations that no longer exist').toEqual([]);
  });

  it('writes each operation’s audit row with the change, under its request id', async () => {
    const missing: string[] = [];
    for (const [op, run] of scenarios()) {
      const reply = await run();
      expect(reply.status, `${op}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
      const requestId = reply.headers.get('x-request-id')!;
      const rows = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
      if (!rows.length) missing.push(op);
      for (const row of rows) expect(row.outcome, op).toBe('ok');
    }
    expect(missing, 'write operations that answered 2xx without an audit row').toEqual([]);
    // and what was recorded forms valid chains: the township's, the platform's, and the imported township's
    await sealAll(ctx.server.db);
    for (const chain of [ctx.fixture.a.tenantId, PLATFORM_CHAIN, s.imported]) expect((await verifyChain(ctx.server.db, ctx.server.auditStore, chain)).ok, chain).toBe(true);
  });

  it('masks personal fields in the stored before → after', async () => {
    const rows = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.action, 'member.update'));
    const changes = JSON.parse(rows[0].changes!);
    expect(changes.phone).toEqual(['***', '***']);
    const text = JSON.stringify(await ctx.server.db.select().from(auditEvents));
    for (const secret of ['13912340002', '13912340003', '东街9号', '西街9号', '路灯不亮', STRONG]) expect(text).not.toContain(secret);
    // a visit's category is the household's care tag (here 'opinion'); the category of a matter or an income is not personal
    const [visit] = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.action, 'visit.create'));
    expect(JSON.parse(visit.changes!).category).toEqual([null, '***']);
    const other = (await ctx.server.db.select().from(auditEvents)).filter((row) => !row.action.startsWith('visit.') && row.changes && 'category' in JSON.parse(row.changes));
    expect(other.length).toBeGreaterThan(0);
    for (const row of other) expect(JSON.parse(row.changes!).category[1], row.action).not.toBe('***');
  });

  it('records logins, failed logins and logouts in the account’s chains, and every roster download', async () => {
    const f = ctx.fixture;
    const failed = await f.anonymous().post('/api/auth/login', { phone: '13900000002', password: 'wrong-password' });
    expect(failed.status).toBe(401);
    const [row] = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.requestId, failed.headers.get('x-request-id')!));
    expect(row).toMatchObject({ action: 'auth.login_failed', outcome: 'refused', chain: f.a.tenantId });
    // a county viewer's login is the platform's
    const viewer = f.anonymous();
    const login = await viewer.post('/api/auth/login', { phone: '13900000001', password: 'test-password-1' });
    const [viewerRow] = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.requestId, login.headers.get('x-request-id')!));
    expect(viewerRow).toMatchObject({ action: 'auth.login', chain: PLATFORM_CHAIN });
    const download = await (await f.as('adminA')).get(`${T}/exports/households.csv`);
    expect(download.status).toBe(200);
    const [exported] = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.requestId, download.headers.get('x-request-id')!));
    expect(exported).toMatchObject({ action: 'export.households', entity: 'households' });
    // and the township's whole file, by its admin or the platform's: in the township's chain, carried in the file itself
    const own = await ctx.server.fetch(`${T}/export`, { headers: { cookie: (await f.as('adminA')).cookieHeader() } });
    const byPlatform = await ctx.server.fetch(`/api/platform/tenants/${f.a.tenantId}/export`, { headers: { cookie: (await f.as('platformAdmin')).cookieHeader() } });
    for (const response of [own, byPlatform]) {
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      const [row] = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.requestId, response.headers.get('x-request-id')!));
      expect(row).toMatchObject({ action: 'export.tenant', entity: 'tenant', entityId: f.a.tenantId, chain: f.a.tenantId });
    }
  });

  it('writes no audit row when a villager scans and votes', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[2].id!;
    const { session } = await openBranchSession(admin, villageId);
    const before = (await ctx.server.db.select({ id: auditEvents.id }).from(auditEvents)).length;
    const phone = ctx.fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const branch = scanned.subjects.find((x) => x.kind === 'branch')!;
    const ballot = await phone.post(`${T}/evaluation/vote/${session.code}/ballots`, {
      pass: scanned.pass,
      clientId: clientId(),
      voter: { kind: 'villager' },
      ballots: [{ subjectKind: 'branch', subjectId: branch.id, answers: answerAll(scanned.questionnaire.items.villager, 0) }],
    });
    expect(ballot.status, JSON.stringify(ballot.body)).toBe(201);
    expect((await ctx.server.db.select({ id: auditEvents.id }).from(auditEvents)).length).toBe(before);
  });
});
