import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ATTENDANCE_STATUSES, IMAGE_TYPES, MEETING_KINDS } from '../../domain/vocabulary';
import { createdAt, idColumn, updatedAt } from './columns';
import { members, villages } from './rosters';
import { tenantId } from './tenant-column';

/** One organisation-life meeting of a branch (三会一课 · 主题党日 · 组织生活会 · 民主评议), as its record (台账) keeps it. */
export const orgMeetings = sqliteTable(
  'org_meetings',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    kind: text('kind', { enum: MEETING_KINDS }).notNull(),
    /** Shanghai calendar date YYYY-MM-DD: the month and quarter the frequency rule counts it in */
    heldOn: text('held_on').notNull(),
    /** UTC instants of its start and end: the phone check-in's window; null for a record entered without times (an import) */
    startsAt: text('starts_at'),
    endsAt: text('ends_at'),
    topic: text('topic').notNull(),
    place: text('place').notNull().default(''),
    /** who chaired it and who kept the minutes (names, as the register prints them) */
    host: text('host').notNull().default(''),
    recorder: text('recorder').notNull().default(''),
    minutes: text('minutes').notNull().default(''),
    resolutions: text('resolutions').notNull().default(''),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('org_meetings_tenant_village_held').on(t.tenantId, t.villageId, t.heldOn),
    index('org_meetings_tenant_held').on(t.tenantId, t.heldOn),
    check('org_meetings_times', sql`(${t.startsAt} IS NULL) = (${t.endsAt} IS NULL) AND (${t.startsAt} IS NULL OR ${t.startsAt} < ${t.endsAt})`),
  ],
);

/** A member on a meeting's roster (the branch's members when it was recorded; the committee's for 支委会). */
export const orgMeetingAttendance = sqliteTable(
  'org_meeting_attendance',
  {
    id: idColumn(),
    tenantId: tenantId(),
    meetingId: text('meeting_id')
      .notNull()
      .references(() => orgMeetings.id, { onDelete: 'cascade' }),
    /** null once the member left the roster: the register keeps their name */
    memberId: text('member_id').references(() => members.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    status: text('status', { enum: ATTENDANCE_STATUSES }).notNull().default('absent'),
    /** why a member was on leave (请假事由) */
    reason: text('reason').notNull().default(''),
    /** when the member's phone checked in on the spot (UTC); null when recorded by the secretary */
    checkedInAt: text('checked_in_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('org_meeting_attendance_member').on(t.meetingId, t.memberId),
    index('org_meeting_attendance_tenant_meeting').on(t.tenantId, t.meetingId),
    check('org_meeting_attendance_leave', sql`${t.status} <> 'leave' OR length(${t.reason}) > 0`),
  ],
);

/** A photo of a meeting: the bytes live in the photo store (R2 on Workers, a directory in Node), metadata stripped. */
export const orgMeetingPhotos = sqliteTable(
  'org_meeting_photos',
  {
    id: idColumn(),
    tenantId: tenantId(),
    meetingId: text('meeting_id')
      .notNull()
      .references(() => orgMeetings.id, { onDelete: 'cascade' }),
    /** the store's key: photos/<tenant>/<meeting>/<id> */
    storeKey: text('store_key').notNull(),
    contentType: text('content_type', { enum: IMAGE_TYPES }).notNull(),
    bytes: integer('bytes').notNull(),
    sha256: text('sha256').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('org_meeting_photos_tenant_meeting').on(t.tenantId, t.meetingId)],
);
