import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { questionnaires } from '../../../db/schema';
import type { QuestionnaireItem, SubjectKind } from '../rules';

const SCALE = [
  { label: '好', points: 10, satisfied: true },
  { label: '较好', points: 8, satisfied: true },
  { label: '一般', points: 6 },
  { label: '差', points: 3 },
];
const item = (key: string, text: string): QuestionnaireItem => ({ key, text, options: SCALE });

/** The seeded questionnaires (测评问卷) of a new township: branch and member, 好/较好/一般/差 → 10/8/6/3. */
export const DEFAULT_ITEMS: Record<SubjectKind, QuestionnaireItem[]> = {
  branch: [
    item('political', '政治建设：坚决贯彻落实党的路线方针政策和上级决策部署'),
    item('organisation', '组织建设：严格落实“三会一课”、主题党日等组织生活制度'),
    item('team', '班子建设：村“两委”班子团结协作，后备力量培养有成效'),
    item('service', '服务群众：经常走访群众，群众反映的问题及时解决'),
    item('economy', '发展集体经济：带领群众增收致富，村集体经济收入稳定增长'),
    item('democracy', '民主管理：重大事项落实“四议三审两公开”，村务公开及时'),
    item('integrity', '廉洁自律：村干部遵章守纪，无优亲厚友、吃拿卡要'),
    item('environment', '乡风文明：村容村貌整洁，矛盾纠纷就地化解'),
  ],
  member: [
    item('political', '政治觉悟：理想信念坚定，对党忠诚'),
    item('study', '学习教育：按时参加组织生活和学习，按时交纳党费'),
    item('role', '发挥作用：在生产生活中起先锋模范作用'),
    item('contact', '联系群众：落实“初心三人行”，经常走访联系户'),
    item('integrity', '廉洁自律：遵纪守法，不搞特殊化'),
    item('conduct', '作风品行：热心公益，邻里和睦，家风良好'),
  ],
};

const NAMES: Record<SubjectKind, string> = { branch: '村党支部星级评定测评表', member: '党员星级评定测评表' };
export const defaultFamily = (kind: SubjectKind) => `default-${kind}`;

/** Writes the default questionnaires of a township once (a second call changes nothing). */
export async function ensureDefaultQuestionnaires(db: Db, tenantId: string): Promise<void> {
  const existing = await db
    .select({ id: questionnaires.id })
    .from(questionnaires)
    .where(and(eq(questionnaires.tenantId, tenantId), eq(questionnaires.version, 1), eq(questionnaires.family, defaultFamily('branch'))))
    .limit(1);
  if (existing.length) return;
  await db
    .insert(questionnaires)
    .values(
      (['branch', 'member'] as const).map((kind) => ({
        tenantId,
        family: defaultFamily(kind),
        version: 1,
        subjectKind: kind,
        name: NAMES[kind],
        items: JSON.stringify(DEFAULT_ITEMS[kind]),
      })),
    )
    .onConflictDoNothing();
}
