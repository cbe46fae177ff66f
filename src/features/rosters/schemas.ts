import * as z from 'zod/mini';
import { idField, paging } from '../../platform/validate';

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(40));
const mobile = z.string().check(z.trim(), z.regex(/^1\d{10}$/));

export const villageInput = z.object({
  name,
  /** defaults to "<name>党支部" */
  branchName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(60))),
});

export const memberInput = z.object({
  villageId: idField,
  name,
  gender: z.optional(z.nullable(z.enum(['male', 'female']))),
  phone: z.optional(z.nullable(mobile)),
  birthYear: z.optional(z.nullable(z.int().check(z.gte(1900), z.lte(2100)))),
  joinedYear: z.optional(z.nullable(z.int().check(z.gte(1921), z.lte(2100)))),
  isCommittee: z._default(z.boolean(), false),
  isSecretary: z._default(z.boolean(), false),
  isReserveCadre: z._default(z.boolean(), false),
});

export const householdInput = z.object({
  villageId: idField,
  headName: name,
  address: z._default(z.string().check(z.trim(), z.maxLength(120)), ''),
  phone: z.optional(z.nullable(mobile)),
  size: z.optional(z.nullable(z.int().check(z.gte(1), z.lte(99)))),
  isHardship: z._default(z.boolean(), false),
  isCriticallyIll: z._default(z.boolean(), false),
  isEmptyNest: z._default(z.boolean(), false),
  isLeftBehind: z._default(z.boolean(), false),
  isPetitioner: z._default(z.boolean(), false),
});

export const listQuery = z.object({
  villageId: z.optional(idField),
  q: z.optional(z.string().check(z.trim(), z.maxLength(40))),
  ...paging,
});
