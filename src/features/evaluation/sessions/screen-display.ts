import { and, asc, eq, gt, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import { campaigns, evaluationBookings, evaluationScreens, evaluationSessions, villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { underAnyKey, type Secrets } from '../../../platform/config';
import { AppError, notFound } from '../../../platform/errors';
import { shanghaiDate } from '../../../platform/time';
import { hmacText, sameText } from '../../../platform/crypto';
import type { QrTiming } from '../rules';
import { getSessionView, liveCounts, screenQr, sessionRow } from './sessions';

/**
 * The unattended display link of a screen of the evaluation centre: the TV in a public hall opens
 * /screen?screen=<id>&key=<key> and needs no account. The key is an HMAC under the server secret over the
 * tenant, the screen and the screen's key version, so nothing secret is stored; rotating the link bumps the
 * version, and the old key stops working on the next poll.
 */
export type Screen = typeof evaluationScreens.$inferSelect;

const keyMessage = (s: Pick<Screen, 'tenantId' | 'id' | 'displayKeyVersion'>) => `screen-display|${s.tenantId}|${s.id}|${s.displayKeyVersion}`;

/** The screen's current display key (128 bits, base64url). */
export const displayKey = (secret: string, screen: Screen) => hmacText(secret, keyMessage(screen), 16);

/** The address the TV opens: tenant by path (`t=`) unless the host already names it, as the vote links do. */
function displayUrl(origin: string, tenantSlug: string | undefined, screenId: string, key: string) {
  return `${origin}/screen?${new URLSearchParams({ ...(tenantSlug ? { t: tenantSlug } : {}), screen: screenId, key })}`;
}

async function screenRow(scope: TenantScope, id: string): Promise<Screen> {
  const screen = await scope.find(evaluationScreens, id);
  if (!screen) throw notFound('evaluation.screen_not_found');
  return screen;
}

/** The screen and its link, for the township admin. */
export async function displayLink(scope: TenantScope, secret: string, id: string, origin: string, tenantSlug: string | undefined) {
  const screen = await screenRow(scope, id);
  const key = await displayKey(secret, screen);
  return { screenId: screen.id, name: screen.name, key, url: displayUrl(origin, tenantSlug, screen.id, key) };
}

/** A new key for the screen: one UPDATE bumps the version, so the old link is refused from now on. */
export async function rotateDisplayKey(scope: TenantScope, secret: string, id: string, origin: string, tenantSlug: string | undefined, record: Recorder) {
  const [[row]] = await scope.db.batch([
    scope.db
      .update(evaluationScreens)
      .set({ displayKeyVersion: sql`${evaluationScreens.displayKeyVersion} + 1` })
      .where(scope.where(evaluationScreens, eq(evaluationScreens.id, id)))
      .returning({ id: evaluationScreens.id }),
    record({ action: 'screen.rotate_display_key', entity: 'screen', entityId: id, onlyIfChanged: true }),
  ]);
  if (!row) throw notFound('evaluation.screen_not_found');
  return displayLink(scope, secret, id, origin, tenantSlug);
}

/** The screen behind a display key: 404 for an unknown screen, 403 for a wrong or revoked key (compared in constant time). */
export async function screenForKey(scope: TenantScope, secrets: Secrets, id: string, presented: string): Promise<Screen> {
  const screen = await screenRow(scope, id);
  // a link shown before a key rotation keeps working while APP_SECRET_PREVIOUS is set
  if (!(await underAnyKey(secrets, async (secret) => sameText(presented, await displayKey(secret, screen))))) throw new AppError(403, 'evaluation.display_key_invalid');
  return screen;
}

/**
 * The session the screen shows now, from the bookings of this screen: an open session first (the earliest:
 * bookings of one screen do not overlap, so that is the one of the current slot, else one opened early for
 * a later slot), else a session closed during its slot (the screen thanks people until the slot ends).
 */
async function currentSessionId(scope: TenantScope, screenId: string, now: string): Promise<string | undefined> {
  const onScreen = (...conditions: SQL[]) =>
    scope.db
      .select({ id: evaluationSessions.id })
      .from(evaluationSessions)
      .innerJoin(
        evaluationBookings,
        and(eq(evaluationBookings.id, evaluationSessions.bookingId), eq(evaluationBookings.tenantId, evaluationSessions.tenantId)),
      )
      .where(scope.where(evaluationSessions, eq(evaluationBookings.screenId, screenId), ...conditions))
      .orderBy(asc(evaluationSessions.opensAt))
      .limit(1);
  const [open] = await onScreen(isNull(evaluationSessions.closedAt), gt(evaluationSessions.closesAt, now));
  if (open) return open.id;
  const [closed] = await onScreen(lte(evaluationBookings.startsAt, now), gt(evaluationBookings.endsAt, now));
  return closed?.id;
}

/** The next slot of this screen today (Asia/Shanghai) that has no session yet, including one whose time has come. */
async function nextBooking(scope: TenantScope, screenId: string, now: string) {
  const endOfDay = new Date(Date.parse(`${shanghaiDate(new Date(now))}T00:00:00+08:00`) + 86_400_000).toISOString();
  const [row] = await scope.db
    .select({
      villageName: villages.name,
      branchName: villages.branchName,
      campaignName: campaigns.name,
      startsAt: evaluationBookings.startsAt,
      endsAt: evaluationBookings.endsAt,
    })
    .from(evaluationBookings)
    .innerJoin(villages, eq(villages.id, evaluationBookings.villageId))
    .innerJoin(campaigns, eq(campaigns.id, evaluationBookings.campaignId))
    .leftJoin(
      evaluationSessions,
      and(eq(evaluationSessions.bookingId, evaluationBookings.id), eq(evaluationSessions.tenantId, evaluationBookings.tenantId)),
    )
    .where(
      scope.where(
        evaluationBookings,
        eq(evaluationBookings.screenId, screenId),
        isNull(evaluationBookings.cancelledAt),
        isNull(evaluationSessions.id),
        gt(evaluationBookings.endsAt, now),
        lt(evaluationBookings.startsAt, endOfDay),
      ),
    )
    .orderBy(asc(evaluationBookings.startsAt))
    .limit(1);
  return row ?? null;
}

/**
 * What the TV shows right now: the screen's name and either the session on it (village, campaign, live
 * counts, and the rotating QR while it is open) and, when there is none or it is over, the next slot booked
 * today. Only what a
 * public hall may show: no voters, no phones, no ballots' content.
 */
export async function screenDisplay(scope: TenantScope, secret: string, screen: Screen, timing: QrTiming, origin: string, tenantSlug: string | undefined) {
  const now = new Date().toISOString();
  const sessionId = await currentSessionId(scope, screen.id, now);
  const base = { screen: { id: screen.id, name: screen.name }, now };
  if (!sessionId) return { ...base, session: null, next: await nextBooking(scope, screen.id, now) };
  const [view, row, live] = await Promise.all([getSessionView(scope, sessionId), sessionRow(scope, sessionId), liveCounts(scope, sessionId)]);
  const qr = view.status === 'open' ? await screenQr(secret, row, timing, origin, tenantSlug) : null;
  return {
    ...base,
    session: {
      id: view.id,
      code: view.code,
      campaignName: view.campaignName,
      year: view.year,
      subjectKind: view.subjectKind,
      villageName: view.villageName,
      branchName: view.branchName,
      opensAt: view.opensAt,
      closesAt: view.closesAt,
      status: view.status,
      live,
      qr,
    },
    next: view.status === 'closed' ? await nextBooking(scope, screen.id, now) : null,
  };
}
