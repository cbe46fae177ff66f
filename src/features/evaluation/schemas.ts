import * as z from 'zod/mini';
import { isoDate, paging, yearField } from '../../platform/validate';
import { thresholdsDescend } from '../../domain/thresholds';
import { RATER_GROUPS, weightsSumTo100 } from './rules';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
export const subjectKind = z.enum(['branch', 'member']);
export const raterGroup = z.enum(RATER_GROUPS);

const questionnaireItem = z.object({
  key: z.string().check(z.trim(), z.regex(/^[a-z0-9_-]{1,40}$/)),
  text: text(200),
  groups: z.optional(z.array(raterGroup).check(z.minLength(1), z.maxLength(4))),
  options: z.array(z.object({ label: text(20), points: z.int().check(z.gte(0), z.lte(100)), satisfied: z.optional(z.boolean()) })).check(z.minLength(2), z.maxLength(6)),
});

const questionnaireItems = z.array(questionnaireItem).check(
  z.minLength(1),
  z.maxLength(40),
  z.refine((items) => new Set(items.map((i) => i.key)).size === items.length, { message: 'validation.item_keys_unique' }),
  z.refine((items) => RATER_GROUPS.every((g) => items.some((i) => !i.groups || i.groups.includes(g))), { message: 'validation.group_without_item' }),
  z.refine((items) => items.every((i) => i.options.some((o) => o.points > 0)), { message: 'validation.item_without_points' }),
);

export const questionnaireInput = z.object({ name: text(60), subjectKind, items: questionnaireItems });
export const questionnaireRevision = z.object({ name: z.optional(text(60)), items: questionnaireItems });

const percent = z.int().check(z.gte(0), z.lte(100));
const weights = z.object({ self: percent, peer: percent, villager: percent, leader: percent }).check(z.refine(weightsSumTo100, { message: 'validation.weights_sum' }));
const starThresholds = z.array(z.int().check(z.gte(0), z.lte(10000))).check(z.length(4), z.refine(thresholdsDescend, { message: 'validation.thresholds_descend' }));
const villageIds = z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.minLength(1), z.maxLength(500));

export const campaignInput = z.object({
  name: text(60),
  year: z.optional(yearField),
  subjectKind,
  /** the version to use; the latest version of the default questionnaire of the kind when absent */
  questionnaireId: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  /** branches: all villages when absent; members: the members of these villages (required) */
  villageIds: z.optional(villageIds),
  weights: z.optional(weights),
  starThresholds: z.optional(starThresholds),
});

/**
 * A change to a campaign: only the fields given change. The name always may; weights and thresholds only
 * while it has no ballots; subject kind, subject villages and questionnaire only while it has no session
 * (see campaigns-edit.ts). `villageIds: null` makes a branch campaign cover every village again.
 */
export const campaignPatch = z.object({
  name: z.optional(text(60)),
  subjectKind: z.optional(subjectKind),
  questionnaireId: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  villageIds: z.optional(z.nullable(villageIds)),
  weights: z.optional(weights),
  starThresholds: z.optional(starThresholds),
});

export const screenInput = z.object({ name: text(40) });

const instant = z.pipe(z.iso.datetime({ offset: true }), z.transform((s) => new Date(s).toISOString()));
export const bookingInput = z.object({
  campaignId: z.string().check(z.minLength(1), z.maxLength(40)),
  villageId: z.string().check(z.minLength(1), z.maxLength(40)),
  screenId: z.string().check(z.minLength(1), z.maxLength(40)),
  startsAt: instant,
  endsAt: instant,
  note: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
});
export const bookingQuery = z.object({
  from: z.optional(instant),
  to: z.optional(instant),
  campaignId: z.optional(z.string().check(z.maxLength(40))),
  villageId: z.optional(z.string().check(z.maxLength(40))),
});

export const sessionInput = z.object({
  bookingId: z.string().check(z.minLength(1), z.maxLength(40)),
  /** open before the booked slot: the admin has confirmed an early start */
  confirmEarly: z._default(z.boolean(), false),
});
/** The display key of a screen's unattended link (absent or wrong: 403, not 400, so the TV can say the link is revoked). */
export const displayQuery = z.object({ key: z._default(z.string().check(z.maxLength(100)), '') });
export const sessionQuery = z.object({
  campaignId: z.optional(z.string().check(z.maxLength(40))),
  villageId: z.optional(z.string().check(z.maxLength(40))),
  /** Shanghai days of the slot, inclusive */
  from: z.optional(isoDate),
  to: z.optional(isoDate),
  status: z.optional(z.enum(['open', 'closed'])),
  ...paging,
});

export const codeParam = z.object({ code: z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[0-9A-Z]{4,12}$/)) });

/** Comments and problems are checked for length by the ballot rules, with their own message. */
const freeText = z.optional(z.string().check(z.maxLength(5000)));

const villagerVoter = z.object({
  kind: z.literal('villager'),
  /** sent by pages before per-phone passes; accepted and ignored (the pass is the phone's identity now) */
  deviceId: z.optional(z.string().check(z.maxLength(100))),
  householdCode: z.optional(z.string().check(z.trim(), z.maxLength(20))),
  /** a printed one-time ballot ticket (一人一票码), where the township requires one */
  ticket: z.optional(z.string().check(z.trim(), z.maxLength(20))),
});
export const voterInput = z.discriminatedUnion('kind', [
  villagerVoter,
  z.object({ kind: z.literal('member'), memberCode: z.optional(z.string().check(z.trim(), z.toUpperCase(), z.maxLength(20))), pin: z.optional(z.string().check(z.trim(), z.maxLength(20))) }),
  z.object({ kind: z.literal('leader') }),
]);

/** One subject of a session, by kind and id. */
export const subjectRef = z.object({ subjectKind, subjectId: z.string().check(z.minLength(1), z.maxLength(40)) });

export const ballotItemInput = z.object({
  subjectKind,
  subjectId: z.string().check(z.minLength(1), z.maxLength(40)),
  /** item key → index of the chosen option */
  answers: z.record(z.string().check(z.maxLength(40)), z.int()),
  comment: freeText,
  problem: freeText,
});

export const passInput = z.object({
  /** a fresh QR token, poster token or typed 6-digit code; may be absent when `pass` is this phone's pass */
  token: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  /** the pass this phone already holds (also kept in an HttpOnly cookie): a re-scan gets it back, not a second one */
  pass: z.optional(z.string().check(z.maxLength(100))),
  /** a villager's phone may say who it is right away: the reply then carries what identify would answer */
  voter: z.optional(villagerVoter),
});
export const ticketInput = z.object({ count: z.int().check(z.gte(1), z.lte(500)) });
export const identifyInput = z.object({ pass: z.string().check(z.minLength(1), z.maxLength(100)), voter: voterInput });
export const submissionInput = z.object({
  pass: z.string().check(z.minLength(1), z.maxLength(100)),
  /** client-generated id of this submission: a retry with the same id returns the same receipts */
  clientId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  voter: voterInput,
  /**
   * every subject of a village's member campaign at once (a village rarely has 200 members; 64 KB holds
   * them), or some of them: a phone may send member by member, each submission its own client id
   */
  ballots: z.array(ballotItemInput).check(z.maxLength(200)),
  /** the members this voter said 不了解 of (no ballot; the report counts how many said it) */
  unknown: z.optional(z.array(subjectRef).check(z.maxLength(200))),
});
export const paperInput = z.object({
  clientId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  ballots: z.array(ballotItemInput).check(z.minLength(1), z.maxLength(60)),
});

export const villageBody = z.object({ villageId: z.string().check(z.minLength(1), z.maxLength(40)) });
export const villageQuery = z.object({ villageId: z.string().check(z.minLength(1), z.maxLength(40)) });
export const reportQuery = z.object({ subjectKind, subjectId: z.string().check(z.minLength(1), z.maxLength(40)) });
