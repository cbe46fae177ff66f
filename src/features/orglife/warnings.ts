import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { MeetingKind } from '../../domain/vocabulary';
import { townshipTable, type CountyTownship } from '../../tenancy/county';
import { parseSettings } from '../../tenancy/settings';
import { orgLifeShortfalls, type RequiredFrequencies, type Shortfall } from './rules';

/** A branch behind on its organisation life (支部组织生活预警): the periods it missed, and the running one still without a meeting. */
export interface OrgLifeWarning {
  villageId: string;
  name: string;
  missed: Shortfall[];
  due: Shortfall[];
}

type HeldRow = { tenantId: string; villageId: string; kind: MeetingKind; month: string };
type VillageRow = { tenantId: string; id: string; name: string };

/** The months of `year` in which each branch held each kind of meeting: at most villages × kinds × 12 rows, grouped in SQL. */
const heldSql = (year: number, tenants: ReturnType<typeof sql>) => sql`
  SELECT m.tenant_id AS tenantId, m.village_id AS villageId, m.kind AS kind, substr(m.held_on, 1, 7) AS month
  FROM org_meetings m
  WHERE ${tenants} AND m.held_on >= ${`${year}-01-01`} AND m.held_on < ${`${year + 1}-01-01`}
  GROUP BY m.tenant_id, m.village_id, m.kind, substr(m.held_on, 1, 7)`;

function judge(villages: VillageRow[], held: HeldRow[], requiredOf: (tenantId: string) => RequiredFrequencies, year: number, today: string): (OrgLifeWarning & { tenantId: string })[] {
  const byVillage = new Map<string, HeldRow[]>();
  for (const row of held) byVillage.set(row.villageId, [...(byVillage.get(row.villageId) ?? []), row]);
  return villages.map((v) => ({ tenantId: v.tenantId, villageId: v.id, name: v.name, ...orgLifeShortfalls(requiredOf(v.tenantId), byVillage.get(v.id) ?? [], year, today) }));
}

/** Every branch of a township with what it missed in `year` up to `today` (Shanghai), warned or not: the red line reads the counts. */
export async function townshipOrgLife(db: Db, tenantId: string, required: RequiredFrequencies, year: number, today: string): Promise<OrgLifeWarning[]> {
  const [villages, held] = await Promise.all([
    db.all<VillageRow>(sql`SELECT tenant_id AS tenantId, id, name FROM villages WHERE tenant_id = ${tenantId} ORDER BY name, id`),
    db.all<HeldRow>(heldSql(year, sql`m.tenant_id = ${tenantId}`)),
  ]);
  return judge(villages, held, () => required, year, today).map(({ tenantId: _, ...w }) => w);
}

/** The branches of a township behind on their organisation life: the township home page's warning list. */
export async function townshipOrgLifeWarnings(db: Db, tenantId: string, required: RequiredFrequencies, year: number, today: string) {
  return (await townshipOrgLife(db, tenantId, required, year, today)).filter((w) => w.missed.length || w.due.length);
}

/** Per active township of a county, its branches that missed a required meeting in `year` (each township's own frequencies). */
export async function countyOrgLifeWarnings(db: Db, townships: readonly CountyTownship[], year: number, today: string) {
  const inCounty = sql`m.tenant_id IN (SELECT id FROM ${townshipTable(townships)})`;
  const [villages, held] = await Promise.all([
    db.all<VillageRow>(sql`SELECT v.tenant_id AS tenantId, v.id, v.name FROM villages v JOIN ${townshipTable(townships)} t ON t.id = v.tenant_id
      ORDER BY v.name, v.id`),
    db.all<HeldRow>(heldSql(year, inCounty)),
  ]);
  const required = new Map(townships.map((t) => [t.id, parseSettings(t.settings).orgLife]));
  const judged = judge(villages, held, (id) => required.get(id)!, year, today).filter((w) => w.missed.length);
  return townships.map((t) => ({
    townshipId: t.id,
    township: t.name,
    slug: t.slug,
    villages: judged.filter((w) => w.tenantId === t.id).map(({ tenantId: _, ...w }) => w),
  }));
}
