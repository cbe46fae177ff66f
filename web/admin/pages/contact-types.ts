/** Shapes of the 初心三人行 API (src/features/contact/routes.ts) as the pages use them. */
import type { MessageKey } from '../t';

export type Warning = 'under' | 'over' | null;
export interface Range {
  min: number;
  max: number;
}

export interface NetworkReport {
  villageId: string;
  ranges: { membersPerCommittee: Range; householdsPerMember: Range };
  committee: { memberId: string; name: string; linkedMembers: number; warning: Warning }[];
  members: { memberId: string; name: string; households: number; warning: Warning }[];
  unlinkedMembers: { memberId: string; name: string }[];
  unlinkedHouseholds: { id: string; headName: string }[];
  warnings: number;
}

export interface MemberLink {
  id: string;
  villageId: string;
  committeeMemberId: string;
  committeeMemberName: string;
  memberId: string;
  memberName: string;
}

export interface HouseholdLink {
  id: string;
  villageId: string;
  memberId: string;
  memberName: string;
  householdId: string;
  headName: string;
  address: string;
}

export interface Visit {
  id: string;
  villageId: string;
  villageName?: string;
  memberId: string;
  memberName: string;
  householdId: string;
  householdName: string;
  visitedOn: string;
  category: VisitCategory;
  findings: string;
  request: string;
  problemId: string | null;
  createdAt: string;
}

export interface Signoff {
  id: string;
  memberId: string;
  householdId: string;
  month: string;
  method: 'signature' | 'paper_photo';
  signedOn: string;
}

export interface CoverageReport {
  villageId: string;
  month: string;
  asOf: string;
  mustVisitDays: number;
  households: number;
  linkedHouseholds: number;
  visitedHouseholds: number;
  visits: number;
  signedHouseholds: number;
  unsignedHouseholds?: { householdId: string; headName: string; memberId: string; memberName: string }[];
  mustVisit: { householdId: string; headName: string; categories: VisitCategory[]; lastVisitedOn: string | null; overdue: boolean }[];
  mustVisitOverdue: { householdId: string; headName: string; categories: VisitCategory[]; lastVisitedOn: string | null; overdue: boolean }[];
}

/** The 13 visit categories in their three groups (五上门 · 四必到 · 四必访), as the API names them. */
export const VISIT_GROUPS = [
  { key: 'five_visits', categories: ['sick', 'opinion', 'policy', 'quarrel', 'hardship'] },
  { key: 'four_attend', categories: ['discontent', 'emergency', 'dispute', 'wedding_funeral'] },
  { key: 'four_must_visit', categories: ['poor_family', 'critically_ill', 'empty_nest_left_behind', 'petitioner'] },
] as const;

export type VisitCategory = (typeof VISIT_GROUPS)[number]['categories'][number];

export const categoryLabel = (category: VisitCategory) => `contact.cat.${category}` as MessageKey;

export function groupOf(category: VisitCategory): MessageKey {
  const group = VISIT_GROUPS.find((g) => (g.categories as readonly string[]).includes(category))!;
  return `contact.group.${group.key}` as MessageKey;
}
