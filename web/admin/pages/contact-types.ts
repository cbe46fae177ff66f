/** The 初心三人行 API's answers as the pages use them, derived from its routes (src/features/contact), and the visit categories' groups. */
import { tenant, type AnswerOf } from '../../shared/api';
import type { VisitCategory } from '../../../src/domain/vocabulary';
import type { MessageKey } from '../t';

export type { VisitCategory } from '../../../src/domain/vocabulary';

/** The township's 初心三人行 routes. */
export const contactClient = (slug: string) => tenant(slug).contact;
type Contact = ReturnType<typeof contactClient>;

export type NetworkReport = AnswerOf<Contact['network']['$get']>;
export type Warning = NetworkReport['members'][number]['warning'];
export type MemberLink = AnswerOf<Contact['member-links']['$get']>['items'][number];
export type HouseholdLink = AnswerOf<Contact['household-links']['$get']>['items'][number];
export type Visit = AnswerOf<Contact['visits']['$get']>['items'][number];
export type Signoff = AnswerOf<Contact['signoffs']['$get']>['items'][number];
export type CoverageReport = AnswerOf<Contact['coverage']['$get']>;

/** The 13 visit categories in their three groups (五上门 · 四必到 · 四必访), as the API names them. */
export const VISIT_GROUPS = [
  { key: 'five_visits', categories: ['sick', 'opinion', 'policy', 'quarrel', 'hardship'] },
  { key: 'four_attend', categories: ['discontent', 'emergency', 'dispute', 'wedding_funeral'] },
  { key: 'four_must_visit', categories: ['poor_family', 'critically_ill', 'empty_nest_left_behind', 'petitioner'] },
] as const satisfies readonly { key: string; categories: readonly VisitCategory[] }[];

export const categoryLabel = (category: VisitCategory) => `contact.cat.${category}` as MessageKey;

export function groupOf(category: VisitCategory): MessageKey {
  const group = VISIT_GROUPS.find((g) => (g.categories as readonly string[]).includes(category))!;
  return `contact.group.${group.key}` as MessageKey;
}
