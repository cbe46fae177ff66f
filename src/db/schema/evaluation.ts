import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { households, members, villages } from './rosters';
import { tenantId } from './tenant-column';


export const SUBJECT_KINDS = ['branch', 'member'] as const;
/** 自评 / 互评 / 群评 / 点评: the keys of the weights in tenant settings and campaigns. */
export const RATER_GROUPS = ['self', 'peer', 'villager', 'leader'] as const;
export const BALLOT_CHANNELS = ['phone', 'paper'] as const;

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
     * Goes into the HMAC of the screen's unattended display key (features/evaluation/screen-display.ts);
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
 * A session (测评场次) opened from a booking. `salt` keys the voter hashes of this session only; it is
 * erased when the session closes, after which nobody (not even with the server secret) can link a
 * ballot to a device, member or household.
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
  },
  (t) => [
    uniqueIndex('evaluation_sessions_booking').on(t.tenantId, t.bookingId),
    uniqueIndex('evaluation_sessions_code').on(t.tenantId, t.code),
    index('evaluation_sessions_campaign').on(t.tenantId, t.campaignId, t.villageId),
    check('evaluation_sessions_salt', sql`${t.closedAt} IS NOT NULL OR ${t.salt} IS NOT NULL`),
  ],
);

/**
 * One ballot: one rater's answers about one subject in one session. It carries no person: only keyed
 * hashes for de-duplication (HMAC of device / member / household / account with the session salt).
 * `seq` numbers the session's ballots in commit order (assigned by the INSERT itself); the hash chain
 * over them is sealed into prev_hash/hash by the tally (see features/evaluation/tally.ts).
 */
export const ballots = sqliteTable(
  'evaluation_ballots',
  {
    id: idColumn(),
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
    /** whom this ballot counts against for "one ballot per subject" */
    voterHash: text('voter_hash').notNull(),
    /** the phone, where a household code is the voter: one ballot per phone as well */
    deviceHash: text('device_hash'),
    /** client-generated idempotency key of the submission + the subject */
    clientKey: text('client_key').notNull(),
    receipt: text('receipt').notNull(),
    seq: integer('seq').notNull(),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('evaluation_ballots_voter').on(t.tenantId, t.sessionId, t.subjectKind, t.subjectId, t.voterHash),
    uniqueIndex('evaluation_ballots_device')
      .on(t.tenantId, t.sessionId, t.subjectKind, t.subjectId, t.deviceHash)
      .where(sql`device_hash IS NOT NULL`),
    uniqueIndex('evaluation_ballots_client_key').on(t.tenantId, t.sessionId, t.clientKey),
    uniqueIndex('evaluation_ballots_seq').on(t.tenantId, t.sessionId, t.seq),
    uniqueIndex('evaluation_ballots_receipt').on(t.tenantId, t.sessionId, t.receipt),
    index('evaluation_ballots_session_group').on(t.tenantId, t.sessionId, t.raterGroup, t.voterHash),
    index('evaluation_ballots_campaign_subject').on(t.tenantId, t.campaignId, t.subjectKind, t.subjectId, t.raterGroup),
    check('evaluation_ballots_points', sql`${t.maxPoints} > 0 AND ${t.points} >= 0 AND ${t.points} <= ${t.maxPoints}`),
    check('evaluation_ballots_seq_positive', sql`${t.seq} >= 1`),
    check('evaluation_ballots_comment', sql`length(${t.comment}) <= 500`),
  ],
);

/** The answer to one item of a ballot (for per-item averages). */
export const ballotAnswers = sqliteTable(
  'evaluation_ballot_answers',
  {
    id: idColumn(),
    tenantId: tenantId(),
    ballotId: text('ballot_id')
      .notNull()
      .references(() => ballots.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    points: integer('points').notNull(),
    maxPoints: integer('max_points').notNull(),
  },
  (t) => [
    uniqueIndex('evaluation_ballot_answers_item').on(t.tenantId, t.ballotId, t.itemKey),
    check('evaluation_ballot_answers_points', sql`${t.maxPoints} > 0 AND ${t.points} >= 0 AND ${t.points} <= ${t.maxPoints}`),
  ],
);

/**
 * A party member's ballot credentials: a member code and a PIN, kept as HMAC-SHA256(server secret,
 * salt ‖ PIN). Failed attempts lock the code for a while (see features/evaluation/member-pins.ts).
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
