import { eq, inArray } from 'drizzle-orm';
import { systemRecorder } from '../audit/record';
import type { Db } from '../db/client';
import { evaluationBookings, evaluationSessions, members, villages } from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { shanghaiYear } from '../platform/time';
import type { Random } from './random';
import { tenantSettingsSchema } from '../tenancy/settings';
import { castBallots, closeSession, createBooking, createCampaign, createScreen, ensureDefaultQuestionnaires, getQuestionnaire, itemsFor, loadBallotContext, openSession, raterGroupOf, type ResolvedVoter, type Voter } from '../features/evaluation';
import { DEV_APP_SECRET } from '../platform/config';

/**
 * Demo data of the evaluation: default questionnaires for each township, and in the first one a branch
 * campaign of the current year with finished sessions (yesterday) for the given villages, with
 * villager, member and leader ballots, so results and reports show something.
 */
export async function seedDemoEvaluation(db: Db, random: Random, tenantIds: string[], villageNames: string[]): Promise<void> {
  for (const tenantId of tenantIds) await ensureDefaultQuestionnaires(db, tenantId);
  const scope = new TenantScope(db, tenantIds[0]);
  const settings = tenantSettingsSchema.parse({});
  const campaign = await createCampaign(scope, { name: `${shanghaiYear()}年度村党支部星级评定`, subjectKind: 'branch' }, settings, 'demo', systemRecorder(scope.db, scope.tenantId));
  const questionnaire = await getQuestionnaire(scope, campaign.questionnaireId);
  const screen = await createScreen(scope, '星级评定中心一号厅', systemRecorder(scope.db, scope.tenantId));
  const chosen = await db.select().from(villages).where(scope.where(villages, inArray(villages.name, villageNames)));
  const yesterday = new Date(Date.now() - 86_400_000);
  for (const [n, village] of chosen.entries()) {
    const startsAt = new Date(Math.floor(yesterday.getTime() / 3600_000) * 3600_000 + n * 2 * 3600_000);
    const endsAt = new Date(startsAt.getTime() + 3600_000);
    const booking = await createBooking(
      scope,
      { campaignId: campaign.id, villageId: village.id, screenId: screen.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), note: '' },
      'demo',
      systemRecorder(scope.db, scope.tenantId),
    );
    // the session ran yesterday: opened while open, ballots cast, then put back to its booked window and closed
    const farEnd = new Date(Date.now() + 3600_000).toISOString();
    const { session } = await openSessionAnyTime(scope, booking.id, farEnd);
    const villageMembers = await db.select().from(members).where(scope.where(members, eq(members.villageId, village.id)));
    const voters: ResolvedVoter[] = [
      ...Array.from({ length: 18 + random.int(0, 8) }, (_, i) => ({ voter: { kind: 'villager' } as Voter, identity: `device:demo-${village.id}-${i}` })),
      ...villageMembers.slice(0, 8).map((m) => ({
        voter: { kind: 'member', memberId: m.id, villageId: m.villageId, isSecretary: m.isSecretary } as Voter,
        identity: `member:${m.id}`,
      })),
      { voter: { kind: 'leader' } as Voter, identity: 'account:demo-leader' },
    ];
    const context = await loadBallotContext(scope, session);
    const bias = random.int(0, 2); // some villages do better than others
    for (const [i, voter] of voters.entries()) {
      const group = raterGroupOf(voter.voter, { kind: 'branch', id: village.id, villageId: village.id });
      const answers = Object.fromEntries(
        itemsFor(questionnaire.items, group).map((item) => [item.key, Math.min(3, Math.max(0, random.int(0, 2) + (random.chance(0.3) ? bias : 0) - 1))]),
      );
      await castBallots(scope, DEV_APP_SECRET, context, {
        clientId: `demo-${village.id}-${i}`,
        channel: 'phone',
        voter,
        ballots: [
          {
            subjectKind: 'branch',
            subjectId: village.id,
            answers,
            comment: i % 7 === 0 ? random.pick(['希望多为群众办实事', '村里道路修得好', '村务公开要再及时一些', '支部书记经常入户走访']) : undefined,
            problem: i === 3 ? random.pick(['村东头路灯不亮', '排水沟需要清理']) : undefined,
          },
        ],
      });
    }
    await scope.update(evaluationSessions, session.id, { closesAt: endsAt.toISOString() });
    await closeSession(scope, session.id, systemRecorder(scope.db, scope.tenantId));
    await scope.update(evaluationSessions, session.id, { closedAt: endsAt.toISOString() });
  }
}

/** Opens a booking's session with a window reaching `closesAt`, so the demo can cast into a slot already past. */
async function openSessionAnyTime(scope: TenantScope, bookingId: string, closesAt: string) {
  const booking = await scope.find(evaluationBookings, bookingId);
  if (!booking) throw new Error(`demo booking ${bookingId} is not in tenant ${scope.tenantId}`);
  await scope.update(evaluationBookings, bookingId, { endsAt: closesAt });
  const opened = await openSession(scope, bookingId, 'demo', systemRecorder(scope.db, scope.tenantId));
  await scope.update(evaluationBookings, bookingId, { endsAt: booking.endsAt });
  const session = await scope.find(evaluationSessions, opened.session.id);
  if (!session) throw new Error(`demo session ${opened.session.id} is not in tenant ${scope.tenantId}`);
  return { session };
}
