import * as z from 'zod';
import { isoDate, paging, yearField } from '../../platform/validate';
import { thresholdsDescend } from '../../domain/thresholds';
import { RATER_GROUPS, weightsSumTo100 } from './rules';

const text = (max: number) => z.string().trim().min(1).max(max);
export const subjectKind = z.enum(['branch', 'member']);
export const raterGroup = z.enum(RATER_GROUPS);

const questionnaireItem = z.object({
  key: z.string().trim().regex(/^[a-z0-9_-]{1,40}$/),
  text: text(200),
  groups: z.array(raterGroup).min(1).max(4).optional(),
  options: z
    .array(z.object({ label: text(20), points: z.int().min(0).max(100), satisfied: z.boolean().optional() }))
    .min(2)
    .max(6),
});

const questionnaireItems = z
  .array(questionnaireItem)
  .min(1)
  .max(40)
  .refine((items) => new Set(items.map((i) => i.key)).size === items.length, { message: 'validation.item_keys_unique' })
  .refine((items) => RATER_GROUPS.every((g) => items.some((i) => !i.groups || i.groups.includes(g))), {
    message: 'validation.group_without_item',
  })
  .refine((items) => items.every((i) => i.options.some((o) => o.points > 0)), { message: 'validation.item_without_points' });

export const questionnaireInput = z.object({ name: text(60), subjectKind, items: questionnaireItems });
export const questionnaireRevision = z.object({ name: text(60).optional(), items: questionnaireItems });

const weights = z
  .object({ self: z.int().min(0).max(100), peer: z.int().min(0).max(100), villager: z.int().min(0).max(100), leader: z.int().min(0).max(100) })
  .refine(weightsSumTo100, { message: 'validation.weights_sum' });
const starThresholds = z.array(z.int().min(0).max(10000)).length(4).refine(thresholdsDescend, { message: 'validation.thresholds_descend' });
const villageIds = z.array(z.string().min(1).max(40)).min(1).max(500);

export const campaignInput = z.object({
  name: text(60),
  year: yearField.optional(),
  subjectKind,
  /** the version to use; the latest version of the default questionnaire of the kind when absent */
  questionnaireId: z.string().min(1).max(40).optional(),
  /** branches: all villages when absent; members: the members of these villages (required) */
  villageIds: villageIds.optional(),
  weights: weights.optional(),
  starThresholds: starThresholds.optional(),
});

/**
 * A change to a campaign: only the fields given change. The name always may; weights and thresholds only
 * while it has no ballots; subject kind, subject villages and questionnaire only while it has no session
 * (see campaigns-edit.ts). `villageIds: null` makes a branch campaign cover every village again.
 */
export const campaignPatch = z.object({
  name: text(60).optional(),
  subjectKind: subjectKind.optional(),
  questionnaireId: z.string().min(1).max(40).optional(),
  villageIds: villageIds.nullable().optional(),
  weights: weights.optional(),
  starThresholds: starThresholds.optional(),
});

export const screenInput = z.object({ name: text(40) });

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());
export const bookingInput = z.object({
  campaignId: z.string().min(1).max(40),
  villageId: z.string().min(1).max(40),
  screenId: z.string().min(1).max(40),
  startsAt: instant,
  endsAt: instant,
  note: z.string().trim().max(200).default(''),
});
export const bookingQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
  campaignId: z.string().max(40).optional(),
  villageId: z.string().max(40).optional(),
});

export const sessionInput = z.object({
  bookingId: z.string().min(1).max(40),
  /** open before the booked slot: the admin has confirmed an early start */
  confirmEarly: z.boolean().default(false),
});
/** The display key of a screen's unattended link (absent or wrong: 403, not 400, so the TV can say the link is revoked). */
export const displayQuery = z.object({ key: z.string().max(100).default('') });
export const sessionQuery = z.object({
  campaignId: z.string().max(40).optional(),
  villageId: z.string().max(40).optional(),
  /** Shanghai days of the slot, inclusive */
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: z.enum(['open', 'closed']).optional(),
  ...paging,
});

export const codeParam = z.object({ code: z.string().trim().toUpperCase().regex(/^[0-9A-Z]{4,12}$/) });

/** Comments and problems are checked for length by the ballot rules, with their own message. */
const freeText = z.string().max(5000).optional();

const villagerVoter = z.object({
  kind: z.literal('villager'),
  /** sent by pages before per-phone passes; accepted and ignored (the pass is the phone's identity now) */
  deviceId: z.string().max(100).optional(),
  householdCode: z.string().trim().max(20).optional(),
  /** a printed one-time ballot ticket (一人一票码), where the township requires one */
  ticket: z.string().trim().max(20).optional(),
});
export const voterInput = z.discriminatedUnion('kind', [
  villagerVoter,
  z.object({ kind: z.literal('member'), memberCode: z.string().trim().toUpperCase().max(20).optional(), pin: z.string().trim().max(20).optional() }),
  z.object({ kind: z.literal('leader') }),
]);

/** One subject of a session, by kind and id. */
export const subjectRef = z.object({ subjectKind, subjectId: z.string().min(1).max(40) });

export const ballotItemInput = z.object({
  subjectKind,
  subjectId: z.string().min(1).max(40),
  /** item key → index of the chosen option */
  answers: z.record(z.string().max(40), z.int()),
  comment: freeText,
  problem: freeText,
});

export const passInput = z.object({
  /** a fresh QR token, poster token or typed 6-digit code; may be absent when `pass` is this phone's pass */
  token: z.string().trim().min(1).max(100).optional(),
  /** the pass this phone already holds (also kept in an HttpOnly cookie): a re-scan gets it back, not a second one */
  pass: z.string().max(100).optional(),
  /** a villager's phone may say who it is right away: the reply then carries what identify would answer */
  voter: villagerVoter.optional(),
});
export const ticketInput = z.object({ count: z.int().min(1).max(500) });
export const identifyInput = z.object({ pass: z.string().min(1).max(100), voter: voterInput });
export const submissionInput = z.object({
  pass: z.string().min(1).max(100),
  /** client-generated id of this submission: a retry with the same id returns the same receipts */
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  voter: voterInput,
  /**
   * every subject of a village's member campaign at once (a village rarely has 200 members; 64 KB holds
   * them), or some of them: a phone may send member by member, each submission its own client id
   */
  ballots: z.array(ballotItemInput).max(200),
  /** the members this voter said 不了解 of (no ballot; the report counts how many said it) */
  unknown: z.array(subjectRef).max(200).optional(),
});
export const paperInput = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  ballots: z.array(ballotItemInput).min(1).max(60),
});

export const villageBody = z.object({ villageId: z.string().min(1).max(40) });
export const villageQuery = z.object({ villageId: z.string().min(1).max(40) });
export const reportQuery = z.object({ subjectKind, subjectId: z.string().min(1).max(40) });
