CREATE TABLE `county_placements` (
	`county_id` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`frozen_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `shard_townships` (
	`township_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
-- Hand-written from here (docs/scaling.md). drizzle-kit also proposed rebuilding every tenant-owned table to drop
-- its foreign key to `tenants` (the schema no longer declares it: a shard has no `tenants`). Not done here: this
-- database is the registry and shard `main` at once, so those keys still hold in it, and rebuilding a parent table
-- on D1 (which ignores PRAGMA foreign_keys=OFF) would cascade-delete its children. New shards are created by
-- migrations/shard without them.
--
-- The trail of a township may now also be deleted while this database receives it (`arriving`: an import or a
-- county moving in, cleaned up after a failure) or gives it up (`leaving`: its county moved to another shard).
DROP TRIGGER `audit_events_append_only_delete`;--> statement-breakpoint
CREATE TRIGGER `audit_events_append_only_delete` BEFORE DELETE ON `audit_events`
WHEN NOT EXISTS (SELECT 1 FROM `tenants` t WHERE t.`id` = OLD.`tenant_id` AND t.`id` = OLD.`chain` AND t.`status` = 'importing')
  AND NOT EXISTS (SELECT 1 FROM `shard_townships` s WHERE s.`township_id` = OLD.`tenant_id` AND s.`township_id` = OLD.`chain`)
  AND (OLD.`hash` IS NULL OR OLD.`at` >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-180 days')
  OR NOT EXISTS (SELECT 1 FROM `audit_archives` a WHERE a.`chain` = OLD.`chain` AND OLD.`seq` BETWEEN a.`first_seq` AND a.`last_seq`))
BEGIN SELECT RAISE(ABORT, 'audit_events: only rows of an archived month older than 180 days may be pruned'); END;
--> statement-breakpoint
DROP TRIGGER `audit_archives_no_delete`;--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_delete` BEFORE DELETE ON `audit_archives`
WHEN NOT EXISTS (SELECT 1 FROM `tenants` t WHERE t.`id` = OLD.`chain` AND t.`status` = 'importing')
  AND NOT EXISTS (SELECT 1 FROM `shard_townships` s WHERE s.`township_id` = OLD.`chain`)
BEGIN SELECT RAISE(ABORT, 'audit_archives: append-only'); END;
--> statement-breakpoint
-- `arriving` unlocks the delete triggers, so it is only ever taken by a township this database holds no trail of
-- (as tenants_importing_only_new guards 'importing').
CREATE TRIGGER `shard_townships_arrive_empty` BEFORE INSERT ON `shard_townships`
WHEN NEW.`state` = 'arriving' AND (EXISTS (SELECT 1 FROM `audit_events` e WHERE e.`chain` = NEW.`township_id` OR e.`tenant_id` = NEW.`township_id`)
  OR EXISTS (SELECT 1 FROM `audit_archives` a WHERE a.`chain` = NEW.`township_id`))
BEGIN SELECT RAISE(ABORT, 'shard_townships: a township arrives only into an empty audit chain'); END;
--> statement-breakpoint
CREATE TRIGGER `shard_townships_no_update` BEFORE UPDATE ON `shard_townships`
BEGIN SELECT RAISE(ABORT, 'shard_townships: a state is inserted or deleted, never changed'); END;
--> statement-breakpoint
-- `leaving` unlocks them too, so here (the registry's database, shard main) it is taken only by a township whose
-- county the map has placed on another shard: the old copy after a move, or a copy a failed move left here.
CREATE TRIGGER `shard_townships_leave_placed_elsewhere` BEFORE INSERT ON `shard_townships`
WHEN NEW.`state` = 'leaving' AND NOT EXISTS (SELECT 1 FROM `tenants` t JOIN `county_placements` p ON p.`county_id` = t.`county_id`
  WHERE t.`id` = NEW.`township_id` AND p.`shard` <> 'main')
BEGIN SELECT RAISE(ABORT, 'shard_townships: a township leaves this database only once its county is placed on another shard'); END;
