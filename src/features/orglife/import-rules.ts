/**
 * Past meeting records from a spreadsheet (the township's old 台账), validated as pure functions: what the
 * database holds (villages, rosters) is passed in, every row is checked, and the caller writes only a file
 * without errors.
 */
import type { AttendanceStatus, MeetingKind } from '../../domain/vocabulary';
import type { MessageKey } from '../../platform/i18n';
import { normalizeHeader, type RowError } from '../../platform/tables/table-import';

export const MAX_MEETING_IMPORT_ROWS = 1_000;

type Key = 'village' | 'kind' | 'date' | 'time' | 'topic' | 'place' | 'host' | 'recorder' | 'present' | 'leave' | 'minutes' | 'resolutions';
interface Column {
  key: Key;
  header: string;
  aliases: string[];
  required: boolean;
  max?: number;
}

/** The columns, in the order the register prints them (the export's header reads back as an import). */
export const MEETING_COLUMNS: Column[] = [
  { key: 'village', header: '村名', aliases: ['村', '村庄', '支部', 'village'], required: true },
  { key: 'kind', header: '会议类型', aliases: ['类型', '类别', 'kind'], required: true },
  { key: 'date', header: '日期', aliases: ['会议日期', '时间日期', 'date'], required: true },
  { key: 'time', header: '起止时间', aliases: ['时间', 'time'], required: false },
  { key: 'topic', header: '主题', aliases: ['会议主题', '议题', '内容', 'topic'], required: true, max: 200 },
  { key: 'place', header: '地点', aliases: ['会议地点', 'place'], required: false, max: 200 },
  { key: 'host', header: '主持人', aliases: ['主持', 'host'], required: false, max: 40 },
  { key: 'recorder', header: '记录人', aliases: ['记录', 'recorder'], required: false, max: 40 },
  { key: 'present', header: '出席人员', aliases: ['出席', '参会人员', '实到人员', 'present'], required: false, max: 5000 },
  { key: 'leave', header: '请假人员（事由）', aliases: ['请假人员', '请假', 'leave'], required: false, max: 5000 },
  { key: 'minutes', header: '会议记录', aliases: ['记录内容', '纪要', 'minutes'], required: false, max: 20_000 },
  { key: 'resolutions', header: '决议', aliases: ['会议决议', '决定事项', 'resolutions'], required: false, max: 5000 },
];

/** The names a register gives each kind of meeting. */
const KIND_NAMES: Record<string, MeetingKind> = {
  支部党员大会: 'assembly',
  党员大会: 'assembly',
  支委会: 'committee',
  支部委员会: 'committee',
  支委会议: 'committee',
  党小组会: 'group',
  党小组会议: 'group',
  党课: 'lecture',
  主题党日: 'theme_day',
  党员活动日: 'theme_day',
  主题党日活动: 'theme_day',
  组织生活会: 'life_meeting',
  民主评议: 'review',
  民主评议党员: 'review',
};
export const KIND_LABELS: Record<MeetingKind, string> = {
  assembly: '支部党员大会',
  committee: '支委会',
  group: '党小组会',
  lecture: '党课',
  theme_day: '主题党日',
  life_meeting: '组织生活会',
  review: '民主评议党员',
};

/** A date as registers write it: 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, or an Excel date serial. */
export function parseRegisterDate(text: string): string | null {
  let y: number, m: number, d: number;
  const written = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
  if (written) [y, m, d] = [Number(written[1]), Number(written[2]), Number(written[3])];
  else if (/^\d{5}$/.test(text)) {
    // days since 1899-12-30 (Excel's epoch, its 1900 leap-year bug included)
    const date = new Date(Date.UTC(1899, 11, 30) + Number(text) * 86_400_000);
    [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  } else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** "09:00-11:30" (or 9:00—11:30, 9:00至11:30) → both "HH:MM", the end after the start. */
export function parseTimeRange(text: string): { startTime: string; endTime: string } | null {
  const match = /^(\d{1,2})[:：](\d{2})\s*[-－—~～至到]+\s*(\d{1,2})[:：](\d{2})$/.exec(text);
  if (!match) return null;
  const [h1, m1, h2, m2] = match.slice(1).map(Number);
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return null;
  const pad = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  const [startTime, endTime] = [pad(h1, m1), pad(h2, m2)];
  return endTime > startTime ? { startTime, endTime } : null;
}

/** Names separated by 、，, ; or spaces; a leave entry may carry its reason in brackets: 张三（外出务工）. */
export function parseNames(text: string): { name: string; reason: string }[] {
  return text
    .split(/[、,，;；\s\u3000]+(?![^（(]*[）)])/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const bracket = /^(.+?)[（(](.*)[）)]$/.exec(part);
      return bracket ? { name: bracket[1].trim(), reason: bracket[2].trim() } : { name: part, reason: '' };
    });
}

export interface MeetingImportContext {
  /** the township's villages: name → id */
  villages: ReadonlyMap<string, string>;
  /** each village's members: name → { id, committee } */
  rosters: ReadonlyMap<string, ReadonlyMap<string, { id: string; committee: boolean }>>;
  /** a village secretary imports only their own village's records */
  ownVillageId?: string;
  /** Shanghai today: no record of a later date */
  today: string;
}

export interface MeetingImportRecord {
  row: number;
  villageId: string;
  kind: MeetingKind;
  heldOn: string;
  startTime: string | null;
  endTime: string | null;
  topic: string;
  place: string;
  host: string;
  recorder: string;
  minutes: string;
  resolutions: string;
  /** memberId → status (members not named are absent) */
  statuses: Map<string, { status: AttendanceStatus; reason: string }>;
}

const clean = (cell: string | undefined) => (cell ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
const HEADER_SEARCH_ROWS = 5;

/** Finds the header (a title row above it is allowed), maps the columns, validates every row. */
export function validateMeetingTable(table: string[][], context: MeetingImportContext) {
  const known = (cell: string) => MEETING_COLUMNS.find((c) => [c.header, ...c.aliases].some((h) => normalizeHeader(h).toLowerCase() === normalizeHeader(cell).toLowerCase()));
  const nonBlank = table.map((cells, i) => ({ cells, row: i + 1 })).filter(({ cells }) => cells.some((c) => clean(c) !== ''));
  const headerAt = Math.max(0, nonBlank.slice(0, HEADER_SEARCH_ROWS).findIndex(({ cells }) => cells.filter((c) => known(c)?.required).length >= 2));
  const header = nonBlank[headerAt];
  const errors: RowError[] = [];
  const records: MeetingImportRecord[] = [];
  if (!header) return { rows: 0, records, errors };
  const columnOf = new Map<Key, number>();
  header.cells.forEach((cell, i) => {
    const column = known(cell);
    if (column && !columnOf.has(column.key)) columnOf.set(column.key, i);
  });
  for (const column of MEETING_COLUMNS.filter((c) => c.required))
    if (!columnOf.has(column.key)) errors.push({ row: header.row, column: column.header, code: 'import.missing_column', params: { column: column.header } });
  const dataRows = nonBlank.slice(headerAt + 1);
  if (errors.length) return { rows: dataRows.length, records, errors };

  const spec = (key: Key) => MEETING_COLUMNS.find((c) => c.key === key)!;
  for (const { cells, row } of dataRows) {
    const before = errors.length;
    const fail = (key: Key, code: MessageKey, params: Record<string, string | number> = {}) => errors.push({ row, column: spec(key).header, code, params: { column: spec(key).header, ...params } });
    const cell = (key: Key) => {
      const value = clean(columnOf.has(key) ? cells[columnOf.get(key)!] : undefined);
      if (!value && spec(key).required) fail(key, 'import.row.required');
      else if (spec(key).max && [...value].length > spec(key).max!) fail(key, 'import.row.too_long', { max: spec(key).max! });
      return value;
    };

    const villageName = cell('village');
    const villageId = context.villages.get(villageName);
    if (villageName && !villageId) fail('village', 'import.row.unknown_village', { value: villageName });
    else if (villageId && context.ownVillageId && context.ownVillageId !== villageId) fail('village', 'import.row.other_village', { value: villageName });

    const kindText = cell('kind').replace(/[\s\u3000]/g, '');
    const kind = KIND_NAMES[kindText];
    if (kindText && !kind) fail('kind', 'orglife.import.kind', { value: kindText });

    const dateText = cell('date');
    const heldOn = dateText ? parseRegisterDate(dateText) : null;
    if (dateText && !heldOn) fail('date', 'orglife.import.date', { value: dateText });
    else if (heldOn && heldOn > context.today) fail('date', 'orglife.import.future', { value: heldOn });

    const timeText = cell('time');
    const times = timeText ? parseTimeRange(timeText) : null;
    if (timeText && !times) fail('time', 'orglife.import.time', { value: timeText });

    const statuses = new Map<string, { status: AttendanceStatus; reason: string }>();
    const roster = villageId ? context.rosters.get(villageId) : undefined;
    for (const [key, status] of [['present', 'present'], ['leave', 'leave']] as const) {
      for (const { name, reason } of parseNames(cell(key))) {
        const member = roster?.get(name);
        // 支委会's roster is the committee
        if (roster && (!member || (kind === 'committee' && !member.committee))) fail(key, 'orglife.import.member', { value: name, village: villageName });
        else if (member) statuses.set(member.id, { status, reason: status === 'leave' ? reason || '请假' : '' });
      }
    }
    const [topic, place, host, recorder, minutes, resolutions] = (['topic', 'place', 'host', 'recorder', 'minutes', 'resolutions'] as const).map(cell);
    if (errors.length === before)
      records.push({ row, villageId: villageId!, kind, heldOn: heldOn!, startTime: times?.startTime ?? null, endTime: times?.endTime ?? null, topic, place, host, recorder, minutes, resolutions, statuses });
  }
  return { rows: dataRows.length, records, errors };
}
