/**
 * The names of enumeration values that both the API's messages (src/messages) and the admin pages show:
 * one catalogue, imported by both. Runtime-free: plain records keyed by `<area>.<enum>.<value>`.
 */
import type { DecisionStage, IncomeCategory, ProblemStatus } from './vocabulary';

type EnumLabelKey = `decisions.stage.${DecisionStage}` | `income.category.${IncomeCategory}` | `problems.status.${ProblemStatus}`;

export const enumLabelsZh = {
  'decisions.stage.proposal': '村党支部会提议',
  'decisions.stage.discussion': '村"两委"会商议',
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
};
