import { and, asc, eq, gt, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import type { z } from 'zod';
import { campaigns, evaluationBookings, evaluationScreens, evaluationSessions, villages } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { AppError, conflict, notFound } from '../../../platform/errors';
import { newId } from '../../../platform/ids';
import { getCampaign } from '../setup/campaigns';
import type { bookingInput, bookingQuery } from '../schemas';
import { shanghaiClock, shanghaiMinute, shanghaiWeekStart } from '../../../domain/calendar';

const MAX_BOOKING_HOURS = 12;

/** A booking as the calendar shows it. */
export const bookingColumns = {
  id: evaluationBookings.id,
  campaignId: evaluationBookings.campaignId,
  villageId: evaluationBookings.villageId,
  villageName: villages.name,
  screenId: evaluationBookings.screenId,
  screenName: evaluationScreens.name,
  startsAt: evaluationBookings.startsAt,
  endsAt: evaluationBookings.endsAt,
  note: evaluationBookings.note,
  sessionId: evaluationSessions.id,
  sessionCode: evaluationSessions.code,
  sessionClosedAt: evaluationSessions.closedAt,
};

function bookingSelect(scope: TenantScope) {
  return scope.db
    .select(bookingColumns)
    .from(evaluationBookings)
    .innerJoin(villages, eq(villages.id, evaluationBookings.villageId))
    .innerJoin(evaluationScreens, eq(evaluationScreens.id, evaluationBookings.screenId))
    .leftJoin(evaluationSessions, and(eq(evaluationSessions.bookingId, evaluationBookings.id), eq(evaluationSessions.tenantId, evaluationBookings.tenantId)));
}

/** The calendar: live bookings overlapping [from, to) (default: this Shanghai week), of one village when `villageId` is given (the caller narrows it: listedVillage). */
export async function listBookings(scope: TenantScope, query: Omit<z.output<typeof bookingQuery>, 'villageId'>, villageId?: string) {
  const from = query.from ?? shanghaiWeekStart(new Date()).toISOString();
  const to = query.to ?? new Date(new Date(from).getTime() + 7 * 86_400_000).toISOString();
  const items = await bookingSelect(scope)
    .where(
      scope.where(
        evaluationBookings,
        isNull(evaluationBookings.cancelledAt),
        lt(evaluationBookings.startsAt, to),
        gt(evaluationBookings.endsAt, from),
        villageId ? eq(evaluationBookings.villageId, villageId) : undefined,
        query.campaignId ? eq(evaluationBookings.campaignId, query.campaignId) : undefined,
      ),
    )
    .orderBy(asc(evaluationBookings.startsAt));
  return { from, to, items };
}

export async function getBooking(scope: TenantScope, id: string, ownVillage?: string) {
  const [row] = await bookingSelect(scope).where(scope.where(evaluationBookings, eq(evaluationBookings.id, id), isNull(evaluationBookings.cancelledAt)));
  if (!row || (ownVillage && row.villageId !== ownVillage)) throw notFound('evaluation.booking_not_found');
  return row;
}

/**
 * Books a screen. The overlap check and the insert are one statement (INSERT … SELECT … WHERE NOT
 * EXISTS), so two people booking the same slot at once cannot both succeed, on D1 or libSQL.
 */
export async function createBooking(scope: TenantScope, body: z.output<typeof bookingInput>, bookedBy: string, record: Recorder) {
  if (body.endsAt <= body.startsAt) throw new AppError(400, 'evaluation.booking_bad_window');
  if (new Date(body.endsAt).getTime() - new Date(body.startsAt).getTime() > MAX_BOOKING_HOURS * 3600_000)
    throw new AppError(400, 'evaluation.booking_too_long', { hours: MAX_BOOKING_HOURS });
  const campaign = await getCampaign(scope, body.campaignId);
  const [village, screen] = await Promise.all([scope.find(villages, body.villageId), scope.find(evaluationScreens, body.screenId)]);
  if (!village) throw notFound('rosters.village_not_found');
  if (!screen) throw notFound('evaluation.screen_not_found');
  const id = newId();
  const t = scope.tenantId;
  // a query builder (INSERT … SELECT in table column order), so that the audit row can share its batch
  await scope.db.batch([
    scope.db.insert(evaluationBookings).select(sql`
    SELECT ${id}, ${t}, ${campaign.id}, ${village.id}, ${screen.id}, ${body.startsAt}, ${body.endsAt}, ${body.note}, ${bookedBy}, ${new Date().toISOString()}, NULL
    WHERE NOT EXISTS (
      SELECT 1 FROM evaluation_bookings
      WHERE tenant_id = ${t} AND screen_id = ${screen.id} AND cancelled_at IS NULL
        AND starts_at < ${body.endsAt} AND ends_at > ${body.startsAt})
      -- the campaign may have been deleted since it was read (campaigns-edit.ts): then no row, and a 404 below
      AND EXISTS (SELECT 1 FROM evaluation_campaigns WHERE tenant_id = ${t} AND id = ${campaign.id})`),
    record({ action: 'booking.create', entity: 'booking', entityId: id, after: { ...body }, onlyIfChanged: true }),
  ]);
  const [created] = await bookingSelect(scope).where(scope.where(evaluationBookings, eq(evaluationBookings.id, id)));
  if (created) return created;
  if (!(await scope.find(campaigns, campaign.id))) throw notFound('evaluation.campaign_not_found');
  const [clash] = await bookingSelect(scope)
    .where(
      scope.where(
        evaluationBookings,
        eq(evaluationBookings.screenId, screen.id),
        isNull(evaluationBookings.cancelledAt),
        lt(evaluationBookings.startsAt, body.endsAt),
        gt(evaluationBookings.endsAt, body.startsAt),
      ),
    )
    .limit(1);
  throw conflict('evaluation.booking_overlap', {
    screen: screen.name,
    village: clash?.villageName ?? '',
    time: clash ? `${shanghaiMinute(clash.startsAt)}–${shanghaiClock(clash.endsAt)}` : '',
  });
}

export async function cancelBooking(scope: TenantScope, id: string, record: Recorder, ownVillage?: string) {
  const booking = await getBooking(scope, id, ownVillage);
  if (booking.sessionId) throw conflict('evaluation.booking_has_session');
  // only while no session exists at the moment of the write: a session opened since the read wins (openSession checks the other way)
  const [[cancelled]] = await scope.db.batch([
    scope.db
    .update(evaluationBookings)
    .set({ cancelledAt: new Date().toISOString() })
    .where(
      scope.where(
        evaluationBookings,
        eq(evaluationBookings.id, id),
        notExists(
          scope.db
            .select({ id: evaluationSessions.id })
            .from(evaluationSessions)
            .where(and(eq(evaluationSessions.tenantId, scope.tenantId), eq(evaluationSessions.bookingId, id))),
        ),
      ),
    )
    .returning({ id: evaluationBookings.id }),
    record({ action: 'booking.cancel', entity: 'booking', entityId: id, onlyIfChanged: true }),
  ]);
  if (!cancelled) throw conflict('evaluation.booking_has_session');
}

export async function listScreens(scope: TenantScope) {
  return scope.db
    .select({ id: evaluationScreens.id, name: evaluationScreens.name, createdAt: evaluationScreens.createdAt })
    .from(evaluationScreens)
    .where(scope.where(evaluationScreens))
    .orderBy(evaluationScreens.name);
}

export async function createScreen(scope: TenantScope, name: string, record: Recorder) {
  const id = newId();
  const [[row]] = await scope.db.batch([
    scope
      .insert(evaluationScreens, [{ id, name }])
      .onConflictDoNothing()
      .returning({ id: evaluationScreens.id, name: evaluationScreens.name, createdAt: evaluationScreens.createdAt }),
    record({ action: 'screen.create', entity: 'screen', entityId: id, after: { name }, onlyIfChanged: true }),
  ]);
  if (!row) throw conflict('evaluation.screen_name_taken', { name });
  return row;
}
