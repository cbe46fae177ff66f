import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Recorder } from '../../../audit/record';
import type { BatchItem } from 'drizzle-orm/batch';
import type { z } from 'zod';
import type { Actor } from '../../../auth/actor';
import { ballotAnswers, ballots, ballotTickets, campaignVoters, evaluationSessions, householdCodes, households, members, pollBook, raisedProblems, sessionCounts, unknownSubjects } from '../../../db/schema';
import type { TenantScope } from '../../../db/tenant-scope';
import { sqlJson } from '../../../db/sql-json';
import { verifyingKeys, type Secrets } from '../../../platform/config';
import { AppError } from '../../../platform/errors';
import { randomString, secretId } from '../../../platform/ids';
import type { TenantSettings } from '../../../tenancy/settings';
import { mayBeUnknown } from '../../../domain/unknown-subject';
import { verifyMemberPin } from './member-pins';
import { raterGroupOf, scoreAnswers, type RaterGroup, type SubjectKind, type Voter } from '../rules';
import type { ballotItemInput, subjectRef, voterInput } from '../schemas';
import { isClosed, type EvaluationSession } from '../sessions/sessions';
import { campaignIdentity, campaignVoterHash, paperVoterHash, submissionHash, ticketHash, voterHash } from '../sessions/passes';
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

/** Who is voting, once checked: the rater identity for the rules and the identity "one ballot per subject" counts against. */
export interface ResolvedVoter {
  voter: Voter;
  /** pass, household, ticket, member, account (keyed with the session's salt) or a paper sheet (keyed without) */
  identity: string;
  /** the server-issued nonce of the phone's pass; absent for paper sheets */
  pass?: string;
  memberName?: string;
  /** during a key rotation: the voter's poll-book hash under the previous secret, so a ballot cast before it still counts as cast */
  priorHash?: string;
  /** during a key rotation: the voter's campaign hash under the previous secret (a member, household or leader), likewise */
  priorCampaignHash?: string;
}

/** A voter's keyed hash for the campaign's record of who has cast (campaignVoters), or undefined for a voter of one session only. */
function campaignKeyOf(secret: string, session: EvaluationSession, identity: string): Promise<string> | undefined {
  const lasting = campaignIdentity(identity);
  return lasting ? campaignVoterHash(secret, session.tenantId, session.campaignId, lasting) : undefined;
}

const sessionKey = (s: EvaluationSession) => ({ tenantId: s.tenantId, sessionId: s.id });

/** The session's salt, or 409 once it is erased (the session has ended: nothing can be cast by phone any more). */
function saltOf(session: EvaluationSession): string {
  if (!session.salt) throw new AppError(409, 'evaluation.session_closed');
  return session.salt;
}

/**
 * Resolves the voter of a phone ballot, who always holds a pass (the nonce the server drew for this
 * phone): a villager is the pass itself, or the household code or printed ticket given on this phone; a
 * member by code + PIN or by their signed-in account; a township leader by their signed-in
 * township_admin account.
 */
export async function resolveVoter(
  scope: TenantScope,
  secrets: Secrets,
  session: EvaluationSession,
  pass: string,
  input: z.output<typeof voterInput>,
  actor: Actor | undefined,
  settings: TenantSettings,
): Promise<ResolvedVoter> {
  const resolved = await resolveIdentity(scope, secrets, session, pass, input, actor, settings);
  if (!secrets.previous) return resolved;
  const priorCampaignHash = await campaignKeyOf(secrets.previous, session, resolved.identity);
  return {
    ...resolved,
    ...(session.salt ? { priorHash: await voterHash(secrets.previous, session.salt, resolved.identity) } : {}),
    ...(priorCampaignHash ? { priorCampaignHash } : {}),
  };
}

async function resolveIdentity(
  scope: TenantScope,
  secrets: Secrets,
  session: EvaluationSession,
  pass: string,
  input: z.output<typeof voterInput>,
  actor: Actor | undefined,
  settings: TenantSettings,
): Promise<ResolvedVoter> {
  if (input.kind === 'villager') {
    if (settings.requireBallotTicket) return { voter: { kind: 'villager' }, identity: await holdTicket(scope, secrets, session, pass, input.ticket), pass };
    if (!settings.requireHouseholdCode) return { voter: { kind: 'villager' }, identity: `pass:${pass}`, pass };
    if (!input.householdCode) throw new AppError(400, 'evaluation.household_code_required');
    const [household] = await scope.db
      .select({ householdId: householdCodes.householdId })
      .from(householdCodes)
      .where(scope.where(householdCodes, eq(householdCodes.code, input.householdCode.toUpperCase()), eq(householdCodes.villageId, session.villageId)))
      .limit(1);
    if (!household) throw new AppError(400, 'evaluation.household_code_invalid');
    return { voter: { kind: 'villager' }, identity: `household:${household.householdId}`, pass };
  }
  if (input.kind === 'leader') {
    if (actor?.kind !== 'user' || actor.role !== 'township_admin') throw new AppError(403, 'evaluation.leader_login_required');
    return { voter: { kind: 'leader' }, identity: `account:${actor.accountId}`, pass };
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
    pass,
    memberName: member.name,
  };
}

/**
 * A printed ticket is one villager: the first phone that gives it holds it (atomically, in the UPDATE),
 * and any other phone is refused. Returns the ticket's identity.
 */
async function holdTicket(scope: TenantScope, secrets: Secrets, session: EvaluationSession, pass: string, code: string | undefined): Promise<string> {
  if (!code) throw new AppError(400, 'evaluation.ticket_required');
  const salt = saltOf(session);
  // during a key rotation a ticket printed under the previous key, or held by this phone under it, still counts
  const keys = verifyingKeys(secrets);
  const codeHashes = await Promise.all(keys.map((key) => ticketHash(key, sessionKey(session), code.trim().toUpperCase())));
  const holders = await Promise.all(keys.map((key) => voterHash(key, salt, `pass:${pass}`)));
  const [held] = await scope.db
    .update(ballotTickets)
    .set({ passHash: sql`coalesce(${ballotTickets.passHash}, ${holders[0]})` })
    .where(scope.where(ballotTickets, eq(ballotTickets.sessionId, session.id), inArray(ballotTickets.codeHash, codeHashes)))
    .returning({ codeHash: ballotTickets.codeHash, passHash: ballotTickets.passHash });
  if (!held) throw new AppError(400, 'evaluation.ticket_invalid');
  if (!holders.includes(held.passHash!)) throw new AppError(409, 'evaluation.ticket_used');
  return `ticket:${held.codeHash}`;
}

/**
 * The rater group each subject of the session would get from this voter, and whether it is already cast
 * (one look-up in the poll book by the voter's keyed hash).
 */
export async function voterSubjects(scope: TenantScope, secret: string, context: VoteContext, resolved: ResolvedVoter) {
  const { session, campaign, subjects } = context;
  const hash = await voterHash(secret, saltOf(session), resolved.identity);
  // this voter's rows of the session (as many as subjects at most), not a list of every subject: a village's
  // members can outnumber the 100 parameters D1 binds per statement
  const cast = await scope.db
    .select({ kind: pollBook.subjectKind, id: pollBook.subjectId })
    .from(pollBook)
    .where(
      scope.where(
        pollBook,
        eq(pollBook.sessionId, session.id),
        eq(pollBook.subjectKind, campaign.subjectKind),
        inArray(pollBook.voterHash, resolved.priorHash ? [hash, resolved.priorHash] : [hash]),
      ),
    );
  const unknown = await scope.db
    .select({ kind: unknownSubjects.subjectKind, id: unknownSubjects.subjectId })
    .from(unknownSubjects)
    .where(
      scope.where(
        unknownSubjects,
        eq(unknownSubjects.sessionId, session.id),
        inArray(unknownSubjects.voterHash, resolved.priorHash ? [hash, resolved.priorHash] : [hash]),
      ),
    );
  // what this member, household or leader cast (or said 不了解 of) in the campaign's other sessions
  const campaignKey = await campaignKeyOf(secret, session, resolved.identity);
  const campaignHashes = [campaignKey, resolved.priorCampaignHash].filter((hash): hash is string => Boolean(hash));
  const castInCampaign = campaignHashes.length
    ? await scope.db
        .select({ kind: campaignVoters.subjectKind, id: campaignVoters.subjectId })
        .from(campaignVoters)
        .where(
          scope.where(campaignVoters, eq(campaignVoters.campaignId, campaign.id), eq(campaignVoters.subjectKind, campaign.subjectKind), inArray(campaignVoters.voterHash, campaignHashes)),
        )
    : [];
  const done = new Set([...cast, ...castInCampaign].map((c) => `${c.kind}:${c.id}`));
  const notKnown = new Set(unknown.map((c) => `${c.kind}:${c.id}`));
  return subjects.map((s) => ({
    subjectKind: s.kind,
    subjectId: s.id,
    raterGroup: raterGroupOf(resolved.voter, { kind: s.kind, id: s.id, villageId: session.villageId }),
    /** a ballot or a 不了解 is in: nothing more from this voter on this subject */
    voted: done.has(`${s.kind}:${s.id}`) || notKnown.has(`${s.kind}:${s.id}`),
    unknown: notKnown.has(`${s.kind}:${s.id}`),
  }));
}

export interface Submission {
  clientId: string;
  channel: 'phone' | 'paper';
  voter: ResolvedVoter;
  ballots: z.output<typeof ballotItemInput>[];
  /** members this voter said 不了解 of: no ballot, only counted as said (phones only) */
  unknown?: z.output<typeof subjectRef>[];
}

/** `count` more of a session counter, in the batch of what it counts. */
export function bump(scope: TenantScope, sessionId: string, name: string, count = 1) {
  return scope.db
    .insert(sessionCounts)
    .values({ tenantId: scope.tenantId, sessionId, name, n: count })
    .onConflictDoUpdate({ target: [sessionCounts.tenantId, sessionCounts.sessionId, sessionCounts.name], set: { n: sql`${sessionCounts.n} + ${count}` } });
}

/**
 * Casts the ballots of one submission (one per subject), all or none, in one batch and no other round trip:
 * 1. every ballot is checked (subject in the session, every item answered in range, text lengths)
 *    against the session's context before anything is written;
 * 2. one batch (atomic on D1 and libSQL) writes the poll book (who voted on what, with the receipt), the
 *    ballot box (what was voted, with a random id and nothing else) and any raised problem,
 *    with nothing shared between a poll-book row and its ballot. A poll-book row's receipt is NULL unless
 *    the session is still open at the moment of the write (which NOT NULL refuses, rolling back the
 *    batch): a context read a few seconds ago cannot let a ballot into a closed session;
 * 3. the poll book's keys are the last word on duplicates (voter and subject; a phone's pass and subject
 *    for villagers): a violation rolls back the whole batch. Only then is anything read: a retry of a
 *    stored submission (same client id) gets its receipts back, a closed session answers 409 closed, a
 *    second vote 409 already voted.
 */
/**
 * `alongside`: statements written in the ballots' batch — the audit row of a paper sheet entered by an officer.
 * A phone's ballot passes none: the voting path is counted per session, never audited per person (docs/audit.md).
 */
export async function castBallots(scope: TenantScope, secret: string, context: BallotContext, submission: Submission, alongside: BatchItem<'sqlite'>[] = []) {
  const { session, campaign, questionnaire } = context;
  const db = scope.db;
  const t = scope.tenantId;
  const key = sessionKey(session);
  const now = new Date().toISOString();
  const phone = submission.channel === 'phone';
  const closed = (s: EvaluationSession) => Boolean(s.closedAt || (phone && (!s.salt || isClosed(s, now))));
  const submissionId = await submissionHash(secret, key, submission.clientId);
  if (closed(session)) {
    const replay = await storedSubmission(scope, session.id, submissionId);
    if (replay) return { receipts: replay, replayed: true };
    throw new AppError(409, 'evaluation.session_closed');
  }

  const unknown = submission.unknown ?? [];
  if (!submission.ballots.length && !unknown.length) throw new AppError(400, 'evaluation.nothing_submitted');
  const seen = new Set<string>();
  for (const b of [...submission.ballots, ...unknown]) {
    const subject = `${b.subjectKind}:${b.subjectId}`;
    if (seen.has(subject)) throw new AppError(400, 'evaluation.subject_repeated');
    seen.add(subject);
  }
  const planned = submission.ballots.map((b) => {
    if (!context.subjectKeys.has(`${b.subjectKind}:${b.subjectId}`)) throw new AppError(400, 'evaluation.subject_not_in_session');
    const group = raterGroupOf(submission.voter.voter, { kind: b.subjectKind, id: b.subjectId, villageId: session.villageId });
    const scored = scoreAnswers(questionnaire.items, group, b.answers);
    if (!scored.ok) throw new AppError(400, scored.problem.code, { item: scored.problem.item });
    const comment = (b.comment ?? '').trim();
    const problem = (b.problem ?? '').trim();
    if ([...comment].length > COMMENT_MAX) throw new AppError(400, 'evaluation.comment_too_long', { max: COMMENT_MAX });
    if ([...problem].length > COMMENT_MAX) throw new AppError(400, 'evaluation.problem_too_long', { max: COMMENT_MAX });
    return { b, id: secretId(), group, scored: scored.value, comment, problem, receipt: randomString(10, RECEIPT_ALPHABET) };
  });
  // 不了解: a villager's or a fellow member's word about a member (domain/unknown-subject.ts)
  const notKnown = unknown.map((u) => {
    if (!context.subjectKeys.has(`${u.subjectKind}:${u.subjectId}`)) throw new AppError(400, 'evaluation.subject_not_in_session');
    const group = raterGroupOf(submission.voter.voter, { kind: u.subjectKind, id: u.subjectId, villageId: session.villageId });
    if (!mayBeUnknown(u.subjectKind, group)) throw new AppError(400, 'evaluation.unknown_not_allowed');
    return { u, group };
  });

  // phones are keyed with the session's salt (gone when the session ends); a paper sheet is nobody and keyed without
  const voterKey = phone ? await voterHash(secret, saltOf(session), submission.voter.identity) : await paperVoterHash(secret, key, submission.clientId);
  const passIdentity = submission.voter.pass && `pass:${submission.voter.pass}`;
  // a hall-mode villager is the pass: the same hash
  const passKey = phone && passIdentity ? (passIdentity === submission.voter.identity ? voterKey : await voterHash(secret, saltOf(session), passIdentity)) : null;
  // the session as it is at the moment of the write (the phone's window is checked against the time of the request)
  const stillOpen = sql`EXISTS (SELECT 1 FROM ${evaluationSessions} WHERE ${evaluationSessions.tenantId} = ${t} AND ${evaluationSessions.id} = ${session.id}
    AND ${evaluationSessions.closedAt} IS NULL${phone ? sql` AND ${evaluationSessions.salt} IS NOT NULL AND ${evaluationSessions.closesAt} > ${now}` : sql``})`;
  // one voter gives a subject a ballot or a 不了解, never both: each insert yields NULL into a NOT NULL column
  // (rolling the batch back) when the other table already has this voter and subject
  const other = (table: typeof pollBook | typeof unknownSubjects, kind: string, subjectId: string) =>
    sql`EXISTS (SELECT 1 FROM ${table} WHERE ${table.tenantId} = ${t} AND ${table.sessionId} = ${session.id} AND ${table.subjectKind} = ${kind}
      AND ${table.subjectId} = ${subjectId} AND (${table.voterHash} = ${voterKey}${passKey ? sql` OR (${table.raterGroup} = 'villager' AND ${table.passHash} = ${passKey})` : sql``}))`;
  const ifOpen = (receipt: string, kind: string, subjectId: string) =>
    sql`(CASE WHEN ${stillOpen} AND NOT ${other(unknownSubjects, kind, subjectId)} THEN ${receipt} END)` as unknown as string;
  // a member, household or leader casts once per subject in the campaign, whichever of its sessions
  const campaignKey = phone ? await campaignKeyOf(secret, session, submission.voter.identity) : undefined;
  const castNow = [...planned.map((p) => ({ kind: p.b.subjectKind, id: p.b.subjectId })), ...notKnown.map((n) => ({ kind: n.u.subjectKind, id: n.u.subjectId }))];
  // a rotation of the secret changes every voter hash: a ballot cast under the previous one still counts as cast
  if (phone && submission.voter.priorCampaignHash) {
    const earlier = await db
      .select({ subjectId: campaignVoters.subjectId })
      .from(campaignVoters)
      .where(scope.where(campaignVoters, eq(campaignVoters.campaignId, campaign.id), eq(campaignVoters.voterHash, submission.voter.priorCampaignHash)));
    if (earlier.some((row) => castNow.some((m) => m.id === row.subjectId))) throw new AppError(409, 'evaluation.already_voted');
  }
  if (submission.voter.priorHash) {
    const earlier = await db
      .select({ subjectId: pollBook.subjectId })
      .from(pollBook)
      .where(
        scope.where(
          pollBook,
          eq(pollBook.sessionId, session.id),
          eq(pollBook.voterHash, submission.voter.priorHash),
        ),
      );
    const earlierUnknown = await db
      .select({ subjectId: unknownSubjects.subjectId })
      .from(unknownSubjects)
      .where(scope.where(unknownSubjects, eq(unknownSubjects.sessionId, session.id), eq(unknownSubjects.voterHash, submission.voter.priorHash)));
    const mine = new Set(castNow.map((m) => m.id));
    if ([...earlier, ...earlierUnknown].some((row) => mine.has(row.subjectId))) throw new AppError(409, 'evaluation.already_voted');
  }

  const writes = [];
  // the campaign's record first: its primary key refuses a subject this voter cast in another session, rolling the batch back
  if (campaignKey)
    writes.push(
      // the subjects as one JSON parameter (columns in the table's order): a member's ballot may cover more members than D1 binds parameters
      db
        .insert(campaignVoters)
        .select(
          sql`SELECT ${t}, ${campaign.id}, json_extract(value, '$[0]'), json_extract(value, '$[1]'), ${campaignKey} FROM json_each(${sqlJson(castNow.map((m) => [m.kind, m.id]))})`,
        ),
    );
  for (const p of planned) {
    writes.push(
      db.insert(pollBook).values({
        tenantId: t,
        sessionId: session.id,
        subjectKind: p.b.subjectKind,
        subjectId: p.b.subjectId,
        voterHash: voterKey,
        raterGroup: p.group,
        passHash: passKey,
        submission: submissionId,
        receipt: ifOpen(p.receipt, p.b.subjectKind, p.b.subjectId),
      }),
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
        },
      ]),
      // the answers as one JSON parameter (columns in the table's order: tenant, ballot, item, points, max):
      // building and binding a 60-parameter VALUES list per ballot cost more than inserting it
      db
        .insert(ballotAnswers)
        .select(
          sql`SELECT ${t}, ${p.id}, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${sqlJson(
            p.scored.answers.map((a) => [a.itemKey, a.points, a.maxPoints]),
          )})`,
        ),
    );
    if (p.problem)
      writes.push(
        scope.insert(raisedProblems, [
          { id: secretId(), sessionId: session.id, villageId: session.villageId, subjectKind: p.b.subjectKind, subjectId: p.b.subjectId, year: campaign.year, content: p.problem },
        ]),
      );
  }
  for (const n of notKnown)
    writes.push(
      db.insert(unknownSubjects).values({
        tenantId: t,
        sessionId: session.id,
        subjectKind: n.u.subjectKind,
        subjectId: n.u.subjectId,
        voterHash: voterKey,
        raterGroup: n.group,
        passHash: n.group === 'villager' ? passKey : null,
        submission: sql`(CASE WHEN ${stillOpen} AND NOT ${other(pollBook, n.u.subjectKind, n.u.subjectId)} THEN ${submissionId} END)` as unknown as string,
      }),
    );
  writes.push(...(alongside as typeof writes));
  try {
    await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
  } catch (error) {
    // a retry of the same submission (stored before, or by a concurrent request), a closed session or a second vote
    const raced = await storedSubmission(scope, session.id, submissionId);
    if (raced) return { receipts: raced, replayed: true };
    const current = await scope.find(evaluationSessions, session.id);
    if (!current || closed(current)) throw new AppError(409, 'evaluation.session_closed', {}, undefined, { cause: error });
    // a key of the poll book or of the 不了解 rows, or the NOT NULL of one excluding the other
    if (/UNIQUE|PRIMARY KEY|NOT NULL/i.test(String((error as Error)?.message) + String((error as { cause?: Error })?.cause?.message)))
      throw new AppError(409, 'evaluation.already_voted', {}, undefined, { cause: error });
    throw error;
  }
  const receipts: Receipt[] = planned.map((p) => ({ subjectKind: p.b.subjectKind, subjectId: p.b.subjectId, raterGroup: p.group, receipt: p.receipt }));
  return { receipts, replayed: false };
}

/** The receipts of a stored submission (none for one of 不了解 only), or undefined when no such submission was stored. */
async function storedSubmission(scope: TenantScope, sessionId: string, submission: string): Promise<Receipt[] | undefined> {
  const receipts = await storedReceipts(scope, sessionId, submission);
  if (receipts.length) return receipts;
  const [unknown] = await scope.db
    .select({ subjectId: unknownSubjects.subjectId })
    .from(unknownSubjects)
    .where(scope.where(unknownSubjects, eq(unknownSubjects.sessionId, sessionId), eq(unknownSubjects.submission, submission)))
    .limit(1);
  return unknown ? [] : undefined;
}

/** The receipts of a stored submission, found by its keyed id (in subject order: the poll book has no other). */
async function storedReceipts(scope: TenantScope, sessionId: string, submission: string): Promise<Receipt[]> {
  return scope.db
    .select({ subjectKind: pollBook.subjectKind, subjectId: pollBook.subjectId, raterGroup: pollBook.raterGroup, receipt: pollBook.receipt })
    .from(pollBook)
    .where(scope.where(pollBook, eq(pollBook.sessionId, sessionId), eq(pollBook.submission, submission)))
    .orderBy(pollBook.subjectKind, pollBook.subjectId);
}

/** A household code's length and letters: no 0/O, 1/I/L to mistake on a printed slip; 31⁸ ≈ 8.5 × 10¹¹ codes (32 bits were 4.3 × 10⁹). */
const HOUSEHOLD_CODE_LENGTH = 8;

/** Household codes (户码) for the households of a village that have none; returns all codes of the village. */
export async function issueHouseholdCodes(scope: TenantScope, villageId: string, record: Recorder) {
  const t = scope.tenantId;
  const uncoded = await scope.db.all<{ id: string }>(sql`SELECT h.id FROM households h
    WHERE h.tenant_id = ${t} AND h.village_id = ${villageId}
      AND NOT EXISTS (SELECT 1 FROM evaluation_household_codes c WHERE c.tenant_id = h.tenant_id AND c.household_id = h.id)`);
  const codes = uncoded.map((h) => [h.id, randomString(HOUSEHOLD_CODE_LENGTH, RECEIPT_ALPHABET)]);
  // one statement for the village (its households and their new codes as one JSON parameter, in table column
  // order), so that the audit row shares its batch; a household coded meanwhile, or a code taken, is skipped
  await scope.db.batch([
    scope.db
      .insert(householdCodes)
      .select(
        sql`SELECT lower(hex(randomblob(10))), h.tenant_id, h.id, h.village_id, json_extract(j.value, '$[1]'), ${new Date().toISOString()}
    FROM json_each(${sqlJson(codes)}) j JOIN households h ON h.tenant_id = ${t} AND h.id = json_extract(j.value, '$[0]') AND h.village_id = ${villageId}`,
      )
      .onConflictDoNothing(),
    record({ action: 'household_codes.issue', entity: 'village', entityId: villageId, onlyIfChanged: true }),
  ]);
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
