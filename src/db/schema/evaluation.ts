import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { households, members, villages } from './rosters';
import { tenantId } from './tenant-column';
import { BALLOT_CHANNELS, RATER_GROUPS, SUBJECT_KINDS } from '../../domain/vocabulary';
export { BALLOT_CHANNELS, RATER_GROUPS, SUBJECT_KINDS } from '../../domain/vocabulary';


/**
 * A questionnaire version (测评问卷). Rows are immutable once a campaign uses them: a change writes the
 * next version of the same family, so old ballots keep their meaning. Items are a JSON array validated
 * by features/evaluation/schemas.ts (key, text, the rater groups that answer it, options with points).
 */
export const questionnaires = sqliteTable(
  'evaluation_questionnaires',
  {
    id: idColumn(),
    tenantId: tenantId(),
    /** stable key shared by all versions ("default-branch" for the seeded ones) */
    family: text('family').notNull(),
    version: integer('version').notNull(),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    name: text('name').notNull(),
    items: text('items').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('evaluation_questionnaires_family_version').on(t.tenantId, t.family, t.version),
    check('evaluation_questionnaires_version', sql`${t.version} >= 1`),
  ],
);

/** A campaign (测评活动): weights and star thresholds are copied from the settings when it is created. */
export const campaigns = sqliteTable(
  'evaluation_campaigns',
  {
    id: idColumn(),
    tenantId: tenantId(),
    year: integer('year').notNull(),
    name: text('name').notNull(),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    questionnaireId: text('questionnaire_id')
      .notNull()
      .references(() => questionnaires.id),
    weightSelf: integer('weight_self').notNull(),
    weightPeer: integer('weight_peer').notNull(),
    weightVillager: integer('weight_villager').notNull(),
    weightLeader: integer('weight_leader').notNull(),
    /** minimum composites (hundredths) of 5, 4, 3 and 2 stars */
    star5: integer('star5').notNull(),
    star4: integer('star4').notNull(),
    star3: integer('star3').notNull(),
    star2: integer('star2').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('evaluation_campaigns_tenant_year').on(t.tenantId, t.year),
    check('evaluation_campaigns_year', sql`${t.year} BETWEEN 2000 AND 2100`),
    check(
      'evaluation_campaigns_weights',
      sql`${t.weightSelf} >= 0 AND ${t.weightPeer} >= 0 AND ${t.weightVillager} >= 0 AND ${t.weightLeader} >= 0
        AND ${t.weightSelf} + ${t.weightPeer} + ${t.weightVillager} + ${t.weightLeader} = 100`,
    ),
    check(
      'evaluation_campaigns_thresholds',
      sql`${t.star5} <= 10000 AND ${t.star5} >= ${t.star4} AND ${t.star4} >= ${t.star3} AND ${t.star3} >= ${t.star2} AND ${t.star2} >= 0`,
    ),
  ],
);

/** The subjects of a campaign, fixed when it is created: a branch (subject id = village id) or a member. */
export const campaignSubjects = sqliteTable(
  'evaluation_campaign_subjects',
  {
    id: idColumn(),
    tenantId: tenantId(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
  },
  (t) => [
    uniqueIndex('evaluation_campaign_subjects_unique').on(t.tenantId, t.campaignId, t.subjectKind, t.subjectId),
    index('evaluation_campaign_subjects_village').on(t.tenantId, t.campaignId, t.villageId),
  ],
);

/** A screen (room) of the township's evaluation centre (星级评定中心). */
export const evaluationScreens = sqliteTable(
  'evaluation_screens',
  {
    id: idColumn(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    /**
     * Goes into the HMAC of the screen's unattended display key (features/evaluation/sessions/screen-display.ts);
     * rotating the link bumps it, which revokes the old key at once. No key is stored.
     */
    displayKeyVersion: integer('display_key_version').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('evaluation_screens_tenant_name').on(t.tenantId, t.name),
    check('evaluation_screens_display_key_version', sql`${t.displayKeyVersion} >= 1`),
  ],
);

/**
 * A booked slot (预约) of a screen for a village in a campaign. Overlaps are refused by the insert
 * itself (INSERT … SELECT … WHERE NOT EXISTS), which SQLite runs as one atomic statement.
 */
export const evaluationBookings = sqliteTable(
  'evaluation_bookings',
  {
    id: idColumn(),
    tenantId: tenantId(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    screenId: text('screen_id')
      .notNull()
      .references(() => evaluationScreens.id),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
    note: text('note').notNull().default(''),
    bookedBy: text('booked_by').notNull(),
    createdAt: createdAt(),
    cancelledAt: text('cancelled_at'),
  },
  (t) => [
    index('evaluation_bookings_screen_time').on(t.tenantId, t.screenId, t.startsAt),
    index('evaluation_bookings_time').on(t.tenantId, t.startsAt),
    check('evaluation_bookings_window', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * A session (测评场次) opened from a booking. `salt` keys the poll book's voter hashes of this session
 * only; it is erased when the session ends (closed by hand, or at the first request after its window and
 * by the nightly job), after which nobody, not even with the server secret, can tell whose poll-book row
 * is whose. `tallyRoot`/`tallyCount` seal the Merkle root over its receipts when it is closed by hand.
 */
export const evaluationSessions = sqliteTable(
  'evaluation_sessions',
  {
    id: idColumn(),
    tenantId: tenantId(),
    bookingId: text('booking_id')
      .notNull()
      .references(() => evaluationBookings.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    /** short code people can type (short URL) */
    code: text('code').notNull(),
    opensAt: text('opens_at').notNull(),
    closesAt: text('closes_at').notNull(),
    salt: text('salt'),
    openedBy: text('opened_by').notNull(),
    createdAt: createdAt(),
    closedAt: text('closed_at'),
    tallyRoot: text('tally_root'),
    tallyCount: integer('tally_count'),
  },
  (t) => [
    uniqueIndex('evaluation_sessions_booking').on(t.tenantId, t.bookingId),
    uniqueIndex('evaluation_sessions_code').on(t.tenantId, t.code),
    index('evaluation_sessions_campaign').on(t.tenantId, t.campaignId, t.villageId),
    check('evaluation_sessions_sealed', sql`${t.tallyRoot} IS NULL OR ${t.closedAt} IS NOT NULL`),
  ],
);

/**
 * The ballot box: what was voted, and nothing about who or when. No voter hash, no receipt, no client key,
 * no time, no sequence; a random primary key in a WITHOUT ROWID table (see the migration), so rows are
 * stored in key order, not arrival order. Refusing a second ballot is the poll book's job.
 */
export const ballots = sqliteTable(
  'evaluation_ballots',
  {
    /** random, without a time part (platform/ids.ts secretId) */
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    sessionId: text('session_id')
      .notNull()
      .references(() => evaluationSessions.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    raterGroup: text('rater_group', { enum: RATER_GROUPS }).notNull(),
    channel: text('channel', { enum: BALLOT_CHANNELS }).notNull(),
    points: integer('points').notNull(),
    maxPoints: integer('max_points').notNull(),
    comment: text('comment').notNull().default(''),
  },
  (t) => [
    index('evaluation_ballots_campaign_subject').on(t.tenantId, t.campaignId, t.subjectKind, t.subjectId, t.raterGroup),
    index('evaluation_ballots_session').on(t.tenantId, t.sessionId),
    check('evaluation_ballots_points', sql`${t.maxPoints} > 0 AND ${t.points} >= 0 AND ${t.points} <= ${t.maxPoints}`),
    check('evaluation_ballots_comment', sql`length(${t.comment}) <= 500`),
  ],
);

/** The answer to one item of a ballot (for per-item averages); WITHOUT ROWID, keyed by the ballot's random id. */
export const ballotAnswers = sqliteTable(
  'evaluation_ballot_answers',
  {
    tenantId: tenantId(),
    ballotId: text('ballot_id')
      .notNull()
      .references(() => ballots.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    points: integer('points').notNull(),
    maxPoints: integer('max_points').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.ballotId, t.itemKey] }),
    check('evaluation_ballot_answers_points', sql`${t.maxPoints} > 0 AND ${t.points} >= 0 AND ${t.points} <= ${t.maxPoints}`),
  ],
);

/**
 * The poll book: who has voted on which subject, which is what refusing a second ballot needs and all the
 * township may know. Written in the same batch as the ballot box, with nothing that joins the two: no
 * shared key, no time, WITHOUT ROWID in key order. `voterHash` is an HMAC of the voter's identity (pass,
 * household, ticket, member or account) with the session's salt, so once the salt is erased nobody can
 * tell whose row is whose. `passHash` keeps a phone to one villager ballot per subject (household mode);
 * `submission` (an HMAC of the phone's submission id) lets a retry get its receipts back; `receipt` is the
 * voter's proof of inclusion, a leaf of the session's Merkle tree, and says nothing about the vote.
 */
export const pollBook = sqliteTable(
  'evaluation_poll_book',
  {
    tenantId: tenantId(),
    sessionId: text('session_id')
      .notNull()
      .references(() => evaluationSessions.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    voterHash: text('voter_hash').notNull(),
    raterGroup: text('rater_group', { enum: RATER_GROUPS }).notNull(),
    passHash: text('pass_hash'),
    submission: text('submission').notNull(),
    receipt: text('receipt').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.sessionId, t.subjectKind, t.subjectId, t.voterHash] }),
    uniqueIndex('evaluation_poll_book_receipt').on(t.tenantId, t.sessionId, t.receipt),
    index('evaluation_poll_book_submission').on(t.tenantId, t.sessionId, t.submission),
    // what one voter has cast in a session (identify), without walking every subject's rows
    index('evaluation_poll_book_voter').on(t.tenantId, t.sessionId, t.voterHash),
    uniqueIndex('evaluation_poll_book_pass')
      .on(t.tenantId, t.sessionId, t.subjectKind, t.subjectId, t.passHash)
      .where(sql`rater_group = 'villager' AND pass_hash IS NOT NULL`),
  ],
);

/**
 * 不了解: a voter's word that they do not know a member well enough to judge. It scores nothing (it is no
 * ballot) and is kept only so the report can say how many voters said so, and so one voter says it, or
 * votes, once per subject. Keyed like the poll book (the same salted voter hash, no time, WITHOUT ROWID);
 * a poll-book row and a row here for the same voter and subject exclude each other (cast-ballot.ts).
 */
export const unknownSubjects = sqliteTable(
  'evaluation_unknown_subjects',
  {
    tenantId: tenantId(),
    sessionId: text('session_id')
      .notNull()
      .references(() => evaluationSessions.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    voterHash: text('voter_hash').notNull(),
    raterGroup: text('rater_group', { enum: RATER_GROUPS }).notNull(),
    passHash: text('pass_hash'),
    submission: text('submission').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.sessionId, t.subjectKind, t.subjectId, t.voterHash] }),
    index('evaluation_unknown_subjects_submission').on(t.tenantId, t.sessionId, t.submission),
    uniqueIndex('evaluation_unknown_subjects_pass')
      .on(t.tenantId, t.sessionId, t.subjectKind, t.subjectId, t.passHash)
      .where(sql`rater_group = 'villager' AND pass_hash IS NOT NULL`),
  ],
);

/**
 * One ballot per voter and subject in a campaign, across its sessions (a make-up session, 补测, counts with the
 * first): who has cast, or said 不了解, on a subject of the campaign, for the voters who are the same person in
 * every session, a member, a household or a township leader. A hall's pass and a printed ticket are one session's
 * voters only, and a paper sheet nobody. `voterHash` is keyed with the server secret and the campaign (no salt, so
 * an ended session's record still refuses a second ballot): whoever holds both the database and the secret can test
 * whether a known person has cast on a subject, never what (nothing joins this to the ballot box; no time, WITHOUT
 * ROWID). Written in the ballot's own batch, whose primary key refuses the second.
 */
export const campaignVoters = sqliteTable(
  'evaluation_campaign_voters',
  {
    tenantId: tenantId(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    voterHash: text('voter_hash').notNull(),
  },
  // the voter first after the campaign: identify reads one voter's rows, not the campaign's
  (t) => [primaryKey({ columns: [t.tenantId, t.campaignId, t.voterHash, t.subjectKind, t.subjectId] })],
);

/**
 * Per-session counters of what leaves no row: passes issued and 另一人投票 hand-overs (the big screen's
 * ballots are the poll book's rows, never the ballot box's).
 */
export const sessionCounts = sqliteTable(
  'evaluation_session_counts',
  {
    tenantId: tenantId(),
    sessionId: text('session_id')
      .notNull()
      .references(() => evaluationSessions.id),
    name: text('name').notNull(),
    n: integer('n').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.sessionId, t.name] })],
);

/**
 * Printed one-time ballot tickets (一人一票码): each is one villager. Only an HMAC of the code is kept; the
 * first phone (pass) that presents it holds it, another phone is refused.
 */
export const ballotTickets = sqliteTable(
  'evaluation_ballot_tickets',
  {
    tenantId: tenantId(),
    sessionId: text('session_id')
      .notNull()
      .references(() => evaluationSessions.id),
    codeHash: text('code_hash').notNull(),
    passHash: text('pass_hash'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.sessionId, t.codeHash] })],
);

/**
 * Problems raised on phone ballots (反映问题), held apart from their ballot while the session runs (random
 * key, no time, WITHOUT ROWID) and released into the problem list when it ends, in random order, with the
 * session's end as their time and no link to the session.
 */
export const raisedProblems = sqliteTable(
  'evaluation_raised_problems',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    sessionId: text('session_id')
      .notNull()
      .references(() => evaluationSessions.id),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    year: integer('year').notNull(),
    content: text('content').notNull(),
  },
  (t) => [index('evaluation_raised_problems_session').on(t.tenantId, t.sessionId)],
);

/**
 * A party member's ballot credentials: a member code and a PIN, kept as HMAC-SHA256(server secret,
 * salt ‖ PIN). Failed attempts lock the code for a while (see features/evaluation/voting/member-pins.ts).
 */
export const memberCredentials = sqliteTable(
  'evaluation_member_credentials',
  {
    id: idColumn(),
    tenantId: tenantId(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    pinSalt: text('pin_salt').notNull(),
    pinHash: text('pin_hash').notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: text('locked_until'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('evaluation_member_credentials_member').on(t.tenantId, t.memberId),
    uniqueIndex('evaluation_member_credentials_code').on(t.tenantId, t.code),
  ],
);

/** Household codes (户码) from the roster, handed to households when the township requires them to vote. */
export const householdCodes = sqliteTable(
  'evaluation_household_codes',
  {
    id: idColumn(),
    tenantId: tenantId(),
    householdId: text('household_id')
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    code: text('code').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('evaluation_household_codes_household').on(t.tenantId, t.householdId),
    uniqueIndex('evaluation_household_codes_code').on(t.tenantId, t.code),
    index('evaluation_household_codes_village').on(t.tenantId, t.villageId),
  ],
);
