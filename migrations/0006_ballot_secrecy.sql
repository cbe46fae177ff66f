-- Ballot secrecy (docs/ballot-secrecy.md): the ballot box (evaluation_ballots, evaluation_ballot_answers) keeps what
-- was voted and nothing about who or when; the poll book keeps who voted on which subject; counters count passes
-- and hand-overs. Every new or rebuilt table of the voting path is WITHOUT ROWID with random keys, so rows sit in key order and
-- their arrival order cannot be read back. Existing ballots get new random ids (their old ids began with the time).
-- Hand-written from drizzle-kit's output. D1 ignores PRAGMA foreign_keys and deferred checks still fail on rows whose
-- parent is dropped, so the old ballots go to plain copies first, the sessions are rebuilt while nothing points at
-- them, and the new tables are created under their final names and filled from the copies.
PRAGMA defer_foreign_keys = on;
--> statement-breakpoint
-- 1. the old ballots and answers as plain copies (no keys, no foreign keys), then the old tables go, children first
CREATE TABLE `_old_ballots` AS SELECT * FROM `evaluation_ballots`;
--> statement-breakpoint
CREATE TABLE `_old_answers` AS SELECT * FROM `evaluation_ballot_answers`;
--> statement-breakpoint
DROP TABLE `evaluation_ballot_answers`;
--> statement-breakpoint
DROP TABLE `evaluation_ballots`;
--> statement-breakpoint
-- 2. the sessions rebuilt (the salt may now be erased before a close; the tally's root and count), nothing pointing at them
CREATE TABLE `__new_evaluation_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`booking_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`village_id` text NOT NULL,
	`code` text NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`salt` text,
	`opened_by` text NOT NULL,
	`created_at` text NOT NULL,
	`closed_at` text,
	`tally_root` text,
	`tally_count` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`booking_id`) REFERENCES `evaluation_bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_sessions_sealed" CHECK("__new_evaluation_sessions"."tally_root" IS NULL OR "__new_evaluation_sessions"."closed_at" IS NOT NULL)
);
--> statement-breakpoint
INSERT INTO `__new_evaluation_sessions`("id", "tenant_id", "booking_id", "campaign_id", "village_id", "code", "opens_at", "closes_at", "salt", "opened_by", "created_at", "closed_at", "tally_root", "tally_count")
SELECT "id", "tenant_id", "booking_id", "campaign_id", "village_id", "code", "opens_at", "closes_at", "salt", "opened_by", "created_at", "closed_at", NULL, NULL FROM `evaluation_sessions`;
--> statement-breakpoint
DROP TABLE `evaluation_sessions`;
--> statement-breakpoint
ALTER TABLE `__new_evaluation_sessions` RENAME TO `evaluation_sessions`;
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_sessions_booking` ON `evaluation_sessions` (`tenant_id`,`booking_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_sessions_code` ON `evaluation_sessions` (`tenant_id`,`code`);
--> statement-breakpoint
CREATE INDEX `evaluation_sessions_campaign` ON `evaluation_sessions` (`tenant_id`,`campaign_id`,`village_id`);
--> statement-breakpoint
-- 3. the voting path's tables under their final names
CREATE TABLE `evaluation_ballot_tickets` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`pass_hash` text,
	PRIMARY KEY(`tenant_id`, `session_id`, `code_hash`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `evaluation_poll_book` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`voter_hash` text NOT NULL,
	`rater_group` text NOT NULL,
	`pass_hash` text,
	`submission` text NOT NULL,
	`receipt` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `session_id`, `subject_kind`, `subject_id`, `voter_hash`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_poll_book_receipt` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`receipt`);
--> statement-breakpoint
CREATE INDEX `evaluation_poll_book_submission` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`submission`);
--> statement-breakpoint
CREATE INDEX `evaluation_poll_book_voter` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`voter_hash`);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_poll_book_pass` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`subject_kind`,`subject_id`,`pass_hash`) WHERE rater_group = 'villager' AND pass_hash IS NOT NULL;
--> statement-breakpoint
CREATE TABLE `evaluation_raised_problems` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`village_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`year` integer NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `evaluation_raised_problems_session` ON `evaluation_raised_problems` (`tenant_id`,`session_id`);
--> statement-breakpoint
CREATE TABLE `evaluation_session_counts` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `session_id`, `name`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `evaluation_ballots` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`rater_group` text NOT NULL,
	`channel` text NOT NULL,
	`points` integer NOT NULL,
	`max_points` integer NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_ballots_points" CHECK("evaluation_ballots"."max_points" > 0 AND "evaluation_ballots"."points" >= 0 AND "evaluation_ballots"."points" <= "evaluation_ballots"."max_points"),
	CONSTRAINT "evaluation_ballots_comment" CHECK(length("evaluation_ballots"."comment") <= 500)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `evaluation_ballots_campaign_subject` ON `evaluation_ballots` (`tenant_id`,`campaign_id`,`subject_kind`,`subject_id`,`rater_group`);
--> statement-breakpoint
CREATE INDEX `evaluation_ballots_session` ON `evaluation_ballots` (`tenant_id`,`session_id`);
--> statement-breakpoint
CREATE TABLE `evaluation_ballot_answers` (
	`tenant_id` text NOT NULL,
	`ballot_id` text NOT NULL,
	`item_key` text NOT NULL,
	`points` integer NOT NULL,
	`max_points` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `ballot_id`, `item_key`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ballot_id`) REFERENCES `evaluation_ballots`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "evaluation_ballot_answers_points" CHECK("evaluation_ballot_answers"."max_points" > 0 AND "evaluation_ballot_answers"."points" >= 0 AND "evaluation_ballot_answers"."points" <= "evaluation_ballot_answers"."max_points")
) WITHOUT ROWID;
--> statement-breakpoint
-- 4. filled from the copies: the poll book from what the old ballots knew of their voters, the ballot box with new random ids
INSERT INTO `evaluation_poll_book`("tenant_id", "session_id", "subject_kind", "subject_id", "voter_hash", "rater_group", "pass_hash", "submission", "receipt")
SELECT "tenant_id", "session_id", "subject_kind", "subject_id", "voter_hash", "rater_group", "device_hash", "client_key", "receipt" FROM `_old_ballots`;
--> statement-breakpoint
CREATE TABLE `_ballot_ids` (`old` text PRIMARY KEY NOT NULL, `new` text NOT NULL) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `_ballot_ids`(`old`, `new`) SELECT `id`, lower(hex(randomblob(10))) FROM `_old_ballots`;
--> statement-breakpoint
INSERT INTO `evaluation_ballots`("id", "tenant_id", "session_id", "campaign_id", "subject_kind", "subject_id", "rater_group", "channel", "points", "max_points", "comment")
SELECT m."new", b."tenant_id", b."session_id", b."campaign_id", b."subject_kind", b."subject_id", b."rater_group", b."channel", b."points", b."max_points", b."comment"
FROM `_old_ballots` b JOIN `_ballot_ids` m ON m."old" = b."id";
--> statement-breakpoint
INSERT INTO `evaluation_ballot_answers`("tenant_id", "ballot_id", "item_key", "points", "max_points")
SELECT a."tenant_id", m."new", a."item_key", a."points", a."max_points" FROM `_old_answers` a JOIN `_ballot_ids` m ON m."old" = a."ballot_id";
--> statement-breakpoint
DROP TABLE `_ballot_ids`;
--> statement-breakpoint
DROP TABLE `_old_answers`;
--> statement-breakpoint
DROP TABLE `_old_ballots`;
--> statement-breakpoint
-- problems raised on ballots no longer name their session
UPDATE `problems` SET `session_id` = NULL WHERE `source` = 'ballot';
