import * as z from 'zod/mini';
import { thresholdsDescend, tiersAscend } from '../domain/thresholds';
import { MEETING_FREQUENCIES } from '../domain/vocabulary';

/** A min–max range of contact links (初心三人行), with the township's defaults. */
const contactRange = (min: number, max: number) =>
  z._default(z.object({ min: z._default(z.int().check(z.gte(0), z.lte(100)), min), max: z._default(z.int().check(z.gte(0), z.lte(100)), max) }), { min, max }).check(z.refine((r) => r.min <= r.max, { message: 'validation.min_over_max' }));

/**
 * A township's settings: one validated JSON document per tenant. Every key has a default, so a tenant
 * created before a setting existed reads the default.
 */
export const tenantSettingsSchema = z.object({
  /** Rater-group weights of the composite score; they must sum to 100. */
  weights: z._default(z.object({
      self: z._default(z.int().check(z.gte(0), z.lte(100)), 20),
      peer: z._default(z.int().check(z.gte(0), z.lte(100)), 20),
      villager: z._default(z.int().check(z.gte(0), z.lte(100)), 40),
      leader: z._default(z.int().check(z.gte(0), z.lte(100)), 20),
    }), { self: 20, peer: 20, villager: 40, leader: 20 }).check(z.refine((w) => w.self + w.peer + w.villager + w.leader === 100, { message: 'validation.weights_sum' })),
  /** Minimum composite (×100, i.e. hundredths of a point) for 5, 4, 3 and 2 stars. */
  starThresholds: z._default(z.array(z.int().check(z.gte(0), z.lte(10000))).check(z.length(4)), [9000, 8000, 7000, 6000]).check(z.refine(thresholdsDescend, { message: 'validation.thresholds_descend' })),
  /** A rater group's breakdown is shown only from this many ballots on (anonymity in small villages). */
  anonymityMinBallots: z._default(z.int().check(z.gte(1), z.lte(100)), 5),
  /** Below this many ballots a rater group's score is shown as 样本不足 (its mean would be one or two people's ballots). */
  smallGroupMinBallots: z._default(z.int().check(z.gte(1), z.lte(100)), 3),
  /** Days a problem list stays in public notice (公示期). */
  noticeDays: z._default(z.int().check(z.gte(1), z.lte(60)), 5),
  /** Villagers must give a household code from the roster to vote (one ballot per household). */
  requireHouseholdCode: z._default(z.boolean(), false),
  /** Villagers must give a printed one-time ballot ticket (一人一票码) to vote (one ballot per ticket). */
  requireBallotTicket: z._default(z.boolean(), false),
  /** Evaluation: the big screen's QR code changes every this many seconds… */
  qrRotateSeconds: z._default(z.int().check(z.gte(10), z.lte(600)), 30),
  /** …and a code shown on it is accepted this long for a new phone's pass (a photo sent out of the room stops working after it). */
  qrValidSeconds: z._default(z.int().check(z.gte(10), z.lte(3600)), 90),
  /** Collective-income tiers in fen (¥50,000 and ¥100,000). */
  incomeTiersFen: z._default(z.array(z.int().check(z.gte(0), z.lte(100_000_000_000))).check(z.length(2)), [5_000_000, 10_000_000]).check(z.refine(tiersAscend, { message: 'validation.tiers_ascend' })),
  /** Stars: what follows from a branch's final stars (结果运用); amounts in fen. */
  consequences: z._default(z.object({
      /** the secretary's annual pay at five stars (¥50,000) */
      secretaryPayFen: z._default(z.int().check(z.gte(0)), 5_000_000),
      /** star award (星级奖) for the two committees at five stars; 0 = amount decided case by case */
      starAwardFen: z._default(z.int().check(z.gte(0)), 0),
      /** promotion award (晋位奖) when a branch moves up; 0 = amount decided case by case */
      promotionAwardFen: z._default(z.int().check(z.gte(0)), 0),
    }), { secretaryPayFen: 5_000_000, starAwardFen: 0, promotionAwardFen: 0 }),
  /** The rating workflow (评星定级): level quotas, the notice's working days, the satisfaction cap, members' grades. */
  rating: z._default(z.object({
      /** each level's cap as a whole percentage of the township's branches, e.g. { "5": 10 }; absent: no cap */
      quotas: z._default(z.object({ 5: z.optional(z.int().check(z.gte(0), z.lte(100))), 4: z.optional(z.int().check(z.gte(0), z.lte(100))), 3: z.optional(z.int().check(z.gte(0), z.lte(100))), 2: z.optional(z.int().check(z.gte(0), z.lte(100))) }), {}),
      /** working days of the public notice (公示), counted with the holiday table */
      noticeWorkingDays: z._default(z.int().check(z.gte(1), z.lte(30)), 5),
      /** below this share of satisfied villager answers the level is capped at maxStars; null: no such rule */
      satisfaction: z._default(z.nullable(z.object({ thresholdPercent: z.int().check(z.gte(1), z.lte(100)), maxStars: z.int().check(z.gte(1), z.lte(4)) })), null),
      /** 民主评议党员: minimum composites (hundredths) of 优秀, 合格 and 基本合格, and an optional cap on 优秀's share */
      grades: z._default(z.object({
          excellent: z._default(z.int().check(z.gte(0), z.lte(10000)), 9000),
          qualified: z._default(z.int().check(z.gte(0), z.lte(10000)), 7000),
          basicallyQualified: z._default(z.int().check(z.gte(0), z.lte(10000)), 6000),
          excellentMaxPercent: z._default(z.nullable(z.int().check(z.gte(0), z.lte(100))), null),
        }), { excellent: 9000, qualified: 7000, basicallyQualified: 6000, excellentMaxPercent: null }).check(z.refine((g) => g.excellent >= g.qualified && g.qualified >= g.basicallyQualified, { message: 'validation.thresholds_descend' })),
    }), { quotas: {}, noticeWorkingDays: 5, satisfaction: null, grades: { excellent: 9000, qualified: 7000, basicallyQualified: 6000, excellentMaxPercent: null } }),
  /** Stars: the January day (Asia/Shanghai) from which the previous year is finalised. */
  finaliseDay: z._default(z.int().check(z.gte(1), z.lte(31)), 10),
  /** 初心三人行: party members per committee member, households per party member, and the must-visit interval in days. */
  contact: z._default(z.object({
      membersPerCommittee: contactRange(5, 5),
      householdsPerMember: contactRange(5, 15),
      mustVisitDays: z._default(z.int().check(z.gte(1), z.lte(365)), 30),
    }), { membersPerCommittee: { min: 5, max: 5 }, householdsPerMember: { min: 5, max: 15 }, mustVisitDays: 30 }),
  /**
   * 三会一课 · 主题党日: how often each kind of meeting is required (the organisation-life red line and the
   * warning list count the months, quarters and years of Asia/Shanghai that ended without one).
   */
  orgLife: z._default(z.object({
      assembly: z._default(z.enum(MEETING_FREQUENCIES), 'quarter'),
      committee: z._default(z.enum(MEETING_FREQUENCIES), 'month'),
      group: z._default(z.enum(MEETING_FREQUENCIES), 'none'),
      lecture: z._default(z.enum(MEETING_FREQUENCIES), 'quarter'),
      theme_day: z._default(z.enum(MEETING_FREQUENCIES), 'month'),
      life_meeting: z._default(z.enum(MEETING_FREQUENCIES), 'year'),
      review: z._default(z.enum(MEETING_FREQUENCIES), 'year'),
    }), { assembly: 'quarter', committee: 'month', group: 'none', lecture: 'quarter', theme_day: 'month', life_meeting: 'year', review: 'year' }),
}).check(z.refine((s) => !(s.requireHouseholdCode && s.requireBallotTicket), { message: 'validation.one_villager_mode', path: ['requireBallotTicket'] }));

export type TenantSettings = z.output<typeof tenantSettingsSchema>;

export function parseSettings(json: string): TenantSettings {
  return tenantSettingsSchema.parse(JSON.parse(json || '{}'));
}
