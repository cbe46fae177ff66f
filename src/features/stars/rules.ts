/**
 * Star levels and what follows from them (评星定级与结果运用), as pure functions: no I/O, integers only.
 * Composite scores are integer hundredths of a point (89.99 → 8999).
 */
import { starsFromComposite, type Stars } from '../../domain/thresholds';
import { shanghaiDate } from '../../domain/calendar';

/** A triggered red line caps a branch at this many stars (底线管理: no five stars). */
export const RED_LINE_MAX_STARS = 4;

/** Any triggered red line caps the stars; without one the raw stars stand. */
export function capByRedLines(rawStars: Stars, triggeredRedLines: number): Stars {
  return triggeredRedLines > 0 ? (Math.min(rawStars, RED_LINE_MAX_STARS) as Stars) : rawStars;
}

export const CONSEQUENCE_KINDS = [
  'city_plaque',
  'star_award',
  'secretary_pay',
  'county_plaque',
  'promotion_award',
  'interview',
  'rectification',
  'replace_secretary',
] as const;
export type ConsequenceKind = (typeof CONSEQUENCE_KINDS)[number];

export interface Consequence {
  kind: ConsequenceKind;
  /** money involved, if any (fen) */
  amountFen?: number;
}

export interface ConsequenceSettings {
  secretaryPayFen: number;
  starAwardFen: number;
  promotionAwardFen: number;
}

/**
 * What follows from a branch's final stars, given last year's final stars (null: not rated last year).
 * 5★ city plaque + star award + secretary's pay; 4★ county plaque; moving up → promotion award;
 * 3★ interview and reminder; ≤2★ weak-and-lax rectification; ≤2★ two years running → replace the secretary.
 */
export function consequencesFor(finalStars: Stars, previousStars: Stars | null, settings: ConsequenceSettings): Consequence[] {
  const out: Consequence[] = [];
  if (finalStars === 5) {
    out.push({ kind: 'city_plaque' });
    out.push({ kind: 'star_award', amountFen: settings.starAwardFen });
    out.push({ kind: 'secretary_pay', amountFen: settings.secretaryPayFen });
  }
  if (finalStars === 4) out.push({ kind: 'county_plaque' });
  if (previousStars !== null && finalStars > previousStars) out.push({ kind: 'promotion_award', amountFen: settings.promotionAwardFen });
  if (finalStars === 3) out.push({ kind: 'interview' });
  if (finalStars <= 2) out.push({ kind: 'rectification' });
  if (finalStars <= 2 && previousStars !== null && previousStars <= 2) out.push({ kind: 'replace_secretary' });
  return out;
}

/** A triggered red line as stored with the annual result: computed (source, actual vs threshold) or recorded (note). */
export interface RedLineHit {
  ruleId: string;
  code: string;
  title: string;
  source?: ComputedSource | typeof SATISFACTION_CODE;
  /** the level this line caps the branch at, where it is lower than the red lines' four stars */
  maxStars?: Stars;
  actual?: number;
  threshold?: number;
  note?: string;
  recordId?: string;
}

/** Facts about one branch-year from which the computed red lines are judged. */
export interface BranchFacts {
  reserveCadres: number;
  incomeFen: number;
  /** entries of the weak-and-lax ledger covering the year (listed then, or earlier and not yet turned around) */
  weakListings: number;
  /** major matters implemented in the year without completing 四议三审两公开 */
  irregularDecisions: number;
  /** problems of the branch's list whose rectification deadline passed (by year end) without rectification */
  overdueProblems: number;
  /** required organisation-life meetings (三会一课 · 主题党日) of periods ended in the year that were not held */
  missedMeetings: number;
}

export const COMPUTED_SOURCES = ['reserve_cadres', 'income_floor', 'weak_list', 'irregular_decisions', 'overdue_problems', 'org_life'] as const;
export type ComputedSource = (typeof COMPUTED_SOURCES)[number];

/** The rating's satisfaction rule (settings.rating.satisfaction) is a red line of its own, judged like the computed ones. */
export const SATISFACTION_CODE = 'satisfaction';

/** The satisfaction rule (满意率): below `thresholdPercent` satisfied villager answers the level is capped at `maxStars`. */
export interface SatisfactionRule {
  thresholdPercent: number;
  maxStars: Stars;
}

/** Whether villagers' satisfaction is below the rule's threshold (exactly: satisfied × 100 < threshold × answers); no answers never triggers it. */
export function satisfactionBelow(satisfied: number, answers: number, rule: SatisfactionRule): boolean {
  return answers > 0 && satisfied * 100 < rule.thresholdPercent * answers;
}


/**
 * The thresholds a computed red line may take. Below 1, "at least N" would hold for every branch and
 * "fewer than N" for none, so 0 is refused rather than computed into a rule that means nothing.
 */
export const THRESHOLD_RANGES: Record<ComputedSource, { min: number; max: number }> = {
  reserve_cadres: { min: 1, max: 100 },
  income_floor: { min: 1, max: 100_000_000_000 },
  weak_list: { min: 1, max: 100 },
  irregular_decisions: { min: 1, max: 1000 },
  overdue_problems: { min: 1, max: 1000 },
  org_life: { min: 1, max: 1000 },
};

export const thresholdFits = (source: ComputedSource, threshold: number) =>
  Number.isInteger(threshold) && threshold >= THRESHOLD_RANGES[source].min && threshold <= THRESHOLD_RANGES[source].max;

/**
 * Whether a computed red line is triggered: fewer reserve cadres, or less income, than the threshold;
 * or at least `threshold` weak-list entries, irregular decisions, overdue problems or missed meetings.
 */
export function computedRedLineTriggered(source: ComputedSource, threshold: number, facts: BranchFacts): boolean {
  switch (source) {
    case 'reserve_cadres':
      return facts.reserveCadres < threshold;
    case 'income_floor':
      return facts.incomeFen < threshold;
    case 'weak_list':
      return facts.weakListings >= threshold;
    case 'irregular_decisions':
      return facts.irregularDecisions >= threshold;
    case 'overdue_problems':
      return facts.overdueProblems >= threshold;
    case 'org_life':
      return facts.missedMeetings >= threshold;
  }
}

/** The fact a computed red line is judged on. */
export function factFor(source: ComputedSource, facts: BranchFacts): number {
  return {
    reserve_cadres: facts.reserveCadres,
    income_floor: facts.incomeFen,
    weak_list: facts.weakListings,
    irregular_decisions: facts.irregularDecisions,
    overdue_problems: facts.overdueProblems,
    org_life: facts.missedMeetings,
  }[source];
}

/** Everything the annual result of one subject holds, from its inputs. */
export interface AnnualOutcome {
  rawStars: Stars | null;
  finalStars: Stars | null;
  consequences: Consequence[];
}

/**
 * A branch's (or member's) year: stars only from a complete evaluation; red lines cap them; the
 * consequences apply to branches only (members get stars).
 */
export function annualOutcome(input: {
  kind: 'branch' | 'member';
  composite: number | null;
  complete: boolean;
  redLines: number;
  previousStars: Stars | null;
  thresholds: readonly number[];
  settings: ConsequenceSettings;
  /** a red line's own lower cap (villagers' satisfaction: at most two stars, say) */
  maxStars?: Stars;
}): AnnualOutcome {
  if (input.composite === null || !input.complete) return { rawStars: null, finalStars: null, consequences: [] };
  const rawStars = starsFromComposite(input.composite, input.thresholds);
  if (input.kind === 'member') return { rawStars, finalStars: rawStars, consequences: [] };
  const capped = capByRedLines(rawStars, input.redLines);
  const finalStars = input.maxStars !== undefined && input.maxStars < capped ? input.maxStars : capped;
  return { rawStars, finalStars, consequences: consequencesFor(finalStars, input.previousStars, input.settings) };
}

/**
 * Whether the yearly job should finalise `year` at `now`: from 00:00 Asia/Shanghai of the tenant's
 * January day of the following year on (a later date within the following year still catches up).
 */
export function finalisationDue(year: number, now: Date, finaliseDay: number): boolean {
  const [nowYear, month, day] = shanghaiDate(now).split('-').map(Number);
  if (nowYear <= year) return false;
  if (nowYear > year + 1) return true;
  return month > 1 || day >= finaliseDay;
}
