import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../../auth/actor';
import { ballotAnswers, ballots, evaluationSessions, householdCodes, households, members, problems } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import type { Secrets } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { newId, randomString } from '../../platform/ids';
import type { TenantSettings } from '../../tenancy/settings';
import { verifyMemberPin } from './member-pins';
import { raterGroupOf, scoreAnswers, type RaterGroup, type SubjectKind, type Voter } from './rules';
import type { ballotItemInput, voterInput } from './schemas';
import { isClosed, type EvaluationSession } from './sessions';
import { voterHash } from './tokens';
import type { BallotContext, VoteContext } from './vote-context';

/** Longest comment (意见建议) and problem (反映问题) on a ballot, in characters. */
export const COMMENT_MAX = 300;
const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export interface Receipt {
  subjectKind: SubjectKind;
  subjectId: string;
  raterGroup: RaterGroup;
  receipt: string;
}

/** Who is voting, once checked: the rater identity for the rules and the keyed identities for de-duplication. */
export interface ResolvedVoter {
  voter: Voter;
  /** what "one ballot per subject" counts against: device, household, member or account */
  identity: string;
  /** the phone as well, when a household code is the identity */
  device?: string;
  memberName?: string;
}

/**
 * Resolves the voter of a phone ballot: a villager by device id (and household code where the township
 * requires one), a member by code + PIN or by their signed-in account, a township leader by their
 * signed-in township_admin account.
 */
export async function resolveVoter(
  scope: TenantScope,
  secrets: Secrets,
  session: EvaluationSession,
  input: z.output<typeof voterInput>,
  actor: Actor | undefined,
  settings: TenantSettings,
): Promise<ResolvedVoter> {
  if (input.kind === 'villager') {
    if (!settings.requireHouseholdCode) return { voter: { kind: 'villager' }, identity: `device:${input.deviceId}` };
    if (!input.householdCode) throw new AppError(400, 'evaluation.household_code_required');
    const [household] = await scope.db
      .select({ householdId: householdCodes.householdId })
      .from(householdCodes)
      .where(scope.where(householdCodes, eq(householdCodes.code, input.householdCode.toUpperCase()), eq(householdCodes.villageId, session.villageId)))
      .limit(1);
    if (!household) throw new AppError(400, 'evaluation.household_code_invalid');
    return { voter: { kind: 'villager' }, identity: `household:${household.householdId}`, device: `device:${input.deviceId}` };
  }
  if (input.kind === 'leader') {
    if (actor?.kind !== 'user' || actor.role !== 'township_admin') throw new AppError(403, 'evaluation.leader_login_required');
    return { voter: { kind: 'leader' }, identity: `account:${actor.accountId}` };
  }
  let memberId: string;
  if (input.memberCode && input.pin) memberId = await verifyMemberPin(scope, secrets, input.memberCode, input.pin);
  else if (actor?.kind === 'user' && actor.role === 'party_member' && actor.memberId) memberId = actor.memberId;
  else throw new AppError(400, 'evaluation.member_code_required');
  const member = await scope.find(members, memberId);
  if (!member) throw new AppError(401, 'evaluation.member_pin_invalid');
  if (member.villageId !== session.villageId) throw new AppError(403, 'evaluation.member_other_village');
  return {
    voter: { kind: 'member', memberId: member.id, villageId: member.villageId, isSecretary: member.isSecretary },
    identity: `member:${member.id}`,
    memberName: member.name,
  };
}

/**
 * The rater group each subject of the session would get from this voter, and whether it is already cast
 * (one look-up on the voter's unique index: the campaign's subject kind, its subjects, the voter hash).
 */
export async function voterSubjects(scope: TenantScope, secret: string, context: VoteContext, resolved: ResolvedVoter) {
  const { session, campaign, subjects } = context;
  const hash = session.salt ? await voterHash(secret, session.salt, resolved.identity) : '';
  const cast = subjects.length
    ? await scope.db
        .select({ kind: ballots.subjectKind, id: ballots.subjectId })
        .from(ballots)
        .where(
          scope.where(
            ballots,
            eq(ballots.sessionId, session.id),
            eq(ballots.subjectKind, campaign.subjectKind),
            inArray(
              ballots.subjectId,
              subjects.map((s) => s.id),
            ),
            eq(ballots.voterHash, hash),
          ),
        )
    : [];
  const done = new Set(cast.map((c) => `${c.kind}:${c.id}`));
  return subjects.map((s) => ({
    subjectKind: s.kind,
    subjectId: s.id,
    raterGroup: raterGroupOf(resolved.voter, { kind: s.kind, id: s.id, villageId: session.villageId }),
    voted: done.has(`${s.kind}:${s.id}`),
  }));
}

export interface Submission {
  clientId: string;
  channel: 'phone' | 'paper';
  voter: ResolvedVoter;
  ballots: z.output<typeof ballotItemInput>[];
}

/**
 * Casts the ballots of one submission (one per subject), all or none, in one batch and no other round trip:
 * 1. every ballot is checked (subject in the session, every item answered in range, text lengths)
 *    against the session's context before anything is written;
 * 2. ballots, answers and raised problems go in one batch (atomic on D1 and libSQL). Each ballot's seq
 *    is assigned inside its INSERT, and only while the session is still open there (NULL otherwise, which
 *    NOT NULL refuses): a context read a few seconds ago cannot let a ballot into a closed session;
 * 3. the unique indexes (client key, voter, device, seq) are the last word on duplicates: a violation
 *    rolls back the whole batch. Only then is anything read: a retry of a stored submission (same client
 *    id) gets its receipts back, a closed session answers 409 closed, a second vote 409 already voted.
 */
export async function castBallots(scope: TenantScope, secret: string, context: BallotContext, submission: Submission) {
  const { session, campaign, questionnaire } = context;
  const db = scope.db;
  const t = scope.tenantId;
  const clientKeys = submission.ballots.map((b) => `${submission.clientId}:${b.subjectKind}:${b.subjectId}`);
  const now = new Date().toISOString();
  const phone = submission.channel === 'phone';
  const closed = (s: EvaluationSession) => Boolean(s.closedAt || !s.salt || (phone && isClosed(s, now)));
  if (closed(session)) {
    const replay = await storedReceipts(scope, session.id, clientKeys);
    if (replay.length) return { receipts: replay, replayed: true };
    throw new AppError(409, 'evaluation.session_closed');
  }
  const salt = session.salt!;

  const seen = new Set<string>();
  for (const b of submission.ballots) {
    const key = `${b.subjectKind}:${b.subjectId}`;
    if (seen.has(key)) throw new AppError(400, 'evaluation.subject_repeated');
    seen.add(key);
  }
  const planned = submission.ballots.map((b, i) => {
    if (!context.subjectKeys.has(`${b.subjectKind}:${b.subjectId}`)) throw new AppError(400, 'evaluation.subject_not_in_session');
    const group = raterGroupOf(submission.voter.voter, { kind: b.subjectKind, id: b.subjectId, villageId: session.villageId });
    const scored = scoreAnswers(questionnaire.items, group, b.answers);
    if (!scored.ok) throw new AppError(400, scored.problem.code, { item: scored.problem.item });
    const comment = (b.comment ?? '').trim();
    const problem = (b.problem ?? '').trim();
    if ([...comment].length > COMMENT_MAX) throw new AppError(400, 'evaluation.comment_too_long', { max: COMMENT_MAX });
    if ([...problem].length > COMMENT_MAX) throw new AppError(400, 'evaluation.problem_too_long', { max: COMMENT_MAX });
    return { b, id: newId(), group, scored: scored.value, comment, problem, clientKey: clientKeys[i], receipt: randomString(10, RECEIPT_ALPHABET) };
  });

  const voterKey = await voterHash(secret, salt, submission.voter.identity);
  const deviceKey = submission.voter.device ? await voterHash(secret, salt, submission.voter.device) : null;
  // the session as it is at the moment of the write (the phone's window is checked against the time of the request)
  const stillOpen = sql`EXISTS (SELECT 1 FROM ${evaluationSessions} WHERE ${evaluationSessions.tenantId} = ${t} AND ${evaluationSessions.id} = ${session.id}
    AND ${evaluationSessions.closedAt} IS NULL AND ${evaluationSessions.salt} = ${salt}${phone ? sql` AND ${evaluationSessions.closesAt} > ${now}` : sql``})`;
  // numbered inside the INSERT itself: SQLite runs one write at a time, so seq is gap-free in commit order
  const nextSeq = sql`(CASE WHEN ${stillOpen} THEN (SELECT coalesce(max(seq), 0) + 1 FROM evaluation_ballots WHERE tenant_id = ${t} AND session_id = ${session.id}) END)`;

  const writes = [];
  for (const p of planned) {
    writes.push(
      scope.insert(ballots, [
        {
          id: p.id,
          sessionId: session.id,
          campaignId: campaign.id,
          subjectKind: p.b.subjectKind,
          subjectId: p.b.subjectId,
          raterGroup: p.group,
          channel: submission.channel,
          points: p.scored.points,
          maxPoints: p.scored.maxPoints,
          comment: p.comment,
          voterHash: voterKey,
          deviceHash: deviceKey,
          clientKey: p.clientKey,
          receipt: p.receipt,
          seq: nextSeq as unknown as number,
          createdAt: now,
        },
      ]),
    );
    // the answers as one JSON parameter (columns in the table's order: id, tenant, ballot, item, points, max):
    // building and binding a 60-parameter VALUES list per ballot cost more than inserting it
    const answers = JSON.stringify(p.scored.answers.map((a) => [newId(), a.itemKey, a.points, a.maxPoints]));
    writes.push(
      db
        .insert(ballotAnswers)
        .select(
          sql`SELECT json_extract(value, '$[0]'), ${t}, ${p.id}, json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(${answers})`,
        ),
    );
    if (p.problem)
      writes.push(
        scope.insert(problems, [
          {
            villageId: session.villageId,
            subjectKind: p.b.subjectKind,
            subjectId: p.b.subjectId,
            source: 'ballot',
            sessionId: session.id,
            year: campaign.year,
            content: p.problem,
          },
        ]),
      );
  }
  try {
    await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
  } catch (error) {
    // a retry of the same submission (stored before, or by a concurrent request), a closed session or a second vote
    const raced = await storedReceipts(scope, session.id, clientKeys);
    if (raced.length) return { receipts: raced, replayed: true };
    const current = await scope.find(evaluationSessions, session.id);
    if (!current || closed(current)) throw new AppError(409, 'evaluation.session_closed', {}, undefined, { cause: error });
    if (/UNIQUE/i.test(String((error as Error)?.message) + String((error as { cause?: Error })?.cause?.message)))
      throw new AppError(409, 'evaluation.already_voted', {}, undefined, { cause: error });
    throw error;
  }
  const receipts: Receipt[] = planned.map((p) => ({ subjectKind: p.b.subjectKind, subjectId: p.b.subjectId, raterGroup: p.group, receipt: p.receipt }));
  return { receipts, replayed: false };
}

async function storedReceipts(scope: TenantScope, sessionId: string, clientKeys: string[]): Promise<Receipt[]> {
  return scope.db
    .select({ subjectKind: ballots.subjectKind, subjectId: ballots.subjectId, raterGroup: ballots.raterGroup, receipt: ballots.receipt })
    .from(ballots)
    .where(scope.where(ballots, eq(ballots.sessionId, sessionId), inArray(ballots.clientKey, clientKeys)))
    .orderBy(ballots.seq);
}

/** Household codes (户码) for the households of a village that have none; returns all codes of the village. */
export async function issueHouseholdCodes(scope: TenantScope, villageId: string) {
  const t = scope.tenantId;
  await scope.db.run(sql`
    INSERT INTO evaluation_household_codes (id, tenant_id, household_id, village_id, code, created_at)
    SELECT lower(hex(randomblob(10))), h.tenant_id, h.id, h.village_id, upper(hex(randomblob(4))), ${new Date().toISOString()}
    FROM households h
    WHERE h.tenant_id = ${t} AND h.village_id = ${villageId}
      AND NOT EXISTS (SELECT 1 FROM evaluation_household_codes c WHERE c.tenant_id = h.tenant_id AND c.household_id = h.id)
    ON CONFLICT DO NOTHING`);
  return listHouseholdCodes(scope, villageId);
}

export async function listHouseholdCodes(scope: TenantScope, villageId: string) {
  return scope.db
    .select({ householdId: households.id, headName: households.headName, address: households.address, code: householdCodes.code })
    .from(households)
    .leftJoin(householdCodes, and(eq(householdCodes.householdId, households.id), eq(householdCodes.tenantId, households.tenantId)))
    .where(scope.where(households, eq(households.villageId, villageId)))
    .orderBy(households.address, households.headName);
}
