import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt } from './columns';

export const SHARD_TOWNSHIP_STATES = ['arriving', 'leaving'] as const;

/**
 * Townships whose rows this database is receiving (an import, or a county moving in) or giving up (its county
 * moved out): the one state in which the audit triggers let their trail be deleted (migrations 0008, 0014 and
 * shard/0000). Kept in every database that holds tenant rows, because a shard has no `tenants` table to ask.
 * `township_id`, not `tenant_id`: the row is the database's bookkeeping, not the township's data, and is never exported.
 */
export const shardTownships = sqliteTable('shard_townships', {
  townshipId: text('township_id').primaryKey(),
  state: text('state', { enum: SHARD_TOWNSHIP_STATES }).notNull(),
  createdAt: createdAt(),
});
