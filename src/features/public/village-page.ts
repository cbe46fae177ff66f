import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { annualResults, campaigns, decisionMatters, evaluationSessions, decisionStages, members, problems, villages, type DecisionStage } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { parseSettings } from '../../tenancy/settings';
import type { Tenant } from '../../tenancy/tenant';
import { PUBLIC_STAGES } from '../decisions';
import { liveAnnualResult } from '../stars';

/**
 * Everything a village's public page shows, and nothing more. Each query selects named columns only, so
 * personal data (phone numbers, households, dispute parties, meeting minutes) cannot slip in by a new
 * column: the page is built from the columns listed here.
 */
export async function villagePage(scope: TenantScope, tenant: Tenant, villageId: string, year: number) {
  const [village] = await scope.db
    .select({ id: villages.id, name: villages.name, branchName: villages.branchName })
    .from(villages)
    .where(scope.where(villages, eq(villages.id, villageId)));
  if (!village) return undefined;
  const [stars, decisions, problems, tallies] = await Promise.all([
    starsOf(scope, villageId),
    decisionsOf(scope, villageId, year),
    problemsOf(scope, villageId, year),
    talliesOf(scope, villageId, year),
  ]);
  const settings = parseSettings(tenant.settings);
  return {
    township: { name: tenant.name, slug: tenant.slug },
    village,
    year,
    ...stars,
    incomeTiersFen: settings.incomeTiersFen,
    decisions,
    problems,
    tallies,
  };
}

/** The year's evaluation sessions in the village, closed and sealed: the published count and Merkle root each voter's receipt is checked against. */
function talliesOf(scope: TenantScope, villageId: string, year: number) {
  return scope.db
    .select({ code: evaluationSessions.code, campaignName: campaigns.name, count: evaluationSessions.tallyCount, root: evaluationSessions.tallyRoot })
    .from(evaluationSessions)
    .innerJoin(campaigns, and(eq(campaigns.id, evaluationSessions.campaignId), eq(campaigns.tenantId, evaluationSessions.tenantId)))
    .where(scope.where(evaluationSessions, eq(evaluationSessions.villageId, villageId), eq(campaigns.year, year), isNotNull(evaluationSessions.tallyRoot)))
    .orderBy(asc(evaluationSessions.closedAt))
    // a sealed session holds both; the answer says so
    .then((rows) => rows.flatMap(({ count, root, ...row }) => (count !== null && root !== null ? [{ ...row, count, root }] : [])));
}

const PLAQUES = ['city_plaque', 'county_plaque'] as const;

async function starsOf(scope: TenantScope, villageId: string) {
  const branchRows = await scope.db
    .select({
      year: annualResults.year,
      stage: annualResults.stage,
      computedAt: annualResults.computedAt,
      finalStars: annualResults.finalStars,
      incomeTier: annualResults.incomeTier,
      consequences: annualResults.consequences,
    })
    .from(annualResults)
    .where(scope.where(annualResults, eq(annualResults.subjectKind, 'branch'), eq(annualResults.subjectId, villageId), liveAnnualResult()))
    .orderBy(desc(annualResults.year));
  // plaques hang on the wall for good: every final year's award, newest first
  const plaques = branchRows
    .filter((r) => r.stage === 'final')
    .flatMap((r) => parseKinds(r.consequences).filter((k) => (PLAQUES as readonly string[]).includes(k)).map((kind) => ({ year: r.year, kind })));
  const latest = branchRows.find((r) => r.finalStars !== null) ?? branchRows[0];
  if (!latest) return { branch: null, members: [], plaques, incomeTier: null };
  const memberRows = await scope.db
    .select({ name: members.name, stars: annualResults.finalStars, isSecretary: members.isSecretary, isCommittee: members.isCommittee })
    .from(annualResults)
    .innerJoin(members, and(eq(members.id, annualResults.subjectId), eq(members.tenantId, annualResults.tenantId)))
    .where(
      scope.where(
        annualResults,
        eq(annualResults.subjectKind, 'member'),
        eq(annualResults.villageId, villageId),
        eq(annualResults.year, latest.year),
        liveAnnualResult(),
        sql`${annualResults.finalStars} IS NOT NULL`,
      ),
    )
    .orderBy(desc(members.isSecretary), desc(members.isCommittee), desc(annualResults.finalStars), asc(members.name));
  return {
    branch: { year: latest.year, stage: latest.stage, stars: latest.finalStars, computedAt: latest.computedAt },
    // the query keeps members with stars only; the answer says so
    members: memberRows.flatMap(({ stars, ...row }) => (stars !== null ? [{ ...row, stars }] : [])),
    plaques,
    incomeTier: latest.incomeTier ? { year: latest.year, tier: latest.incomeTier } : null,
  };
}

function parseKinds(json: string): string[] {
  try {
    return (JSON.parse(json) as { kind: string }[]).map((c) => c.kind);
  } catch {
    return [];
  }
}

/** This year's matters whose resolution has been made public, with the dates of every stage and the public texts. */
async function decisionsOf(scope: TenantScope, villageId: string, year: number) {
  const matters = await scope.db
    .select({
      id: decisionMatters.id,
      title: decisionMatters.title,
      category: decisionMatters.category,
      amountFen: decisionMatters.amountFen,
      status: decisionMatters.status,
    })
    .from(decisionMatters)
    .innerJoin(
      decisionStages,
      and(eq(decisionStages.matterId, decisionMatters.id), eq(decisionStages.tenantId, decisionMatters.tenantId), eq(decisionStages.stage, 'resolution_public')),
    )
    .where(scope.where(decisionMatters, eq(decisionMatters.villageId, villageId), eq(decisionMatters.year, year)))
    .orderBy(desc(decisionStages.heldOn));
  if (!matters.length) return [];
  const stages = await scope.db
    .select({ matterId: decisionStages.matterId, stage: decisionStages.stage, heldOn: decisionStages.heldOn, publicText: decisionStages.publicText })
    .from(decisionStages)
    .innerJoin(decisionMatters, and(eq(decisionMatters.id, decisionStages.matterId), eq(decisionMatters.tenantId, decisionStages.tenantId)))
    .where(scope.where(decisionStages, eq(decisionMatters.villageId, villageId), eq(decisionMatters.year, year)))
    .orderBy(asc(decisionStages.seq));
  return matters.map((matter) => ({
    ...matter,
    stages: stages
      .filter((s) => s.matterId === matter.id)
      .map(({ stage, heldOn, publicText }) => ({
        stage,
        heldOn,
        ...((PUBLIC_STAGES as readonly DecisionStage[]).includes(stage) ? { publicText } : {}),
      })),
  }));
}

/**
 * This year's problem lists once the township has made them public (公示), with their rectification: the
 * branch's own and its members' (by name), never who raised them.
 */
async function problemsOf(scope: TenantScope, villageId: string, year: number) {
  return scope.db
    .select({
      subjectKind: problems.subjectKind,
      memberName: members.name,
      content: problems.content,
      measure: problems.measure,
      deadline: problems.deadline,
      status: problems.status,
      publishedAt: problems.noticeStartsAt,
      rectifiedAt: problems.rectifiedAt,
    })
    .from(problems)
    .leftJoin(members, and(eq(problems.subjectKind, 'member'), eq(members.id, problems.subjectId), eq(members.tenantId, problems.tenantId)))
    .where(scope.where(problems, eq(problems.villageId, villageId), eq(problems.year, year), isNotNull(problems.noticeStartsAt)))
    .orderBy(asc(problems.subjectKind), desc(problems.noticeStartsAt));
}

/** Villages of the township, for the page's village picker and the QR sheet. */
export async function villageList(scope: TenantScope) {
  return scope.db
    .select({ id: villages.id, name: villages.name })
    .from(villages)
    .where(scope.where(villages))
    .orderBy(asc(villages.name));
}
