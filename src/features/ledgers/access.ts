import type { Actor } from '../../auth/actor';

/** Who is recorded as having written a row: the account, or "system" for jobs. */
export function actorId(actor: Actor | undefined): string {
  return actor?.kind === 'user' ? actor.accountId : 'system';
}

export { assertVillageVisible, ownVillage } from '../rosters/village-access';
