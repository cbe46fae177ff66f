/**
 * The vocabulary of the annual star rating as counties run it (评星定级): runtime-free, imported by the
 * schema, the rating feature and the pages alike. Labels are in the message catalogues (rating.*).
 */

/** The steps of a township-year: 申报 → 评定 → 复核 → 公示 → 命名. */
export const RATING_STEPS = ['nomination', 'scoring', 'recheck', 'notice', 'named'] as const;
export type RatingStep = (typeof RATING_STEPS)[number];

/**
 * Where one branch's entry stands: nominated by its secretary; proposed by the township (awaiting the
 * county); returned by the county or city with a reason; county_confirmed (a five-star proposal awaiting
 * the city); confirmed (ready for, or in, the public notice); named (the year is final).
 */
export const ENTRY_STATUSES = ['nominated', 'proposed', 'returned', 'county_confirmed', 'confirmed', 'named'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** A re-check's answer: confirm the proposal, or return it to the township with a reason. */
export const RECHECK_DECISIONS = ['confirm', 'return'] as const;
export type RecheckDecision = (typeof RECHECK_DECISIONS)[number];

/** Plaques (授牌): five stars from the city organisation department, four stars from the county's. */
export const PLAQUE_KINDS = ['city_five_star', 'county_four_star'] as const;
export type PlaqueKind = (typeof PLAQUE_KINDS)[number];

/** The official grades of 民主评议党员, best first. */
export const MEMBER_GRADES = ['excellent', 'qualified', 'basically_qualified', 'unqualified'] as const;
export type MemberGrade = (typeof MEMBER_GRADES)[number];

/** What an objection (异议) is about: a problem of a problem list, or a branch's rating in its notice. */
export const OBJECTION_TARGETS = ['problem', 'rating'] as const;
export type ObjectionTarget = (typeof OBJECTION_TARGETS)[number];
