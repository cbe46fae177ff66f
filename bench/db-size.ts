/**
 * Bytes on disk per ballot, per village-year and per township-year on this schema: `npx tsx bench/db-size.ts`
 * (`-- --quick` for fewer ballots) prints the figures and the table breakdowns; `npm run bench` adds its section.
 *
 * An embedded libSQL file is seeded with the demo (潘店镇, 95 villages, two years of its story; 刘桥镇, 40
 * villages of rosters) and then, in 潘店镇, branch and member sessions are held and ballots cast one
 * submission at a time through the real `castBallots`, as phones send them. Sizes are read from SQLite's
 * `dbstat` table (every page of every table and index, so page slack and index entries count) after a WAL
 * checkpoint, and compared before and after each step.
 */
import { databasesOf } from '../src/db/databases';
import { eq } from 'drizzle-orm';
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { mkdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { systemRecorder } from '../src/audit/record';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { evaluationSessions, members, orgMeetingAttendance, orgMeetings, tenants, villages } from '../src/db/schema';
import type { Db } from '../src/db/client';
import { processMessage, startRun } from '../src/jobs/runner';
import { TenantScope } from '../src/db/tenant-scope';
import {
  castBallots,
  closeSession,
  createBooking,
  createCampaign,
  createScreen,
  itemsFor,
  loadBallotContext,
  openSession,
  raterGroupOf,
  type ResolvedVoter,
} from '../src/features/evaluation';
import { DEV_APP_SECRET } from '../src/platform/config';
import { newId } from '../src/platform/ids';
import { shanghaiYear } from '../src/platform/time';
import { seedDemoIfEmpty } from '../src/seed/demo';
import { seededRandom, type Random } from '../src/seed/random';
import { tenantSettingsSchema } from '../src/tenancy/settings';
import { resultSection, type BenchResult } from './report';

const FILE = '.build/db-size/size.db';
/** The ballots tables: what a cast ballot writes. Everything else tenant-owned is the year's other records or rosters. */
const BALLOT_TABLES = ['evaluation_ballots', 'evaluation_ballot_answers', 'evaluation_poll_book', 'evaluation_unknown_subjects', 'evaluation_raised_problems', 'evaluation_session_counts', 'evaluation_ballot_tickets'];
/** Rosters: kept for as long as the village exists, not per year. */
const ROSTER_TABLES = ['villages', 'members', 'households'];
/** The village-year of the projections: 100 branch ballots and 900 member ballots (30 members × 30 raters). */
export const VILLAGE_YEAR_BALLOTS = { branch: 100, member: 900 };
/**
 * Audited writes of a village-year besides its meetings (the demo writes its ledgers without audit rows):
 * about one per record of the year's other tables (~20) and as many again for their edits.
 */
export const OTHER_AUDITED_WRITES = 40;
/** A year of organisation life at the default required frequencies (tenant settings): 34 meetings. */
const MEETINGS_A_YEAR: { kind: 'assembly' | 'committee' | 'lecture' | 'theme_day' | 'life_meeting' | 'review'; times: number }[] = [
  { kind: 'assembly', times: 4 },
  { kind: 'committee', times: 12 },
  { kind: 'lecture', times: 4 },
  { kind: 'theme_day', times: 12 },
  { kind: 'life_meeting', times: 1 },
  { kind: 'review', times: 1 },
];
/** ~200 characters of minutes (记录) and ~60 of resolutions, as a secretary types them */
const MINUTES = '会议传达学习了上级有关文件精神，围绕村集体经济发展、人居环境整治和为民办实事项目进行了讨论。'.repeat(4);
const RESOLUTIONS = '一、按期完成道路硬化；二、组织党员志愿服务；三、做好困难群众走访慰问。';

interface TableSize {
  bytes: number;
  rows: number;
}
type Sizes = Map<string, TableSize>;

/** Bytes (pages) of every table, its indexes included, and its row count. */
async function measure(client: Client): Promise<Sizes> {
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  const pages = await client.execute(`
    SELECT s.tbl_name AS tbl, SUM(d.pgsize) AS bytes
    FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
    WHERE d.aggregate = TRUE GROUP BY s.tbl_name`);
  const sizes: Sizes = new Map();
  for (const row of pages.rows) {
    const table = String(row.tbl);
    if (table.startsWith('sqlite_') || table.startsWith('__drizzle')) continue;
    const [{ n }] = (await client.execute(`SELECT COUNT(*) AS n FROM "${table}"`)).rows;
    sizes.set(table, { bytes: Number(row.bytes), rows: Number(n) });
  }
  return sizes;
}

const total = (sizes: Sizes, only?: (table: string) => boolean) => [...sizes].reduce((sum, [t, s]) => sum + (only && !only(t) ? 0 : s.bytes), 0);

function difference(after: Sizes, before: Sizes): Sizes {
  const out: Sizes = new Map();
  for (const [table, a] of after) {
    const b = before.get(table) ?? { bytes: 0, rows: 0 };
    if (a.bytes !== b.bytes || a.rows !== b.rows) out.set(table, { bytes: a.bytes - b.bytes, rows: a.rows - b.rows });
  }
  return out;
}

/** Every table's figures divided by `n`. */
const per = (sizes: Sizes, n: number): Sizes => new Map([...sizes].map(([t, s]) => [t, { bytes: s.bytes / n, rows: s.rows / n }]));

const sorted = (sizes: Sizes) => [...sizes].filter(([, s]) => s.bytes > 0 || s.rows > 0).sort((a, b) => b[1].bytes - a[1].bytes);

const bytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 10_240 ? `${(n / 1024).toFixed(1)} KiB` : `${Math.round(n)} B`);

/** "table 123 B (1.0 rows)" for the largest tables, the rest summed. */
function breakdown(sizes: Sizes, top = 8): string {
  const list = sorted(sizes);
  const shown = list.slice(0, top).map(([t, s]) => `${t} ${bytes(s.bytes)} (${s.rows.toFixed(s.rows < 10 ? 2 : 0)} rows)`);
  const rest = list.slice(top).reduce((sum, [, s]) => sum + s.bytes, 0);
  return shown.join(', ') + (list.length > top ? `, ${list.length - top} more tables ${bytes(rest)}` : '');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const COMMENTS = ['支部书记经常入户走访', '村务公开要再及时一些', '希望多听听群众意见', '村里道路修得好'];
const PROBLEMS = ['村东头路灯不亮', '排水沟需要清理'];

interface SessionPlan {
  sessionId: string;
  villageId: string;
  voters: ResolvedVoter[];
  subjects: { kind: 'branch' | 'member'; id: string }[];
}

/** Books and opens a session for each village, one screen each, in a campaign of its own. */
async function openSessions(scope: TenantScope, kind: 'branch' | 'member', villageIds: string[], random: Random): Promise<SessionPlan[]> {
  const record = systemRecorder(scope.db, scope.tenantId);
  const settings = tenantSettingsSchema.parse({});
  const campaign = await createCampaign(scope, { name: `容量测量 ${kind} ${Date.now()}`, subjectKind: kind, year: shanghaiYear(), ...(kind === 'member' ? { villageIds } : {}) }, settings, 'bench', record);
  const now = Date.now();
  const plans: SessionPlan[] = [];
  for (const villageId of villageIds) {
    const screen = await createScreen(scope, `容量测量厅 ${kind} ${villageId}`, record);
    const booking = await createBooking(
      scope,
      { campaignId: campaign.id, villageId, screenId: screen.id, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3 * 3600_000).toISOString(), note: '' },
      'bench',
      record,
    );
    const { session } = await openSession(scope, booking.id, 'bench', record);
    const people = await scope.db.select().from(members).where(scope.where(members, eq(members.villageId, villageId)));
    const member = (m: (typeof people)[number]): ResolvedVoter => ({
      voter: { kind: 'member', memberId: m.id, villageId, isSecretary: m.isSecretary },
      identity: `member:${m.id}`,
      pass: `pass-${m.id}`,
    });
    const villager = (i: number): ResolvedVoter => {
      const pass = `pass-${session.id}-${i}`;
      return { voter: { kind: 'villager' }, identity: `pass:${pass}`, pass };
    };
    const leader: ResolvedVoter = { voter: { kind: 'leader' }, identity: 'account:bench-leader', pass: 'pass-bench-leader' };
    // a branch: its secretary (自评), up to 8 other members (互评), 36–44 villagers (群评), 2 leaders (点评): ~50 ballots
    // members: every member of the village by every member (自评, 互评), 15 villagers and a leader
    const voters =
      kind === 'branch'
        ? [
            ...people.filter((m) => m.isSecretary).map(member),
            ...people.filter((m) => !m.isSecretary).slice(0, 8).map(member),
            ...Array.from({ length: random.int(36, 44) }, (_, i) => villager(i)),
            leader,
            { ...leader, identity: 'account:bench-leader-2', pass: 'pass-bench-leader-2' },
          ]
        : [...people.map(member), ...Array.from({ length: 15 }, (_, i) => villager(i)), leader];
    const subjects = kind === 'branch' ? [{ kind, id: villageId }] : people.map((m) => ({ kind, id: m.id }));
    plans.push({ sessionId: session.id, villageId, voters, subjects });
  }
  return plans;
}

/** Casts every voter's submission, one at a time; returns the ballots cast and each submission's time (ms). */
async function castAll(scope: TenantScope, plans: SessionPlan[], random: Random): Promise<{ ballots: number; times: number[] }> {
  let cast = 0;
  const times: number[] = [];
  for (const plan of plans) {
    const [session] = await scope.db.select().from(evaluationSessions).where(scope.where(evaluationSessions, eq(evaluationSessions.id, plan.sessionId)));
    const context = await loadBallotContext(scope, session);
    const questionnaire = context.questionnaire;
    for (const [i, voter] of plan.voters.entries()) {
      const ballots = plan.subjects.map((subject) => {
        const group = raterGroupOf(voter.voter, { ...subject, villageId: plan.villageId });
        const answers = Object.fromEntries(itemsFor(questionnaire.items, group).map((item) => [item.key, random.int(0, item.options.length - 1)]));
        // on a branch ballot, a villager writes a comment one time in six and raises a problem one time in thirty
        const words = subject.kind === 'branch' && group === 'villager';
        return {
          subjectKind: subject.kind,
          subjectId: subject.id,
          answers,
          comment: words && random.chance(1 / 6) ? random.pick(COMMENTS) : undefined,
          problem: words && random.chance(1 / 30) ? random.pick(PROBLEMS) : undefined,
        };
      });
      const started = performance.now();
      await castBallots(scope, DEV_APP_SECRET, context, { clientId: `size-${plan.sessionId}-${i}`, channel: 'phone', voter, ballots });
      times.push(performance.now() - started);
      cast += ballots.length;
    }
  }
  return { ballots: cast, times };
}

export interface DbSizeDetails {
  branch: { ballots: number; perBallot: Sizes; submissionMs: number };
  member: { ballots: number; perBallot: Sizes; submissionMs: number; ballotsPerSubmission: number };
  /** booking, session, screen and closing, per session */
  perSession: Sizes;
  sessions: number;
  /** one village's year of meetings (三会一课 · 主题党日 …) with attendance and their audit rows */
  meetingsYear: Sizes;
  meetings: { meetings: number; attendance: number };
  /** 潘店镇's tenant rows of the demo, other than ballots and rosters, per village-year */
  otherPerVillageYear: Sizes;
  rostersPerVillage: Sizes;
  villageYears: number;
  /** statements and round trips of one township's nightly recompute (D1 counts each statement of a batch) */
  recomputeQueries: { statements: number; roundTrips: number };
  /** live bytes ÷ bytes after VACUUM, of the ballot tables and of the whole file */
  fill: { table: string; live: number; vacuumed: number }[];
  pageSize: number;
}

export async function dbSizeDetails(quick = false): Promise<DbSizeDetails> {
  mkdirSync('.build/db-size', { recursive: true });
  for (const suffix of ['', '-wal', '-shm', '.vacuumed']) rmSync(FILE + suffix, { force: true });
  const { db, client } = await openLibsql(`file:${FILE}`);
  await migrateLibsql(db);
  const empty = await measure(client);
  await seedDemoIfEmpty(db);
  const demo = await measure(client);

  const [pandian] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, 'pandian'));
  const recomputeQueries = await queriesOfRecompute(client, pandian.id);
  // the sessions are measured from here: the recompute's run rows are none of theirs
  const base = await measure(client);
  const scope = new TenantScope(db, pandian.id);
  const villageYears = await pandianVillageYears(client, pandian.id);
  const { other, rosters } = await pandianShare(client, pandian.id, difference(demo, empty));

  const random = seededRandom(19);
  const all = await db.select({ id: villages.id }).from(villages).where(eq(villages.tenantId, pandian.id)).orderBy(villages.name);
  const branchVillages = all.slice(0, quick ? 5 : 20).map((v) => v.id);
  const memberVillages = all.slice(50, quick ? 51 : 53).map((v) => v.id);
  const branchPlans = await openSessions(scope, 'branch', branchVillages, random);
  const memberPlans = await openSessions(scope, 'member', memberVillages, random);
  const opened = await measure(client);
  const branch = await castAll(scope, branchPlans, random);
  const afterBranch = await measure(client);
  const member = await castAll(scope, memberPlans, random);
  const afterMember = await measure(client);
  const record = systemRecorder(db, pandian.id);
  for (const plan of [...branchPlans, ...memberPlans]) await closeSession(scope, plan.sessionId, record);
  const closed = await measure(client);
  const meetingVillage = all[60].id;
  const meetings = await writeMeetings(scope, meetingVillage);
  const afterMeetings = await measure(client);
  const sessions = branchPlans.length + memberPlans.length;
  const perSession = per(sumSizes(difference(opened, base), difference(closed, afterMember)), sessions);

  const [{ page_size: pageSize }] = (await client.execute('PRAGMA page_size')).rows as unknown as { page_size: number }[];
  await client.execute(`VACUUM INTO '${FILE}.vacuumed'`);
  client.close();
  const vacuumed = await openLibsql(`file:${FILE}.vacuumed`);
  const compact = await measure(vacuumed.client);
  vacuumed.client.close();
  const fill = [...BALLOT_TABLES.filter((t) => (afterMeetings.get(t)?.rows ?? 0) > 0), 'audit_events', '(whole file)'].flatMap((table) => {
    const live = table === '(whole file)' ? total(afterMeetings) : afterMeetings.get(table)?.bytes;
    const small = table === '(whole file)' ? total(compact) : compact.get(table)?.bytes;
    return live && small ? [{ table, live, vacuumed: small }] : [];
  });

  return {
    branch: { ballots: branch.ballots, perBallot: per(difference(afterBranch, opened), branch.ballots), submissionMs: median(branch.times) },
    member: {
      ballots: member.ballots,
      perBallot: per(difference(afterMember, afterBranch), member.ballots),
      submissionMs: median(member.times),
      ballotsPerSubmission: member.ballots / member.times.length,
    },
    perSession,
    sessions,
    meetingsYear: difference(afterMeetings, closed),
    meetings,
    otherPerVillageYear: per(other, villageYears),
    rostersPerVillage: per(rosters, all.length),
    villageYears,
    recomputeQueries,
    fill,
    pageSize: Number(pageSize),
  };
}

/**
 * A year of one village's meetings as the meeting page writes them: the meeting, its roster's attendance
 * (committee members for 支委会, else every member) and its audit row in one batch; then the secretary
 * records who came (most present, one on leave), a second audit row.
 */
async function writeMeetings(scope: TenantScope, villageId: string): Promise<{ meetings: number; attendance: number }> {
  const record = systemRecorder(scope.db, scope.tenantId);
  const people = await scope.db.select().from(members).where(scope.where(members, eq(members.villageId, villageId)));
  const year = shanghaiYear();
  let meetings = 0;
  let attendance = 0;
  for (const { kind, times } of MEETINGS_A_YEAR)
    for (let i = 0; i < times; i++) {
      const month = String(1 + Math.floor((i * 12) / times)).padStart(2, '0');
      const heldOn = `${year}-${month}-15`;
      const roster = kind === 'committee' ? people.filter((m) => m.isCommittee) : people;
      const row = {
        id: newId(),
        villageId,
        kind,
        heldOn,
        startsAt: `${heldOn}T01:00:00.000Z`,
        endsAt: `${heldOn}T03:00:00.000Z`,
        topic: `${month}月${kind === 'theme_day' ? '主题党日' : '会议'}：学习贯彻上级精神`,
        place: '村党群服务中心',
        host: roster[0]?.name ?? '',
        recorder: roster[1]?.name ?? '',
        minutes: MINUTES,
        resolutions: RESOLUTIONS,
        createdBy: 'bench',
      };
      const rows = roster.map((m, k) => ({ id: newId(), meetingId: row.id, memberId: m.id, name: m.name, status: (k === 3 ? 'leave' : 'present') as 'leave' | 'present', reason: k === 3 ? '外出务工' : '' }));
      const chunks = [];
      for (let k = 0; k < rows.length; k += 12) chunks.push(scope.insert(orgMeetingAttendance, rows.slice(k, k + 12)));
      await scope.db.batch([scope.insert(orgMeetings, [row]), ...chunks, record({ action: 'meeting.create', entity: 'meeting', entityId: row.id, after: { ...row, attendees: rows.length } })]);
      await scope.db.batch([record({ action: 'meeting.attendance', entity: 'meeting', entityId: row.id, after: { present: rows.length - 1, leave: 1 } })]);
      meetings += 1;
      attendance += rows.length;
    }
  return { meetings, attendance };
}

/**
 * The statements one township's part of the nightly recompute sends (as its queue message would), counted on
 * the client under drizzle: D1 allows 1,000 queries per Worker invocation, and a consumer invocation takes
 * up to `max_batch_size` townships.
 */
async function queriesOfRecompute(client: Client, tenantId: string): Promise<{ statements: number; roundTrips: number }> {
  const count = { statements: 0, roundTrips: 0 };
  const counting = new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'execute' || prop === 'batch')
        return (first: unknown[] | unknown, ...rest: unknown[]) => {
          count.statements += Array.isArray(first) ? first.length : 1;
          count.roundTrips += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, [first, ...rest]);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const db = drizzle(counting) as unknown as Db;
  await startRun(db, { job: 'recompute', trigger: 'manual', year: null, startedBy: null, tenantId }, async (messages) => {
    Object.assign(count, { statements: 0, roundTrips: 0 });
    for (const message of messages) await processMessage(databasesOf(db), message);
  });
  return count;
}

function sumSizes(a: Sizes, b: Sizes): Sizes {
  const out: Sizes = new Map(a);
  for (const [t, s] of b) {
    const x = out.get(t) ?? { bytes: 0, rows: 0 };
    out.set(t, { bytes: x.bytes + s.bytes, rows: x.rows + s.rows });
  }
  return out;
}

/** Village-years of 潘店镇's story: its villages × the years its campaigns cover (last year and this). */
async function pandianVillageYears(client: Client, tenantId: string): Promise<number> {
  const { rows } = await client.execute({
    sql: `SELECT (SELECT COUNT(*) FROM villages WHERE tenant_id = ?1) * (SELECT COUNT(DISTINCT year) FROM evaluation_campaigns WHERE tenant_id = ?1) AS n`,
    args: [tenantId],
  });
  return Number(rows[0].n);
}

/**
 * 潘店镇's part of what the demo wrote, table by table: a table's bytes times the share of its rows that are
 * 潘店镇's (tables without a tenant column belong to the registry and are left out), split into rosters and
 * the rest, the ballot tables left out (they are measured per ballot).
 */
async function pandianShare(client: Client, tenantId: string, seeded: Sizes): Promise<{ other: Sizes; rosters: Sizes }> {
  const other: Sizes = new Map();
  const rosters: Sizes = new Map();
  for (const [table, size] of seeded) {
    if (BALLOT_TABLES.includes(table) || size.rows <= 0) continue;
    const columns = (await client.execute(`SELECT name FROM pragma_table_info('${table}')`)).rows.map((r) => String(r.name));
    if (!columns.includes('tenant_id')) continue;
    const [{ n }] = (await client.execute({ sql: `SELECT COUNT(*) AS n FROM "${table}" WHERE tenant_id = ?`, args: [tenantId] })).rows;
    const share = Number(n) / size.rows;
    if (!share) continue;
    (ROSTER_TABLES.includes(table) ? rosters : other).set(table, { bytes: size.bytes * share, rows: Number(n) });
  }
  return { other, rosters };
}

const AUDIT = 'audit_events';
const withoutAudit = (sizes: Sizes): Sizes => new Map([...sizes].filter(([t]) => t !== AUDIT));
const auditOf = (sizes: Sizes) => sizes.get(AUDIT)?.bytes ?? 0;

/** Bytes of one audit row, indexes included, as the meetings step wrote them. */
export const auditRowBytes = (d: DbSizeDetails) => {
  const audit = d.meetingsYear.get(AUDIT);
  return audit && audit.rows > 0 ? audit.bytes / audit.rows : 0;
};

/**
 * One village-year of the projections as the database keeps it: its ballots, meetings, two sessions (a branch
 * and a member session) and other records, without their audit rows, which leave the database for the archive
 * after 180 days (docs/audit.md) and so do not add up over the years.
 */
export function villageYearKept(d: DbSizeDetails): number {
  return (
    total(withoutAudit(d.otherPerVillageYear)) +
    total(withoutAudit(d.meetingsYear)) +
    2 * total(withoutAudit(d.perSession)) +
    VILLAGE_YEAR_BALLOTS.branch * total(d.branch.perBallot) +
    VILLAGE_YEAR_BALLOTS.member * total(d.member.perBallot)
  );
}

/** A village-year's audit rows: the meetings', the sessions', and the assumed rest. */
export const villageYearAudit = (d: DbSizeDetails) => auditOf(d.meetingsYear) + 2 * auditOf(d.perSession) + auditOf(d.otherPerVillageYear) + OTHER_AUDITED_WRITES * auditRowBytes(d);

/** What a village holds however many years pass: its rosters and about half a year of audit rows. */
export const villageStanding = (d: DbSizeDetails) => total(d.rostersPerVillage) + villageYearAudit(d) / 2;

const ballotBytes = (d: DbSizeDetails) => VILLAGE_YEAR_BALLOTS.branch * total(d.branch.perBallot) + VILLAGE_YEAR_BALLOTS.member * total(d.member.perBallot);

export async function dbSize(quick = false): Promise<BenchResult> {
  const d = await dbSizeDetails(quick);
  const villageYear = villageYearKept(d);
  const fillOf = (t: string) => d.fill.find((f) => f.table === t);
  const whole = fillOf('(whole file)');
  return {
    name: 'Database size: bytes per ballot, village-year and township-year',
    method:
      `An embedded libSQL file (page size ${d.pageSize} B) seeded with the demo (潘店镇: 95 villages, two years of its story), then ${d.sessions} sessions in 潘店镇 with ballots cast one submission at a time through the real castBallots (villager ballots carry a pass; one branch villager ballot in six has a comment, one in thirty a problem). ` +
      'Bytes are pages of each table and its indexes from SQLite\'s dbstat after a WAL checkpoint, as written (page slack included), compared before and after each step. ' +
      `Village-year: the demo's records of 潘店镇 other than ballots and rosters (ledgers, income, decisions, problems, results, audit rows, bookings…; a table's bytes × 潘店镇's share of its rows) over its ${d.villageYears} village-years, plus a year of one village's meetings written as the meeting page writes them, ${VILLAGE_YEAR_BALLOTS.branch} branch and ${VILLAGE_YEAR_BALLOTS.member} member ballots and two sessions; audit rows apart (the meetings', the sessions' and ${OTHER_AUDITED_WRITES} more for the other records).`,
    rows: [
      { figure: `branch ballot (${d.branch.ballots} cast): bytes per ballot`, value: bytes(total(d.branch.perBallot)) },
      { figure: `member ballot (${d.member.ballots} cast, ${d.member.ballotsPerSubmission.toFixed(0)} per submission): bytes per ballot`, value: bytes(total(d.member.perBallot)) },
      { figure: 'one session (screen, booking, session, closing, their audit rows)', value: bytes(total(d.perSession)) },
      { figure: 'village-year other than ballots and meetings (demo 潘店镇)', value: bytes(total(d.otherPerVillageYear)) },
      { figure: `a year of one village's meetings (${d.meetings.meetings} meetings, ${d.meetings.attendance} attendance rows, ${2 * d.meetings.meetings} audit rows)`, value: bytes(total(d.meetingsYear)) },
      { figure: `audit row (meetings' audit rows; ${OTHER_AUDITED_WRITES} more a village-year assumed for its other records)`, value: bytes(auditRowBytes(d)) },
      { figure: `village-year kept, with ${VILLAGE_YEAR_BALLOTS.branch + VILLAGE_YEAR_BALLOTS.member} ballots (its audit rows leave after 180 days)`, value: `${Math.round(villageYear).toLocaleString('en')} B (ballots ${Math.round((100 * ballotBytes(d)) / villageYear)}%)` },
      { figure: "a village-year's audit rows", value: bytes(villageYearAudit(d)) },
      { figure: 'standing per village: rosters (members, households) and half a year of audit rows', value: bytes(villageStanding(d)) },
      { figure: 'township-year kept, 39 villages (Shandong average)', value: bytes(39 * villageYear) },
      { figure: 'township-year kept, 95 villages (潘店镇)', value: bytes(95 * villageYear) },
      { figure: "one township's nightly recompute (潘店镇, its queue message): statements · round trips", value: `${d.recomputeQueries.statements} · ${d.recomputeQueries.roundTrips}` },
      { figure: 'castBallots, one submission in-process (serial): branch (1 ballot) · member', value: `${d.branch.submissionMs.toFixed(2)} ms · ${d.member.submissionMs.toFixed(2)} ms (${d.member.ballotsPerSubmission.toFixed(0)} ballots)` },
      ...(whole ? [{ figure: 'whole file as written ÷ after VACUUM', value: `${bytes(whole.live)} ÷ ${bytes(whole.vacuumed)} = ${(whole.live / whole.vacuumed).toFixed(2)}` }] : []),
    ],
    notes: [
      `branch ballot by table: ${breakdown(d.branch.perBallot)}`,
      `member ballot by table: ${breakdown(d.member.perBallot)}`,
      `village-year other than ballots and meetings by table: ${breakdown(d.otherPerVillageYear, 12)}`,
      `a year of meetings by table: ${breakdown(d.meetingsYear)}`,
      `one session by table: ${breakdown(d.perSession)}`,
      `rosters per village by table: ${breakdown(d.rostersPerVillage)}`,
      `as written ÷ after VACUUM: ${d.fill.map((f) => `${f.table} ${(f.live / f.vacuumed).toFixed(2)}`).join(', ')}`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(resultSection(await dbSize(process.argv.includes('--quick'))).join('\n'));
}
