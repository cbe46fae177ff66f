import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { allow } from '../../auth/guard';
import { PERSONAL_DATA_READERS } from '../../auth/personal-data';
import { households, members, villages } from '../../db/schema';
import { AppError, badRequest, notFound } from '../../platform/errors';
import { translate } from '../../platform/i18n';
import { ownVillage } from '../rosters';

export type Ctx = Context<AppEnv>;

export const MANAGERS = ['township_admin', 'village_secretary'] as const;
export const RECORDERS = ['township_admin', 'village_secretary', 'party_member'] as const;
/**
 * County viewers see the network (who links whom, by name, and the counts) but not what is personal: a
 * household's address, the visit records (findings, requests, categories such as 困难家庭), the sign-off
 * signatures, or the coverage report (its must-visit list is the list of care-tagged households).
 */
export const PERSONAL_READERS = allow(...PERSONAL_DATA_READERS);

/** A party member acts only as themselves; the township and the village's secretary for anyone they see. */
export function actingMember(c: Ctx, requested: string | undefined): string {
  const actor = c.var.actor;
  if (actor?.kind === 'user' && actor.role === 'party_member') {
    if (requested && requested !== actor.memberId) throw new AppError(403, 'contact.own_visits_only');
    return actor.memberId!;
  }
  if (!requested) throw badRequest('error.validation', {}, [{ path: 'memberId', message: translate(c.var.locale, 'validation.required') }]);
  return requested;
}

/** The one village a secretary or a party member works in (undefined: the township's roles see all). */
function actorVillage(c: Ctx): string | undefined {
  const actor = c.var.actor;
  return ownVillage(actor) ?? (actor?.kind === 'user' && actor.role === 'party_member' ? actor.villageId : undefined);
}

/** The village a list is about: a secretary's or member's own; others must say which (or see all where allowed). */
export function listVillage(c: Ctx, requested: string | undefined): string | undefined {
  const own = actorVillage(c);
  if (own && requested && requested !== own) throw notFound('rosters.village_not_found');
  return own ?? requested;
}

/** A member or household of another village is, for a secretary or a party member, as if it did not exist. */
async function findInVillage<T extends typeof members | typeof households>(c: Ctx, table: T, id: string, missing: 'contact.member_not_found' | 'contact.household_not_found') {
  const row = await c.var.scope!.find(table, id);
  const own = actorVillage(c);
  if (!row || (own && own !== row.villageId)) throw notFound(missing);
  return row;
}

export const findMember = (c: Ctx, memberId: string) => findInVillage(c, members, memberId, 'contact.member_not_found');
export const findHousehold = (c: Ctx, householdId: string) => findInVillage(c, households, householdId, 'contact.household_not_found');

/** Village-level reports need a village: a secretary's own, or the one asked for. */
export async function reportVillage(c: Ctx, requested: string | undefined): Promise<string> {
  const villageId = listVillage(c, requested);
  if (!villageId) throw badRequest('error.validation', {}, [{ path: 'villageId', message: translate(c.var.locale, 'validation.required') }]);
  if (!(await c.var.scope!.find(villages, villageId))) throw notFound('rosters.village_not_found');
  return villageId;
}
