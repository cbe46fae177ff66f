import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, orgMeetingPhotos } from '../../src/db/schema';
import { photoKey } from '../../src/platform/photo-store';
import { currentQr } from '../../src/features/evaluation';
import { addDays, shanghaiDate, shanghaiYear } from '../../src/domain/calendar';
import { TEST_APP_SECRET, DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { readXlsx, writeXlsx } from '../../src/platform/tables/xlsx';
import type { ApiClient, Reply } from '../support/client';

const T = '/t/alpha/api';
const today = shanghaiDate();
const LAST_YEAR = shanghaiYear() - 1;
const TIMING = { rotateSeconds: 30, validSeconds: 90 };
/** A small JPEG: JFIF, an EXIF segment with a GPS position, and image data. */
const segment = (marker: number, data: string) => [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...[...data].map((ch) => ch.charCodeAt(0))];
/** `padding` bytes of image data make a large one (filled in place: spreading 5 MB of numbers took ~0.3 s). */
function jpegWithGps(padding = 0): Uint8Array {
  const head = [0xff, 0xd8, ...segment(0xe0, 'JFIF\0'), ...segment(0xe1, 'Exif\0\0GPS 36.79N 116.76E'), ...segment(0xda, 'scan')];
  const bytes = new Uint8Array(head.length + padding + 2);
  bytes.set(head);
  bytes.fill(0x55, head.length, head.length + padding);
  bytes.set([0xff, 0xd9], head.length + padding);
  return bytes;
}
type Attendee = { memberId: string; name: string; status: string; reason: string; checkedInAt: string | null };

describe.each(DRIVERS)('organisation-life records (三会一课) on %s', (driver) => {
  const ctx = withFixture(driver);
  const village = (i: number) => ctx.fixture.a.rows.villages[i].id!;
  const membersOf = (villageId: string) => ctx.fixture.a.rows.members.filter((m) => m.villageId === villageId);

  /** A multipart upload serialised here, as a browser sends it: the client's name and type are what it claims, nothing more. */
  async function upload(client: ApiClient, path: string, bytes: Uint8Array, name: string, type: string): Promise<Reply> {
    const form = new FormData();
    form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
    const encoded = new Response(form);
    const response = await ctx.server.fetch(path, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1', cookie: client.cookieHeader(), 'content-type': encoded.headers.get('content-type')! },
      body: new Uint8Array(await encoded.arrayBuffer()),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  it('records a meeting with its roster, and attendance present, on leave with a reason, or absent', async () => {
    const secretary = await ctx.fixture.as('secretaryA');
    const committee = await secretary.post(`${T}/orglife/meetings`, { villageId: village(0), kind: 'committee', heldOn: today, topic: '研究发展党员工作' });
    expect(committee.status).toBe(201);
    // 支委会's roster is the committee; every other meeting's the whole branch
    expect(committee.body.attendance).toHaveLength(membersOf(village(0)).filter((m) => m.isCommittee).length);
    const assembly = await secretary.post(`${T}/orglife/meetings`, {
      villageId: village(0),
      kind: 'assembly',
      heldOn: today,
      startTime: '09:00',
      endTime: '11:00',
      topic: '学习党的二十届四中全会精神',
      place: '村党群服务中心',
      minutes: '书记领学，党员交流发言。',
      resolutions: '通过2026年发展党员计划。',
    });
    expect(assembly.status).toBe(201);
    const roster: Attendee[] = assembly.body.attendance;
    expect(roster).toHaveLength(membersOf(village(0)).length);
    expect(roster.every((a) => a.status === 'absent')).toBe(true);
    const [first, second] = roster;
    const noReason = await secretary.put(`${T}/orglife/meetings/${assembly.body.id}/attendance`, { items: [{ memberId: second.memberId, status: 'leave' }] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toContain('请假事由');
    const recorded = await secretary.put(`${T}/orglife/meetings/${assembly.body.id}/attendance`, {
      items: [
        { memberId: first.memberId, status: 'present' },
        { memberId: second.memberId, status: 'leave', reason: '外出务工' },
      ],
    });
    expect(recorded.status).toBe(200);
    const detail = await secretary.get(`${T}/orglife/meetings/${assembly.body.id}`);
    expect(detail.body.attendance.find((a: Attendee) => a.memberId === second.memberId)).toMatchObject({ status: 'leave', reason: '外出务工' });
    expect(detail.body.resolutions).toBe('通过2026年发展党员计划。');
    // moved to yesterday, the meeting keeps its hours
    const moved = await secretary.patch(`${T}/orglife/meetings/${assembly.body.id}`, { heldOn: addDays(today, -1) });
    expect(moved.status).toBe(200);
    expect(moved.body.startsAt).toBe(new Date(`${addDays(today, -1)}T09:00:00+08:00`).toISOString());
    expect((await secretary.patch(`${T}/orglife/meetings/${assembly.body.id}`, { endTime: '08:00' })).body.code).toBe('orglife.end_before_start');
    const list = await secretary.get(`${T}/orglife/meetings?villageId=${village(0)}&kind=assembly`);
    expect(list.body.items[0].attendance).toEqual({ present: 1, leave: 1, absent: roster.length - 2 });
    // another village's secretary does not see it; a county viewer reads but never writes
    expect((await secretary.post(`${T}/orglife/meetings`, { villageId: village(1), kind: 'lecture', heldOn: today, topic: '党课' })).status).toBe(404);
    const county = await ctx.fixture.as('countyViewer');
    expect((await county.get(`${T}/orglife/meetings/${assembly.body.id}`)).status).toBe(200);
    expect((await county.put(`${T}/orglife/meetings/${assembly.body.id}/attendance`, { items: [{ memberId: first.memberId, status: 'absent' }] })).status).toBe(403);
    // bad input is a 400 with its reason, never a 5xx
    expect((await secretary.post(`${T}/orglife/meetings`, { villageId: village(0), kind: 'assembly', heldOn: addDays(today, 1), topic: '明天' })).body.code).toBe('orglife.date_in_future');
    expect((await secretary.post(`${T}/orglife/meetings`, { villageId: village(0), kind: 'assembly', heldOn: today, startTime: '10:00', topic: '只有开始' })).body.code).toBe('orglife.times_both');
    expect((await secretary.post(`${T}/orglife/meetings`, { villageId: village(0), kind: 'assembly', heldOn: today, startTime: '10:00', endTime: '09:00', topic: '倒序' })).body.code).toBe('orglife.end_before_start');
  });

  it('takes a member’s phone check-in during the meeting with the rotating QR, and refuses one outside its time or with another code', async () => {
    const admin = await ctx.fixture.as('adminA');
    const villageId = village(0);
    // the whole of today, so that the test holds at any hour (a meeting does not run past midnight)
    const now = await admin.post(`${T}/orglife/meetings`, { villageId, kind: 'theme_day', heldOn: today, startTime: '00:00', endTime: '23:59', topic: '主题党日：环境整治' });
    const before = await admin.post(`${T}/orglife/meetings`, { villageId, kind: 'lecture', heldOn: addDays(today, -1), startTime: '09:00', endTime: '11:00', topic: '党课：昨天' });
    const creds = await admin.post(`${T}/evaluation/member-credentials`, { villageId });
    const [m1, m2, m3] = creds.body.items as { memberId: string; code: string; pin: string }[];

    const qr = await admin.get(`${T}/orglife/meetings/${now.body.id}/checkin-qr`);
    expect(qr.status).toBe(200);
    expect(qr.body.svg).toContain('<svg');
    expect(new URL(qr.body.url).searchParams.get('k')).toBe(qr.body.token);
    const phone = ctx.fixture.anonymous();
    const checkIn = (meetingId: string, token: string, cred = m1) => phone.post(`${T}/orglife/checkin/${meetingId}`, { token, memberCode: cred.code, pin: cred.pin });

    const done = await checkIn(now.body.id, qr.body.token);
    expect(done.status).toBe(201);
    expect(done.body.name).toBeTruthy();
    // the same phone again: already checked in, nothing changes
    expect((await checkIn(now.body.id, qr.body.token)).status).toBe(200);
    // a wrong PIN proves nobody
    expect((await checkIn(now.body.id, qr.body.token, { ...m2, pin: m2.pin === '000000' ? '111111' : '000000' })).status).toBe(401);
    // a code of another meeting, a code that expired (a photo forwarded home), a typed 6-digit code: refused
    const key = (id: string) => ({ tenantId: ctx.fixture.a.tenantId, sessionId: `meeting:${id}` });
    const other = await currentQr(TEST_APP_SECRET, key(before.body.id), TIMING);
    expect((await checkIn(now.body.id, other.token, m2)).body.code).toBe('orglife.checkin_code_invalid');
    const stale = await currentQr(TEST_APP_SECRET, key(now.body.id), TIMING, Date.now() - 5 * 60_000);
    expect((await checkIn(now.body.id, stale.token, m2)).status).toBe(403);
    expect((await checkIn(now.body.id, '123456', m2)).body.code).toBe('orglife.checkin_code_invalid');
    // a valid code of yesterday's meeting, after it ended: refused, and its QR is no longer shown
    expect((await admin.get(`${T}/orglife/meetings/${before.body.id}/checkin-qr`)).body.code).toBe('orglife.checkin_ended');
    const late = await checkIn(before.body.id, other.token, m3);
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('orglife.checkin_ended');
    // a member of another village is not on this roster
    const creds2 = await admin.post(`${T}/evaluation/member-credentials`, { villageId: village(1) });
    expect((await checkIn(now.body.id, qr.body.token, creds2.body.items[0])).body.code).toBe('orglife.not_on_roster');

    const detail = await admin.get(`${T}/orglife/meetings/${now.body.id}`);
    const rows: Attendee[] = detail.body.attendance;
    expect(rows.find((a) => a.memberId === m1.memberId)).toMatchObject({ status: 'present' });
    expect(rows.find((a) => a.memberId === m1.memberId)!.checkedInAt).not.toBeNull();
    expect(rows.filter((a) => a.checkedInAt)).toHaveLength(1);
    // 主题党日 links to the month's 初心三人行 visits of the village
    expect(detail.body.visitsOfMonth).toMatchObject({ month: today.slice(0, 7) });
  });

  it('counts the required meetings of a year into the red line and the warning lists (township home, county)', async () => {
    const admin = await ctx.fixture.as('adminA');
    const settings = (await admin.get(`${T}/settings`)).body;
    // the members' meeting each quarter and a party lecture each year; nothing else required here
    const orgLife = { assembly: 'quarter', committee: 'none', group: 'none', lecture: 'year', theme_day: 'none', life_meeting: 'none', review: 'none' };
    expect((await admin.put(`${T}/settings`, { ...settings, orgLife })).status).toBe(200);
    const hold = async (villageId: string, kind: string, heldOn: string) =>
      expect((await admin.post(`${T}/orglife/meetings`, { villageId, kind, heldOn, topic: `${kind} ${heldOn}` })).status).toBe(201);
    // village 0 holds all four quarters and the lecture; village 1 misses Q2 and Q4 and the lecture; village 2 nothing
    for (const day of ['02-10', '05-20', '08-15', '12-31']) await hold(village(0), 'assembly', `${LAST_YEAR}-${day}`);
    await hold(village(0), 'lecture', `${LAST_YEAR}-07-01`);
    for (const day of ['03-31', '09-01']) await hold(village(1), 'assembly', `${LAST_YEAR}-${day}`);
    // a meeting on the first of January of the year after counts for that year, not this one
    await hold(village(1), 'assembly', `${LAST_YEAR + 1}-01-01`);

    const warnings = await admin.get(`${T}/orglife/warnings?year=${LAST_YEAR}`);
    const byVillage = new Map(warnings.body.items.map((w: { villageId: string; missed: { kind: string; period: string }[] }) => [w.villageId, w.missed]));
    expect(byVillage.has(village(0))).toBe(false);
    expect(byVillage.get(village(1))).toEqual([
      { kind: 'assembly', period: `${LAST_YEAR}-Q2` },
      { kind: 'assembly', period: `${LAST_YEAR}-Q4` },
      { kind: 'lecture', period: String(LAST_YEAR) },
    ]);
    expect(byVillage.get(village(2))).toHaveLength(5);

    // the red line is off until the township switches it on (past meetings are not recorded on day one)
    const rules = (await admin.get(`${T}/stars/red-line-rules`)).body as { id: string; code: string; enabled: boolean; title: string; mode: string; source: string; threshold: number }[];
    const rule = rules.find((r) => r.code === 'org_life')!;
    expect(rule).toMatchObject({ enabled: false, source: 'org_life', threshold: 1 });
    expect((await admin.put(`${T}/stars/red-line-rules/${rule.id}`, { title: rule.title, mode: 'computed', source: 'org_life', threshold: 2, enabled: true })).status).toBe(200);
    expect((await admin.post(`${T}/job-runs`, { job: 'recompute', year: LAST_YEAR })).body.status).toBe('finished');
    const results = await admin.get(`${T}/stars/results?year=${LAST_YEAR}`);
    const hits = (id: string) => results.body.items.find((r: { subjectId: string }) => r.subjectId === id).redLines.filter((h: { code: string }) => h.code === 'org_life');
    expect(hits(village(0))).toEqual([]);
    expect(hits(village(1))[0]).toMatchObject({ actual: 3, threshold: 2 });
    expect(hits(village(1))[0].reason).toContain('3 次');
    expect(hits(village(2))[0]).toMatchObject({ actual: 5 });

    // the county watches the same list, per township
    const countyViewer = await ctx.fixture.as('countyViewer');
    const county = await countyViewer.get(`/api/county/${ctx.fixture.countyId}/org-life?year=${LAST_YEAR}`);
    expect(county.status).toBe(200);
    const alpha = county.body.townships.find((t: { slug: string }) => t.slug === 'alpha');
    expect(alpha.villages.map((v: { villageId: string }) => v.villageId).sort()).toEqual([village(1), village(2)].sort());
    expect((await (await ctx.fixture.as('otherCountyViewer')).get(`/api/county/${ctx.fixture.countyId}/org-life`)).status).toBe(404);
    // this year's running period shows on the township home page as due
    const home = await admin.get(`${T}/home/township`);
    expect(home.body.orgLifeWarnings.some((w: { due: unknown[] }) => w.due.length > 0)).toBe(true);
  });

  it('keeps a meeting’s photos by their bytes: JPEG, PNG or WebP under 5 MB, with the EXIF location stripped', async () => {
    const secretary = await ctx.fixture.as('secretaryA');
    const meeting = await secretary.post(`${T}/orglife/meetings`, { villageId: village(0), kind: 'lecture', heldOn: today, topic: '党课：红色家风' });
    const path = `${T}/orglife/meetings/${meeting.body.id}/photos`;
    // named and typed as a PNG, it is a JPEG: accepted as what it is
    const added = await upload(secretary, path, jpegWithGps(), 'IMG_0001.png', 'image/png');
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.contentType).toBe('image/jpeg');
    const photo = await ctx.server.fetch(`${T}/orglife/photos/${added.body.id}`, { headers: { cookie: secretary.cookieHeader() } });
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const kept = new Uint8Array(await photo.arrayBuffer());
    expect(new TextDecoder('latin1').decode(kept)).not.toContain('GPS');
    expect([kept[0], kept[1], kept.at(-2), kept.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    // a PDF named photo.jpg, a GIF, a phone's HEIC sent as it is: refused by their bytes
    const pdf = await upload(secretary, path, new TextEncoder().encode('%PDF-1.7\n'), 'photo.jpg', 'image/jpeg');
    expect(pdf.status).toBe(415);
    expect(pdf.body.code).toBe('orglife.photo_type');
    expect((await upload(secretary, path, new TextEncoder().encode('GIF89a....'), 'a.gif', 'image/gif')).status).toBe(415);
    expect((await upload(secretary, path, Uint8Array.from([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]), 'IMG.HEIC', 'image/heic')).status).toBe(415);
    // over 5 MB: refused with the limit named
    const large = await upload(secretary, path, jpegWithGps(5 * 1024 * 1024), 'big.jpg', 'image/jpeg');
    expect(large.status).toBe(413);
    expect(large.body.message).toContain('5 MB');
    const detail = await secretary.get(`${T}/orglife/meetings/${meeting.body.id}`);
    expect(detail.body.photos.map((p: { id: string }) => p.id)).toEqual([added.body.id]);
    // a county viewer sees photos, never adds or removes them
    const county = await ctx.fixture.as('countyViewer');
    expect((await upload(county, path, jpegWithGps(), 'a.jpg', 'image/jpeg')).status).toBe(403);
    expect((await secretary.delete(`${T}/orglife/photos/${added.body.id}`)).status).toBe(204);
    expect((await secretary.get(`${T}/orglife/photos/${added.body.id}`)).status).toBe(404);
  });

  it('refuses (413) to export a township whose photos would not fit in one file, before a byte or an audit row of it', async () => {
    const secretary = await ctx.fixture.as('secretaryA');
    const meeting = await secretary.post(`${T}/orglife/meetings`, { villageId: village(0), kind: 'lecture', heldOn: today, topic: '党课：照片太多' });
    // a row as an upload writes it, its size over what one file holds (EXPORT_LIMITS: ZIP without ZIP64)
    const tenantId = ctx.fixture.a.tenantId;
    const [row] = await ctx.server.db
      .insert(orgMeetingPhotos)
      .values({ tenantId, meetingId: meeting.body.id, storeKey: photoKey(tenantId, meeting.body.id, 'big'), contentType: 'image/jpeg', bytes: 4 * 1024 ** 3, sha256: '0'.repeat(64), createdBy: 'test' })
      .returning({ id: orgMeetingPhotos.id });
    const exports = async () => (await ctx.server.db.select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, 'export.tenant')))).length;
    const before = await exports();
    for (const [login, path] of [
      ['adminA', `${T}/export`],
      ['platformAdmin', `/api/platform/tenants/${tenantId}/export`],
    ] as const) {
      const refused = await (await ctx.fixture.as(login)).get(path);
      expect(refused.status, path).toBe(413);
      expect(refused.headers.get('content-type')).toContain('application/json');
      expect(refused.body).toMatchObject({ code: 'transfer.export_too_large', message: '该乡镇有 1 张会议照片（4.0 GB），超出一个导出文件的容量（6 万张、3.5 GB）' });
    }
    expect(await exports()).toBe(before);
    await ctx.server.db.delete(orgMeetingPhotos).where(eq(orgMeetingPhotos.id, row.id));
    expect((await (await ctx.fixture.as('adminA')).get(`${T}/export`)).status).toBe(200);
  });

  it('imports a year’s records from XLSX, all rows or none, and prints the year’s register (台账) that reads back', async () => {
    const admin = await ctx.fixture.as('adminA');
    const YEAR = LAST_YEAR - 1;
    const villageId = village(2);
    const villageName = ctx.fixture.a.rows.villages[2].name;
    const people = membersOf(villageId);
    const committee = people.filter((m) => m.isCommittee);
    const header = ['村名', '会议类型', '日期', '起止时间', '主题', '地点', '主持人', '记录人', '出席人员', '请假人员（事由）', '会议记录', '决议'];
    const rows = Array.from({ length: 12 }, (_, i) => [
      villageName,
      '支委会',
      `${YEAR}/${i + 1}/15`,
      '09:00-10:30',
      `${i + 1}月支委会`,
      '村委会议室',
      committee[0].name,
      committee[1].name,
      committee.slice(0, -1).map((m) => m.name).join('、'),
      `${committee.at(-1)!.name}（外出务工）`,
      '研究本月重点工作。',
      '',
    ]);
    rows.push([villageName, '党员活动日', `${YEAR}年6月1日`, '', '主题党日：清理河道', '', '', '', people.map((m) => m.name).join('，'), '', '', '']);
    const file = (table: (string | number)[][]) => {
      const form = new FormData();
      form.set('file', new Blob([writeXlsx('台账', table) as Uint8Array<ArrayBuffer>]), 'records.xlsx');
      return form;
    };
    const send = async (path: string, form: FormData) => {
      const encoded = new Response(form);
      const response = await ctx.server.fetch(`${T}/orglife/imports/${path}`, {
        method: 'POST',
        headers: { origin: 'http://127.0.0.1', cookie: admin.cookieHeader(), 'content-type': encoded.headers.get('content-type')! },
        body: new Uint8Array(await encoded.arrayBuffer()),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    // one bad row among thirteen: a name not on the roster, a date that is no date
    const bad = [...rows, [villageName, '党课', `${YEAR}-02-30`, '', '党课', '', '', '', '王不在', '', '', '']];
    const preview = await send('preview', file([['甲镇组织生活台账'], header, ...bad]));
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows: 14, valid: 13, errorCount: 2 });
    expect(preview.body.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual(['16:日期', '16:出席人员']);
    const refused = await send('commit', file([header, ...bad]));
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('import.has_errors');
    expect((await admin.get(`${T}/orglife/meetings?year=${YEAR}`)).body.total).toBe(0);

    const done = await send('commit', file([header, ...rows]));
    expect(done.status).toBe(201);
    expect(done.body.inserted).toBe(13);
    const list = await admin.get(`${T}/orglife/meetings?year=${YEAR}&kind=committee&villageId=${villageId}`);
    expect(list.body.total).toBe(12);
    expect(list.body.items[0].attendance).toEqual({ present: committee.length - 1, leave: 1, absent: 0 });
    // twelve committee meetings: that requirement is met for the year
    const warnings = await admin.get(`${T}/orglife/warnings?year=${YEAR}`);
    const missed = warnings.body.items.find((w: { villageId: string }) => w.villageId === villageId)?.missed ?? [];
    expect(missed.filter((m: { kind: string }) => m.kind === 'committee')).toEqual([]);

    const register = await ctx.server.fetch(`${T}/orglife/register.xlsx?villageId=${villageId}&year=${YEAR}`, { headers: { cookie: admin.cookieHeader() } });
    expect(register.status).toBe(200);
    expect(decodeURIComponent(register.headers.get('content-disposition')!)).toContain(`${villageName}${YEAR}年组织生活台账.xlsx`);
    const bytes = new Uint8Array(await register.arrayBuffer());
    const sheet = readXlsx(bytes);
    expect(sheet[0][0]).toBe(`${villageName}${YEAR}年组织生活台账`);
    expect(sheet[1]).toEqual([...header, '应到', '实到', '缺席人员', '扫码签到']);
    expect(sheet).toHaveLength(2 + 13);
    expect(sheet[2].slice(0, 5)).toEqual([villageName, '支委会', `${YEAR}-01-15`, '09:00-10:30', '1月支委会']);
    expect(sheet[2][9]).toBe(`${committee.at(-1)!.name}（外出务工）`);
    // the printed register reads back as an import (its title row above the header)
    const again = new FormData();
    again.set('file', new Blob([bytes]), 'register.xlsx');
    expect((await send('preview', again)).body).toMatchObject({ rows: 13, valid: 13, errorCount: 0 });
    // a secretary prints only their own village's
    const secretary = await ctx.fixture.as('secretaryA');
    expect((await secretary.get(`${T}/orglife/register.xlsx?villageId=${villageId}&year=${YEAR}`)).status).toBe(404);
  });
});
