import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { CountyTownship } from '../../tenancy/county';
import { accountNames } from '../../auth/accounts';
import { auditEvents, objections, plaques, ratingEntries, ratingYears, villages } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import type { QuotaCut } from './rules';

/** Every branch's entry of a year with its village's name (one village only, for a secretary). */
export async function listEntries(scope: TenantScope, year: number, villageId?: string) {
  const rows = await scope.db
    .select({ entry: ratingEntries, villageName: villages.name })
    .from(ratingEntries)
    .innerJoin(villages, eq(villages.id, ratingEntries.villageId))
    .where(scope.where(ratingEntries, eq(ratingEntries.year, year), villageId ? eq(ratingEntries.villageId, villageId) : undefined))
    .orderBy(asc(villages.name));
  return rows.map(({ entry: { tenantId: _t, quotaCuts, ...entry }, villageName }) => ({ ...entry, villageName, quotaCuts: JSON.parse(quotaCuts) as QuotaCut[] }));
}

/**
 * A branch's timeline, in one query of the audit trail: the audited steps of its entry (nomination,
 * proposal, re-check, objections upheld), of the objections filed against it and their answers, and of its
 * year (opening, scoring, notice, naming and its plaques, a re-opening), oldest first, with who acted in
 * which role.
 */
export async function entryTimeline(scope: TenantScope, registry: Db, year: number, entryId: string | null) {
  const rows = await scope.db
    .select({ at: auditEvents.at, action: auditEvents.action, actorRole: auditEvents.actorRole, actorId: auditEvents.actorId, changes: auditEvents.changes })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.chain, scope.tenantId),
        or(
          and(eq(auditEvents.entity, 'rating_year'), eq(auditEvents.entityId, String(year))),
          entryId ? and(eq(auditEvents.entity, 'rating_entry'), eq(auditEvents.entityId, entryId)) : undefined,
          entryId
            ? and(eq(auditEvents.entity, 'rating_objection'), inArray(auditEvents.entityId, scope.db.select({ id: objections.id }).from(objections).where(scope.where(objections, eq(objections.ratingEntryId, entryId)))))
            : undefined,
        ),
      ),
    )
    .orderBy(asc(auditEvents.seq));
  const names = await accountNames(registry, rows.map((row) => row.actorId));
  return rows.map(({ changes, actorId, ...row }) => ({ ...row, actorName: names.get(actorId) ?? null, detail: timelineDetail(changes) }));
}

/** What a step's page shows of it: the levels, reasons and dates it set (never an objection's words or contact). */
const TIMELINE_FIELDS = ['appliedStars', 'proposedStars', 'proposalReason', 'recheckReason', 'cityReason', 'noticeStartsOn', 'noticeEndsOn', 'reason'] as const;
type TimelineDetail = Partial<Record<(typeof TIMELINE_FIELDS)[number], string | number | null>>;

function timelineDetail(changes: string | null): TimelineDetail {
  const diff = changes ? (JSON.parse(changes) as Record<string, [unknown, unknown]>) : {};
  const out: TimelineDetail = {};
  for (const field of TIMELINE_FIELDS) {
    const after = diff[field]?.[1];
    if (typeof after === 'string' || typeof after === 'number') out[field] = after;
  }
  return out;
}

/** The plaques of a year (授牌名单): branch, plaque, the organiser who awarded it, when. */
export async function listPlaques(scope: TenantScope, registry: Db, year: number) {
  const rows = await scope.db
    .select({ villageId: plaques.villageId, villageName: villages.name, kind: plaques.kind, awardedById: plaques.awardedBy, issuedAt: plaques.issuedAt })
    .from(plaques)
    .innerJoin(villages, eq(villages.id, plaques.villageId))
    // a plaque withdrawn by a re-opening no longer stands
    .where(scope.where(plaques, eq(plaques.year, year), isNull(plaques.withdrawnAt)))
    .orderBy(asc(plaques.kind), asc(villages.name));
  const names = await accountNames(registry, rows.map((row) => row.awardedById));
  return rows.map(({ awardedById, ...row }) => ({ ...row, awardedBy: names.get(awardedById) ?? null }));
}

/** The objections against a year's ratings, with the branch (contacts for the township's admins only). */
export async function listRatingObjections(scope: TenantScope, year: number) {
  return scope.db
    .select({
      id: objections.id,
      villageId: ratingEntries.villageId,
      villageName: villages.name,
      content: objections.content,
      contact: objections.contact,
      createdAt: objections.createdAt,
      answer: objections.answer,
      answeredAt: objections.answeredAt,
      upheld: objections.upheld,
    })
    .from(objections)
    .innerJoin(ratingEntries, eq(ratingEntries.id, objections.ratingEntryId))
    .innerJoin(villages, eq(villages.id, ratingEntries.villageId))
    .where(scope.where(objections, eq(ratingEntries.year, year)))
    .orderBy(asc(objections.createdAt));
}

/** Where every township of a county stands in a year's rating: step, deadlines, and counts by status (returned ones listed). */
export async function countyRatingOverview(db: Db, townships: readonly CountyTownship[], year: number) {
  const ids = townships.map((t) => t.id);
  const [years, entries] = ids.length
    ? await db.batch([
        db.select().from(ratingYears).where(and(inArray(ratingYears.tenantId, ids), eq(ratingYears.year, year))),
        db
          .select({ tenantId: ratingEntries.tenantId, villageId: ratingEntries.villageId, villageName: villages.name, status: ratingEntries.status, proposedStars: ratingEntries.proposedStars, recheckReason: ratingEntries.recheckReason, cityReason: ratingEntries.cityReason })
          .from(ratingEntries)
          .innerJoin(villages, eq(villages.id, ratingEntries.villageId))
          .where(and(inArray(ratingEntries.tenantId, ids), eq(ratingEntries.year, year))),
      ])
    : [[], []];
  return townships.map((t) => {
    const y = years.find((r) => r.tenantId === t.id);
    const own = entries.filter((e) => e.tenantId === t.id);
    const counts: Record<string, number> = {};
    for (const e of own) counts[e.status] = (counts[e.status] ?? 0) + 1;
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      step: y?.step ?? null,
      nominationDeadline: y?.nominationDeadline ?? null,
      noticeStartsOn: y?.noticeStartsOn ?? null,
      noticeEndsOn: y?.noticeEndsOn ?? null,
      namedAt: y?.namedAt ?? null,
      counts,
      awaiting: own.filter((e) => e.status === 'proposed' || e.status === 'county_confirmed').length,
      returned: own.filter((e) => e.status === 'returned').map(({ villageId, villageName, proposedStars, recheckReason, cityReason }) => ({ villageId, villageName, proposedStars, reason: cityReason ?? recheckReason })),
    };
  });
}
