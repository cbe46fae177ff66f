import { count, countDistinct, desc, eq, sql } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { ballots, campaigns, evaluationBookings, evaluationSessions, villages } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { AppError, conflict, notFound } from '../../platform/errors';
import { newId, randomString } from '../../platform/ids';
import type { TenantSettings } from '../../tenancy/settings';
import { toBase64Url } from './crypto';
import { RATER_GROUPS, type QrTiming, type RaterGroup } from './rules';
import { sealChain } from './tally';
import { currentQr, posterToken } from './tokens';

export type EvaluationSession = typeof evaluationSessions.$inferSelect;

/** Letters and digits that cannot be confused when typed from a screen (no 0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export const sessionColumns = {
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

/** open: accepting phone ballots now; closed: closed by hand or past its window. */
export const sessionStatus = (s: { closedAt: string | null; closesAt: string }, now = new Date().toISOString()) =>
  s.closedAt || now >= s.closesAt ? ('closed' as const) : ('open' as const);

export async function getSessionView(scope: TenantScope, id: string, ownVillage?: string) {
  const [row] = await sessionSelect(scope).where(scope.where(evaluationSessions, eq(evaluationSessions.id, id)));
  if (!row || (ownVillage && row.villageId !== ownVillage)) throw notFound('evaluation.session_not_found');
  return { ...row, status: sessionStatus(row) };
}

export async function listSessions(scope: TenantScope, filter: { campaignId?: string; villageId?: string }) {
  const rows = await sessionSelect(scope)
    .where(
      scope.where(
        evaluationSessions,
        filter.campaignId ? eq(evaluationSessions.campaignId, filter.campaignId) : undefined,
        filter.villageId ? eq(evaluationSessions.villageId, filter.villageId) : undefined,
      ),
    )
    .orderBy(desc(evaluationSessions.opensAt));
  return rows.map((r) => ({ ...r, status: sessionStatus(r) }));
}

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
export async function openSession(scope: TenantScope, bookingId: string, openedBy: string, ownVillage?: string) {
  const booking = await scope.find(evaluationBookings, bookingId);
  if (!booking || booking.cancelledAt || (ownVillage && booking.villageId !== ownVillage)) throw notFound('evaluation.booking_not_found');
  const [existing] = await scope.db
    .select({ id: evaluationSessions.id })
    .from(evaluationSessions)
    .where(scope.where(evaluationSessions, eq(evaluationSessions.bookingId, bookingId)));
  if (existing) return { session: await getSessionView(scope, existing.id), created: false };
  if (new Date().toISOString() >= booking.endsAt) throw conflict('evaluation.booking_over');
  const id = newId();
  const salt = toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
  // checked inside the INSERT: a booking cancelled since it was read gives NULL, which NOT NULL refuses
  // (cancelBooking checks the other way round, so a booking is either cancelled or has its session, never both)
  const openedByIfBooked = sql`(CASE WHEN EXISTS (SELECT 1 FROM ${evaluationBookings} WHERE ${evaluationBookings.tenantId} = ${scope.tenantId}
    AND ${evaluationBookings.id} = ${bookingId} AND ${evaluationBookings.cancelledAt} IS NULL) THEN ${openedBy} END)`;
  // a code collision (one in ~10^8 per pair) is retried with a new code; a second open of the booking loses on its unique index
  for (let attempt = 0; ; attempt++) {
    const [row] = await insertSession(scope, bookingId, () =>
      scope
        .insert(evaluationSessions, [
          {
            id,
            bookingId,
            campaignId: booking.campaignId,
            villageId: booking.villageId,
            code: randomString(6, CODE_ALPHABET),
            opensAt: booking.startsAt,
            closesAt: booking.endsAt,
            salt,
            openedBy: openedByIfBooked as unknown as string,
          },
        ])
        .onConflictDoNothing()
        .returning({ id: evaluationSessions.id }),
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

/** Closes a session: no more ballots; its salt is erased, so its voter hashes can never be linked again; the chain is sealed. */
export async function closeSession(scope: TenantScope, id: string, ownVillage?: string) {
  const session = await sessionRow(scope, id, ownVillage);
  if (!session.closedAt) {
    await scope.db
      .update(evaluationSessions)
      .set({ closedAt: new Date().toISOString(), salt: null })
      .where(scope.where(evaluationSessions, eq(evaluationSessions.id, id), sql`${evaluationSessions.closedAt} IS NULL`));
  }
  await sealChain(scope, id);
  return getSessionView(scope, id);
}

/**
 * What the big screen polls every few seconds: one GROUP BY over the session's ballots (covered by the
 * index on tenant, session, group, voter hash): ballots and distinct voters per rater group.
 */
export async function liveCounts(scope: TenantScope, sessionId: string) {
  const rows = await scope.db
    .select({ group: ballots.raterGroup, ballots: count(), voters: countDistinct(ballots.voterHash) })
    .from(ballots)
    .where(scope.where(ballots, eq(ballots.sessionId, sessionId)))
    .groupBy(ballots.raterGroup);
  const groups = Object.fromEntries(RATER_GROUPS.map((g) => [g, { ballots: 0, voters: 0 }])) as Record<RaterGroup, { ballots: number; voters: number }>;
  for (const row of rows) groups[row.group] = { ballots: row.ballots, voters: row.voters };
  return {
    groups,
    ballots: rows.reduce((n, r) => n + r.ballots, 0),
    voters: rows.reduce((n, r) => n + r.voters, 0),
  };
}

export const qrTiming = (settings: TenantSettings): QrTiming => ({ rotateSeconds: settings.qrRotateSeconds, validSeconds: settings.qrValidSeconds });

/**
 * The phone page's addresses. Tenant by path (/vote?t=<slug>&c=<code>) unless the request came by a
 * tenant host name, where the host already names it.
 */
export function voteUrls(origin: string, tenantSlug: string | undefined, code: string, token?: string) {
  const params = new URLSearchParams({ ...(tenantSlug ? { t: tenantSlug } : {}), c: code, ...(token ? { k: token } : {}) });
  return {
    url: `${origin}/vote?${params}`,
    shortUrl: `${origin}/vote?${new URLSearchParams({ ...(tenantSlug ? { t: tenantSlug } : {}), c: code })}`,
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
