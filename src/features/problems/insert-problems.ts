import { insertStatements } from '../../db/batch';
import { problems } from '../../db/schema';
import type { TenantScope } from '../../db/tenant-scope';

type ProblemRow = typeof problems.$inferInsert;

/** A problem for the list (问题清单), from wherever it is raised: the township's form, a visit, a ballot. */
export type NewProblem = Pick<ProblemRow, 'villageId' | 'subjectKind' | 'subjectId' | 'source' | 'year' | 'content'> &
  Partial<Pick<ProblemRow, 'id' | 'measure' | 'deadline' | 'owner' | 'createdBy'>> & {
    /** when it joined the list (its created and updated time); now when not given */
    raisedAt?: string;
  };

/**
 * The one writer of problem rows: the INSERTs of db/batch.ts's insertStatements, to await (one problem:
 * `const [insert] = insertProblems(…)`) or to put in the caller's batch beside its own writes.
 */
export function insertProblems(scope: TenantScope, rows: NewProblem[]) {
  return insertStatements(
    scope.db,
    problems,
    rows.map(({ raisedAt, ...problem }) => ({ ...problem, tenantId: scope.tenantId, ...(raisedAt ? { createdAt: raisedAt, updatedAt: raisedAt } : {}) })),
  );
}
