import { z } from 'zod';

/** A calendar date as the ledgers store it. */
export const isoDate = z.iso.date();
/** A calendar month, YYYY-MM. */
export const isoMonth = z.string().regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/);
export const yearParam = z.coerce.number().int().min(2000).max(2100);
