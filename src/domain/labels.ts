/**
 * The names of enumeration values that both the API's messages (src/messages) and the admin pages show:
 * one catalogue, imported by both. Runtime-free: plain records keyed by `<area>.<enum>.<value>`.
 */
import type { EntryStatus, MemberGrade, PlaqueKind, RatingStep } from './rating';
import type { DecisionStage, IncomeCategory, ProblemStatus } from './vocabulary';

type EnumLabelKey =
  | `decisions.stage.${DecisionStage}`
  | `income.category.${IncomeCategory}`
  | `problems.status.${ProblemStatus}`
  | `rating.step.${RatingStep}`
  | `rating.status.${EntryStatus}`
  | `rating.plaque.${PlaqueKind}`
  | `rating.grade.${MemberGrade}`;

export const enumLabelsZh = {
  'decisions.stage.proposal': '村党支部会提议',
  'decisions.stage.discussion': '村“两委”会商议',
  'decisions.stage.member_review': '党员大会审议',
  'decisions.stage.resolution': '村民代表会议或村民会议决议',
  'decisions.stage.resolution_public': '决议公开',
  'decisions.stage.review_before': '事前审查',
  'decisions.stage.implementation': '组织实施',
  'decisions.stage.review_during': '事中审视',
  'decisions.stage.review_after': '事后审计',
  'decisions.stage.result_public': '实施结果公开',
  'income.category.produce': '农产品经营',
  'income.category.leasing': '土地租赁、商品房租赁',
  'income.category.land_contracting': '边角经济、土地承包',
  'income.category.cooperative': '党支部领办合作社',
  'income.category.pasture_land': '依托牧场流转土地',
  'income.category.other': '其他',
  'problems.status.open': '待整改',
  'problems.status.in_progress': '整改中',
  'problems.status.rectified': '已整改',
  'problems.status.verified': '已验收',
  'rating.step.nomination': '自评申报',
  'rating.step.scoring': '乡镇评定',
  'rating.step.recheck': '县级复核',
  'rating.step.notice': '公示',
  'rating.step.named': '命名授牌',
  'rating.status.nominated': '已申报',
  'rating.status.proposed': '待复核',
  'rating.status.returned': '已退回',
  'rating.status.county_confirmed': '县级已确认，待市级确认',
  'rating.status.confirmed': '已确认',
  'rating.status.named': '已命名',
  'rating.plaque.city_five_star': '五星级党支部（市委组织部授牌）',
  'rating.plaque.county_four_star': '四星级党支部（县委组织部授牌）',
  'rating.grade.excellent': '优秀',
  'rating.grade.qualified': '合格',
  'rating.grade.basically_qualified': '基本合格',
  'rating.grade.unqualified': '不合格',
} as const satisfies Record<EnumLabelKey, string>;

export const enumLabelsEn: Record<EnumLabelKey, string> = {
  'decisions.stage.proposal': 'Proposal by the branch meeting',
  'decisions.stage.discussion': 'Discussion by the two committees',
  'decisions.stage.member_review': "Review by the party members' meeting",
  'decisions.stage.resolution': 'Resolution by villager representatives or villagers',
  'decisions.stage.resolution_public': 'Resolution made public',
  'decisions.stage.review_before': 'Review before',
  'decisions.stage.implementation': 'Implementation',
  'decisions.stage.review_during': 'Review during',
  'decisions.stage.review_after': 'Audit after',
  'decisions.stage.result_public': 'Result made public',
  'income.category.produce': 'Farm produce',
  'income.category.leasing': 'Land and property leasing',
  'income.category.land_contracting': 'Corner economy and land contracting',
  'income.category.cooperative': 'Branch-led cooperative',
  'income.category.pasture_land': 'Land transferred to a dairy farm',
  'income.category.other': 'Other',
  'problems.status.open': 'open',
  'problems.status.in_progress': 'in progress',
  'problems.status.rectified': 'rectified',
  'problems.status.verified': 'verified',
  'rating.step.nomination': 'Self-nomination',
  'rating.step.scoring': 'Township scoring',
  'rating.step.recheck': 'County re-check',
  'rating.step.notice': 'Public notice',
  'rating.step.named': 'Naming and plaques',
  'rating.status.nominated': 'nominated',
  'rating.status.proposed': 'awaiting re-check',
  'rating.status.returned': 'returned',
  'rating.status.county_confirmed': 'confirmed by the county, awaiting the city',
  'rating.status.confirmed': 'confirmed',
  'rating.status.named': 'named',
  'rating.plaque.city_five_star': 'Five-star branch (plaque of the city organisation department)',
  'rating.plaque.county_four_star': 'Four-star branch (plaque of the county organisation department)',
  'rating.grade.excellent': 'excellent',
  'rating.grade.qualified': 'qualified',
  'rating.grade.basically_qualified': 'basically qualified',
  'rating.grade.unqualified': 'unqualified',
};
