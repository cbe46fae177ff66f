import type { Actor } from '../../auth/actor';
import { notFound } from '../../platform/errors';

/** A village secretary sees and changes only their own village; other township roles see all. */
export function ownVillage(actor: Actor | undefined): string | undefined {
  return actor?.kind === 'user' && actor.role === 'village_secretary' ? actor.villageId : undefined;
}

/** The village a list is narrowed to: a secretary's own (asking for another answers 404), else the one asked for, if any. */
export function listedVillage(actor: Actor | undefined, requested: string | undefined): string | undefined {
  const own = ownVillage(actor);
  if (own && requested && requested !== own) throw notFound('rosters.village_not_found');
  return own ?? requested;
}

/** Rows of another village are, for a secretary, as if they did not exist. */
export function assertVillageVisible(actor: Actor | undefined, villageId: string): void {
  const own = ownVillage(actor);
  if (own && own !== villageId) throw notFound();
}
