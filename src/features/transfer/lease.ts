import { and, eq, lt, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { townshipImportLeases } from '../../db/schema';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';

/**
 * How long an import's lease on its township holds unrenewed. A running import renews it before each part of
 * rows it writes (at most PART_BYTES or PAGE_ROWS); one that was cut off (its process stopped, its request ended)
 * stops renewing, and once this has passed another import may take the township over and remove what the first
 * staged. Far above any pause of a live import between two parts.
 */
export const IMPORT_LEASE_MS = 10 * 60_000;

/** Refused: another import holds the township. */
const inProgress = () => new AppError(409, 'transfer.import_in_progress', { minutes: IMPORT_LEASE_MS / 60_000 });

/** A lease an import holds on one township: renewed as it works, checked by the writes that must be its own. */
export interface ImportLease {
  townshipId: string;
  token: string;
  /** renews the lease before a write; throws 409 if another import has taken it over (this one had lapsed) */
  keep(): Promise<void>;
  /** SQL true while this lease is still the township's: a condition for the statements that must be this import's */
  held(): ReturnType<typeof sql>;
  /** the statement that gives the lease up, for the batch that ends the import */
  release(): BatchItem<'sqlite'>;
}

/**
 * Takes the township's import lease (one statement: a fresh lease, or one lapsed for IMPORT_LEASE_MS, becomes
 * this import's), or refuses 409 while another import holds it.
 */
export async function takeImportLease(db: Db, townshipId: string): Promise<ImportLease> {
  const token = newId();
  const renewedAt = new Date();
  const [taken] = await db
    .insert(townshipImportLeases)
    .values({ townshipId, token, renewedAt: renewedAt.toISOString() })
    .onConflictDoUpdate({
      target: townshipImportLeases.townshipId,
      set: { token, renewedAt: renewedAt.toISOString() },
      setWhere: lt(townshipImportLeases.renewedAt, new Date(renewedAt.getTime() - IMPORT_LEASE_MS).toISOString()),
    })
    .returning({ token: townshipImportLeases.token });
  if (taken?.token !== token) throw inProgress();
  const mine = and(eq(townshipImportLeases.townshipId, townshipId), eq(townshipImportLeases.token, token));
  return {
    townshipId,
    token,
    async keep() {
      const renewed = await db.update(townshipImportLeases).set({ renewedAt: new Date().toISOString() }).where(mine).returning({ token: townshipImportLeases.token });
      if (!renewed.length) throw inProgress();
    },
    held: () => sql`EXISTS (SELECT 1 FROM township_import_leases l WHERE l.township_id = ${townshipId} AND l.token = ${token})`,
    release: () => db.delete(townshipImportLeases).where(mine) as unknown as BatchItem<'sqlite'>,
  };
}
