/** 初心三人行 rules as pure functions: link ratios, must-visit households, coverage. */
import type { VisitCategory } from '../../db/schema';
import { daysBetween } from '../../platform/time';

export interface Range {
  min: number;
  max: number;
}

export type RatioWarning = 'under' | 'over' | null;

/** Whether a count of links is below or above the township's range (null: within it). */
export function ratioWarning(count: number, range: Range): RatioWarning {
  if (count < range.min) return 'under';
  if (count > range.max) return 'over';
  return null;
}

/** Care tags of a household as the roster stores them. */
export interface CareTags {
  isHardship: boolean;
  isCriticallyIll: boolean;
  isEmptyNest: boolean;
  isLeftBehind: boolean;
  isPetitioner: boolean;
}

/** The 四必访 categories a household falls under (empty: not a must-visit household). */
export function mustVisitCategories(tags: CareTags): VisitCategory[] {
  const out: VisitCategory[] = [];
  if (tags.isHardship) out.push('poor_family');
  if (tags.isCriticallyIll) out.push('critically_ill');
  if (tags.isEmptyNest || tags.isLeftBehind) out.push('empty_nest_left_behind');
  if (tags.isPetitioner) out.push('petitioner');
  return out;
}

/** A must-visit household is overdue when nobody visited it within the last `days` days (or ever). */
export function visitOverdue(lastVisitedOn: string | null, today: string, days: number): boolean {
  return lastVisitedOn === null || daysBetween(lastVisitedOn, today) > days;
}

/** The group of a visit category: 五上门, 四必到 or 四必访. */
export function categoryGroup(category: VisitCategory): 'five_visits' | 'four_attend' | 'four_must_visit' {
  const five: VisitCategory[] = ['sick', 'opinion', 'policy', 'quarrel', 'hardship'];
  const four: VisitCategory[] = ['discontent', 'emergency', 'dispute', 'wedding_funeral'];
  if (five.includes(category)) return 'five_visits';
  if (four.includes(category)) return 'four_attend';
  return 'four_must_visit';
}

/** The first and last day of a YYYY-MM month, for range queries on YYYY-MM-DD text. */
export function monthBounds(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
