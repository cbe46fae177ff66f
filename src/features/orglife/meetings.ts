import { and, asc, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { memberGrades, members, orgMeetingAttendance, orgMeetingPhotos, orgMeetings } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { shanghaiInstant } from '../../domain/calendar';
import type { AttendanceStatus, MeetingKind } from '../../domain/vocabulary';
import { badRequest } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { rosterOfKind } from './rules';

/** A meeting as the routes and the import take it: a Shanghai date, optional "HH:MM" times, the record's text. */
export interface MeetingFields {
  villageId: string;
  kind: MeetingKind;
  heldOn: string;
  startTime?: string | null;
  endTime?: string | null;
  topic: string;
  place?: string;
  host?: string;
  recorder?: string;
  minutes?: string;
  resolutions?: string;
}

/** The UTC window of a meeting from its date and times; both or neither, and the end after the start. */
export function meetingTimes(f: Pick<MeetingFields, 'heldOn' | 'startTime' | 'endTime'>): { startsAt: string | null; endsAt: string | null } {
  if (!f.startTime && !f.endTime) return { startsAt: null, endsAt: null };
  if (!f.startTime || !f.endTime) throw badRequest('orglife.times_both');
  if (f.endTime <= f.startTime) throw badRequest('orglife.end_before_start');
  return { startsAt: shanghaiInstant(f.heldOn, f.startTime), endsAt: shanghaiInstant(f.heldOn, f.endTime) };
}

/** The members a new meeting's attendance starts from (all absent until recorded): the committee for 支委会, else the branch. */
export async function rosterFor(scope: TenantScope, villageId: string, kind: MeetingKind) {
  return scope.db
    .select({ id: members.id, name: members.name })
    .from(members)
    .where(scope.where(members, eq(members.villageId, villageId), rosterOfKind(kind) === 'committee' ? eq(members.isCommittee, true) : undefined))
    .orderBy(asc(members.name), asc(members.id));
}

/**
 * The rows of a new meeting: the meeting and its attendance from the roster (statuses given by name where an
 * import or the page recorded them, absent otherwise). For one batch with its audit row.
 */
export function meetingRows(
  c: Context<AppEnv>,
  fields: MeetingFields,
  roster: { id: string; name: string }[],
  statuses: Map<string, { status: AttendanceStatus; reason: string }> = new Map(),
) {
  const row = {
    id: newId(),
    villageId: fields.villageId,
    kind: fields.kind,
    heldOn: fields.heldOn,
    ...meetingTimes(fields),
    topic: fields.topic,
    place: fields.place ?? '',
    host: fields.host ?? '',
    recorder: fields.recorder ?? '',
    minutes: fields.minutes ?? '',
    resolutions: fields.resolutions ?? '',
    createdBy: actorId(c.var.actor),
  };
  const attendance = roster.map((m) => ({ id: newId(), meetingId: row.id, memberId: m.id, name: m.name, status: 'absent' as AttendanceStatus, reason: '', ...statuses.get(m.id) }));
  return { row, attendance };
}

export async function attendanceOf(scope: TenantScope, meetingId: string) {
  return scope.db
    .select({
      id: orgMeetingAttendance.id,
      memberId: orgMeetingAttendance.memberId,
      name: orgMeetingAttendance.name,
      status: orgMeetingAttendance.status,
      reason: orgMeetingAttendance.reason,
      checkedInAt: orgMeetingAttendance.checkedInAt,
    })
    .from(orgMeetingAttendance)
    .where(scope.where(orgMeetingAttendance, eq(orgMeetingAttendance.meetingId, meetingId)))
    .orderBy(asc(orgMeetingAttendance.name), asc(orgMeetingAttendance.id));
}

export async function photosOf(scope: TenantScope, meetingId: string) {
  return scope.db
    .select({ id: orgMeetingPhotos.id, contentType: orgMeetingPhotos.contentType, bytes: orgMeetingPhotos.bytes, createdAt: orgMeetingPhotos.createdAt })
    .from(orgMeetingPhotos)
    .where(scope.where(orgMeetingPhotos, eq(orgMeetingPhotos.meetingId, meetingId)))
    .orderBy(asc(orgMeetingPhotos.createdAt));
}

/**
 * What a meeting links to: 民主评议 grades the branch meeting decided that day (rating records the
 * meeting's date with each grade), and for 主题党日 (党员活动日) the month's 初心三人行 visits of the village.
 */
export async function meetingLinks(scope: TenantScope, meeting: typeof orgMeetings.$inferSelect) {
  const grades =
    meeting.kind === 'review' || meeting.kind === 'assembly'
      ? await scope.db
          .select({ memberId: memberGrades.memberId, name: members.name, grade: memberGrades.grade, year: memberGrades.year })
          .from(memberGrades)
          .innerJoin(members, and(eq(members.id, memberGrades.memberId), eq(members.tenantId, memberGrades.tenantId)))
          .where(scope.where(memberGrades, eq(memberGrades.villageId, meeting.villageId), eq(memberGrades.meetingOn, meeting.heldOn)))
          .orderBy(asc(members.name))
      : [];
  const month = meeting.heldOn.slice(0, 7);
  const visits =
    meeting.kind === 'theme_day'
      ? (
          await scope.db.all<{ visits: number; households: number; members: number }>(sql`
            SELECT count(*) AS visits, count(DISTINCT household_id) AS households, count(DISTINCT member_id) AS members
            FROM contact_visits WHERE tenant_id = ${scope.tenantId} AND village_id = ${meeting.villageId} AND visited_on LIKE ${`${month}-%`}`)
        ).map((r) => ({ month, visits: Number(r.visits), households: Number(r.households), members: Number(r.members) }))[0]
      : null;
  return { gradesDecided: grades, visitsOfMonth: visits };
}

/** The audit row of a new meeting (its attendance counted, not listed: the names are in the rows). */
export const meetingCreated = (c: Context<AppEnv>, row: { id: string } & object, attendees: number) =>
  audit(c, { action: 'meeting.create', entity: 'org_meeting', entityId: row.id, after: row, summary: { attendees } });
