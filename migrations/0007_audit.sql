CREATE TABLE `audit_archives` (
	`chain` text NOT NULL,
	`month` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`head_hash` text NOT NULL,
	`rows` integer NOT NULL,
	`object_key` text NOT NULL,
	`object_sha256` text NOT NULL,
	`archived_at` text NOT NULL,
	PRIMARY KEY(`chain`, `month`)
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`chain` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`tenant_id` text,
	`actor_id` text NOT NULL,
	`actor_role` text,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`outcome` text NOT NULL,
	`request_id` text,
	`client_ip` text,
	`changes` text,
	`prev_hash` text,
	`hash` text,
	CONSTRAINT "audit_events_seq" CHECK("audit_events"."seq" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_chain_seq` ON `audit_events` (`chain`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_chain_at` ON `audit_events` (`chain`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_unsealed` ON `audit_events` (`chain`,`seq`) WHERE "audit_events"."hash" IS NULL;--> statement-breakpoint
-- Append-only, enforced here rather than trusted to the app (docs/audit.md). A row is born unsealed with the next seq of its chain.
CREATE TRIGGER `audit_events_append_only_insert` BEFORE INSERT ON `audit_events`
WHEN NEW.`hash` IS NOT NULL OR NEW.`prev_hash` IS NOT NULL
  OR NEW.`seq` IS NOT max(
    coalesce((SELECT max(e.`seq`) FROM `audit_events` e WHERE e.`chain` = NEW.`chain`), 0),
    coalesce((SELECT max(a.`last_seq`) FROM `audit_archives` a WHERE a.`chain` = NEW.`chain`), 0)) + 1
BEGIN SELECT RAISE(ABORT, 'audit_events: a row is inserted unsealed, with the next seq of its chain'); END;
--> statement-breakpoint
-- The one UPDATE allowed: sealing (hash from NULL to a SHA-256), linked to the sealed predecessor, nothing else changed.
CREATE TRIGGER `audit_events_append_only_update` BEFORE UPDATE ON `audit_events`
WHEN NOT (OLD.`hash` IS NULL AND NEW.`hash` IS NOT NULL AND length(NEW.`hash`) = 64 AND NEW.`prev_hash` IS NOT NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`chain` IS OLD.`chain` AND NEW.`seq` IS OLD.`seq` AND NEW.`at` IS OLD.`at`
  AND NEW.`tenant_id` IS OLD.`tenant_id` AND NEW.`actor_id` IS OLD.`actor_id` AND NEW.`actor_role` IS OLD.`actor_role`
  AND NEW.`action` IS OLD.`action` AND NEW.`entity` IS OLD.`entity` AND NEW.`entity_id` IS OLD.`entity_id`
  AND NEW.`outcome` IS OLD.`outcome` AND NEW.`request_id` IS OLD.`request_id` AND NEW.`client_ip` IS OLD.`client_ip`
  AND NEW.`changes` IS OLD.`changes`
  AND NEW.`prev_hash` IS coalesce(
    (SELECT p.`hash` FROM `audit_events` p WHERE p.`chain` = OLD.`chain` AND p.`seq` = OLD.`seq` - 1),
    (SELECT a.`head_hash` FROM `audit_archives` a WHERE a.`chain` = OLD.`chain` AND a.`last_seq` = OLD.`seq` - 1),
    CASE WHEN OLD.`seq` = 1 THEN '0000000000000000000000000000000000000000000000000000000000000000' END))
BEGIN SELECT RAISE(ABORT, 'audit_events: append-only; only sealing an unsealed row in order is allowed'); END;
--> statement-breakpoint
-- Pruning: only sealed rows at least 180 days old whose seq lies in an archived month.
CREATE TRIGGER `audit_events_append_only_delete` BEFORE DELETE ON `audit_events`
WHEN OLD.`hash` IS NULL OR OLD.`at` >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-180 days')
  OR NOT EXISTS (SELECT 1 FROM `audit_archives` a WHERE a.`chain` = OLD.`chain` AND OLD.`seq` BETWEEN a.`first_seq` AND a.`last_seq`)
BEGIN SELECT RAISE(ABORT, 'audit_events: only rows of an archived month older than 180 days may be pruned'); END;
--> statement-breakpoint
-- Archives follow one another without a gap or overlap, and once recorded never change.
CREATE TRIGGER `audit_archives_contiguous` BEFORE INSERT ON `audit_archives`
WHEN NEW.`first_seq` IS NOT coalesce((SELECT max(a.`last_seq`) FROM `audit_archives` a WHERE a.`chain` = NEW.`chain`), 0) + 1
  OR NEW.`last_seq` < NEW.`first_seq`
BEGIN SELECT RAISE(ABORT, 'audit_archives: a month follows the last archived one'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_update` BEFORE UPDATE ON `audit_archives`
BEGIN SELECT RAISE(ABORT, 'audit_archives: append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_delete` BEFORE DELETE ON `audit_archives`
BEGIN SELECT RAISE(ABORT, 'audit_archives: append-only'); END;
