import { and, count, countDistinct, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import { renderSVG } from 'uqr';
import { insertStatements, paramChunks } from '../../../db/batch';
import { sqlJson } from '../../../db/sql-json';
import type { Db } from '../../../db/client';
import { ballotTickets, campaigns, evaluationBookings, evaluationSessions, pollBook, problemReviews, raisedProblems, sessionCounts, villages } from '../../../db/schema';
import { TenantScope as Scope } from '../../../db/tenant-scope';
import { AppError, conflict, notFound } from '../../../platform/errors';
import { newId, randomString } from '../../../platform/ids';
import type { TenantScope } from '../../../db/tenant-scope';
import type { TenantSettings } from '../../../tenancy/settings';
import { toBase64Url } from '../../../platform/crypto';
import { chineseMinute } from '../../../domain/calendar';
import { RATER_GROUPS, type QrTiming, type RaterGroup } from '../rules';
import { sealTally } from '../voting/tally';
import { currentQr, posterToken, ticketHash } from './passes';

export type EvaluationSession = typeof evaluationSessions.$inferSelect;

/** Letters and digits that cannot be confused when typed from a screen (no 0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

const sessionColumns = {
  id: evaluationSessions.id,
  code: evaluationSessions.code,
  campaignId: evaluationSessions.campaignId,
  campaignName: campaigns.name,
  year: campaigns.year,
  subjectKind: campaigns.subjectKind,
  villageId: evaluationSessions.villageId,
  villageName: villages.name,
  branchName: villages.branchName,
  bookingId: evaluationSessions.bookingId,
  opensAt: evaluationSessions.opensAt,
  closesAt: evaluationSessions.closesAt,
  closedAt: evaluationSessions.closedAt,
};

function sessionSelect(scope: TenantScope) {
  return scope.db
    .select(sessionColumns)
    .from(evaluationSessions)
    .innerJoin(campaigns, eq(campaigns.id, evaluationSessions.campaignId))
    .innerJoin(villages, eq(villages.id, evaluationSessions.villageId));
}

export type SessionView = Awaited<ReturnType<typeof getSessionView>>;

/**
 * The ids of a tenant's sessions that have ended (closed by hand or past their window), as a subquery: only
 * their ballots count in results and reports, so a result polled during a session never moves ballot by
 * ballot (which, beside the hall's live counts, would show what the last voter gave).
 */
export const endedSessionIds = (tenantId: string, now = new Date().toISOString()) =>
  sql`(SELECT id FROM evaluation_sessions WHERE tenant_id = ${tenantId} AND (closed_at IS NOT NULL OR closes_at <= ${now}))`;

/** open: accepting phone ballots now; closed: closed by hand or past its window. */
export const sessionStatus = (s: { closedAt: string | null; closesAt: string }, now = new Date().toISOString()) =>
  s.closedAt || now >= s.closesAt ? ('closed' as const) : ('open' as const);

export async function getSessionView(scope: TenantScope, id: string, ownVillage?: string) {
  const [row] = await sessionSelect(scope).where(scope.where(evaluationSessions, eq(evaluationSessions.id, id)));
  if (!row || (ownVillage && row.villageId !== ownVillage)) throw notFound('evaluation.session_not_found');
  return { ...row, status: sessionStatus(row) };
}

/** The sessions list, paged and filtered on the server: by campaign, village, Shanghai date range of the slot, and status. */
export async function listSessions(
  scope: TenantScope,
  filter: { campaignId?: string; villageId?: string; from?: string; to?: string; status?: 'open' | 'closed'; limit: number; offset: number },
  now = new Date().toISOString(),
) {
  const closed = or(isNotNull(evaluationSessions.closedAt), lte(evaluationSessions.closesAt, now));
  const where = scope.where(
    evaluationSessions,
    filter.campaignId ? eq(evaluationSessions.campaignId, filter.campaignId) : undefined,
    filter.villageId ? eq(evaluationSessions.villageId, filter.villageId) : undefined,
    // dates are Shanghai days: [from 00:00, to + 1 day 00:00) in UTC
    filter.from ? gte(evaluationSessions.opensAt, shanghaiDayStart(filter.from)) : undefined,
    filter.to ? lt(evaluationSessions.opensAt, shanghaiDayStart(filter.to, 1)) : undefined,
    filter.status === 'closed' ? closed : filter.status === 'open' ? not(closed!) : undefined,
  );
  const [rows, [total]] = await scope.db.batch([
    sessionSelect(scope).where(where).orderBy(desc(evaluationSessions.opensAt), desc(evaluationSessions.id)).limit(filter.limit).offset(filter.offset),
    scope.db.select({ n: count() }).from(evaluationSessions).where(where),
  ]);
  return { items: rows.map((r) => ({ ...r, status: sessionStatus(r, now) })), total: total.n };
}

/** 00:00 in Asia/Shanghai of a YYYY-MM-DD day (plus `days`), as a UTC instant. */
const shanghaiDayStart = (day: string, days = 0) => new Date(Date.parse(`${day}T00:00:00+08:00`) + days * 86_400_000).toISOString();

/** The session row behind a code typed or scanned by a phone. */
export async function sessionByCode(scope: TenantScope, code: string): Promise<EvaluationSession> {
  const [row] = await scope.db.select().from(evaluationSessions).where(scope.where(evaluationSessions, eq(evaluationSessions.code, code))).limit(1);
  if (!row) throw notFound('evaluation.session_not_found');
  return row;
}

export async function sessionRow(scope: TenantScope, id: string, ownVillage?: string): Promise<EvaluationSession> {
  const row = await scope.find(evaluationSessions, id);
  if (!row || (ownVillage && row.villageId !== ownVillage)) throw notFound('evaluation.session_not_found');
  return row;
}

/**
 * Runs a session's INSERT; when it fails because the booking was cancelled, or deleted with its campaign
 * (campaigns-edit.ts deletes an unused campaign with its bookings), since it was read, the caller gets the
 * 404 it would have got a moment later.
 */
async function insertSession<T>(scope: TenantScope, bookingId: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    const booking = await scope.find(evaluationBookings, bookingId);
    if (!booking || booking.cancelledAt) throw new AppError(404, 'evaluation.booking_not_found', {}, undefined, { cause: error });
    throw error;
  }
}

/** Opens the session of a booking for the booking's time window; opening it again returns the same session. */
/**
 * Opens the session of a booking, in its slot. Before the slot only when the caller confirms an early
 * start (`confirmEarly`, which the page asks the admin to confirm): the session then opens now.
 */
export async function openSession(scope: TenantScope, bookingId: string, openedBy: string, record: Recorder, ownVillage?: string, confirmEarly = false) {
  const booking = await scope.find(evaluationBookings, bookingId);
  if (!booking || booking.cancelledAt || (ownVillage && booking.villageId !== ownVillage)) throw notFound('evaluation.booking_not_found');
  const [existing] = await scope.db
    .select({ id: evaluationSessions.id })
    .from(evaluationSessions)
    .where(scope.where(evaluationSessions, eq(evaluationSessions.bookingId, bookingId)));
  if (existing) return { session: await getSessionView(scope, existing.id), created: false };
  const now = new Date().toISOString();
  if (now >= booking.endsAt) throw conflict('evaluation.booking_over');
  const early = now < booking.startsAt;
  if (early && !confirmEarly) throw conflict('evaluation.session_too_early', { time: chineseMinute(booking.startsAt) });
  const id = newId();
  const salt = toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
  // checked inside the INSERT: a booking cancelled since it was read gives NULL, which NOT NULL refuses
  // (cancelBooking checks the other way round, so a booking is either cancelled or has its session, never both)
  const openedByIfBooked = sql`(CASE WHEN EXISTS (SELECT 1 FROM ${evaluationBookings} WHERE ${evaluationBookings.tenantId} = ${scope.tenantId}
    AND ${evaluationBookings.id} = ${bookingId} AND ${evaluationBookings.cancelledAt} IS NULL) THEN ${openedBy} END)`;
  // a code collision (one in ~10^8 per pair) is retried with a new code; a second open of the booking loses on its unique index
  for (let attempt = 0; ; attempt++) {
    const [[row]] = await insertSession(scope, bookingId, () =>
      scope.db.batch([
      scope
        .insert(evaluationSessions, [
          {
            id,
            bookingId,
            campaignId: booking.campaignId,
            villageId: booking.villageId,
            code: randomString(6, CODE_ALPHABET),
            opensAt: early ? now : booking.startsAt,
            closesAt: booking.endsAt,
            salt,
            openedBy: openedByIfBooked as unknown as string,
          },
        ])
        .onConflictDoNothing()
        .returning({ id: evaluationSessions.id }),
      record({ action: 'session.open', entity: 'session', entityId: id, summary: { bookingId, villageId: booking.villageId, campaignId: booking.campaignId, ...(early ? { openedEarly: true } : {}) }, onlyIfChanged: true }),
      ]),
    );
    if (row) return { session: await getSessionView(scope, id), created: true };
    const [raced] = await scope.db
      .select({ id: evaluationSessions.id })
      .from(evaluationSessions)
      .where(scope.where(evaluationSessions, eq(evaluationSessions.bookingId, bookingId)));
    if (raced) return { session: await getSessionView(scope, raced.id), created: false };
    if (attempt > 3) throw new AppError(500, 'error.internal');
  }
}

/**
 * Closes a session by hand: no more ballots, paper sheets included; its salt is erased, so nobody (not even
 * with the server secret) can tell whose poll-book row is whose; the raised problems are released; the
 * Merkle root over its receipts is sealed.
 */
export async function closeSession(scope: TenantScope, id: string, record: Recorder, ownVillage?: string) {
  const session = await sessionRow(scope, id, ownVillage);
  const closedAt = session.closedAt ?? new Date().toISOString();
  if (!session.closedAt) {
    await scope.db.batch([
      scope.db
        .update(evaluationSessions)
        .set({ closedAt, salt: null })
        .where(scope.where(evaluationSessions, eq(evaluationSessions.id, id), isNull(evaluationSessions.closedAt))),
      record({ action: 'session.close', entity: 'session', entityId: id, onlyIfChanged: true }),
      forgetTicketHolders(scope, id),
    ]);
  }
  await releaseRaisedProblems(scope, id, closedAt);
  // after the close is written: a ballot committed before it is in the root, none can follow it
  await sealTally(scope, id);
  return getSessionView(scope, id);
}

/**
 * A session past its window that still holds its salt ends now: the salt is erased and its raised
 * problems are released (paper sheets may still be entered until it is closed by hand). Run at the first
 * request that finds it so, and for every tenant by the nightly job. Idempotent.
 */
export async function endByTime(scope: TenantScope, session: Pick<EvaluationSession, 'id' | 'closesAt'>, now = new Date().toISOString()) {
  if (now < session.closesAt) return;
  await scope.db.batch([
    scope.db
      .update(evaluationSessions)
      .set({ salt: null })
      .where(scope.where(evaluationSessions, eq(evaluationSessions.id, session.id), isNotNull(evaluationSessions.salt), lte(evaluationSessions.closesAt, now))),
    forgetTicketHolders(scope, session.id),
  ]);
  await releaseRaisedProblems(scope, session.id, session.closesAt);
}

/**
 * A ticket's holder is the same keyed pass hash as the voter's poll-book rows, and the ticket's own hash is
 * keyed without the salt: kept after the end, someone with the secret who knows who was handed which
 * ticket could still find that person's rows. Forgotten with the salt.
 */
const forgetTicketHolders = (scope: TenantScope, sessionId: string) =>
  scope.db.update(ballotTickets).set({ passHash: null }).where(scope.where(ballotTickets, eq(ballotTickets.sessionId, sessionId)));

/** The nightly job's share: every session of every tenant whose window has passed and that still holds a salt. */
export async function endSessionsPastTheirTime(db: Db, now = new Date().toISOString()) {
  const due = await db
    .select({ tenantId: evaluationSessions.tenantId, id: evaluationSessions.id, closesAt: evaluationSessions.closesAt })
    .from(evaluationSessions)
    .where(and(isNotNull(evaluationSessions.salt), lte(evaluationSessions.closesAt, now)));
  for (const session of due) await endByTime(new Scope(db, session.tenantId), session, now);
  return due.length;
}

/** Staged problems per release statement: their ids and new ids go as one JSON parameter, far below D1's 2 MB. */
const RELEASED_PER_STATEMENT = 400;

/**
 * Problems raised on ballots join the review queue (problems/review-routes.ts) only when the session ends: in random order, all with
 * the session's end as their time and no session id, so neither their order nor their time points to a
 * ballot. Every path that ends a session runs this (a close, the phones', the big screen's, a paper sheet,
 * the nightly job), often several at once, so the release is its own claim: the queue's rows are copied
 * from the staged rows still there (INSERT … SELECT joining them) and those are deleted, in one batch. Under
 * SQLite's single writer a concurrent release that read the same rows runs after it and joins none of them;
 * a row staged since (a late paper sheet) is still released, by whichever release read it.
 */
async function releaseRaisedProblems(scope: TenantScope, sessionId: string, at: string) {
  const staged = await scope.db
    .select({ id: raisedProblems.id })
    .from(raisedProblems)
    .where(scope.where(raisedProblems, eq(raisedProblems.sessionId, sessionId)));
  if (!staged.length) return;
  const time = Date.parse(at);
  const shuffled = staged.map((p) => ({ p, key: crypto.getRandomValues(new Uint32Array(1))[0] })).sort((a, b) => a.key - b.key);
  const claims = shuffled.map(({ p }) => ({ staged: p.id, id: newId(time) }));
  const statements = paramChunks(claims, RELEASED_PER_STATEMENT).flatMap((chunk) => {
    const json = sqlJson(chunk);
    const claimed = scope.where(raisedProblems, eq(raisedProblems.sessionId, sessionId), sql`${raisedProblems.id} = claim.value ->> '$.staged'`);
    // every column named (a new one fails to compile here); drizzle's INSERT … SELECT lists them in the table's order
    const queued: Record<keyof typeof problemReviews.$inferSelect, SQL> = {
      id: sql`claim.value ->> '$.id'`,
      tenantId: sql`${raisedProblems.tenantId}`,
      villageId: sql`${raisedProblems.villageId}`,
      subjectKind: sql`${raisedProblems.subjectKind}`,
      subjectId: sql`${raisedProblems.subjectId}`,
      year: sql`${raisedProblems.year}`,
      content: sql`${raisedProblems.content}`,
      raisedAt: sql`${at}`,
      status: sql`'pending'`,
      problemId: sql`NULL`,
      reason: sql`NULL`,
      decidedBy: sql`NULL`,
      decidedAt: sql`NULL`,
    };
    const columns = sql.join(
      Object.keys(getTableColumns(problemReviews)).map((key) => queued[key as keyof typeof queued]),
      sql`, `,
    );
    return [
      // CROSS JOIN keeps json_each the outer loop: the rows go in in the shuffled order, not in the staged table's
      scope.db.insert(problemReviews).select(sql`SELECT ${columns} FROM json_each(${json}) claim CROSS JOIN ${raisedProblems} WHERE ${claimed}`),
      scope.db
        .delete(raisedProblems)
        .where(scope.where(raisedProblems, eq(raisedProblems.sessionId, sessionId), inArray(raisedProblems.id, sql`(SELECT value ->> '$.staged' FROM json_each(${json}))`))),
    ];
  });
  await scope.db.batch(statements as [(typeof statements)[0], ...typeof statements]);
}

/**
 * What the big screen polls every few seconds, from the poll book and counters, never from the ballot
 * box: ballots (poll-book rows) and distinct voters per rater group, passes issued (and how many of them
 * have voted), and 另一人投票 hand-overs.
 */
export async function liveCounts(scope: TenantScope, sessionId: string) {
  const [counters, voters, [usedPasses]] = await scope.db.batch([
    scope.db.select({ name: sessionCounts.name, n: sessionCounts.n }).from(sessionCounts).where(scope.where(sessionCounts, eq(sessionCounts.sessionId, sessionId))),
    scope.db
      .select({ group: pollBook.raterGroup, ballots: count(), voters: countDistinct(pollBook.voterHash) })
      .from(pollBook)
      .where(scope.where(pollBook, eq(pollBook.sessionId, sessionId)))
      .groupBy(pollBook.raterGroup),
    scope.db
      .select({ n: countDistinct(pollBook.passHash) })
      .from(pollBook)
      .where(scope.where(pollBook, eq(pollBook.sessionId, sessionId))),
  ]);
  const counter = (name: string) => counters.find((c) => c.name === name)?.n ?? 0;
  const groups = Object.fromEntries(
    RATER_GROUPS.map((g) => {
      const row = voters.find((v) => v.group === g);
      return [g, { ballots: row?.ballots ?? 0, voters: row?.voters ?? 0 }];
    }),
  ) as Record<RaterGroup, { ballots: number; voters: number }>;
  const passes = counter('passes');
  return {
    groups,
    ballots: RATER_GROUPS.reduce((n, g) => n + groups[g].ballots, 0),
    voters: RATER_GROUPS.reduce((n, g) => n + groups[g].voters, 0),
    /** phones given a pass (a re-scan on the same phone gets its own back and is not counted again) */
    passes,
    /** passes that have not voted yet: what a close would leave in phones' outboxes */
    passesUnused: Math.max(0, passes - (usedPasses?.n ?? 0)),
    /** 另一人投票: a phone handed to the next voter */
    handovers: counter('handovers'),
  };
}

/** Printed one-time ballot tickets for a session: `count` new codes, returned once (only their HMACs are kept). */
export async function issueTickets(scope: TenantScope, secret: string, session: EvaluationSession, howMany: number, record: Recorder) {
  if (isClosed(session)) throw conflict('evaluation.session_closed');
  const codes = Array.from({ length: howMany }, () => randomString(10, CODE_ALPHABET));
  const key = { tenantId: session.tenantId, sessionId: session.id };
  const rows = await Promise.all(codes.map(async (code) => ({ tenantId: scope.tenantId, sessionId: session.id, codeHash: await ticketHash(secret, key, code), passHash: null })));
  const statements = [...insertStatements(scope.db, ballotTickets, rows), record({ action: 'session.tickets', entity: 'session', entityId: session.id, summary: { count: howMany } })];
  await scope.db.batch(statements as [(typeof statements)[0], ...typeof statements]);
  const [{ n }] = await scope.db.select({ n: count() }).from(ballotTickets).where(scope.where(ballotTickets, eq(ballotTickets.sessionId, session.id)));
  return { codes, total: n };
}

export const qrTiming = (settings: TenantSettings): QrTiming => ({ rotateSeconds: settings.qrRotateSeconds, validSeconds: settings.qrValidSeconds });

/**
 * The phone page's addresses. Tenant by path (/vote?t=<slug>&c=<code>) unless the request came by a
 * tenant host name, where the host already names it. The short one, to type from the big screen or a
 * poster, has no ?&=: /v/<code> (or /t/<slug>/v/<code>), which app.ts sends on to the ballot.
 */
export function voteUrls(origin: string, tenantSlug: string | undefined, code: string, token?: string) {
  const params = new URLSearchParams({ ...(tenantSlug ? { t: tenantSlug } : {}), c: code, ...(token ? { k: token } : {}) });
  return {
    url: `${origin}/vote?${params}`,
    shortUrl: `${origin}${tenantSlug ? `/t/${tenantSlug}` : ''}/v/${code}`,
  };
}

/** The big screen's QR: the rotating token and its 6-digit code, the links, and the QR as SVG. */
export async function screenQr(secret: string, session: EvaluationSession, timing: QrTiming, origin: string, tenantSlug: string | undefined) {
  const key = { tenantId: session.tenantId, sessionId: session.id };
  const qr = await currentQr(secret, key, timing);
  const { url, shortUrl } = voteUrls(origin, tenantSlug, session.code, qr.token);
  return {
    code: session.code,
    token: qr.token,
    pin: qr.pin,
    url,
    shortUrl,
    rotatesAt: qr.rotatesAt,
    rotateSeconds: timing.rotateSeconds,
    validSeconds: timing.validSeconds,
    svg: renderSVG(url, { ecc: 'M', border: 2 }),
  };
}

/** A QR for printing (sessions without a screen): valid for the whole session, drawn large. */
export async function posterQr(secret: string, session: EvaluationSession, origin: string, tenantSlug: string | undefined) {
  const token = await posterToken(secret, { tenantId: session.tenantId, sessionId: session.id });
  const { url, shortUrl } = voteUrls(origin, tenantSlug, session.code, token);
  return { code: session.code, url, shortUrl, opensAt: session.opensAt, closesAt: session.closesAt, svg: renderSVG(url, { ecc: 'Q', border: 4, pixelSize: 24 }) };
}

export const isClosed = (s: EvaluationSession, now = new Date().toISOString()) => sessionStatus(s, now) === 'closed';
