import type { Role } from '../db/schema';
import type { Actor } from './actor';

/**
 * Who may read people's personal details: how to reach them (phone), where they live (address), a
 * household's circumstances (the 四必访 care tags), visit records and sign-off signatures, dispute parties.
 * The township and the village's own secretary (whose routes narrow them to their village); a party member
 * for the households they are linked to (their routes narrow them further). County viewers compare
 * villages: they see names and counts, never these details.
 */
export const PERSONAL_DATA_READERS: readonly Role[] = ['township_admin', 'village_secretary', 'party_member'];

/** The keys of an answer that carry personal details (see PERSONAL_DATA_READERS). */
export const PERSONAL_FIELDS = [
  'phone',
  'address',
  'idCard',
  'careTags',
  'isHardship',
  'isCriticallyIll',
  'isEmptyNest',
  'isLeftBehind',
  'isPetitioner',
  'parties',
] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** Whether the actor sees personal details of the people in the rows it may read (jobs do). */
export function seesPersonalDetails(actor: Actor | undefined): boolean {
  if (!actor) return false;
  return actor.kind === 'system' || PERSONAL_DATA_READERS.includes(actor.role);
}

/** The row as the actor may see it: without its personal fields for those who may not (county viewers). */
export function withoutPersonalDetails<T extends object>(actor: Actor | undefined, row: T): WithoutPersonalDetails<T> {
  if (seesPersonalDetails(actor)) return row;
  const copy = { ...row } as Record<string, unknown>;
  for (const key of PERSONAL_FIELDS) delete copy[key];
  return copy as WithoutPersonalDetails<T>;
}

/** A row as some readers see it: its personal fields may be absent (one type for the pages, whoever reads). */
export type WithoutPersonalDetails<T> = Omit<T, PersonalField> & Partial<Pick<T, Extract<keyof T, PersonalField>>>;
