import * as z from 'zod/mini';
import { idField, paging, yearField, yearText } from '../../platform/validate';
import { INCOME_CATEGORIES } from './rules';

export const incomeEntryInput = z.object({
  villageId: idField,
  year: yearField,
  category: z.enum(INCOME_CATEGORIES),
  /** integer fen: ¥50,000 is 5000000 */
  amountFen: z.int().check(z.gte(0), z.lte(100_000_000_000)),
  note: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
});

export const incomeListQuery = z.object({
  year: z.optional(yearText),
  villageId: z.optional(idField),
  category: z.optional(z.enum(INCOME_CATEGORIES)),
  ...paging,
});

export const yearQuery = z.object({ year: z.optional(yearText) });
export const yearParam = z.object({ year: yearText });

export const incomeTargetInput = z.object({
  villagesAtLeastLow: z.int().check(z.gte(0), z.lte(10_000)),
  villagesAtLeastHigh: z.int().check(z.gte(0), z.lte(10_000)),
  note: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
});
