import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { incomeEntries, incomeTargets, villages } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { INCOME_CATEGORIES, targetProgress, type IncomeCategory, type IncomeTier } from './rules';

/**
 * A township's collective income of one year, computed in SQL: each village's total and tier, the
 * number of villages per tier, and progress against the year's target.
 */
export async function incomeSummary(db: Db, tenantId: string, year: number, tiersFen: readonly number[], onlyVillageId?: string) {
  const scope = new TenantScope(db, tenantId);
  const [low, high] = tiersFen;
  const totals = db
    .select({ villageId: incomeEntries.villageId, fen: sql<number>`sum(${incomeEntries.amountFen})`.as('fen') })
    .from(incomeEntries)
    .where(scope.where(incomeEntries, eq(incomeEntries.year, year), isNull(incomeEntries.deletedAt)))
    .groupBy(incomeEntries.villageId)
    .as('totals');
  const totalFen = sql<number>`coalesce(${totals.fen}, 0)`;
  const tier = sql<IncomeTier>`case when coalesce(${totals.fen}, 0) >= ${high} then 'high' when coalesce(${totals.fen}, 0) >= ${low} then 'low' else 'below' end`;
  const villageFilter = onlyVillageId ? eq(villages.id, onlyVillageId) : undefined;
  const [villageRows, byCategory, tierCounts, targets] = await db.batch([
    db
      .select({ villageId: villages.id, villageName: villages.name, totalFen, tier })
      .from(villages)
      .leftJoin(totals, eq(totals.villageId, villages.id))
      .where(scope.where(villages, villageFilter))
      .orderBy(sql`${totalFen} desc`, asc(villages.name)),
    db
      .select({ villageId: incomeEntries.villageId, category: incomeEntries.category, fen: sql<number>`sum(${incomeEntries.amountFen})` })
      .from(incomeEntries)
      .where(
        scope.where(
          incomeEntries,
          eq(incomeEntries.year, year),
          isNull(incomeEntries.deletedAt),
          onlyVillageId ? eq(incomeEntries.villageId, onlyVillageId) : undefined,
        ),
      )
      .groupBy(incomeEntries.villageId, incomeEntries.category),
    db
      .select({ tier, n: sql<number>`count(*)` })
      .from(villages)
      .leftJoin(totals, eq(totals.villageId, villages.id))
      .where(scope.where(villages, villageFilter))
      .groupBy(tier),
    db
      .select()
      .from(incomeTargets)
      .where(scope.where(incomeTargets, and(eq(incomeTargets.year, year))))
      .limit(1),
  ]);
  const counts: Record<IncomeTier, number> = { below: 0, low: 0, high: 0 };
  for (const row of tierCounts) counts[row.tier] = Number(row.n);
  const categoriesOf = (villageId: string) =>
    Object.fromEntries(
      INCOME_CATEGORIES.map((c) => [c, Number(byCategory.find((r) => r.villageId === villageId && r.category === c)?.fen ?? 0)]),
    ) as Record<IncomeCategory, number>;
  const categoryTotals = Object.fromEntries(
    INCOME_CATEGORIES.map((c) => [c, byCategory.filter((r) => r.category === c).reduce((s, r) => s + Number(r.fen), 0)]),
  ) as Record<IncomeCategory, number>;
  const target = targets[0] ?? null;
  return {
    year,
    tiersFen: [low, high],
    totalFen: villageRows.reduce((s, r) => s + Number(r.totalFen), 0),
    categoryTotals,
    tierCounts: counts,
    target: target && { villagesAtLeastLow: target.villagesAtLeastLow, villagesAtLeastHigh: target.villagesAtLeastHigh, note: target.note },
    progress: targetProgress(counts, target),
    villages: villageRows.map((r) => ({ ...r, totalFen: Number(r.totalFen), categories: categoriesOf(r.villageId) })),
  };
}
