import * as z from 'zod';
import { thresholdsDescend, tiersAscend } from '../domain/thresholds';
import { MEETING_FREQUENCIES } from '../domain/vocabulary';

/** A min–max range of contact links (初心三人行), with the township's defaults. */
const contactRange = (min: number, max: number) =>
  z
    .object({ min: z.int().min(0).max(100).default(min), max: z.int().min(0).max(100).default(max) })
    .default({ min, max })
    .refine((r) => r.min <= r.max, { message: 'validation.min_over_max' });

/**
 * A township's settings: one validated JSON document per tenant. Every key has a default, so a tenant
 * created before a setting existed reads the default.
 */
export const tenantSettingsSchema = z.object({
  /** Rater-group weights of the composite score; they must sum to 100. */
  weights: z
    .object({
      self: z.int().min(0).max(100).default(20),
      peer: z.int().min(0).max(100).default(20),
      villager: z.int().min(0).max(100).default(40),
      leader: z.int().min(0).max(100).default(20),
    })
    .default({ self: 20, peer: 20, villager: 40, leader: 20 })
    .refine((w) => w.self + w.peer + w.villager + w.leader === 100, { message: 'validation.weights_sum' }),
  /** Minimum composite (×100, i.e. hundredths of a point) for 5, 4, 3 and 2 stars. */
  starThresholds: z
    .array(z.int().min(0).max(10000))
    .length(4)
    .default([9000, 8000, 7000, 6000])
    .refine(thresholdsDescend, { message: 'validation.thresholds_descend' }),
  /** A rater group's breakdown is shown only from this many ballots on (anonymity in small villages). */
  anonymityMinBallots: z.int().min(1).max(100).default(5),
  /** Below this many ballots a rater group's score is shown as 样本不足 (its mean would be one or two people's ballots). */
  smallGroupMinBallots: z.int().min(1).max(100).default(3),
  /** Days a problem list stays in public notice (公示期). */
  noticeDays: z.int().min(1).max(60).default(5),
  /** Villagers must give a household code from the roster to vote (one ballot per household). */
  requireHouseholdCode: z.boolean().default(false),
  /** Villagers must give a printed one-time ballot ticket (一人一票码) to vote (one ballot per ticket). */
  requireBallotTicket: z.boolean().default(false),
  /** Evaluation: the big screen's QR code changes every this many seconds… */
  qrRotateSeconds: z.int().min(10).max(600).default(30),
  /** …and a code shown on it is accepted this long for a new phone's pass (a photo sent out of the room stops working after it). */
  qrValidSeconds: z.int().min(10).max(3600).default(90),
  /** Collective-income tiers in fen (¥50,000 and ¥100,000). */
  incomeTiersFen: z
    .array(z.int().min(0).max(100_000_000_000))
    .length(2)
    .default([5_000_000, 10_000_000])
    .refine(tiersAscend, { message: 'validation.tiers_ascend' }),
  /** Stars: what follows from a branch's final stars (结果运用); amounts in fen. */
  consequences: z
    .object({
      /** the secretary's annual pay at five stars (¥50,000) */
      secretaryPayFen: z.int().min(0).default(5_000_000),
      /** star award (星级奖) for the two committees at five stars; 0 = amount decided case by case */
      starAwardFen: z.int().min(0).default(0),
      /** promotion award (晋位奖) when a branch moves up; 0 = amount decided case by case */
      promotionAwardFen: z.int().min(0).default(0),
    })
    .default({ secretaryPayFen: 5_000_000, starAwardFen: 0, promotionAwardFen: 0 }),
  /** The rating workflow (评星定级): level quotas, the notice's working days, the satisfaction cap, members' grades. */
  rating: z
    .object({
      /** each level's cap as a whole percentage of the township's branches, e.g. { "5": 10 }; absent: no cap */
      quotas: z
        .object({ 5: z.int().min(0).max(100).optional(), 4: z.int().min(0).max(100).optional(), 3: z.int().min(0).max(100).optional(), 2: z.int().min(0).max(100).optional() })
        .default({}),
      /** working days of the public notice (公示), counted with the holiday table */
      noticeWorkingDays: z.int().min(1).max(30).default(5),
      /** below this share of satisfied villager answers the level is capped at maxStars; null: no such rule */
      satisfaction: z.object({ thresholdPercent: z.int().min(1).max(100), maxStars: z.int().min(1).max(4) }).nullable().default(null),
      /** 民主评议党员: minimum composites (hundredths) of 优秀, 合格 and 基本合格, and an optional cap on 优秀's share */
      grades: z
        .object({
          excellent: z.int().min(0).max(10000).default(9000),
          qualified: z.int().min(0).max(10000).default(7000),
          basicallyQualified: z.int().min(0).max(10000).default(6000),
          excellentMaxPercent: z.int().min(0).max(100).nullable().default(null),
        })
        .default({ excellent: 9000, qualified: 7000, basicallyQualified: 6000, excellentMaxPercent: null })
        .refine((g) => g.excellent >= g.qualified && g.qualified >= g.basicallyQualified, { message: 'validation.thresholds_descend' }),
    })
    .default({ quotas: {}, noticeWorkingDays: 5, satisfaction: null, grades: { excellent: 9000, qualified: 7000, basicallyQualified: 6000, excellentMaxPercent: null } }),
  /** Stars: the January day (Asia/Shanghai) from which the previous year is finalised. */
  finaliseDay: z.int().min(1).max(31).default(10),
  /** 初心三人行: party members per committee member, households per party member, and the must-visit interval in days. */
  contact: z
    .object({
      membersPerCommittee: contactRange(5, 5),
      householdsPerMember: contactRange(5, 15),
      mustVisitDays: z.int().min(1).max(365).default(30),
    })
    .default({ membersPerCommittee: { min: 5, max: 5 }, householdsPerMember: { min: 5, max: 15 }, mustVisitDays: 30 }),
  /**
   * 三会一课 · 主题党日: how often each kind of meeting is required (the organisation-life red line and the
   * warning list count the months, quarters and years of Asia/Shanghai that ended without one).
   */
  orgLife: z
    .object({
      assembly: z.enum(MEETING_FREQUENCIES).default('quarter'),
      committee: z.enum(MEETING_FREQUENCIES).default('month'),
      group: z.enum(MEETING_FREQUENCIES).default('none'),
      lecture: z.enum(MEETING_FREQUENCIES).default('quarter'),
      theme_day: z.enum(MEETING_FREQUENCIES).default('month'),
      life_meeting: z.enum(MEETING_FREQUENCIES).default('year'),
      review: z.enum(MEETING_FREQUENCIES).default('year'),
    })
    .default({ assembly: 'quarter', committee: 'month', group: 'none', lecture: 'quarter', theme_day: 'month', life_meeting: 'year', review: 'year' }),
}).refine((s) => !(s.requireHouseholdCode && s.requireBallotTicket), { message: 'validation.one_villager_mode', path: ['requireBallotTicket'] });

export type TenantSettings = z.output<typeof tenantSettingsSchema>;

export function parseSettings(json: string): TenantSettings {
  return tenantSettingsSchema.parse(JSON.parse(json || '{}'));
}
