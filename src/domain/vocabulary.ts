/**
 * The product's enumerations, shared by the schema (db/schema imports them), the routes and the pages:
 * runtime-free, imports nothing. Their labels are in labels.ts.
 */

/** Who an evaluation is about: a party branch (党支部) or a party member (党员). */
export const SUBJECT_KINDS = ['branch', 'member'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** 自评 / 互评 / 群评 / 点评: the keys of the weights in tenant settings and campaigns. */
export const RATER_GROUPS = ['self', 'peer', 'villager', 'leader'] as const;
export type RaterGroup = (typeof RATER_GROUPS)[number];

/** Who says they are voting on a phone (the rater group follows from it per subject). */
export const VOTER_KINDS = ['villager', 'member', 'leader'] as const;
export type VoterKind = (typeof VOTER_KINDS)[number];

export const BALLOT_CHANNELS = ['phone', 'paper'] as const;
export type BallotChannel = (typeof BALLOT_CHANNELS)[number];

/**
 * county_organiser and city_organiser: the county's and city's organisation department in the rating
 * workflow (复核定星), who may write the re-check and nothing else.
 */
export const ROLES = ['platform_admin', 'county_viewer', 'county_organiser', 'city_organiser', 'township_admin', 'village_secretary', 'party_member'] as const;
export type Role = (typeof ROLES)[number];

/** A login session: signed in, or half-way (second factor to give, or to enrol first). */
export const SESSION_STAGES = ['active', 'second_factor', 'enrol'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

/** Sources of village collective income (村集体经济), as the source article counts them. */
export const INCOME_CATEGORIES = ['produce', 'leasing', 'land_contracting', 'cooperative', 'pasture_land', 'other'] as const;
export type IncomeCategory = (typeof INCOME_CATEGORIES)[number];

/** A village's income against the township's two tiers (below ¥50,000, at least that, at least ¥100,000 by default). */
export const INCOME_TIERS = ['below', 'low', 'high'] as const;
export type IncomeTier = (typeof INCOME_TIERS)[number];

export const INCOME_ACTIONS = ['create', 'update', 'delete', 'import'] as const;

/** An annual result is provisional (recomputed nightly) until finalised (write-once). */
export const RESULT_STAGES = ['provisional', 'final'] as const;
export type ResultStage = (typeof RESULT_STAGES)[number];

/** A red line (红线) is checked from data or recorded by the township. */
export const RED_LINE_MODES = ['computed', 'manual'] as const;
export type RedLineMode = (typeof RED_LINE_MODES)[number];
/** What a computed red line is checked from. */
export const RED_LINE_SOURCES = ['reserve_cadres', 'income_floor', 'weak_list', 'irregular_decisions', 'overdue_problems', 'org_life'] as const;
export type RedLineSource = (typeof RED_LINE_SOURCES)[number];

export const PROBLEM_STATUSES = ['open', 'in_progress', 'rectified', 'verified'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];
export const PROBLEM_SOURCES = ['ballot', 'admin', 'visit'] as const;
export type ProblemSource = (typeof PROBLEM_SOURCES)[number];

/**
 * The 13 visit categories of 初心三人行: 五上门 (five visits), 四必到 (four must-attend), 四必访 (four
 * must-visit households).
 */
export const VISIT_CATEGORIES = [
  'sick',
  'opinion',
  'policy',
  'quarrel',
  'hardship',
  'discontent',
  'emergency',
  'dispute',
  'wedding_funeral',
  'poor_family',
  'critically_ill',
  'empty_nest_left_behind',
  'petitioner',
] as const;
export type VisitCategory = (typeof VISIT_CATEGORIES)[number];

/** How a household signed its month: on the screen, or a photo of the paper book. */
export const SIGNOFF_METHODS = ['signature', 'paper_photo'] as const;
export type SignoffMethod = (typeof SIGNOFF_METHODS)[number];

/** The "small and micro powers" list (小微权力清单) a matter falls under. */
export const MATTER_CATEGORIES = [
  'major_decision',
  'construction',
  'collective_assets',
  'finance',
  'procurement',
  'subsidies',
  'social_assistance',
  'homestead',
  'party_recruitment',
  'staffing',
  'certificates',
  'other',
] as const;
export type MatterCategory = (typeof MATTER_CATEGORIES)[number];

/** 四议三审两公开, in order; review_during (事中审视) may repeat during implementation. */
export const DECISION_STAGES = [
  'proposal',
  'discussion',
  'member_review',
  'resolution',
  'resolution_public',
  'review_before',
  'implementation',
  'review_during',
  'review_after',
  'result_public',
] as const;
export type DecisionStage = (typeof DECISION_STAGES)[number];

export const MATTER_STATUSES = ['open', 'rejected', 'completed'] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];

/** Who passes a resolution: the villager representatives' meeting or the villagers' meeting. */
export const RESOLUTION_BODIES = ['representatives', 'villagers'] as const;
export type ResolutionBody = (typeof RESOLUTION_BODIES)[number];

export const DISPUTE_STATUSES = ['in_mediation', 'settled', 'guided_to_court'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
/** Where a dispute is mediated. */
export const DISPUTE_LEVELS = ['village', 'township'] as const;
export type DisputeLevel = (typeof DISPUTE_LEVELS)[number];

/** The scheduled jobs, and what started a run. */
export const JOB_KINDS = ['recompute', 'finalise'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_TRIGGERS = ['cron', 'manual'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];
export const JOB_STATUSES = ['done', 'failed'] as const;

/** The orders of the county's comparison of villages. */
export const COMPARISON_SORTS = ['stars', 'composite', 'income', 'red_lines', 'name'] as const;
export type ComparisonSort = (typeof COMPARISON_SORTS)[number];

/**
 * Organisation-life meetings (三会一课 · 主题党日): 支部党员大会, 支委会, 党小组会, 党课, 主题党日 (党员活动日),
 * 组织生活会 and 民主评议党员.
 */
export const MEETING_KINDS = ['assembly', 'committee', 'group', 'lecture', 'theme_day', 'life_meeting', 'review'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
/** A member at a meeting: present, on leave (with a reason), or absent. */
export const ATTENDANCE_STATUSES = ['present', 'leave', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** The formats a meeting photo may have (recognised by its bytes, platform/image.ts). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
/** How often a kind of meeting is required (a township setting); none: not required. */
export const MEETING_FREQUENCIES = ['month', 'quarter', 'year', 'none'] as const;
export type MeetingFrequency = (typeof MEETING_FREQUENCIES)[number];
