/**
 * The rules of the annual rating workflow (评星定级), as pure functions: quotas per level, the cap by what
 * a branch applied for, the satisfaction cap, and members' 民主评议 grades. No I/O, integers only;
 * composites are integer hundredths of a point.
 */
import type { MemberGrade } from '../../domain/rating';
import type { Stars } from '../../domain/thresholds';

/** A level's cap as a whole percentage of the township's branches (e.g. five stars ≤ 10). */
export type Quotas = Partial<Record<2 | 3 | 4 | 5, number>>;

/**
 * The quotas a township's 评定 applies: the county's setting is a ceiling on the township's own. At each
 * level the stricter of the two holds (the lower percentage); a level only one of them caps is capped by
 * that one. A township may be stricter than its county, never looser.
 */
export function effectiveQuotas(county: Quotas | null, township: Quotas): Quotas {
  const out: Quotas = {};
  for (const level of [5, 4, 3, 2] as const) {
    const caps = [county?.[level], township[level]].filter((p): p is number => p !== undefined);
    if (caps.length) out[level] = Math.min(...caps);
  }
  return out;
}

export interface QuotaCandidate {
  id: string;
  /** the level after red lines and the satisfaction cap; null: not rated */
  stars: Stars | null;
  composite: number | null;
  /** the villagers' (群评) group score, the first tie-break */
  villagerScore: number | null;
}

/** One push down by a quota: from `level`, which holds at most `allowed` branches. */
export interface QuotaCut {
  level: Stars;
  allowed: number;
  /** the branch's place among those at the level, by composite then villagers' score (1 = best) */
  rank: number;
  /** it tied at the margin with a branch that stayed (and all such ties went down) */
  tie: boolean;
}

export interface QuotaOutcome {
  stars: Stars | null;
  cuts: QuotaCut[];
}

/**
 * The most stars the township may propose for a branch, however it comes to propose again (a returned proposal, an
 * upheld objection): the level its scoring gave less the quota cuts 评定 applied to it; none without a score.
 */
export const proposalCeiling = (scoredStars: number | null, cuts: readonly QuotaCut[]): number | null => (scoredStars === null ? null : scoredStars - cuts.length);

/** Whether `stars` may be proposed under that ceiling (no stars may always be). */
export const withinCeiling = (stars: number | null, ceiling: number | null) => stars === null || (ceiling !== null && stars <= ceiling);

/** How many branches a level may hold: the cap's share of every branch of the township, rounded down. */
export const quotaAllowed = (branches: number, percent: number) => Math.floor((branches * percent) / 100);

const byMerit = (a: QuotaCandidate, b: QuotaCandidate) =>
  (b.composite ?? -1) - (a.composite ?? -1) || (b.villagerScore ?? -1) - (a.villagerScore ?? -1);

/**
 * Applies a township's quotas from the top level down: at each capped level the branches are ranked by
 * composite, then by villagers' score; those beyond the cap go down one level, where they count toward
 * that level's cap and may be pushed again. Branches still tied at the margin (same composite and same
 * villagers' score as the last one kept) all go down, so a cap is never exceeded and no arbitrary order
 * decides. `branches` is the township's number of branches, rated or not (the cap's base).
 */
export function applyQuotas(candidates: QuotaCandidate[], quotas: Quotas, branches: number = candidates.length): Map<string, QuotaOutcome> {
  const out = new Map<string, QuotaOutcome>(candidates.map((c) => [c.id, { stars: c.stars, cuts: [] }]));
  for (const level of [5, 4, 3, 2] as const) {
    const percent = quotas[level];
    if (percent === undefined) continue;
    const allowed = quotaAllowed(branches, percent);
    const at = candidates.filter((c) => out.get(c.id)!.stars === level).sort(byMerit);
    if (at.length <= allowed) continue;
    const firstOut = at[allowed];
    // everyone tied with the first branch beyond the cap goes down with it
    const keep = at.slice(0, allowed).filter((c) => byMerit(c, firstOut) !== 0).length;
    at.forEach((c, index) => {
      if (index < keep) return;
      const outcome = out.get(c.id)!;
      outcome.cuts.push({ level, allowed, rank: index + 1, tie: index < allowed });
      outcome.stars = (level - 1) as Stars;
    });
  }
  return out;
}

/**
 * The level the township proposes: what the composite, red lines, satisfaction and quotas give, but not
 * above what the branch applied for unless the township gave a reason (a branch that did not apply is not
 * capped by it).
 */
export function proposedLevel(scored: Stars | null, applied: Stars | null, overApplicationReason: string | null): { stars: Stars | null; cappedByApplication: boolean } {
  if (scored === null || applied === null || scored <= applied || overApplicationReason) return { stars: scored, cappedByApplication: false };
  return { stars: applied, cappedByApplication: true };
}

/** 民主评议党员: the minimum composites of 优秀, 合格 and 基本合格 (below the last: 不合格), and an optional cap on 优秀's share. */
export interface GradeRule {
  excellent: number;
  qualified: number;
  basicallyQualified: number;
  /** 优秀 at most this percentage of the branch's evaluated members (rounded down) */
  excellentMaxPercent: number | null;
}

export function gradeFromComposite(composite: number, rule: GradeRule): MemberGrade {
  if (composite >= rule.excellent) return 'excellent';
  if (composite >= rule.qualified) return 'qualified';
  if (composite >= rule.basicallyQualified) return 'basically_qualified';
  return 'unqualified';
}

/**
 * Proposed grades of one branch's members: by thresholds, then 优秀's cap (by composite; ties at the
 * margin all become 合格, as with the star quotas).
 */
export function proposeGrades(members: { id: string; composite: number }[], rule: GradeRule): Map<string, { grade: MemberGrade; capped: boolean }> {
  const out = new Map(members.map((m) => [m.id, { grade: gradeFromComposite(m.composite, rule), capped: false }]));
  if (rule.excellentMaxPercent === null) return out;
  const allowed = quotaAllowed(members.length, rule.excellentMaxPercent);
  const excellent = members.filter((m) => out.get(m.id)!.grade === 'excellent').sort((a, b) => b.composite - a.composite);
  if (excellent.length <= allowed) return out;
  const margin = excellent[allowed].composite;
  for (const m of excellent) if (m.composite <= margin) out.set(m.id, { grade: 'qualified', capped: true });
  return out;
}
