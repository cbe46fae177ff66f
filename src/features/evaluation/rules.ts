/**
 * Scoring and voting rules of the online evaluation, as pure functions: no I/O, integers only.
 *
 * Units: a ballot's and a group's score are carried in integer millionths of a point (100 points =
 * 100_000_000), truncated; the composite is rounded half-up to hundredths only at the very end
 * (89.995 → 9000). features/evaluation/results.ts computes the same integers in SQL, and a test checks
 * that both agree.
 */
import { starsFromComposite, type Stars } from '../stars/rules';

export const RATER_GROUPS = ['self', 'peer', 'villager', 'leader'] as const;
export type RaterGroup = (typeof RATER_GROUPS)[number];
export type SubjectKind = 'branch' | 'member';
export type Weights = Record<RaterGroup, number>;

/** 100 points in the unit of ballot and group scores. */
export const FULL_SCORE_E6 = 100_000_000;

/** A ballot's score = points ÷ maximum points × 100, in millionths of a point (truncated). */
export function ballotScoreE6(points: number, maxPoints: number): number {
  return Math.floor((points * FULL_SCORE_E6) / maxPoints);
}

/** A group's score = the mean of its ballots' scores (truncated), or null without ballots. */
export function groupScoreE6(ballots: readonly { points: number; maxPoints: number }[]): number | null {
  if (!ballots.length) return null;
  const sum = ballots.reduce((total, b) => total + ballotScoreE6(b.points, b.maxPoints), 0);
  return Math.floor(sum / ballots.length);
}

/** n ÷ d rounded half-up, for non-negative integers. */
export function divideHalfUp(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

/** A score in millionths of a point shown in hundredths (half-up). */
export const e6ToHundredths = (scoreE6: number) => divideHalfUp(scoreE6, 10_000);

export interface GroupTally {
  count: number;
  /** null when the group has no ballots */
  scoreE6: number | null;
}

export interface Composite {
  /** hundredths of a point (89.99 → 8999); null when no weighted group has ballots */
  composite: number | null;
  /** every group with a weight has ballots */
  complete: boolean;
}

/**
 * The composite = Σ weight × group score ÷ Σ weights of the groups that have ballots, rounded half-up to
 * hundredths at the end. A result missing a weighted group is incomplete.
 */
export function composite(weights: Weights, groups: Partial<Record<RaterGroup, GroupTally>>): Composite {
  let numerator = 0;
  let weightSum = 0;
  let complete = true;
  for (const group of RATER_GROUPS) {
    const tally = groups[group];
    const has = !!tally && tally.count > 0 && tally.scoreE6 !== null;
    if (weights[group] > 0 && !has) complete = false;
    if (has) {
      numerator += weights[group] * tally!.scoreE6!;
      weightSum += weights[group];
    }
  }
  if (weightSum === 0) return { composite: null, complete: false };
  return { composite: divideHalfUp(numerator, weightSum * 10_000), complete };
}

/** Stars from a composite with a campaign's thresholds (hundredths for 5, 4, 3, 2 stars). */
export function starsFor(compositeHundredths: number | null, thresholds: readonly number[]): Stars | null {
  return compositeHundredths === null ? null : starsFromComposite(compositeHundredths, thresholds);
}

export const weightsSumTo100 = (w: Weights) => w.self + w.peer + w.villager + w.leader === 100;

/** Star thresholds (minimum composites of 5, 4, 3 and 2 stars) never rise from one level to the next. */
export const thresholdsDescend = (t: readonly number[]) => t.every((n, i) => i === 0 || t[i - 1] >= n);

// ——— questionnaires and answers ———

export interface QuestionnaireItem {
  key: string;
  text: string;
  /** the rater groups that answer this item; all when absent */
  groups?: RaterGroup[];
  options: { label: string; points: number }[];
}

export const itemsFor = (items: readonly QuestionnaireItem[], group: RaterGroup) =>
  items.filter((item) => !item.groups || item.groups.includes(group));

export const maxPointsOf = (item: QuestionnaireItem) => Math.max(...item.options.map((o) => o.points));

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

/** Member PIN attempts: this many failures lock the code for lockSeconds. */
export const PIN_LOCK = { maxFailures: 5, lockSeconds: 15 * 60 } as const;
