import { and, asc, eq, isNotNull, like } from 'drizzle-orm';
import { decisionMatters, decisionStages, type DecisionStage } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { missingBeforeImplementation } from './rules';

export interface IrregularMatter {
  id: string;
  title: string;
  implementedOn: string;
  /** stages required before implementation that were not recorded */
  missing: DecisionStage[];
}

export interface VillageWithIncompleteDecisions {
  villageId: string;
  matters: IrregularMatter[];
}

/**
 * Villages with a matter implemented in `year` (Shanghai) without its stages completed (未履行
 * "四议三审两公开"程序即实施): the stars red line. The state machine cannot implement a matter early, so
 * these are the matters the township recorded as implemented outside the procedure.
 */
export async function villagesWithIncompleteDecisions(scope: TenantScope, year: number): Promise<VillageWithIncompleteDecisions[]> {
  // one query: the irregular matters of the year with whatever stages they had (a handful of rows)
  const rows = await scope.db
    .select({
      id: decisionMatters.id,
      villageId: decisionMatters.villageId,
      title: decisionMatters.title,
      implementedOn: decisionMatters.irregularImplementedOn,
      stage: decisionStages.stage,
    })
    .from(decisionMatters)
    .leftJoin(decisionStages, and(eq(decisionStages.matterId, decisionMatters.id), eq(decisionStages.tenantId, decisionMatters.tenantId)))
    .where(
      scope.where(
        decisionMatters,
        and(isNotNull(decisionMatters.irregularImplementedOn), like(decisionMatters.irregularImplementedOn, `${year}-%`)),
      ),
    )
    .orderBy(asc(decisionMatters.villageId), asc(decisionMatters.irregularImplementedOn), asc(decisionMatters.id));
  const matters = new Map<string, { villageId: string; title: string; implementedOn: string; recorded: DecisionStage[] }>();
  for (const row of rows) {
    const matter = matters.get(row.id) ?? { villageId: row.villageId, title: row.title, implementedOn: row.implementedOn!, recorded: [] };
    if (row.stage) matter.recorded.push(row.stage);
    matters.set(row.id, matter);
  }
  const byVillage = new Map<string, IrregularMatter[]>();
  for (const [id, matter] of matters) {
    const list = byVillage.get(matter.villageId) ?? [];
    list.push({ id, title: matter.title, implementedOn: matter.implementedOn, missing: missingBeforeImplementation(matter.recorded) });
    byVillage.set(matter.villageId, list);
  }
  return [...byVillage].map(([villageId, list]) => ({ villageId, matters: list }));
}

/** Whether one village has such a matter in `year` (for the stars computation of one branch). */
export async function hasIncompleteDecisions(scope: TenantScope, year: number, villageId: string): Promise<boolean> {
  const [row] = await scope.db
    .select({ id: decisionMatters.id })
    .from(decisionMatters)
    .where(
      scope.where(
        decisionMatters,
        eq(decisionMatters.villageId, villageId),
        like(decisionMatters.irregularImplementedOn, `${year}-%`),
      ),
    )
    .limit(1);
  return !!row;
}
