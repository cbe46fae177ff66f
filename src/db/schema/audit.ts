import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** The chain of events that are no township's: platform accounts, county viewers, the registry. */
export const PLATFORM_CHAIN = 'platform';

/**
 * The audit trail (docs/audit.md): append-only, enforced by triggers (migrations/0007_audit.sql). A row is
 * born unsealed (hash NULL) in the same batch as the change it records, with the next seq of its chain; a
 * sealing step then sets prev_hash and hash in seq order, the one UPDATE the triggers allow. No foreign key
 * to tenants: the trail outlives a township removed from the registry.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    /** a tenant's id, or PLATFORM_CHAIN */
    chain: text('chain').notNull(),
    seq: integer('seq').notNull(),
    /** UTC instant, ISO-8601 with milliseconds */
    at: text('at').notNull(),
    tenantId: text('tenant_id'),
    /** an account id, 'system' (jobs) or 'anonymous' (a public form) */
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    outcome: text('outcome', { enum: ['ok', 'refused'] }).notNull(),
    requestId: text('request_id'),
    clientIp: text('client_ip'),
    /** JSON { field: [before, after] } with personal fields masked; or a summary such as { rows: n } */
    changes: text('changes'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    uniqueIndex('audit_events_chain_seq').on(t.chain, t.seq),
    index('audit_events_chain_at').on(t.chain, t.at),
    index('audit_events_unsealed').on(t.chain, t.seq).where(sql`${t.hash} IS NULL`),
    check('audit_events_seq', sql`${t.seq} > 0`),
  ],
);

/** One month of a chain written to the archive (gzip JSON Lines) with its head: only then may its rows be pruned. */
export const auditArchives = sqliteTable(
  'audit_archives',
  {
    chain: text('chain').notNull(),
    /** YYYY-MM (UTC) */
    month: text('month').notNull(),
    firstSeq: integer('first_seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    /** the hash of the month's last row: the chain continues from it once the rows are pruned */
    headHash: text('head_hash').notNull(),
    rows: integer('rows').notNull(),
    /** the archive object's key and the SHA-256 of its bytes */
    objectKey: text('object_key').notNull(),
    objectSha256: text('object_sha256').notNull(),
    archivedAt: text('archived_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chain, t.month] })],
);
