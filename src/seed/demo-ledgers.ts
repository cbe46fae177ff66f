import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertMany } from '../db/batch';
import {
  decisionMatters,
  decisionStages,
  disputes,
  problemReviews,
  problems,
  redLineRecords,
  weakVillages,
  type DecisionStage,
  type MatterCategory,
} from '../db/schema';
import { TenantScope } from '../db/tenant-scope';
import { newId } from '../platform/ids';
import { judgeMeeting, meetingBody, refuseTransition, statusAfter, STAGE_KIND, type MatterStatus } from '../features/decisions';
import { insertProblems, noticeWindow } from '../features/problems';
import { listRedLineRules } from '../features/stars';
import { addDays, noonOf, type DemoCalendar } from './demo-dates';
import type { Story } from './demo-plan';
import type { Random } from './random';

export interface DemoVillage {
  id: string;
  name: string;
  members: number;
  story?: Story;
}

const byStory = (villages: DemoVillage[], story: Story) => villages.find((v) => v.story === story);

/**
 * The weak-and-lax ledger (后进村整治台账): 8 villages listed in 2018 and 2019, all turned around; the
 * village of the "turned around" story only last year (so last year's results carry the red line).
 */
export async function seedWeakVillages(db: Db, random: Random, tenantId: string, villages: DemoVillage[], calendar: DemoCalendar) {
  const late = byStory(villages, 'turned_around');
  const others = villages.filter((v) => !v.story && v.name !== '靖庄').slice(-7);
  const listed = [...(late ? [late] : []), ...others].slice(0, 8);
  const reasons = ['班子不团结,软弱涣散', '集体经济薄弱,无稳定收入', '矛盾纠纷多发,信访突出', '组织生活不规范,党员作用发挥不好', '村务管理混乱,群众意见大'];
  const measures = '镇党委班子成员包村、第一书记驻村;调整充实村"两委"班子;发展党支部领办合作社增加集体收入;每月督导一次';
  await insertMany(
    db,
    weakVillages,
    listed.map((v, i) => {
      const yearListed = i < 5 ? 2018 : 2019;
      const turnedAroundOn = v === late ? `${calendar.lastYear}-09-28` : `${yearListed + 1 + (i % 3)}-${String(3 + ((i * 2) % 9)).padStart(2, '0')}-15`;
      return {
        tenantId,
        villageId: v.id,
        yearListed,
        reasons: random.pick(reasons),
        measures,
        turnedAroundOn,
        createdBy: 'demo',
        createdAt: noonOf(`${yearListed}-04-10`),
        updatedAt: noonOf(turnedAroundOn),
      };
    }),
  );
}

const DISPUTES = [
  ['宅基地界址纠纷', 'village'],
  ['土地承包经营权纠纷', 'village'],
  ['赡养老人纠纷', 'village'],
  ['邻里排水纠纷', 'village'],
  ['婚姻家庭纠纷', 'village'],
  ['农资买卖纠纷', 'village'],
  ['树木砍伐补偿纠纷', 'village'],
  ['拖欠务工工资纠纷', 'township'],
  ['交通事故损害赔偿纠纷', 'township'],
  ['土地流转租金纠纷', 'township'],
] as const;
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高';

/** This year's dispute mediation ledger as the brief counts it: 24 settled, 6 guided to court, 7 in mediation. */
export async function seedDisputes(db: Db, random: Random, tenantId: string, villages: DemoVillage[], calendar: DemoCalendar) {
  const statuses = [...Array(24).fill('settled'), ...Array(6).fill('guided_to_court'), ...Array(7).fill('in_mediation')] as ('settled' | 'guided_to_court' | 'in_mediation')[];
  const rows = statuses.map((status) => {
    const [title, usual] = random.pick(DISPUTES);
    const level = status === 'guided_to_court' ? 'township' : usual;
    // cases still in mediation are the recent ones
    const occurredOn = calendar.thisYear(status === 'in_mediation' ? 0.85 + random.next() * 0.15 : random.next() * 0.85);
    const closedOn = status === 'in_mediation' ? null : [addDays(occurredOn, random.int(3, 40)), calendar.today].sort()[0];
    const party = () => `${random.pick([...SURNAMES])}某某`;
    return {
      tenantId,
      villageId: random.pick(villages).id,
      title,
      parties: `${party()}与${party()}`,
      occurredOn,
      level: level as 'village' | 'township',
      status,
      outcome:
        status === 'settled'
          ? random.pick(['经村调委会调解,双方达成协议并当场履行', '经镇司法所、村"两委"联合调解,签订调解协议书'])
          : status === 'guided_to_court'
            ? '调解不成,引导当事人通过诉讼途径解决,已协助准备材料'
            : '',
      closedOn,
      createdBy: 'demo',
      createdAt: noonOf(occurredOn),
      updatedAt: noonOf(closedOn ?? occurredOn),
    };
  });
  await insertMany(db, disputes, rows);
}

interface StageStep {
  stage: DecisionStage;
  /** 0…1 through the matter's time span */
  at: number;
  passed?: boolean;
  publicText?: string;
  body?: 'representatives' | 'villagers';
}

/**
 * One 四议三审两公开 matter with its stages, each checked by the decisions feature's own state machine and
 * meeting rules before it is written (so the demo cannot show what the app would refuse).
 */
function matter(
  tenantId: string,
  village: DemoVillage,
  calendar: DemoCalendar,
  input: { title: string; category: MatterCategory; amountFen: number | null; from: number; to: number; steps: StageStep[]; irregular?: { on: number; note: string } },
) {
  const id = newId();
  const recorded: DecisionStage[] = [];
  let status: MatterStatus = 'open';
  const stages: (typeof decisionStages.$inferInsert)[] = [];
  for (const [i, step] of input.steps.entries()) {
    const refusal = refuseTransition(status, recorded, step.stage);
    if (refusal) throw new Error(`demo matter ${input.title}: ${refusal.code} at ${step.stage}`);
    const heldOn = calendar.thisYear(input.from + (input.to - input.from) * step.at);
    let votes = {};
    let passed = true;
    if (STAGE_KIND[step.stage] === 'meeting') {
      const eligible = { proposal: 5, discussion: 9, member_review: village.members, resolution: 45 }[step.stage as 'proposal'] ?? 9;
      const present = step.stage === 'resolution' ? 38 : step.stage === 'member_review' ? Math.ceil(eligible * 0.85) : eligible;
      const votesFor = step.passed === false ? Math.floor(eligible / 2) - 1 : present - (step.stage === 'proposal' ? 0 : 1);
      const tally = { eligible, present, votesFor, votesAgainst: present - votesFor, abstentions: 0 };
      const judgement = judgeMeeting(meetingBody(step.stage, step.body)!, tally);
      if (!judgement.ok || judgement.passed !== (step.passed ?? true)) throw new Error(`demo matter ${input.title}: meeting ${step.stage} judged ${JSON.stringify(judgement)}`);
      passed = judgement.passed;
      votes = { ...tally, body: step.stage === 'resolution' ? (step.body ?? 'representatives') : null };
    }
    stages.push({
      tenantId,
      matterId: id,
      stage: step.stage,
      seq: i + 1,
      heldOn,
      ...votes,
      passed,
      minutes: STAGE_KIND[step.stage] === 'meeting' ? `会议讨论了"${input.title}",与会人员充分发表意见。` : '',
      publicText: STAGE_KIND[step.stage] === 'public' ? step.publicText! : null,
      recordedBy: 'demo',
      createdAt: noonOf(heldOn),
    });
    recorded.push(step.stage);
    status = statusAfter(step.stage, passed);
  }
  const row: typeof decisionMatters.$inferInsert = {
    id,
    tenantId,
    villageId: village.id,
    year: calendar.year,
    title: input.title,
    category: input.category,
    amountFen: input.amountFen,
    status,
    lastStage: recorded.at(-1) ?? null,
    irregularImplementedOn: input.irregular ? calendar.thisYear(input.irregular.on) : null,
    irregularNote: input.irregular?.note ?? null,
    createdBy: 'demo',
    createdAt: noonOf(calendar.thisYear(input.from)),
    updatedAt: noonOf(calendar.thisYear(input.to)),
  };
  return { row, stages };
}

const FOUR_STEPS = (to: number): StageStep[] =>
  (['proposal', 'discussion', 'member_review', 'resolution'] as const).map((stage, i) => ({ stage, at: (i / 3) * to }));

/**
 * 四议三审两公开 matters at different stages: 靖庄's lane hardening fully public, 西腰's cooperative
 * dividend plan resolved and public (awaiting its review before implementation), 刘洼's contract of
 * reserved land under discussion, 岳刘's solar project voted down by the party members, and the
 * irregular-decision story village's office refit implemented without the procedure (a red line).
 */
export async function seedDecisions(db: Db, tenantId: string, villages: DemoVillage[], calendar: DemoCalendar) {
  const named = (name: string) => villages.find((v) => v.name === name);
  const matters: ReturnType<typeof matter>[] = [];
  const jingzhuang = named('靖庄');
  if (jingzhuang)
    matters.push(
      matter(tenantId, jingzhuang, calendar, {
        title: '村内街巷道路硬化工程',
        category: 'construction',
        amountFen: 108_000_000,
        from: 0.1,
        to: 0.95,
        steps: [
          ...FOUR_STEPS(0.25),
          { stage: 'resolution_public', at: 0.28, publicText: '经村民代表会议表决通过:硬化村内主次街巷4.2公里,宽4米,预算108万元,由镇统一招标施工,村民监督小组全程监督。公示期7天。' },
          { stage: 'review_before', at: 0.32 },
          { stage: 'implementation', at: 0.4 },
          { stage: 'review_during', at: 0.55 },
          { stage: 'review_during', at: 0.7 },
          { stage: 'review_after', at: 0.85 },
          { stage: 'result_public', at: 1, publicText: '道路硬化工程已竣工验收:实际完成4.3公里,决算105.6万元,节余资金2.4万元转入村集体账户。质量验收、结算审计结果及明细张贴于村务公开栏。' },
        ],
      }),
    );
  const xiyao = named('西腰');
  if (xiyao)
    matters.push(
      matter(tenantId, xiyao, calendar, {
        title: '党支部领办大蒜合作社入股分红方案',
        category: 'collective_assets',
        amountFen: 32_000_000,
        from: 0.6,
        to: 0.95,
        steps: [
          ...FOUR_STEPS(0.6),
          { stage: 'resolution_public', at: 0.8, publicText: '合作社按订单高于市场价收购社员大蒜;年度盈余60%按入股分红,30%留作村集体收入,10%作为风险金。' },
          { stage: 'review_before', at: 1 },
        ],
      }),
    );
  const liuwa = named('刘洼');
  if (liuwa)
    matters.push(
      matter(tenantId, liuwa, calendar, {
        title: '村集体机动地对外发包',
        category: 'collective_assets',
        amountFen: 4_800_000,
        from: 0.85,
        to: 1,
        steps: [
          { stage: 'proposal', at: 0 },
          { stage: 'discussion', at: 1 },
        ],
      }),
    );
  const yueliu = named('岳刘');
  if (yueliu)
    matters.push(
      matter(tenantId, yueliu, calendar, {
        title: '新建村级光伏发电项目',
        category: 'major_decision',
        amountFen: 60_000_000,
        from: 0.4,
        to: 0.6,
        steps: [
          { stage: 'proposal', at: 0 },
          { stage: 'discussion', at: 0.5 },
          { stage: 'member_review', at: 1, passed: false },
        ],
      }),
    );
  const irregular = byStory(villages, 'irregular_decision');
  if (irregular)
    matters.push(
      matter(tenantId, irregular, calendar, {
        title: '村委会办公室装修改造',
        category: 'construction',
        amountFen: 16_500_000,
        from: 0.3,
        to: 0.35,
        steps: [{ stage: 'proposal', at: 0 }],
        irregular: { on: 0.45, note: '镇纪委巡察发现:该事项未经党员大会审议、村民代表会议决议即开工实施,已责令整改。' },
      }),
    );
  await insertMany(db, decisionMatters, matters.map((m) => m.row));
  await insertMany(db, decisionStages, matters.flatMap((m) => m.stages));
}

/** The red line recorded by hand this year: a cadre of the "discipline" story village disciplined. */
export async function seedRedLineRecord(db: Db, tenantId: string, villages: DemoVillage[], calendar: DemoCalendar) {
  const village = byStory(villages, 'discipline');
  const rule = (await listRedLineRules(db, tenantId)).find((r) => r.code === 'discipline');
  if (!village || !rule) return;
  await new TenantScope(db, tenantId).insert(redLineRecords, [
    {
      ruleId: rule.id,
      villageId: village.id,
      year: calendar.year,
      note: '村委会委员违反中央八项规定精神,违规操办婚宴,受到党内警告处分',
      evidence: JSON.stringify([`潘纪发〔${calendar.year}〕7号`]),
      recordedBy: 'demo',
      recordedAt: noonOf(calendar.thisYear(0.5)),
    },
  ]);
}

const PROBLEMS: [string, string][] = [
  ['村内垃圾清运不及时,东头垃圾点经常堆满', '与镇环卫公司签订清运协议,增设垃圾桶6个,每日清运一次'],
  ['村务公开栏内容更新不及时', '每月5日前更新村务、财务公开内容,同步发到村民微信群'],
  ['困难群众临时救助申请办理慢', '明确专人负责,申请三个工作日内入户核实并上报'],
  ['部分党员参加组织生活不积极', '落实"三会一课"签到制度,对无故缺席的党员谈心谈话'],
  ['村北生产路坑洼不平,雨后无法通行', '列入今年道路维修计划,秋收前完成铺垫'],
  ['路灯损坏多处,夜间出行不便', '更换损坏路灯12盏,建立巡查报修台账'],
  ['合作社分红标准群众不清楚', '召开社员大会讲解分红方案,张榜公布分红明细'],
  ['坑塘承包合同到期未重新公开发包', '按"四议三审两公开"程序重新公开发包'],
];

/**
 * Problem lists with rectification across villages: the demo sessions' problems of 靖庄 and 西腰 get
 * their measures and are made public; others are entered by the township in every status, some
 * published (one still in its notice period), one overdue.
 */
export async function seedProblems(db: Db, random: Random, tenantId: string, villages: DemoVillage[], calendar: DemoCalendar, noticeDays: number) {
  const scope = new TenantScope(db, tenantId);
  const published = (daysAgo: number) => noticeWindow(new Date(Date.now() - daysAgo * 86_400_000), noticeDays);
  // problems villagers raised on the demo ballots: accepted from the review queue, then measures, an owner, public
  const queued = await db.select().from(problemReviews).where(scope.where(problemReviews, eq(problemReviews.status, 'pending'), eq(problemReviews.year, calendar.year)));
  for (const r of queued) {
    const [insert] = insertProblems(scope, [{ id: r.id, villageId: r.villageId, subjectKind: r.subjectKind, subjectId: r.subjectId, source: 'ballot', year: r.year, content: r.content, raisedAt: r.raisedAt }]);
    await db.batch([insert, scope.update(problemReviews, r.id, { status: 'accepted', problemId: r.id, decidedAt: r.raisedAt })]);
  }
  const raised = await db.select().from(problems).where(scope.where(problems, and(eq(problems.source, 'ballot'), eq(problems.year, calendar.year))));
  for (const [i, p] of raised.entries()) {
    const notice = published(1);
    await scope.update(problems, p.id, {
      measure: i % 2 ? '三日内组织党员志愿者清理,并建立定期巡查制度' : '联系供电所检修,更换损坏灯具',
      deadline: addDays(calendar.today, 20),
      owner: '村党支部书记',
      status: 'in_progress',
      noticeStartsAt: notice.startsAt,
      noticeEndsAt: notice.endsAt,
    });
  }

  const plain = villages.filter((v) => v.name !== '靖庄' && v.name !== '西腰');
  const targets = [
    ...villages.filter((v) => v.story === 'replace_secretary' || v.story === 'irregular_decision' || v.story === 'discipline'),
    ...plain.slice(0, 9),
  ];
  const plans: { status: 'open' | 'in_progress' | 'rectified' | 'verified'; publishedDaysAgo: number | null; deadlineDays: number }[] = [
    { status: 'verified', publishedDaysAgo: 60, deadlineDays: -30 },
    { status: 'in_progress', publishedDaysAgo: 40, deadlineDays: -14 }, // overdue
    { status: 'rectified', publishedDaysAgo: 30, deadlineDays: -3 },
    { status: 'verified', publishedDaysAgo: 50, deadlineDays: -20 },
    { status: 'in_progress', publishedDaysAgo: 2, deadlineDays: 30 }, // still in notice
    { status: 'open', publishedDaysAgo: null, deadlineDays: 45 },
    { status: 'in_progress', publishedDaysAgo: 20, deadlineDays: 15 },
    { status: 'verified', publishedDaysAgo: 90, deadlineDays: -45 },
    { status: 'verified', publishedDaysAgo: 70, deadlineDays: -35 },
    { status: 'rectified', publishedDaysAgo: 10, deadlineDays: 5 },
    { status: 'in_progress', publishedDaysAgo: 15, deadlineDays: 20 },
    { status: 'open', publishedDaysAgo: null, deadlineDays: 60 },
  ];
  const rows = targets.slice(0, plans.length).map((village, i) => {
    const [content, measure] = PROBLEMS[i % PROBLEMS.length];
    const plan = plans[i];
    const notice = plan.publishedDaysAgo === null ? null : published(plan.publishedDaysAgo);
    const createdOn = addDays(calendar.today, -(plan.publishedDaysAgo ?? 3) - 5);
    const deadline = addDays(calendar.today, plan.deadlineDays);
    const rectifiedOn = addDays(calendar.today, Math.min(-1, plan.deadlineDays - random.int(1, 5)));
    return {
      tenantId,
      villageId: village.id,
      subjectKind: 'branch' as const,
      subjectId: village.id,
      source: 'admin' as const,
      year: Number(createdOn.slice(0, 4)),
      content,
      measure,
      deadline,
      owner: random.pick(['村党支部书记', '村委会主任', '包村干部']),
      status: plan.status,
      noticeStartsAt: notice?.startsAt ?? null,
      noticeEndsAt: notice?.endsAt ?? null,
      createdBy: 'demo',
      createdAt: noonOf(createdOn),
      updatedAt: noonOf(calendar.today),
      rectifiedAt: plan.status === 'rectified' || plan.status === 'verified' ? noonOf(rectifiedOn) : null,
      verifiedAt: plan.status === 'verified' ? noonOf(addDays(rectifiedOn, 1)) : null,
      verifiedBy: plan.status === 'verified' ? 'demo' : null,
    };
  });
  await insertMany(db, problems, rows);
}
