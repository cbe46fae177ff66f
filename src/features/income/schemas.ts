import * as z from 'zod';
import { idField, paging, yearField, yearText } from '../../platform/validate';
import { INCOME_CATEGORIES } from './rules';

export const incomeEntryInput = z.object({
  villageId: idField,
  year: yearField,
  category: z.enum(INCOME_CATEGORIES),
  /** integer fen: ¥50,000 is 5000000 */
  amountFen: z.int().min(0).max(100_000_000_000),
  note: z.string().trim().max(200).default(''),
});

export const incomeListQuery = z.object({
  year: yearText.optional(),
  villageId: idField.optional(),
  category: z.enum(INCOME_CATEGORIES).optional(),
  ...paging,
});

export const yearQuery = z.object({ year: yearText.optional() });
export const yearParam = z.object({ year: yearText });

export const incomeTargetInput = z.object({
  villagesAtLeastLow: z.int().min(0).max(10_000),
  villagesAtLeastHigh: z.int().min(0).max(10_000),
  note: z.string().trim().max(200).default(''),
});
