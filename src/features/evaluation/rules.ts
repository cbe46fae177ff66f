/**
 * Scoring and voting rules of the online evaluation, as pure functions: no I/O, no floating point.
 *
 * A ballot scores points ÷ maximum × 100; a rater group scores the mean of its ballots; the composite is
 * Σ weight × group score ÷ Σ weights. Every step is an exact rational (platform/ratio.ts) and only the
 * figures shown are rounded, half-up to hundredths, each once from the exact value (89.995 → 9000 however
 * many decimals the group means have). features/evaluation/results/results.ts sums the ballots in SQL and
 * finishes with these functions, so the report, the annual results and the nightly job share one rule.
 */
import { add, ratio, roundHalfUp, scale, ZERO, type Ratio } from '../../platform/ratio';
import { starsFromComposite, type Stars } from '../../domain/thresholds';

export const RATER_GROUPS = ['self', 'peer', 'villager', 'leader'] as const;
export type RaterGroup = (typeof RATER_GROUPS)[number];
export type SubjectKind = 'branch' | 'member';
export type Weights = Record<RaterGroup, number>;

/** Ballots of one rater group that share a maximum, summed: what SQL's GROUP BY gives. */
export interface BallotSum {
  count: number;
  /** Σ points of these ballots */
  points: number;
  maxPoints: number;
}

/** A group's exact score out of 100, (100 ÷ n) × Σ pointsᵢ ÷ maxᵢ over its n ballots; null without ballots. */
export function groupScore(sums: readonly BallotSum[]): Ratio | null {
  const count = sums.reduce((n, s) => n + s.count, 0);
  if (count === 0) return null;
  const total = sums.reduce((t, s) => (s.count ? add(t, ratio(BigInt(s.points) * 100n, s.maxPoints)) : t), ZERO);
  return scale(total, 1, count);
}

/** Sums of single ballots (pure-rule callers that hold ballots, not SQL sums). */
export const sumsOf = (ballots: readonly { points: number; maxPoints: number }[]): BallotSum[] =>
  ballots.map((b) => ({ count: 1, points: b.points, maxPoints: b.maxPoints }));

/** A score shown in hundredths of a point, rounded half-up once from the exact value. */
export const toHundredths = (score: Ratio) => roundHalfUp(score, 100);

/** n ÷ d rounded half-up, for non-negative integers. */
export function divideHalfUp(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

export interface GroupTally {
  count: number;
  /** exact score out of 100; null when the group has no ballots */
  score: Ratio | null;
}

export interface Composite {
  /** hundredths of a point (89.99 → 8999); null when no weighted group has ballots */
  composite: number | null;
  /** every group with a weight has ballots */
  complete: boolean;
  /** each group's share of the composite in hundredths (rounded on its own); null without ballots */
  contributions: Record<RaterGroup, number | null>;
}

/**
 * The composite = Σ weight × group score ÷ Σ weights of the groups that have ballots, computed exactly and
 * rounded half-up to hundredths at the end. A result missing a weighted group is incomplete.
 */
export function composite(weights: Weights, groups: Partial<Record<RaterGroup, GroupTally>>): Composite {
  const scored = RATER_GROUPS.filter((g) => (groups[g]?.count ?? 0) > 0 && groups[g]!.score !== null);
  const complete = RATER_GROUPS.every((g) => weights[g] === 0 || scored.includes(g));
  const weightSum = scored.reduce((n, g) => n + weights[g], 0);
  const contributions = Object.fromEntries(RATER_GROUPS.map((g) => [g, null])) as Record<RaterGroup, number | null>;
  if (weightSum === 0) return { composite: null, complete: false, contributions };
  let total = ZERO;
  for (const g of scored) {
    const share = scale(groups[g]!.score!, weights[g], weightSum);
    contributions[g] = toHundredths(share);
    total = add(total, share);
  }
  return { composite: toHundredths(total), complete, contributions };
}

/** Stars from a composite with a campaign's thresholds (hundredths for 5, 4, 3, 2 stars). */
export function starsFor(compositeHundredths: number | null, thresholds: readonly number[]): Stars | null {
  return compositeHundredths === null ? null : starsFromComposite(compositeHundredths, thresholds);
}

export const weightsSumTo100 = (w: Weights) => w.self + w.peer + w.villager + w.leader === 100;


// ——— questionnaires and answers ———

export interface QuestionnaireItem {
  key: string;
  text: string;
  /** the rater groups that answer this item; all when absent */
  groups?: RaterGroup[];
  /** `satisfied`: a villager choosing it counts as satisfied (满意), for the rating's satisfaction rule */
  options: { label: string; points: number; satisfied?: boolean }[];
}

export const itemsFor = (items: readonly QuestionnaireItem[], group: RaterGroup) =>
  items.filter((item) => !item.groups || item.groups.includes(group));

const maxPointsOf = (item: QuestionnaireItem) => Math.max(...item.options.map((o) => o.points));

export type AnswerProblem =
  | { code: 'evaluation.answer_missing'; item: string }
  | { code: 'evaluation.answer_out_of_range'; item: string }
  | { code: 'evaluation.answer_unknown_item'; item: string };

export interface ScoredAnswers {
  points: number;
  maxPoints: number;
  answers: { itemKey: string; points: number; maxPoints: number }[];
}

/**
 * Scores one ballot: every item of the rater's group must be answered with one of its options (given by
 * index); answers to items the group does not see are refused rather than ignored.
 */
export function scoreAnswers(
  items: readonly QuestionnaireItem[],
  group: RaterGroup,
  answers: Record<string, number>,
): { ok: true; value: ScoredAnswers } | { ok: false; problem: AnswerProblem } {
  const asked = itemsFor(items, group);
  const askedKeys = new Set(asked.map((i) => i.key));
  for (const key of Object.keys(answers)) if (!askedKeys.has(key)) return { ok: false, problem: { code: 'evaluation.answer_unknown_item', item: key } };
  const scored: ScoredAnswers['answers'] = [];
  for (const item of asked) {
    const choice = answers[item.key];
    if (choice === undefined || choice === null) return { ok: false, problem: { code: 'evaluation.answer_missing', item: item.text } };
    if (!Number.isInteger(choice) || choice < 0 || choice >= item.options.length)
      return { ok: false, problem: { code: 'evaluation.answer_out_of_range', item: item.text } };
    scored.push({ itemKey: item.key, points: item.options[choice].points, maxPoints: maxPointsOf(item) });
  }
  return {
    ok: true,
    value: { points: scored.reduce((n, a) => n + a.points, 0), maxPoints: scored.reduce((n, a) => n + a.maxPoints, 0), answers: scored },
  };
}

// ——— who votes in which group ———

export type Voter =
  | { kind: 'villager' }
  | { kind: 'leader' }
  | { kind: 'member'; memberId: string; villageId: string; isSecretary: boolean };

export interface Subject {
  kind: SubjectKind;
  /** village id for a branch, member id for a member */
  id: string;
  villageId: string;
}

/**
 * The rater group of a ballot: villagers 群评, township leaders 点评; a member scoring themself 自评, and
 * scoring another member or the branch 互评, except the branch secretary scoring their own branch,
 * which is the branch's self-evaluation (自评) so that branches, too, can be complete.
 */
export function raterGroupOf(voter: Voter, subject: Subject): RaterGroup {
  if (voter.kind === 'villager') return 'villager';
  if (voter.kind === 'leader') return 'leader';
  if (subject.kind === 'member') return subject.id === voter.memberId ? 'self' : 'peer';
  return voter.isSecretary && voter.villageId === subject.id ? 'self' : 'peer';
}

// ——— QR tokens ———

export interface QrTiming {
  /** a new QR every this many seconds */
  rotateSeconds: number;
  /** a token stays valid this long after it was shown */
  validSeconds: number;
}

/** The rotation window of an instant. */
export const qrWindow = (nowMs: number, rotateSeconds: number) => Math.floor(nowMs / 1000 / rotateSeconds);

/** Windows whose token is still accepted now: the current one and those shown within validSeconds. */
export function acceptedWindows(nowMs: number, timing: QrTiming): number[] {
  const current = qrWindow(nowMs, timing.rotateSeconds);
  const back = Math.ceil(timing.validSeconds / timing.rotateSeconds);
  return Array.from({ length: back + 1 }, (_, i) => current - i);
}

// ——— bookings ———

/** Two half-open intervals [start, end) overlap (ISO UTC text compares as time). */
export const overlaps = (a: { startsAt: string; endsAt: string }, b: { startsAt: string; endsAt: string }) =>
  a.startsAt < b.endsAt && b.startsAt < a.endsAt;

// ——— anonymity ———

/** A group's breakdown (per-item averages, comments) is shown only from k ballots on. */
export const breakdownVisible = (count: number, k: number) => count >= k;

/**
 * A group's score is shown only from k ballots on (样本不足 below): with one or two ballots the mean is a
 * person's ballot. The self-evaluation is one person's by design and always shown. The group still counts
 * in the composite (docs/ballot-secrecy.md says why and what that reveals).
 */
export const scoreShown = (group: RaterGroup, count: number, k: number) => group === 'self' || count === 0 || count >= k;

/** Member PIN attempts: this many failures lock the code for lockSeconds. */
export const PIN_LOCK = { maxFailures: 5, lockSeconds: 15 * 60 } as const;
