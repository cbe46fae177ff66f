import { and, asc, desc, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { renderSVG } from 'uqr';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audit, audited } from '../../audit/record';
import { allow, publicRoute, TOWNSHIP_READERS } from '../../auth/guard';
import { orgMeetingAttendance, orgMeetingPhotos, orgMeetings, villages } from '../../db/schema';
import { ATTENDANCE_STATUSES, MEETING_KINDS } from '../../domain/vocabulary';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { shanghaiClock } from '../../domain/calendar';
import { shanghaiDate, shanghaiYear } from '../../platform/time';
import { idField, idParam, input, isoDate, paging, yearText } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { currentQr, isTypedCode, qrTiming, verifyEntry, verifyMemberPin, type SessionKey } from '../evaluation';
import { assertVillageVisible, listedVillage, villageListPage } from '../rosters';
import { attendanceOf, meetingCreated, meetingLinks, meetingRows, meetingTimes, photosOf, rosterFor } from './meetings';
import { checkInRefusal } from './rules';
import { townshipOrgLifeWarnings } from './warnings';

const clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/));
const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));

const meetingInput = z.object({
  villageId: idField,
  kind: z.enum(MEETING_KINDS),
  heldOn: isoDate,
  /** "HH:MM" in Asia/Shanghai: the phone check-in is open from the start to the end */
  startTime: z.optional(z.nullable(clock)),
  endTime: z.optional(z.nullable(clock)),
  topic: text(200).check(z.minLength(1)),
  place: z._default(text(200), ''),
  host: z._default(text(40), ''),
  recorder: z._default(text(40), ''),
  minutes: z._default(text(20_000), ''),
  resolutions: z._default(text(5000), ''),
});
const meetingPatch = z.partial(z.omit(meetingInput, { villageId: true, kind: true }));

const attendanceInput = z.object({
  items: z.array(z.object({ memberId: idField, status: z.enum(ATTENDANCE_STATUSES), reason: z._default(text(200), '') })).check(z.minLength(1), z.maxLength(500)),
});

const listQuery = z.object({
  villageId: z.optional(idField),
  year: z.optional(yearText),
  kind: z.optional(z.enum(MEETING_KINDS)),
  ...paging,
});

const checkInInput = z.object({
  /** the QR's token, as the scanned link carries it */
  token: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
  /** a member not signed in names themself with the code and PIN of their contact card */
  memberCode: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(20))),
  pin: z.optional(z.string().check(z.regex(/^\d{6}$/))),
});

const writers = allow('township_admin', 'village_secretary');

/** The check-in QR is signed per tenant and meeting: a meeting's code never opens another meeting (or an evaluation session). */
const qrKey = (tenantId: string, meetingId: string): SessionKey => ({ tenantId, sessionId: `meeting:${meetingId}` });

async function findMeeting(c: Context<AppEnv>, id: string) {
  const meeting = await c.var.scope!.find(orgMeetings, id);
  if (!meeting) throw notFound('orglife.meeting_not_found');
  assertVillageVisible(c.var.actor, meeting.villageId);
  return meeting;
}

/** Organisation-life records (三会一课 · 主题党日): meetings, their attendance and phone check-in, the warning list. */
export const meetingRoutes = new Hono<AppEnv>()
  .get('/meetings', allow(...TOWNSHIP_READERS), input('query', listQuery), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(
      orgMeetings,
      villageId ? eq(orgMeetings.villageId, villageId) : undefined,
      query.year ? and(gte(orgMeetings.heldOn, `${query.year}-01-01`), lt(orgMeetings.heldOn, `${query.year + 1}-01-01`)) : undefined,
      query.kind ? eq(orgMeetings.kind, query.kind) : undefined,
    );
    const page = await villageListPage(scope, orgMeetings, {
      where,
      orderBy: [desc(orgMeetings.heldOn), asc(villages.name), desc(orgMeetings.createdAt)],
      limit: query.limit,
      offset: query.offset,
    });
    const ids = page.items.map((m) => m.id);
    const counts = ids.length
      ? await scope.db.all<{ meetingId: string; status: string; n: number }>(sql`
          SELECT meeting_id AS meetingId, status, count(*) AS n FROM org_meeting_attendance
          WHERE tenant_id = ${scope.tenantId} AND meeting_id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) GROUP BY meeting_id, status`)
      : [];
    const tally = (id: string, status: string) => Number(counts.find((r) => r.meetingId === id && r.status === status)?.n ?? 0);
    return c.json({
      items: page.items.map((m) => ({
        id: m.id,
        villageId: m.villageId,
        villageName: m.villageName,
        kind: m.kind,
        heldOn: m.heldOn,
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        topic: m.topic,
        attendance: { present: tally(m.id, 'present'), leave: tally(m.id, 'leave'), absent: tally(m.id, 'absent') },
      })),
      total: page.totals.n,
    });
  })
  .get('/meetings/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const meeting = await findMeeting(c, c.req.valid('param').id);
    const scope = c.var.scope!;
    const [attendance, photos, links] = await Promise.all([attendanceOf(scope, meeting.id), photosOf(scope, meeting.id), meetingLinks(scope, meeting)]);
    return c.json({ ...meeting, attendance, photos, ...links });
  })
  .post('/meetings', writers, input('json', meetingInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    assertVillageVisible(c.var.actor, body.villageId);
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    if (body.heldOn > shanghaiDate()) throw badRequest('orglife.date_in_future');
    const { row, attendance } = meetingRows(c, body, await rosterFor(scope, body.villageId, body.kind));
    // D1 binds at most 100 parameters per statement: the attendance in statements of 12 rows (7 columns each)
    const chunks = [];
    for (let i = 0; i < attendance.length; i += 12) chunks.push(scope.insert(orgMeetingAttendance, attendance.slice(i, i + 12)));
    await scope.db.batch([scope.insert(orgMeetings, [row]), ...chunks, meetingCreated(c, row, attendance.length)]);
    return c.json({ ...row, attendance: await attendanceOf(scope, row.id) }, 201);
  })
  .patch('/meetings/:id', writers, input('param', idParam), input('json', meetingPatch), async (c) => {
    const meeting = await findMeeting(c, c.req.valid('param').id);
    const body = c.req.valid('json');
    const heldOn = body.heldOn ?? meeting.heldOn;
    if (heldOn > shanghaiDate()) throw badRequest('orglife.date_in_future');
    const { startTime, endTime, ...fields } = body;
    // a time not sent stays what it was (moved with the date where the date changes)
    const clockOf = (sent: string | null | undefined, stored: string | null) => (sent !== undefined ? sent : stored && shanghaiClock(stored));
    const times =
      startTime !== undefined || endTime !== undefined || body.heldOn !== undefined
        ? meetingTimes({ heldOn, startTime: clockOf(startTime, meeting.startsAt), endTime: clockOf(endTime, meeting.endsAt) })
        : {};
    const patch = { ...fields, ...times };
    const [updated] = await audited(c, c.var.scope!.update(orgMeetings, meeting.id, patch).returning(), {
      action: 'meeting.update',
      entity: 'org_meeting',
      entityId: meeting.id,
      before: meeting,
      after: patch,
    });
    return c.json(updated);
  })
  .delete('/meetings/:id', writers, input('param', idParam), async (c) => {
    const meeting = await findMeeting(c, c.req.valid('param').id);
    const scope = c.var.scope!;
    const photos = await scope.db.select({ key: orgMeetingPhotos.storeKey }).from(orgMeetingPhotos).where(scope.where(orgMeetingPhotos, eq(orgMeetingPhotos.meetingId, meeting.id)));
    await audited(c, scope.delete(orgMeetings, meeting.id), { action: 'meeting.delete', entity: 'org_meeting', entityId: meeting.id, before: meeting });
    // the rows went with the meeting (cascade); their objects after, so that no row is left pointing at nothing
    await c.var.photoStore?.delete(photos.map((p) => p.key));
    return c.body(null, 204);
  })
  .put('/meetings/:id/attendance', writers, input('param', idParam), input('json', attendanceInput), async (c) => {
    const meeting = await findMeeting(c, c.req.valid('param').id);
    const scope = c.var.scope!;
    const rows = await attendanceOf(scope, meeting.id);
    const byMember = new Map(rows.filter((r) => r.memberId).map((r) => [r.memberId!, r]));
    const writes: BatchItem<'sqlite'>[] = [];
    const changed: Record<string, string> = {};
    for (const item of c.req.valid('json').items) {
      const row = byMember.get(item.memberId);
      if (!row) throw badRequest('orglife.not_on_roster');
      if (item.status === 'leave' && !item.reason) throw badRequest('orglife.leave_reason', { name: row.name });
      const reason = item.status === 'leave' ? item.reason : '';
      if (row.status === item.status && row.reason === reason) continue;
      changed[row.name] = item.status;
      // a check-in stays recorded as how the member came, unless the secretary corrects the status away from present
      const checkedInAt = item.status === 'present' ? row.checkedInAt : null;
      writes.push(scope.db.update(orgMeetingAttendance).set({ status: item.status, reason, checkedInAt }).where(scope.where(orgMeetingAttendance, eq(orgMeetingAttendance.id, row.id))));
    }
    if (writes.length)
      await scope.db.batch([audit(c, { action: 'meeting.attendance', entity: 'org_meeting', entityId: meeting.id, summary: { changed } }), ...writes]);
    return c.json({ attendance: await attendanceOf(scope, meeting.id) });
  })
  .get('/meetings/:id/checkin-qr', writers, input('param', idParam), async (c) => {
    const meeting = await findMeeting(c, c.req.valid('param').id);
    const refusal = checkInRefusal(meeting, new Date());
    // shown from before the start (members arrive early), but a check-in is taken only from the start on
    if (refusal && refusal !== 'orglife.checkin_not_started') throw conflict(refusal);
    const timing = qrTiming(parseSettings(c.var.tenant!.settings));
    const qr = await currentQr(c.var.config.secrets.current, qrKey(c.var.tenant!.id, meeting.id), timing);
    // the member's page in the admin app (signed in as a party member): /t/<slug>/checkin, or /checkin on the township's own host
    const prefix = c.req.path.startsWith('/t/') ? `/t/${c.var.tenant!.slug}` : '';
    const url = `${new URL(c.req.url).origin}${prefix}/checkin?${new URLSearchParams({ m: meeting.id, k: qr.token })}`;
    c.header('Cache-Control', 'no-store');
    return c.json({ token: qr.token, url, rotatesAt: qr.rotatesAt, rotateSeconds: timing.rotateSeconds, validSeconds: timing.validSeconds, svg: renderSVG(url, { ecc: 'M', border: 2 }) });
  })
  .post('/checkin/:id', publicRoute(), input('param', idParam), input('json', checkInInput), async (c) => {
    const scope = c.var.scope!;
    const body = c.req.valid('json');
    const meeting = await scope.find(orgMeetings, c.req.valid('param').id);
    if (!meeting) throw notFound('orglife.meeting_not_found');
    const secrets = c.var.config.secrets;
    const timing = qrTiming(parseSettings(c.var.tenant!.settings));
    // only the rotating QR: no typed code (a million values to guess) and no printed poster (it never expires)
    const scanned = !isTypedCode(body.token) && !body.token.startsWith('p.');
    if (!scanned || !(await verifyEntry(secrets.current, qrKey(c.var.tenant!.id, meeting.id), body.token, timing)))
      throw new AppError(403, 'orglife.checkin_code_invalid');
    const refusal = checkInRefusal(meeting, new Date());
    if (refusal) throw new AppError(403, refusal);
    const actor = c.var.actor;
    let memberId: string;
    if (actor?.kind === 'user' && actor.role === 'party_member' && actor.memberId) memberId = actor.memberId;
    else if (body.memberCode && body.pin) memberId = await verifyMemberPin(scope, secrets, body.memberCode, body.pin);
    else throw badRequest('orglife.checkin_identify');
    const [row] = await scope.db
      .select()
      .from(orgMeetingAttendance)
      .where(scope.where(orgMeetingAttendance, eq(orgMeetingAttendance.meetingId, meeting.id), eq(orgMeetingAttendance.memberId, memberId)));
    if (!row) throw new AppError(403, 'orglife.not_on_roster');
    if (row.checkedInAt) return c.json({ name: row.name, checkedInAt: row.checkedInAt, topic: meeting.topic });
    const checkedInAt = new Date().toISOString();
    await scope.db.batch([
      scope.db
        .update(orgMeetingAttendance)
        .set({ status: 'present', reason: '', checkedInAt })
        .where(scope.where(orgMeetingAttendance, eq(orgMeetingAttendance.id, row.id), isNull(orgMeetingAttendance.checkedInAt))),
      audit(c, { action: 'meeting.checkin', entity: 'org_meeting', entityId: meeting.id, summary: { member: row.name }, onlyIfChanged: true }),
    ]);
    return c.json({ name: row.name, checkedInAt, topic: meeting.topic }, 201);
  })
  .get('/warnings', allow('township_admin', 'county_viewer'), input('query', z.object({ year: z.optional(yearText) })), async (c) => {
    const year = c.req.valid('query').year ?? shanghaiYear();
    const required = parseSettings(c.var.tenant!.settings).orgLife;
    return c.json({ year, required, items: await townshipOrgLifeWarnings(c.var.db, c.var.tenant!.id, required, year, shanghaiDate()) });
  });
