import { and, eq, isNull } from 'drizzle-orm';
import type { Recorder } from '../../audit/record';
import { contactVisits, problems } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';
import { newId } from '../../platform/ids';
import { insertProblems } from '../problems';

export interface RaiseProblemInput {
  /** the problem as it goes on the list; defaults to what the visit found (and the household's request) */
  content?: string;
  measure?: string;
  deadline?: string | null;
}

/**
 * A problem found on a visit flows into the branch's problem list (问题清单, source "visit"), where it is
 * rectified, committed to by the branch and made public. One batch: the problem and the visit's link to it;
 * the visit's `problem_id IS NULL` guard makes a second raise change nothing.
 */
export async function raiseProblemFromVisit(
  scope: TenantScope,
  visit: typeof contactVisits.$inferSelect,
  input: RaiseProblemInput,
  actorId: string,
  record: Recorder,
): Promise<string | null> {
  const problemId = newId();
  const content = input.content ?? [visit.findings, visit.request].filter(Boolean).join(';');
  const [insert] = insertProblems(scope, [
    {
      id: problemId,
      villageId: visit.villageId,
      subjectKind: 'branch',
      subjectId: visit.villageId,
      source: 'visit',
      year: Number(visit.visitedOn.slice(0, 4)),
      content: content.slice(0, 1000),
      measure: input.measure ?? '',
      deadline: input.deadline ?? null,
      createdBy: actorId,
    },
  ]);
  const [, linked] = await scope.db.batch([
    insert,
    scope.db
      .update(contactVisits)
      .set({ problemId })
      .where(scope.where(contactVisits, and(eq(contactVisits.id, visit.id), isNull(contactVisits.problemId))))
      .returning({ id: contactVisits.id }),
    // right after the guarded link: no row when someone else raised it first (our copy is withdrawn below)
    record({ action: 'problem.raise_from_visit', entity: 'problem', entityId: problemId, summary: { visitId: visit.id }, onlyIfChanged: true }),
  ]);
  if (!linked.length) {
    // raised concurrently by someone else: withdraw our copy
    await scope.delete(problems, problemId);
    return null;
  }
  return problemId;
}
