import type { Db } from '../db/client';
import { insertMany } from '../db/batch';
import { incomeEntries, incomeEntryRevisions, incomeTargets } from '../db/schema';
import { newId } from '../platform/ids';
import type { DemoCalendar } from './demo-dates';
import { noonOf } from './demo-dates';
import type { VillagePlan } from './demo-plan';

/** What the entry says it is, per source (the cooperative's example is the brief's garlic cooperative). */
const NOTES: Record<VillagePlan['category'], string[]> = {
  produce: ['村集体统一购销大蒜、小麦收益', '农产品电商直播带货收益'],
  leasing: ['村集体厂房租赁收入', '商品房及门面房租赁收入'],
  land_contracting: ['边角地、坑塘承包费', '机动地发包收入'],
  cooperative: ['党支部领办大蒜种植合作社分红', '合作社农机作业服务费'],
  pasture_land: ['依托牧场流转土地服务费'],
};

/**
 * Collective income of every village in both years (one entry by source; a cooperative village has its
 * dividend and its service fees), each with its audit revision, and the township's targets.
 */
export async function seedIncome(db: Db, tenantId: string, villages: { id: string; plan: VillagePlan }[], calendar: DemoCalendar) {
  const entries: (typeof incomeEntries.$inferInsert)[] = [];
  const revisions: (typeof incomeEntryRevisions.$inferInsert)[] = [];
  for (const { id: villageId, plan } of villages)
    for (const [year, total, at] of [
      [calendar.lastYear, plan.incomeFen.last, noonOf(calendar.inLastYear(0.97))],
      [calendar.year, plan.incomeFen.this, noonOf(calendar.thisYear(0.9))],
    ] as const) {
      const notes = NOTES[plan.category];
      // the cooperative's dividend is about seven tenths of it (whole yuan)
      const parts = plan.category === 'cooperative' ? [Math.round((total * 0.7) / 100) * 100, 0] : [total];
      if (parts.length === 2) parts[1] = total - parts[0];
      for (const [i, amountFen] of parts.entries()) {
        const entry = { id: newId(), tenantId, villageId, year, category: plan.category, amountFen, note: notes[i % notes.length], version: 1, createdBy: 'demo', createdAt: at, updatedAt: at };
        entries.push(entry);
        const data = JSON.stringify({ villageId, year, category: entry.category, amountFen, note: entry.note });
        revisions.push({ tenantId, entryId: entry.id, version: 1, action: 'create', data, actorId: 'demo', at });
      }
    }
  await insertMany(db, incomeEntries, entries);
  await insertMany(db, incomeEntryRevisions, revisions);

  const n = villages.length;
  const highLast = villages.filter((v) => v.plan.incomeFen.last >= 10_000_000).length;
  const highThis = villages.filter((v) => v.plan.incomeFen.this >= 10_000_000).length;
  await insertMany(db, incomeTargets, [
    {
      tenantId,
      year: calendar.lastYear,
      villagesAtLeastLow: n - Math.max(1, Math.round(n / 20)),
      villagesAtLeastHigh: Math.max(1, highLast - 1),
      note: '镇党委年初确定的增收目标',
      updatedBy: 'demo',
      updatedAt: noonOf(calendar.inLastYear(0.05)),
    },
    {
      tenantId,
      year: calendar.year,
      villagesAtLeastLow: n,
      villagesAtLeastHigh: highThis + Math.max(1, Math.round(n / 40)),
      note: '村村集体经济收入达到5万元以上,10万元以上的村再增加',
      updatedBy: 'demo',
      updatedAt: noonOf(calendar.thisYear(0)),
    },
  ]);
}
