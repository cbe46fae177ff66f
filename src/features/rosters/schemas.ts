import * as z from 'zod';
import { idField, paging } from '../../platform/validate';

const name = z.string().trim().min(1).max(40);
const mobile = z.string().trim().regex(/^1\d{10}$/);

export const villageInput = z.object({
  name,
  /** defaults to "<name>党支部" */
  branchName: z.string().trim().min(1).max(60).optional(),
});

export const memberInput = z.object({
  villageId: idField,
  name,
  gender: z.enum(['male', 'female']).nullable().optional(),
  phone: mobile.nullable().optional(),
  birthYear: z.int().min(1900).max(2100).nullable().optional(),
  joinedYear: z.int().min(1921).max(2100).nullable().optional(),
  isCommittee: z.boolean().default(false),
  isSecretary: z.boolean().default(false),
  isReserveCadre: z.boolean().default(false),
});

export const householdInput = z.object({
  villageId: idField,
  headName: name,
  address: z.string().trim().max(120).default(''),
  phone: mobile.nullable().optional(),
  size: z.int().min(1).max(99).nullable().optional(),
  isHardship: z.boolean().default(false),
  isCriticallyIll: z.boolean().default(false),
  isEmptyNest: z.boolean().default(false),
  isLeftBehind: z.boolean().default(false),
  isPetitioner: z.boolean().default(false),
});

export const listQuery = z.object({
  villageId: idField.optional(),
  q: z.string().trim().max(40).optional(),
  ...paging,
});
