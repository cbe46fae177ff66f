import { and, asc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { audit } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { memberGrades, members } from '../../db/schema';
import type { MemberGrade } from '../../domain/rating';
import { badRequest, notFound } from '../../platform/errors';
import { parseSettings } from '../../tenancy/settings';
import { assertYearOpen, yearComposites } from '../stars';
import { proposeGrades } from './rules';

/**
 * 民主评议党员 of one branch-year: each evaluated member's composite, the grade the evaluation proposes
 * (thresholds and 优秀's cap, over the branch's evaluated members) and the grade the branch meeting decided.
 */
export async function branchGrades(c: Context<AppEnv>, year: number, villageId: string) {
  const scope = c.var.scope!;
  const [roster, composites, decided] = await Promise.all([
    scope.db.select({ id: members.id, name: members.name }).from(members).where(scope.where(members, eq(members.villageId, villageId))).orderBy(asc(members.name)),
    yearComposites(scope.db, scope.tenantId, year),
    scope.db.select().from(memberGrades).where(scope.where(memberGrades, eq(memberGrades.year, year), eq(memberGrades.villageId, villageId))),
  ]);
  const onRoster = new Map(roster.map((m) => [m.id, m.name]));
  const evaluated = composites.filter((r) => r.subjectKind === 'member' && r.complete && onRoster.has(r.subjectId)).map((r) => ({ id: r.subjectId, composite: r.composite }));
  const proposed = proposeGrades(evaluated, parseSettings(c.var.tenant!.settings).rating.grades);
  const decidedBy = new Map(decided.map((d) => [d.memberId, d]));
  return evaluated.map((m) => {
    const d = decidedBy.get(m.id);
    return {
      memberId: m.id,
      name: onRoster.get(m.id)!,
      composite: m.composite,
      proposedGrade: proposed.get(m.id)!.grade,
      cappedByShare: proposed.get(m.id)!.capped,
      grade: d?.grade ?? null,
      reason: d?.reason ?? null,
      meetingOn: d?.meetingOn ?? null,
      meetingNote: d?.meetingNote ?? null,
    };
  });
}

/** The branch meeting's decision on a member's grade, recorded with the meeting; 不合格 needs a reason. */
export async function decideGrade(
  c: Context<AppEnv>,
  year: number,
  memberId: string,
  body: { grade: MemberGrade; reason?: string; meetingOn: string; meetingNote: string },
) {
  const scope = c.var.scope!;
  await assertYearOpen(scope.db, scope.tenantId, year);
  const member = await scope.find(members, memberId);
  if (!member) throw notFound('rating.member_not_found');
  const own = c.var.actor?.kind === 'user' ? c.var.actor.villageId : undefined;
  if (own && own !== member.villageId) throw notFound('rating.member_not_found');
  if (body.grade === 'unqualified' && !body.reason) throw badRequest('rating.unqualified_reason');
  const row = (await branchGrades(c, year, member.villageId)).find((g) => g.memberId === memberId);
  if (!row) throw badRequest('rating.grade_not_evaluated');
  const values = {
    year,
    memberId,
    villageId: member.villageId,
    composite: row.composite,
    proposedGrade: row.proposedGrade,
    grade: body.grade,
    reason: body.reason ?? null,
    meetingOn: body.meetingOn,
    meetingNote: body.meetingNote,
    decidedBy: actorId(c.var.actor),
    decidedAt: new Date().toISOString(),
  };
  await scope.db.batch([
    scope
      .insert(memberGrades, [values])
      .onConflictDoUpdate({ target: [memberGrades.tenantId, memberGrades.year, memberGrades.memberId], set: values }),
    audit(c, { action: 'rating.member_grade', entity: 'member_grade', entityId: `${year}:${memberId}`, before: row.grade ? { grade: row.grade, reason: row.reason } : null, after: values }),
  ]);
  return { ...row, grade: body.grade, reason: values.reason, meetingOn: body.meetingOn, meetingNote: body.meetingNote };
}

/** A member's own grade of a year, if the branch meeting decided it. */
export async function ownGrade(c: Context<AppEnv>, year: number, memberId: string) {
  const scope = c.var.scope!;
  const [row] = await scope.db
    .select({ grade: memberGrades.grade, proposedGrade: memberGrades.proposedGrade, composite: memberGrades.composite, meetingOn: memberGrades.meetingOn, reason: memberGrades.reason })
    .from(memberGrades)
    .where(scope.where(memberGrades, and(eq(memberGrades.year, year), eq(memberGrades.memberId, memberId))));
  return row ?? null;
}
