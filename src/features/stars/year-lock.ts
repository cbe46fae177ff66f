import type { Db } from '../../db/client';
import { AppError } from '../../platform/errors';
import { finalisation } from './year-verbs';

/** Data of a final year (income, red-line records) changes only after an explicit re-opening. */
export async function assertYearOpen(db: Db, tenantId: string, year: number): Promise<void> {
  if (await finalisation(db, tenantId, year)) throw new AppError(409, 'stars.year_finalised', { year });
}
