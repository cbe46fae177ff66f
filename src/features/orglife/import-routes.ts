import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { members, orgMeetingAttendance, orgMeetings, villages } from '../../db/schema';
import { shanghaiClock } from '../../domain/calendar';
import { AppError, badRequest, notFound } from '../../platform/errors';
import { translate } from '../../platform/i18n';
import { shanghaiDate, shanghaiYear } from '../../platform/time';
import { readTable } from '../../platform/tables/read-table';
import { writeXlsx } from '../../platform/tables/xlsx';
import { idField, input, yearText } from '../../platform/validate';
import { contentDisposition } from '../../platform/download';
import { listedVillage, ownVillage } from '../rosters';
import { KIND_LABELS, MAX_MEETING_IMPORT_ROWS, MEETING_COLUMNS, validateMeetingTable, type MeetingImportRecord } from './import-rules';
import { meetingRows, rosterFor } from './meetings';

const upload = z.object({ file: z.instanceof(File) });
const MAX_LISTED_ERRORS = 200;
/** D1 binds at most 100 parameters per statement: attendance rows (7 columns) a statement */
const ATTENDANCE_ROWS = 12;

async function analyse(c: Context<AppEnv>, file: File) {
  const table = readTable(new Uint8Array(await file.arrayBuffer()));
  if (table.length - 1 > MAX_MEETING_IMPORT_ROWS) throw badRequest('import.too_many_rows', { max: MAX_MEETING_IMPORT_ROWS });
  const scope = c.var.scope!;
  const own = ownVillage(c.var.actor);
  const [villageRows, memberRows] = await scope.db.batch([
    scope.db.select({ id: villages.id, name: villages.name }).from(villages).where(scope.where(villages, own ? eq(villages.id, own) : undefined)),
    scope.db
      .select({ id: members.id, name: members.name, villageId: members.villageId, committee: members.isCommittee })
      .from(members)
      .where(scope.where(members, own ? eq(members.villageId, own) : undefined)),
  ]);
  const rosters = new Map<string, Map<string, { id: string; committee: boolean }>>();
  for (const m of memberRows) {
    const roster = rosters.get(m.villageId) ?? new Map();
    roster.set(m.name, { id: m.id, committee: m.committee });
    rosters.set(m.villageId, roster);
  }
  const result = validateMeetingTable(table, { villages: new Map(villageRows.map((v) => [v.name, v.id])), rosters, ownVillageId: own, today: shanghaiDate() });
  if (result.rows === 0 && !result.errors.length) throw badRequest('import.empty');
  const errors = result.errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({ row: e.row, column: e.column, code: e.code, message: translate(c.var.locale, e.code, e.params) }));
  return { result, errors, villageNames: new Map(villageRows.map((v) => [v.id, v.name])) };
}

const sample = (records: MeetingImportRecord[], villageNames: Map<string, string>) =>
  records.slice(0, 20).map((r) => ({
    row: r.row,
    villageName: villageNames.get(r.villageId)!,
    kind: r.kind,
    heldOn: r.heldOn,
    topic: r.topic,
    present: [...r.statuses.values()].filter((s) => s.status === 'present').length,
    leave: [...r.statuses.values()].filter((s) => s.status === 'leave').length,
  }));

const registerQuery = z.object({ villageId: idField, year: z.optional(yearText) });

/** Past records from the township's spreadsheets (preview, then all rows or none), and the year's register (台账) to print. */
export const registerRoutes = new Hono<AppEnv>()
  .post('/imports/preview', allow('township_admin', 'village_secretary'), input('form', upload), async (c) => {
    const { result, errors, villageNames } = await analyse(c, c.req.valid('form').file);
    return c.json({ rows: result.rows, valid: result.records.length, errorCount: result.errors.length, errors, sample: sample(result.records, villageNames) });
  })
  .post('/imports/commit', allow('township_admin', 'village_secretary'), input('form', upload), async (c) => {
    const { result, errors } = await analyse(c, c.req.valid('form').file);
    if (result.errors.length) throw new AppError(400, 'import.has_errors', { count: result.errors.length }, errors);
    const scope = c.var.scope!;
    const rosterCache = new Map<string, Awaited<ReturnType<typeof rosterFor>>>();
    const statements: BatchItem<'sqlite'>[] = [];
    for (const record of result.records) {
      const key = `${record.villageId}:${record.kind === 'committee'}`;
      if (!rosterCache.has(key)) rosterCache.set(key, await rosterFor(scope, record.villageId, record.kind));
      const { row, attendance } = meetingRows(c, record, rosterCache.get(key)!, record.statuses);
      statements.push(scope.insert(orgMeetings, [row]));
      for (let i = 0; i < attendance.length; i += ATTENDANCE_ROWS) statements.push(scope.insert(orgMeetingAttendance, attendance.slice(i, i + ATTENDANCE_ROWS)));
    }
    // one batch: every record or none
    await scope.db.batch([audit(c, { action: 'import.meetings', entity: 'org_meeting', summary: { rows: result.records.length } }), ...statements]);
    return c.json({ inserted: result.records.length }, 201);
  })
  .get('/register.xlsx', allow(...TOWNSHIP_READERS), input('query', registerQuery), async (c) => {
    const { villageId, year: asked } = c.req.valid('query');
    const year = asked ?? shanghaiYear();
    const scope = c.var.scope!;
    // a secretary naming another village: as if it did not exist, in the words every village filter uses
    const village = await scope.find(villages, listedVillage(c.var.actor, villageId)!);
    if (!village) throw notFound('rosters.village_not_found');
    const [meetings, attendance] = await scope.db.batch([
      scope.db
        .select()
        .from(orgMeetings)
        .where(scope.where(orgMeetings, eq(orgMeetings.villageId, villageId), and(gte(orgMeetings.heldOn, `${year}-01-01`), lt(orgMeetings.heldOn, `${year + 1}-01-01`))))
        .orderBy(asc(orgMeetings.heldOn), asc(orgMeetings.createdAt)),
      scope.db
        .select({ meetingId: orgMeetingAttendance.meetingId, name: orgMeetingAttendance.name, status: orgMeetingAttendance.status, reason: orgMeetingAttendance.reason, checkedInAt: orgMeetingAttendance.checkedInAt })
        .from(orgMeetingAttendance)
        .innerJoin(orgMeetings, and(eq(orgMeetings.id, orgMeetingAttendance.meetingId), eq(orgMeetings.tenantId, orgMeetingAttendance.tenantId)))
        .where(scope.where(orgMeetingAttendance, eq(orgMeetings.villageId, villageId), gte(orgMeetings.heldOn, `${year}-01-01`), lt(orgMeetings.heldOn, `${year + 1}-01-01`)))
        .orderBy(asc(orgMeetingAttendance.name)),
    ]);
    const of = (id: string, status: string) => attendance.filter((a) => a.meetingId === id && a.status === status);
    const title = translate(c.var.locale, 'orglife.register.title', { village: village.name, year });
    // the import's own columns first (the register reads back as an import), then the counts the township checks
    const header = [...MEETING_COLUMNS.map((col) => col.header), '应到', '实到', '缺席人员', '扫码签到'];
    const rows = meetings.map((m) => {
      const present = of(m.id, 'present');
      const cells: Record<string, string | number> = {
        村名: village.name,
        会议类型: KIND_LABELS[m.kind],
        日期: m.heldOn,
        起止时间: m.startsAt && m.endsAt ? `${shanghaiClock(m.startsAt)}-${shanghaiClock(m.endsAt)}` : '',
        主题: m.topic,
        地点: m.place,
        主持人: m.host,
        记录人: m.recorder,
        出席人员: present.map((a) => a.name).join('、'),
        '请假人员（事由）': of(m.id, 'leave').map((a) => `${a.name}（${a.reason}）`).join('、'),
        会议记录: m.minutes,
        决议: m.resolutions,
        应到: attendance.filter((a) => a.meetingId === m.id).length,
        实到: present.length,
        缺席人员: of(m.id, 'absent').map((a) => a.name).join('、'),
        扫码签到: present.filter((a) => a.checkedInAt).length,
      };
      return header.map((h) => cells[h]);
    });
    // the register names members: downloaded as personal data is, with its audit row
    await scope.db.batch([audit(c, { action: 'export.orglife_register', entity: 'org_meeting', summary: { villageId, year, rows: rows.length } })]);
    c.header('Content-Disposition', contentDisposition(`${title}.xlsx`, `orglife-register-${year}.xlsx`));
    c.header('Cache-Control', 'no-store');
    const bytes = writeXlsx(title.slice(0, 31), [[title], header, ...rows], [8, 12, 12, 12, 30, 16, 8, 8, 30, 24, 40, 30, 6, 6, 24, 8]);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  });
