import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { insertMany } from '../db/batch';
import { ballotAnswers, ballots, evaluationBookings, evaluationSessions, pollBook } from '../db/schema';
import { newId, secretId } from '../platform/ids';
import { type Campaign, campaignThresholds, campaignWeights, composite, groupScore, type Questionnaire, RATER_GROUPS, type RaterGroup, scoreAnswers, starsFor, sumsOf } from '../features/evaluation';
import type { Stars } from '../domain/thresholds';
import type { Random } from './random';

/** One subject of a session and the ballots it gets: the raw stars they must come to, and how many per rater group. */
export interface PlannedSubject {
  kind: 'branch' | 'member';
  /** the village id for a branch, the member id for a member */
  id: string;
  name: string;
  stars: Stars;
  counts: Record<RaterGroup, number>;
}

export interface EvaluatedVillage {
  id: string;
  subjects: PlannedSubject[];
}

/** A branch is scored by its secretary (自评), up to 8 other members (互评), 16–28 villagers and 1–2 township leaders. */
export const branchCounts = (random: Random, members: number): Record<RaterGroup, number> => ({
  self: 1,
  peer: Math.min(8, Math.max(1, members - 1)),
  villager: random.int(16, 28),
  leader: random.int(1, 2),
});

/** A member is scored by themself, a few fellow members, their contact households' villagers and a leader. */
export const memberCounts = (random: Random): Record<RaterGroup, number> => ({ self: 1, peer: random.int(3, 5), villager: random.int(5, 8), leader: 1 });

interface PlannedBallot {
  id: string;
  kind: 'branch' | 'member';
  subject: string;
  group: RaterGroup;
  channel: 'phone' | 'paper';
  points: number;
  maxPoints: number;
  comment: string;
  answers: [string, number, number][];
}

/** Per-item points the ballots of each star level centre on (options are 10 / 8 / 6 / 3). */
const AIM: Record<Stars, [number, number]> = { 5: [9.2, 9.6], 4: [8.3, 8.9], 3: [7.3, 7.9], 2: [6.3, 6.8], 1: [5.2, 5.7] };
/** The secretary rates the own branch a little higher, villagers a little lower. */
const GROUP_BIAS: Record<RaterGroup, number> = { self: 0.5, peer: 0.2, villager: -0.1, leader: 0 };
const PRAISE = ['支部书记经常入户走访', '村里道路修得好', '为群众办实事,大家看得见', '村务公开及时,账目清楚', '合作社带着大家增收'];
const CRITICISM = ['村务公开要再及时一些', '排水沟需要清理', '希望多听听群众意见', '村东头路灯不亮', '环境卫生还要加强'];

/** One answer: the option whose points lie nearest to the aim plus noise. */
function answer(random: Random, options: { points: number }[], aim: number): number {
  const wanted = aim + (random.next() + random.next() - 1) * 2.2;
  let best = 0;
  for (const [i, o] of options.entries()) if (Math.abs(o.points - wanted) < Math.abs(options[best].points - wanted)) best = i;
  return best;
}

/**
 * Ballots about one subject whose composite (the evaluation's own rules) lands on `stars`: drawn
 * around an aim, and the aim nudged until the weighted result agrees. Deterministic for a random source.
 */
export function planBallots(random: Random, questionnaire: Questionnaire, campaign: Campaign, subject: PlannedSubject): PlannedBallot[] {
  const weights = campaignWeights(campaign);
  const thresholds = campaignThresholds(campaign);
  const counts = subject.counts;
  const [low, high] = AIM[subject.stars];
  let aim = low + random.next() * (high - low);
  for (let attempt = 0; attempt < 60; attempt++) {
    const drawn: PlannedBallot[] = [];
    for (const group of RATER_GROUPS)
      for (let i = 0; i < counts[group]; i++) {
        const choices = Object.fromEntries(questionnaire.items.map((item) => [item.key, answer(random, item.options, aim + GROUP_BIAS[group])]));
        const scored = scoreAnswers(questionnaire.items, group, choices);
        if (!scored.ok) throw new Error(`demo ballot refused: ${scored.problem.code}`);
        const comment =
          subject.kind === 'branch' && group === 'villager' && random.chance(0.2)
            ? random.pick(subject.stars >= 4 ? PRAISE : subject.stars <= 2 ? CRITICISM : [...PRAISE, ...CRITICISM])
            : '';
        drawn.push({
          id: newId(),
          kind: subject.kind,
          subject: subject.id,
          group,
          channel: group === 'leader' ? 'paper' : 'phone',
          points: scored.value.points,
          maxPoints: scored.value.maxPoints,
          comment,
          answers: scored.value.answers.map((a) => [a.itemKey, a.points, a.maxPoints]),
        });
      }
    const tallies = Object.fromEntries(
      RATER_GROUPS.map((g) => {
        const mine = drawn.filter((b) => b.group === g);
        return [g, { count: mine.length, score: groupScore(sumsOf(mine)) }];
      }),
    );
    const stars = starsFor(composite(weights, tallies).composite, thresholds);
    if (stars === subject.stars) return drawn;
    aim += (stars ?? 0) < subject.stars ? 0.12 : -0.12;
  }
  throw new Error(`demo ballots for ${subject.name} never reached ${subject.stars} stars`);
}

/** Ballots arrive in no particular order of groups. */
function shuffleVoters<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Rows per INSERT … SELECT FROM json_each(?): ~60 KB of JSON, well inside D1's statement limits. */
const BALLOTS_PER_STATEMENT = 200;

/**
 * A closed session per village in `slots` (one per village, an hour each) on `screenId`, and ballots that
 * bring each of its subjects (the branch, or members) to its planned stars. Sessions are written as already closed (no salt: nobody can
 * link a ballot to a voter) and without a sealed tally root (the public tally computes it from the receipts).
 * Bookings and sessions go in by insertMany; ballots, their answers and their poll-book rows by INSERT …
 * SELECT over JSON, all in one batch per campaign.
 */
export async function writeEvaluations(
  db: Db,
  random: Random,
  input: { tenantId: string; campaign: Campaign; questionnaire: Questionnaire; screenId: string; villages: EvaluatedVillage[]; slots: Date[] },
): Promise<number> {
  const { tenantId, campaign } = input;
  const bookings: (typeof evaluationBookings.$inferInsert)[] = [];
  const sessions: (typeof evaluationSessions.$inferInsert)[] = [];
  const rows: Record<string, unknown>[] = [];
  const yy = String(campaign.year % 100).padStart(2, '0');
  for (const [k, village] of input.villages.entries()) {
    const startsAt = input.slots[k];
    const endsAt = new Date(startsAt.getTime() + 3600_000);
    const bookingId = newId();
    const sessionId = newId();
    bookings.push({ id: bookingId, tenantId, campaignId: campaign.id, villageId: village.id, screenId: input.screenId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), note: '', bookedBy: 'demo', createdAt: new Date(startsAt.getTime() - 7 * 86_400_000).toISOString() });
    // a leading 0 never occurs in codes the app draws (its alphabet has no 0), so these cannot collide
    sessions.push({ id: sessionId, tenantId, bookingId, campaignId: campaign.id, villageId: village.id, code: `0${yy}${campaign.subjectKind === 'branch' ? 'B' : 'M'}${String(k + 1).padStart(3, '0')}`, opensAt: startsAt.toISOString(), closesAt: endsAt.toISOString(), salt: null, openedBy: 'demo', createdAt: startsAt.toISOString(), closedAt: endsAt.toISOString() });
    const planned = shuffleVoters(random, village.subjects.flatMap((subject) => planBallots(random, input.questionnaire, campaign, subject)));
    for (const [i, ballot] of planned.entries())
      rows.push({
        ...ballot,
        id: secretId(),
        session: sessionId,
        voter: `demo-${i + 1}`,
        receipt: `D${sessionId.slice(-6).toUpperCase()}${String(i + 1).padStart(3, '0')}`,
      });
  }
  await insertMany(db, evaluationBookings, bookings);
  await insertMany(db, evaluationSessions, sessions);
  const statements: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < rows.length; i += BALLOTS_PER_STATEMENT) {
    const json = JSON.stringify(rows.slice(i, i + BALLOTS_PER_STATEMENT));
    statements.push(
      // the ballot box: id, tenant_id, session_id, campaign_id, subject_kind, subject_id, rater_group, channel, points, max_points, comment
      db.insert(ballots).select(sql`
        SELECT json_extract(value, '$.id'), ${tenantId}, json_extract(value, '$.session'), ${campaign.id}, json_extract(value, '$.kind'), json_extract(value, '$.subject'),
               json_extract(value, '$.group'), json_extract(value, '$.channel'), json_extract(value, '$.points'), json_extract(value, '$.maxPoints'),
               json_extract(value, '$.comment')
        FROM json_each(${json})`),
      // tenant_id, ballot_id, item_key, points, max_points
      db.insert(ballotAnswers).select(sql`
        SELECT ${tenantId}, json_extract(b.value, '$.id'), json_extract(a.value, '$[0]'), json_extract(a.value, '$[1]'), json_extract(a.value, '$[2]')
        FROM json_each(${json}) b, json_each(json_extract(b.value, '$.answers')) a`),
      // the poll book: tenant_id, session_id, subject_kind, subject_id, voter_hash, rater_group, pass_hash, submission, receipt
      db.insert(pollBook).select(sql`
        SELECT ${tenantId}, json_extract(value, '$.session'), json_extract(value, '$.kind'), json_extract(value, '$.subject'), json_extract(value, '$.voter'),
               json_extract(value, '$.group'), NULL, json_extract(value, '$.voter'), json_extract(value, '$.receipt')
        FROM json_each(${json})`),
    );
  }
  await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
  return rows.length;
}

/**
 * `count` one-hour slots, four a day (09:00, 10:30, 14:30, 16:00 Shanghai) from the Shanghai day `first`
 * (YYYY-MM-DD) on.
 */
export function sessionSlots(first: string, count: number): Date[] {
  const [y, m, d] = first.split('-').map(Number);
  const offsets = [9 * 60, 10 * 60 + 30, 14 * 60 + 30, 16 * 60];
  return Array.from({ length: count }, (_, i) => {
    const day = Date.UTC(y, m - 1, d + Math.floor(i / offsets.length)) - 8 * 3600_000;
    return new Date(day + offsets[i % offsets.length] * 60_000);
  });
}
