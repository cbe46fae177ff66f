import { sql } from 'drizzle-orm';
import { Hono } from '../../platform/hono';
import type { AppEnv } from '../../app-env';
import { allow } from '../../auth/guard';
import type { TenantScope } from '../../db/tenant-scope';
import { shanghaiDate, shanghaiMonth, shanghaiYear, startOfShanghaiDay } from '../../domain/calendar';
import { parseSettings } from '../../tenancy/settings';
import { townshipOrgLifeWarnings } from '../orglife';

/** Today in Shanghai as a UTC instant range [start, end). */
function todayRange(now = new Date()) {
  const [y, m, d] = shanghaiDate(now).split('-').map(Number);
  const start = startOfShanghaiDay(y, m, d);
  return { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
}

const sessionsSql = (scope: TenantScope, where: ReturnType<typeof sql>) =>
  scope.db.all<{ id: string; code: string; villageId: string; villageName: string; opensAt: string; closesAt: string; closedAt: string | null }>(sql`
    SELECT s.id, s.code, s.village_id AS villageId, v.name AS villageName, s.opens_at AS opensAt, s.closes_at AS closesAt, s.closed_at AS closedAt
    FROM evaluation_sessions s JOIN villages v ON v.id = s.village_id
    WHERE s.tenant_id = ${scope.tenantId} AND ${where}
    ORDER BY s.opens_at DESC LIMIT 20`);

const problemsDueSql = (scope: TenantScope, today: string, villageId?: string) =>
  scope.db.all<{ id: string; villageId: string; content: string; deadline: string; status: string }>(sql`
    SELECT id, village_id AS villageId, content, deadline, status FROM problems
    WHERE tenant_id = ${scope.tenantId} AND status IN ('open', 'in_progress') AND deadline IS NOT NULL
      AND deadline < ${today} ${villageId ? sql`AND village_id = ${villageId}` : sql``}
    ORDER BY deadline LIMIT 50`);

/** The home page of each role: what needs doing now, each list from one query. */
export const homeRoutes = new Hono<AppEnv>()
  .get('/township', allow('township_admin'), async (c) => {
    const scope = c.var.scope!;
    const today = shanghaiDate();
    const { start, end } = todayRange();
    const year = shanghaiYear();
    const [sessions, overdue, objections, noIncome, jobs, orgLife] = await Promise.all([
      sessionsSql(scope, sql`s.opens_at < ${end} AND s.closes_at > ${start}`),
      problemsDueSql(scope, today),
      scope.db.all<{ id: string; problemId: string | null; ratingEntryId: string | null; content: string; createdAt: string }>(sql`
        SELECT id, problem_id AS problemId, rating_entry_id AS ratingEntryId, content, created_at AS createdAt FROM objections
        WHERE tenant_id = ${scope.tenantId} AND answered_at IS NULL ORDER BY created_at LIMIT 50`),
      scope.db.all<{ id: string; name: string }>(sql`
        SELECT v.id, v.name FROM villages v WHERE v.tenant_id = ${scope.tenantId}
          AND NOT EXISTS (SELECT 1 FROM income_entries i WHERE i.tenant_id = v.tenant_id AND i.village_id = v.id AND i.year = ${year})
        ORDER BY v.name`),
      // the job log is the registry's (its runs span townships), not the township's shard
      c.var.registry.all<{ id: string; job: string; year: number | null; startedAt: string; failed: number; done: number; total: number }>(sql`
        SELECT r.id, r.job, r.year, r.started_at AS startedAt, r.tenants_total AS total,
          (SELECT count(*) FROM job_run_tenants t WHERE t.run_id = r.id AND t.status = 'failed') AS failed,
          (SELECT count(*) FROM job_run_tenants t WHERE t.run_id = r.id) AS done
        FROM job_runs r WHERE r.tenant_id = ${scope.tenantId} OR r.tenant_id IS NULL ORDER BY r.started_at DESC LIMIT 5`),
      // 支部组织生活预警: branches that missed a required meeting this year, or have none yet in the running period
      townshipOrgLifeWarnings(scope.db, scope.tenantId, parseSettings(c.var.tenant!.settings).orgLife, year, today),
    ]);
    return c.json({ today, year, sessions, overdueProblems: overdue, unansweredObjections: objections, villagesWithoutIncome: noIncome, jobRuns: jobs, orgLifeWarnings: orgLife });
  })
  .get('/secretary', allow('village_secretary'), async (c) => {
    const scope = c.var.scope!;
    const actor = c.var.actor!;
    const villageId = actor.kind === 'user' ? actor.villageId! : '';
    const today = shanghaiDate();
    const month = shanghaiMonth();
    const [sessions, problemsDue, unsigned] = await Promise.all([
      sessionsSql(scope, sql`s.village_id = ${villageId}`),
      problemsDueSql(scope, today, villageId),
      // linked households of the village with no sign-off this month (每户每月签字)
      scope.db.all<{ memberId: string; householdId: string; householdName: string }>(sql`
        SELECT l.member_id AS memberId, l.household_id AS householdId, h.head_name AS householdName
        FROM contact_household_links l JOIN households h ON h.id = l.household_id
        WHERE l.tenant_id = ${scope.tenantId} AND h.village_id = ${villageId} AND l.ended_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM contact_signoffs s WHERE s.tenant_id = l.tenant_id AND s.household_id = l.household_id AND s.month = ${month})
        ORDER BY h.head_name LIMIT 100`),
    ]);
    return c.json({ today, month, sessions, problemsDue, visitsNotSigned: unsigned });
  })
  .get('/member', allow('party_member'), async (c) => {
    const scope = c.var.scope!;
    const actor = c.var.actor!;
    const memberId = actor.kind === 'user' ? actor.memberId! : '';
    const month = shanghaiMonth();
    const [reports, visitsDue] = await Promise.all([
      // campaigns that rate this member: their own reports
      scope.db.all<{ campaignId: string; name: string; year: number }>(sql`
        SELECT c.id AS campaignId, c.name, c.year FROM evaluation_campaigns c
        WHERE c.tenant_id = ${scope.tenantId} AND c.subject_kind = 'member'
          AND EXISTS (SELECT 1 FROM evaluation_sessions s JOIN members m ON m.village_id = s.village_id
                      WHERE s.tenant_id = c.tenant_id AND s.campaign_id = c.id AND m.id = ${memberId})
        ORDER BY c.year DESC, c.created_at DESC LIMIT 10`),
      scope.db.all<{ householdId: string; householdName: string }>(sql`
        SELECT l.household_id AS householdId, h.head_name AS householdName
        FROM contact_household_links l JOIN households h ON h.id = l.household_id
        WHERE l.tenant_id = ${scope.tenantId} AND l.member_id = ${memberId} AND l.ended_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM contact_signoffs s WHERE s.tenant_id = l.tenant_id AND s.household_id = l.household_id AND s.month = ${month})
        ORDER BY h.head_name`),
    ]);
    return c.json({ month, memberId, reports, visitsDue });
  });
